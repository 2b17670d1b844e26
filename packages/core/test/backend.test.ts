import { describe, expect, it } from 'vitest';
import { WppError } from '../src/index.js';
import { maskApiKey, normalizeQr, parseSessionList, STATUS_TABLE, statusMeaning } from '../src/normalize.js';
import { row } from './helpers/contract-server.js';

describe('statusMeaning: one table for every backend word in reference/', () => {
  it.each([
    ['connected', 'connected'],
    ['CONNECTED', 'connected'],
    ['isLogged', 'connected'],
    ['WORKING', 'connected'],
    ['open', 'connected'],
    ['ready', 'connected'],
    ['qr_issued', 'qr'],
    ['QRCODE', 'qr'],
    ['SCAN_QR_CODE', 'qr'],
    ['qr_required', 'qr'],
    ['qr_pending', 'pending'],
    ['starting', 'pending'],
    ['INITIALIZING', 'pending'],
    ['connecting', 'pending'],
    ['timeout', 'pending'],
    ['pairing', 'pending'],
    ['disconnected', 'disconnected'],
    ['offline', 'disconnected'],
    ['CLOSED', 'disconnected'],
    ['close', 'disconnected'],
    ['STOPPED', 'disconnected'],
    ['FAILED', 'failed'],
    ['error', 'failed'],
    ['refused', 'failed'],
  ])('%s → %s', (word, meaning) => {
    expect(statusMeaning(word)).toBe(meaning);
    expect(statusMeaning(` ${word} `)).toBe(meaning);
  });

  it('knows no other words, and no prototype keys', () => {
    expect(statusMeaning('banana')).toBeUndefined();
    expect(statusMeaning('constructor')).toBeUndefined();
    expect(statusMeaning('__proto__')).toBeUndefined();
    expect(statusMeaning(42)).toBeUndefined();
    expect(statusMeaning(true)).toBe('connected');
    expect(Object.keys(STATUS_TABLE).every((key) => key === key.toLowerCase())).toBe(true);
  });
});

describe('normalizeQr', () => {
  const png = 'iVBORw0KGgoAAAANSUhEUgAAAAE=';
  it('keeps a raw payload as text and PNGs as images', () => {
    expect(normalizeQr('2@abc,def,ghi')).toEqual({ kind: 'text', value: '2@abc,def,ghi' });
    expect(normalizeQr(`data:image/png;base64,${png}`)).toEqual({
      kind: 'image',
      src: `data:image/png;base64,${png}`,
    });
    expect(normalizeQr(png)).toEqual({ kind: 'image', src: `data:image/png;base64,${png}` });
  });
  it('reads "no QR yet" as null', () => {
    for (const empty of [null, undefined, '', false]) expect(normalizeQr(empty)).toBeNull();
  });
  it.each([
    ['javascript:alert(1)', /javascript:/],
    [' JavaScript:alert(1)', /javascript:/i],
    ['data:text/html,<b>x</b>', /data:/],
    ['data:image/svg+xml;base64,PHN2Zz4=', /data:/],
    ['data:image/png;base64,not-base64!', /not a base64 PNG/],
    ['data:image/png;base64,QUJD', /not a base64 PNG/],
    ['2@a\u0000b', /characters/],
    ['x'.repeat(2049), /too long/],
    [123, /must be text/],
  ])('refuses %j', (raw, message) => {
    expect(() => normalizeQr(raw)).toThrow(WppError);
    expect(() => normalizeQr(raw)).toThrow(message);
  });
});

describe('maskApiKey', () => {
  it('shows at most the first and last four characters', () => {
    expect(maskApiKey('sk_live_0123456789abcdef')).toBe('••••cdef');
    expect(maskApiKey('short')).toBe('••••••••');
    expect(maskApiKey('••••••••1234')).toBe('••••1234');
    expect(maskApiKey('abc123••••••wxyz')).toBe('••••wxyz');
    expect(maskApiKey(undefined)).toBeNull();
    expect(maskApiKey(42)).toBeNull();
  });
});

describe('parseSessionList', () => {
  it('accepts a plain table read and the function envelope alike', () => {
    const rows = [row({ n: 2 }), row({ n: 1 })];
    const fromTable = parseSessionList(rows);
    const fromFunction = parseSessionList({ success: true, integrations: rows });
    expect(fromTable).toEqual(fromFunction);
    expect(fromTable.map((r) => r.accountNumber)).toEqual(['0000000000001', '0000000000002']);
  });
  it('treats a row as active only when neither flag is false (the flags drift apart)', () => {
    const records = parseSessionList([
      row({ n: 1, is_active: null, is_enabled: true }),
      row({ n: 2, is_active: true, is_enabled: false }),
      row({ n: 3, is_active: false, is_enabled: true }),
      row({ n: 4, is_active: undefined, is_enabled: undefined }),
    ]);
    expect(records.map((r) => r.accountNumber)).toEqual(['0000000000001', '0000000000004']);
  });
  it('masks a key the same whether the row came from the function (masked) or the table (plain)', () => {
    const plain = row({ n: 1 });
    const key = (plain.settings as { wppApiKey: string }).wppApiKey;
    const fromFunction = row({ n: 1 }, { wppApiKey: `••••••••${key.slice(-4)}` });
    expect(parseSessionList([plain])[0]!.apiKeyMasked).toBe(
      parseSessionList([fromFunction])[0]!.apiKeyMasked,
    );
  });

  it('never returns a full secret', () => {
    const text = JSON.stringify(parseSessionList([row({ n: 1 }), row({ n: 2 }, { wppAccountNumber: 5 })]));
    expect(text).not.toContain('FULLSECRETKEY');
    expect(text).not.toContain('jwt-1');
  });
});
