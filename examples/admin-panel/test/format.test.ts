import type { SessionError, WppErrorCode } from '@wpp-sessions/react';
import { describe, expect, it } from 'vitest';
import { errorDetail, errorText, REASON_TEXT, remaining } from '../src/panel/format.js';

const CODES: WppErrorCode[] = [
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
];

const error = (code: WppErrorCode, message: string): SessionError => ({ code, message, retryable: false });

describe('errorText', () => {
  it.each(CODES)('says %s as a Russian sentence, without the English message', (code) => {
    const text = errorText(error(code, 'The status did not settle in time'));
    expect(text.replaceAll('QR', '')).toMatch(/^[А-ЯЁ][^A-Za-z]*\.$/); // "QR-код" is Russian too
    expect(text).not.toContain('The');
    expect(text).not.toContain('settle');
  });

  it('gives every code its own sentence', () => {
    const texts = CODES.map((code) => errorText(error(code, 'x')));
    expect(new Set(texts).size).toBe(CODES.length);
  });

  it('keeps the words the existing screens and the browser test look for', () => {
    expect(errorText(error('unauthorized', 'JWT expired'))).toMatch(/^Нужно войти заново/);
    expect(errorText(error('server', 'Injected fault'))).toMatch(/^Ошибка сервера: /);
    expect(errorText(error('bad_response', 'HTML'))).toMatch(/^Непонятный ответ сервера/);
    expect(errorText(error('deadline_exceeded', 'x'))).toMatch(/^Превышено время ожидания/);
  });

  it('names the wrong field of an unusable saved row', () => {
    expect(errorText(error('invalid_record', 'settings.wppAccountNumber is missing'))).toBe(
      'Запись интеграции повреждена: нет поля settings.wppAccountNumber.',
    );
    expect(errorText(error('invalid_record', 'settings.wppApiKey should be string, got number 5'))).toBe(
      'Запись интеграции повреждена: неверное поле settings.wppApiKey.',
    );
    expect(errorText(error('invalid_record', 'id 42 appears more than once in the list'))).toBe(
      'Запись интеграции повреждена: неверное поле id.',
    );
    expect(errorText(error('invalid_record', ''))).toBe('Запись интеграции повреждена.');
  });
});

describe('errorDetail', () => {
  it("is the backend's own words", () => {
    expect(errorDetail(error('server', ' Upstream 502 '))).toBe('Upstream 502');
    expect(errorDetail(error('invalid_record', 'settings.wppAccountNumber is missing'))).toBe(
      'settings.wppAccountNumber is missing',
    );
  });

  it("is nothing for a deadline (the library's own verdict) or an empty message", () => {
    expect(errorDetail(error('deadline_exceeded', 'The status did not settle in time'))).toBeNull();
    expect(errorDetail(error('network', '  '))).toBeNull();
  });
});

describe("the panel's words are core's Russian messages", () => {
  it('says each disconnect reason in Russian', () => {
    expect(REASON_TEXT.qr_expired).toBe('Срок действия QR-кода истёк: номер не был отсканирован.');
    expect(REASON_TEXT.cancelled).toBe('Подключение отменено.');
    expect(REASON_TEXT.offline).toMatch(/^Номер не в сети/);
  });
});

describe('remaining', () => {
  it('counts whole seconds up, so a wait still running never reads "0:00"', () => {
    expect(remaining(10_500, 10_000)).toBe('0:01');
    expect(remaining(10_001, 10_000)).toBe('0:01');
    expect(remaining(13_000, 10_000)).toBe('0:03');
    expect(remaining(100_000, 10_000)).toBe('1:30');
    expect(remaining(100_001, 10_000)).toBe('1:31');
  });

  it('is "0:00" once the moment has come, never negative', () => {
    expect(remaining(10_000, 10_000)).toBe('0:00');
    expect(remaining(9_000, 10_000)).toBe('0:00');
  });
});
