import { describe, expect, it } from 'vitest';
import type { SessionError, WppErrorCode } from '../src/backend/backend.errors.js';
import {
  describeSession,
  errorDetail,
  errorText,
  type Locale,
  lastKnownText,
  MESSAGES,
  reasonText,
  statusText,
} from '../src/messages.js';
import type { DisconnectReason, SessionStatus } from '../src/session/session.types.js';

// Every member of each union, listed by hand. The `Exhaustive` checks below fail `tsc --noEmit` (run by
// `npm run typecheck`) when a union gains a member this list lacks; `messages.ts` itself does not compile until
// both languages have its text (`Record<WppErrorCode, string>`).
const CODES = [
  'network',
  'timeout',
  'unauthorized',
  'forbidden',
  'not_found',
  'bad_request',
  'rate_limited',
  'server',
  'bad_response',
  'invalid_qr',
  'invalid_record',
  'deadline_exceeded',
] as const satisfies readonly WppErrorCode[];
const REASONS = ['offline', 'qr_expired', 'cancelled'] as const satisfies readonly DisconnectReason[];
const STATUSES = [
  'creating',
  'checking',
  'connected',
  'qr_issued',
  'disconnected',
  'error',
  'disconnecting',
] as const satisfies readonly SessionStatus[];

type Exhaustive<Union, Listed> = [Exclude<Union, Listed>] extends [never] ? true : false;
const everyCode: Exhaustive<WppErrorCode, (typeof CODES)[number]> = true;
const everyReason: Exhaustive<DisconnectReason, (typeof REASONS)[number]> = true;
const everyStatus: Exhaustive<SessionStatus, (typeof STATUSES)[number]> = true;

const LOCALES: Locale[] = ['ru', 'en'];
// A Russian text has no Latin letters except in the names "QR" and "WhatsApp"; an English one has no Cyrillic.
const isRussian = (text: string) =>
  /^[А-ЯЁ]/.test(text) && !/[A-Za-z]/.test(text.replaceAll('QR', '').replaceAll('WhatsApp', ''));
const isEnglish = (text: string) => /^[A-Z]/.test(text) && !/[А-Яа-яЁё]/.test(text);
const inLanguage = { ru: isRussian, en: isEnglish };

const error = (code: WppErrorCode, message: string): SessionError => ({ code, message, retryable: false });

describe('every code, reason and status has a text in both languages', () => {
  it('lists every member of the unions (compile-time check)', () => {
    expect([everyCode, everyReason, everyStatus]).toEqual([true, true, true]);
    expect(Object.keys(MESSAGES.ru.error).sort()).toEqual([...CODES].sort());
    expect(Object.keys(MESSAGES.ru.reason).sort()).toEqual([...REASONS].sort());
    expect(Object.keys(MESSAGES.ru.status).sort()).toEqual([...STATUSES].sort());
    expect(Object.keys(MESSAGES.en.error).sort()).toEqual([...CODES].sort());
    expect(Object.keys(MESSAGES.en.reason).sort()).toEqual([...REASONS].sort());
    expect(Object.keys(MESSAGES.en.status).sort()).toEqual([...STATUSES].sort());
  });

  describe.each(LOCALES)('%s', (locale) => {
    it.each(CODES)('error %s: its own sentence, in the language, without the English message', (code) => {
      const text = errorText(error(code, 'The status did not settle in time'), { locale });
      expect(inLanguage[locale](text)).toBe(true);
      expect(text).toMatch(/\.$/);
      expect(text).not.toContain('settle');
    });

    it.each(REASONS)('reason %s: a sentence in the language', (reason) => {
      const text = reasonText(reason, { locale });
      expect(inLanguage[locale](text)).toBe(true);
      expect(text).toMatch(/\.$/);
    });

    it.each(STATUSES)('status %s: a label in the language', (status) => {
      expect(inLanguage[locale](statusText(status, { locale }))).toBe(true);
    });

    it('gives every code, reason and status a text of its own', () => {
      const distinct = (texts: string[]) => new Set(texts).size;
      expect(distinct(CODES.map((code) => errorText(error(code, 'x'), { locale })))).toBe(CODES.length);
      expect(distinct(REASONS.map((reason) => reasonText(reason, { locale })))).toBe(REASONS.length);
      expect(distinct(STATUSES.map((status) => statusText(status, { locale })))).toBe(STATUSES.length);
    });
  });
});

describe('errorText', () => {
  it('is English by default, and English for a locale it does not know', () => {
    expect(errorText(error('network', 'x'))).toBe(MESSAGES.en.error.network);
    expect(errorText(error('network', 'x'), { locale: 'de' as Locale })).toBe(MESSAGES.en.error.network);
  });

  it('keeps the Russian words the example panel and its browser run look for', () => {
    const ru = { locale: 'ru' } as const;
    expect(errorText(error('unauthorized', 'JWT expired'), ru)).toMatch(/^Нужно войти заново/);
    expect(errorText(error('server', 'Injected fault'), ru)).toMatch(/^Ошибка сервера: /);
    expect(errorText(error('bad_response', 'HTML'), ru)).toMatch(/^Непонятный ответ сервера/);
    expect(errorText(error('deadline_exceeded', 'x'), ru)).toMatch(/^Превышено время ожидания/);
  });

  it('names the wrong field of an unusable saved row, in both languages', () => {
    const missing = error('invalid_record', 'settings.wppAccountNumber is missing');
    const wrong = error('invalid_record', 'settings.wppApiKey should be string, got number 5');
    expect(errorText(missing, { locale: 'ru' })).toBe(
      'Запись интеграции повреждена: нет поля settings.wppAccountNumber.',
    );
    expect(errorText(wrong, { locale: 'ru' })).toBe(
      'Запись интеграции повреждена: неверное поле settings.wppApiKey.',
    );
    expect(
      errorText(error('invalid_record', 'id 42 appears more than once in the list'), { locale: 'ru' }),
    ).toBe('Запись интеграции повреждена: неверное поле id.');
    expect(errorText(error('invalid_record', ''), { locale: 'ru' })).toBe('Запись интеграции повреждена.');
    expect(errorText(missing, { locale: 'en' })).toBe(
      'The integration record is damaged: field settings.wppAccountNumber is missing.',
    );
    expect(errorText(wrong, { locale: 'en' })).toBe(
      'The integration record is damaged: wrong field settings.wppApiKey.',
    );
  });
});

describe('errorDetail', () => {
  it("is the backend's own words, trimmed", () => {
    expect(errorDetail(error('server', ' Upstream 502 '))).toBe('Upstream 502');
  });

  it("is nothing for a deadline (the library's own verdict) or an empty message", () => {
    expect(errorDetail(error('deadline_exceeded', 'The status did not settle in time'))).toBeNull();
    expect(errorDetail(error('network', '  '))).toBeNull();
  });
});

describe('describeSession', () => {
  const quiet = { error: null, reason: null, detail: null };

  it('says an error in the language and keeps the backend words as the detail only', () => {
    const described = describeSession(
      { ...quiet, status: 'error', error: error('server', 'wpp-status failed (HTTP 500): Upstream down') },
      { locale: 'ru' },
    );
    expect(described).toEqual({
      status: 'Ошибка',
      text: 'Ошибка сервера: сервер не смог выполнить запрос.',
      detail: 'wpp-status failed (HTTP 500): Upstream down',
    });
  });

  it('says why a number is disconnected, with the platform words as the detail', () => {
    expect(
      describeSession(
        { ...quiet, status: 'disconnected', reason: 'offline', detail: 'Account is offline' },
        { locale: 'en' },
      ),
    ).toEqual({ status: 'Disconnected', text: MESSAGES.en.reason.offline, detail: 'Account is offline' });
  });

  it('has no sentence for a status that needs no explanation', () => {
    expect(describeSession({ ...quiet, status: 'connected' }, { locale: 'ru' })).toEqual({
      status: 'Подключено',
      text: null,
      detail: null,
    });
    expect(describeSession({ ...quiet, status: 'checking', detail: '  ' })).toEqual({
      status: 'Checking…',
      text: null,
      detail: null,
    });
  });
});

describe('lastKnownText', () => {
  const now = Date.parse('2026-12-02T10:00:00Z');
  it('says the saved status and its age, never as a confirmed label', () => {
    const at = (minutes: number) => now - minutes * 60_000;
    expect(lastKnownText({ status: 'connected', at: at(5) }, { locale: 'ru', now })).toBe(
      'последний известный: подключено · 5 мин назад',
    );
    expect(lastKnownText({ status: 'disconnected', at: at(0.5) }, { locale: 'ru', now })).toBe(
      'последний известный: отключено · только что',
    );
    expect(lastKnownText({ status: 'qr_issued', at: at(150) }, { locale: 'ru', now })).toBe(
      'последний известный: ожидал сканирования QR · 2 ч назад',
    );
    expect(lastKnownText({ status: 'pending', at: at(3 * 1440 + 5) }, { now })).toBe(
      'last known: starting · 3 d ago',
    );
    // A clock behind the backend's never makes a negative age.
    expect(lastKnownText({ status: 'connected', at: now + 60_000 }, { now })).toBe(
      'last known: connected · just now',
    );
    for (const status of ['connected', 'qr_issued', 'pending', 'disconnected'] as const) {
      expect(lastKnownText({ status, at: now }, { locale: 'ru', now })).not.toContain(
        MESSAGES.ru.status.connected,
      );
    }
  });
});
