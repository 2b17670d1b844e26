import type { PGlite } from '@electric-sql/pglite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDatabase, createPlatformStore } from '../src/index.js';
import { InvalidApiKeyError } from '../src/platform/platform.store.js';

// The persistent platform over one shared in-memory database, driven by a hand-moved clock.
let db: PGlite;
let time = 1_800_000_000_000;
const clock = () => time;
const ORG = '0a0a0a0a-0000-4000-8000-00000000000a';
const config = { qrRotateMs: 20_000, qrExpireMs: 60_000, startDelayMs: 1_000 };

beforeAll(async () => {
  db = await createDatabase(null);
});
afterAll(() => db.close());

const phaseOf = async (account: string) =>
  (
    await db.query<{ phase: string }>('select phase from platform.accounts where account_number = $1', [
      account,
    ])
  ).rows[0]?.phase;

describe('platform store', () => {
  it('creates accounts with distinct 13-digit numbers and keys, offline until started', async () => {
    const platform = createPlatformStore(db, config, clock);
    const one = await platform.createAccount({ organizationId: ORG });
    const two = await platform.createAccount({ organizationId: ORG, subOrgId: `${ORG}__wpp__abcd1234` });
    expect(one.accountNumber).toMatch(/^\d{13}$/);
    expect(two.accountNumber).not.toBe(one.accountNumber);
    expect(two.apiKey).not.toBe(one.apiKey);
    expect(await platform.status(one.accountNumber)).toEqual({ state: 'offline', qr: null, known: true });
    expect(await platform.status('9999999999999')).toEqual({ state: 'offline', qr: null, known: false });
  });

  it('starts, issues a QR after the start delay, rotates it and expires the phase', async () => {
    const platform = createPlatformStore(db, config, clock);
    const { accountNumber, apiKey } = await platform.createAccount({ organizationId: ORG });
    expect((await platform.start(accountNumber, apiKey)).state).toBe('starting');
    expect(await phaseOf(accountNumber)).toBe('starting');
    time += 1_000;
    const first = await platform.qr(accountNumber);
    expect(first).toMatch(/^2@sim-/);
    time += 19_999;
    expect(await platform.qr(accountNumber)).toBe(first);
    time += 1;
    const second = await platform.qr(accountNumber);
    expect(second).not.toBe(first);
    time += 40_000;
    expect((await platform.status(accountNumber)).state).toBe('offline');
    expect(await phaseOf(accountNumber)).toBe('offline');
  });

  it('refuses a start with another key', async () => {
    const platform = createPlatformStore(db, config, clock);
    const { accountNumber } = await platform.createAccount({ organizationId: ORG });
    await expect(platform.start(accountNumber, 'wppk_wrong')).rejects.toBeInstanceOf(InvalidApiKeyError);
    expect(await platform.checkKey(accountNumber, 'wppk_wrong')).toBe(false);
  });

  it('a new store over the same table restores connected accounts and QR phases with their start time', async () => {
    const before = createPlatformStore(db, config, clock);
    const linked = await before.createAccount({ organizationId: ORG });
    const waiting = await before.createAccount({ organizationId: ORG });
    await before.start(linked.accountNumber, linked.apiKey);
    await before.start(waiting.accountNumber, waiting.apiKey);
    time += 1_000;
    expect(await before.scan(linked.accountNumber)).toBe(true);
    expect(await phaseOf(linked.accountNumber)).toBe('connected');

    time += 30_000;
    const after = createPlatformStore(db, config, clock);
    expect((await after.status(linked.accountNumber)).state).toBe('connected');
    expect((await after.status(waiting.accountNumber)).state).toBe('qr');
    // Expiry counts from the original start (+1 s delay): 60 s of QR phase end at start + 61 s.
    time += 29_999;
    expect((await after.status(waiting.accountNumber)).state).toBe('qr');
    time += 1;
    expect((await after.status(waiting.accountNumber)).state).toBe('offline');
  });

  it('drop takes a connected account offline; start then gives a fresh QR phase', async () => {
    const platform = createPlatformStore(db, { ...config, startDelayMs: 0 }, clock);
    const { accountNumber, apiKey } = await platform.createAccount({ organizationId: ORG });
    await platform.start(accountNumber, apiKey);
    expect(await platform.scan(accountNumber)).toBe(true);
    expect(await platform.scan(accountNumber)).toBe(false);
    expect(await platform.drop(accountNumber)).toBe(true);
    expect(await phaseOf(accountNumber)).toBe('offline');
    expect((await platform.start(accountNumber, apiKey)).state).toBe('qr');
  });

  it('reconfigure changes the timing of running QR phases', async () => {
    const platform = createPlatformStore(db, { ...config, startDelayMs: 0 }, clock);
    const { accountNumber, apiKey } = await platform.createAccount({ organizationId: ORG });
    await platform.start(accountNumber, apiKey);
    const qr = await platform.qr(accountNumber);
    await platform.reconfigure({ qrRotateMs: 1_000 });
    time += 1_000;
    const rotated = await platform.qr(accountNumber);
    expect(rotated).toMatch(/^2@sim-/);
    expect(rotated).not.toBe(qr);
    expect(platform.config().qrRotateMs).toBe(1_000);
  });

  it('stop forgets the account and its row', async () => {
    const platform = createPlatformStore(db, config, clock);
    const { accountNumber } = await platform.createAccount({ organizationId: ORG });
    expect(await platform.stop(accountNumber)).toBe(true);
    expect(await phaseOf(accountNumber)).toBeUndefined();
    expect((await platform.status(accountNumber)).known).toBe(false);
    expect(await platform.stop(accountNumber)).toBe(false);
  });

  it('an adopted account (re-created from a row) keeps its number and the sequence skips it', async () => {
    const platform = createPlatformStore(db, { ...config, startDelayMs: 0 }, clock);
    const { rows } = await db.query<{ n: string }>(
      `select lpad((last_value + 1)::text, 13, '0') as n from platform.account_number_seq`,
    );
    const upcoming = rows[0]!.n;
    expect((await platform.start(upcoming, 'wppk_from_a_row', { organizationId: ORG })).state).toBe('qr');
    const next = await platform.createAccount({ organizationId: ORG });
    expect(next.accountNumber).not.toBe(upcoming);
  });
});
