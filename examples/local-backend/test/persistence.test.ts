import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LocalBackend, startLocalBackend } from '../src/index.js';
import { call, createNumber, orgs } from './helpers.js';

// A session created before a restart is listed again after it, with its connected state.
const dataDir = path.join(mkdtempSync(path.join(tmpdir(), 'wpp-local-backend-')), 'data');
let running: LocalBackend | null = null;

const first = {
  tokens: [] as string[],
  connected: { id: '', account: '' },
  waiting: { id: '', account: '' },
  other: { id: '', account: '' },
};

const status = async (backend: LocalBackend, token: string, id: string) =>
  (await call(backend, 'POST', '/functions/v1/wpp-status', { token, body: { integration_id: id } })).body as {
    status: string;
    account_number?: string;
    message?: string;
  };
const ids = async (backend: LocalBackend, token: string) =>
  (
    (await call(backend, 'GET', '/functions/v1/messenger-integrations', { token })).body as {
      integrations: Array<{ id: string }>;
    }
  ).integrations.map((row) => row.id);

beforeAll(async () => {
  const backend = await startLocalBackend({ dataDir, startDelayMs: 0, quiet: true });
  running = backend;
  const { a, b } = orgs(backend);
  first.tokens = backend.organizations.map((org) => org.token);
  const connected = await createNumber(backend, a.token);
  first.connected = { id: connected.integration_id, account: connected.session };
  await call(backend, 'POST', '/dev/scan', {
    token: a.token,
    body: { integration_id: connected.integration_id },
  });
  const waiting = await createNumber(backend, a.token);
  first.waiting = { id: waiting.integration_id, account: waiting.session };
  const other = await createNumber(backend, b.token);
  first.other = { id: other.integration_id, account: other.session };
  expect((await status(backend, a.token, first.connected.id)).status).toBe('connected');
  expect((await status(backend, a.token, first.waiting.id)).status).toBe('qr_issued');
  await backend.close();
  running = null;
});

afterAll(async () => {
  await running?.close();
  rmSync(path.dirname(dataDir), { recursive: true, force: true });
});

describe('after a restart on the same data folder', () => {
  it('lists the same rows, keeps the connected number connected and resumes the QR phase', async () => {
    const backend = await startLocalBackend({ dataDir, startDelayMs: 0, quiet: true });
    running = backend;
    const { a, b } = orgs(backend);
    // The data folder keeps its secret: the tokens of the first run still work (a panel that stored one keeps
    // working), and the secret file is the owner's only.
    const [firstA] = first.tokens;
    expect(await ids(backend, firstA!)).toEqual([first.connected.id, first.waiting.id]);
    expect(statSync(path.join(dataDir, 'jwt-secret')).mode & 0o777).toBe(0o600);
    expect(await ids(backend, a.token)).toEqual([first.connected.id, first.waiting.id]);
    expect(await ids(backend, b.token)).toEqual([first.other.id]);
    expect(await status(backend, a.token, first.connected.id)).toMatchObject({
      status: 'connected',
      account_number: first.connected.account,
    });
    expect(await status(backend, a.token, first.waiting.id)).toMatchObject({ status: 'qr_issued' });

    // The platform's numbering carries on: no new number reuses an old one.
    const next = await createNumber(backend, b.token);
    expect([first.connected.account, first.waiting.account, first.other.account]).not.toContain(next.session);

    // A second server on the same folder is refused while this one runs.
    await expect(startLocalBackend({ dataDir, quiet: true })).rejects.toThrow(/in use by process/);
  });

  it('expires the QR phase by its original start time, and keeps connected numbers connected', async () => {
    await running?.close();
    running = null;
    // Two minutes later: the QR phase (60 s) of the waiting number has run out while the server was down.
    const backend = await startLocalBackend({
      dataDir,
      startDelayMs: 0,
      quiet: true,
      now: () => Date.now() + 120_000,
    });
    running = backend;
    const { a } = orgs(backend);
    expect(await status(backend, a.token, first.waiting.id)).toMatchObject({
      status: 'disconnected',
      message: 'Account is offline',
    });
    expect(await status(backend, a.token, first.connected.id)).toMatchObject({ status: 'connected' });
  });

  it('re-creates offline, on demand, an account the platform lost, and starts it with the row’s key', async () => {
    const backend = running!;
    const { a } = orgs(backend);
    await backend.db.query('delete from platform.accounts where account_number = $1', [
      first.waiting.account,
    ]);
    backend.platform.forgetAll();
    expect(await status(backend, a.token, first.waiting.id)).toMatchObject({ status: 'disconnected' });
    const started = await call(backend, 'POST', '/functions/v1/wpp-start', {
      token: a.token,
      body: { integration_id: first.waiting.id },
    });
    expect(started).toMatchObject({
      status: 200,
      body: { status: 'qr_issued', account_number: first.waiting.account },
    });
    expect(await status(backend, a.token, first.waiting.id)).toMatchObject({ status: 'qr_issued' });
  });
});
