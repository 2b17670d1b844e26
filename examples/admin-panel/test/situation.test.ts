import type { SessionError, WppErrorCode } from '@wpp-sessions/react';
import { describe, expect, it } from 'vitest';
import { type SituationFacts, situationOf } from '../src/panel/situation.js';

const base: SituationFacts = {
  status: 'connected',
  reason: null,
  detail: null,
  error: null,
  isNew: false,
  integrationId: '00000000-0000-4000-8000-000000000001',
  canRecreate: false,
};
const facts = (patch: Partial<SituationFacts>): SituationFacts => ({ ...base, ...patch });
const error = (code: WppErrorCode, message = 'x'): SessionError => ({ code, message, retryable: false });

describe('situationOf', () => {
  it('tells every situation apart, none of them "Отключено" (the word of the "Отключить" button)', () => {
    const all = [
      facts({ status: 'creating', integrationId: null, isNew: true }),
      facts({ status: 'checking' }),
      facts({ status: 'connected' }),
      facts({ status: 'qr_issued' }),
      facts({ status: 'disconnected', reason: 'offline', detail: 'Account is offline' }),
      facts({
        status: 'disconnected',
        reason: 'offline',
        detail: 'wppApiKey or wppAccountNumber not configured',
      }),
      facts({ status: 'disconnected', reason: 'qr_expired', isNew: true }),
      facts({ status: 'disconnected', reason: 'qr_expired' }),
      facts({ status: 'disconnected', reason: 'cancelled' }),
      facts({ status: 'disconnecting' }),
      facts({ status: 'error', error: error('network'), integrationId: null, isNew: true }),
    ];
    const texts = all.map((f) => situationOf(f));
    const disconnectFailed = situationOf(facts({ status: 'error', error: error('server') }), true);
    const invalidKey = situationOf(
      facts({ status: 'error', error: error('unauthorized', 'INVALID_API_KEY'), canRecreate: true }),
    );
    const damaged = situationOf(facts({ status: 'error', error: error('invalid_record') }));
    const labels = [...texts, disconnectFailed, invalidKey, damaged].map((t) => t.label);
    expect(labels).toEqual([
      'Создание…',
      'Проверка…',
      'Подключено',
      'Ожидает сканирования QR',
      'Не в сети',
      'Не настроено',
      'QR не отсканирован',
      'QR-код истёк',
      'Подключение отменено',
      'Отключение…',
      'Не удалось создать',
      'Не удалось отключить',
      'Ключ API недействителен',
      'Запись повреждена',
    ]);
    expect(new Set(labels).size).toBe(labels.length);
    expect(labels).not.toContain('Отключено');
  });

  it('names an error by its code when it is none of the named situations', () => {
    expect(situationOf(facts({ status: 'error', error: error('network') })).label).toBe(
      'Нет связи с сервером',
    );
    expect(situationOf(facts({ status: 'error', error: error('forbidden') })).label).toBe('Нет доступа');
    expect(situationOf(facts({ status: 'error', error: error('rate_limited') })).label).toBe(
      'Слишком много запросов',
    );
    expect(situationOf(facts({ status: 'error', error: error('deadline_exceeded') })).label).toBe(
      'Сервер не отвечает',
    );
  });

  it('says what happened to a number that was never linked, and only an added one is "never linked"', () => {
    const added = situationOf(facts({ status: 'disconnected', reason: 'qr_expired', isNew: true }));
    expect(added.situation).toBe('never_linked');
    expect(added.sentence).toMatch(/^Номер так и не подключили: QR-код истёк/);
    expect(situationOf(facts({ status: 'disconnected', reason: 'qr_expired' })).situation).toBe('qr_expired');
    // A new number being removed is deleted, not "disconnected".
    expect(situationOf(facts({ status: 'disconnecting', isNew: true })).label).toBe('Удаление…');
  });

  it('explains an offline number in Russian; the backend words are not the sentence', () => {
    const offline = situationOf(
      facts({ status: 'disconnected', reason: 'offline', detail: 'Account is offline' }),
    );
    expect(offline.sentence).toMatch(/^Номер не в сети/);
    expect(offline.sentence).not.toContain('Account is offline');
  });
});
