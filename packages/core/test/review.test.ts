import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createActor, waitFor } from 'xstate';
import {
  createSessionsMachine,
  createWppSessions,
  sessionsView,
  sessionView,
  WppError,
} from '../src/index.js';
import { normalizeQr, parseSessionList } from '../src/normalize.js';
import { createLimiter } from '../src/sessions/limiter.js';
import { createSimulatedBackend } from '../src/testing.js';
import {
  createParentRecorder,
  createScriptedBackend,
  flush,
  makeRecord,
  qrText,
  startSession,
  takeActorErrors,
  topState,
} from './machine.harness.js';

// Bugs a code review found after the first round of tests; each test here failed before its fix.

beforeEach(() => vi.useFakeTimers());
afterEach(() => {
  vi.useRealTimers();
  expect(takeActorErrors()).toEqual([]);
});

describe('adding a number', () => {
  it('cancel while creating lets the create finish, then removes the number it made', async () => {
    const scripted = createScriptedBackend();
    const parent = createParentRecorder();
    const { actor } = startSession(scripted.backend, { parent: parent.ref });
    const create = scripted.only('create');
    actor.send({ type: 'session.cancel' });
    await flush();
    expect(create.signal.aborted).toBe(false);
    expect(sessionView(actor.getSnapshot()).canCancel).toBe(false);
    const record = makeRecord();
    create.resolve({ record, status: { status: 'qr_issued', qr: qrText('2@x') } });
    await flush();
    expect(topState(actor.getSnapshot())).toBe('disconnecting');
    const disconnect = scripted.only('disconnect');
    expect(disconnect.ref?.integrationId).toBe(record.integrationId);
    disconnect.resolve(undefined);
    await flush();
    expect(actor.getSnapshot().status).toBe('done');
    expect(parent.received.at(-1)).toMatchObject({ type: 'session.removed' });
  });

  it('cancel while creating, then a failed create: removed, and the collection re-lists', async () => {
    const scripted = createScriptedBackend();
    const parent = createParentRecorder();
    const { actor } = startSession(scripted.backend, { parent: parent.ref });
    actor.send({ type: 'session.cancel' });
    scripted.only('create').reject(new WppError('timeout', 'HTTP 504'));
    await flush();
    expect(actor.getSnapshot().status).toBe('done');
    expect(parent.received.at(-1)).toEqual({
      type: 'session.removed',
      id: 'session-1',
      relist: true,
      unknownCreate: true,
    });
  });

  it('a failed create is never created again by retry (its outcome is unknown)', async () => {
    const scripted = createScriptedBackend();
    const { actor } = startSession(scripted.backend);
    scripted.only('create').reject(new WppError('timeout', 'HTTP 504'));
    await flush();
    const view = sessionView(actor.getSnapshot());
    expect(view.status).toBe('error');
    expect(view.canRetry).toBe(false);
    expect(view.canCancel).toBe(true);
    actor.send({ type: 'session.retry' });
    await flush();
    expect(scripted.count('create')).toBe(1);
  });

  it('a list that read the table before the new row was saved does not drop the new number', async () => {
    const scripted = createScriptedBackend();
    const actor = createActor(createSessionsMachine(scripted.backend), { input: {} });
    actor.start();
    scripted.only('listSessions').resolve([]);
    await flush();
    actor.send({ type: 'sessions.connectNew' });
    await flush();
    actor.send({ type: 'sessions.refresh' });
    await flush();
    const lateList = scripted.only('listSessions');
    scripted
      .only('create')
      .resolve({ record: makeRecord(), status: { status: 'qr_issued', qr: qrText('2@y') } });
    await flush();
    lateList.resolve([]);
    await flush();
    const view = sessionsView(actor.getSnapshot());
    expect(view.ids).toHaveLength(1);
    expect(view.newSessionId).toBe(view.ids[0]);
    actor.stop();
  });
});

describe('QR phase', () => {
  it('expires on its deadline even when poll failures bounce it through error and back', async () => {
    let polls = 0;
    const backend = createSimulatedBackend({
      qrExpireMs: 1e9,
      sessions: [{ state: 'qr' }],
      // Three failed polls out of every four: qr_issued → error → retry → qr_issued, over and over.
      fault: (operation) => {
        if (operation !== 'getStatus') return null;
        polls += 1;
        return polls % 4 === 1 ? null : { kind: 'error', code: 'server' };
      },
    });
    const actor = createWppSessions(backend, { timings: { qrTimeout: 60_000, recheckInterval: 0 } }).start();
    await vi.advanceTimersByTimeAsync(90_000);
    const id = actor.getSnapshot().context.ids[0]!;
    const session = actor.getSnapshot().context.refs[id]!;
    expect(sessionView(session.getSnapshot())).toMatchObject({
      status: 'disconnected',
      reason: 'qr_expired',
    });
    const calls = backend.stats().calls.getStatus;
    await vi.advanceTimersByTimeAsync(600_000);
    expect(backend.stats().calls.getStatus).toBe(calls);
    actor.stop();
  });

  it('refreshQr asks the status now (wpp-status carries the QR; wpp-qr 404s with two numbers)', async () => {
    const scripted = createScriptedBackend();
    const { actor } = startSession(scripted.backend, { record: makeRecord() });
    scripted.only('getStatus').resolve({ status: 'qr_issued', qr: qrText('2@a') });
    await flush();
    actor.send({ type: 'session.refreshQr' });
    await flush();
    expect(scripted.count('getQr')).toBe(0);
    scripted.only('getStatus').resolve({ status: 'qr_issued', qr: qrText('2@b') });
    await flush();
    expect(sessionView(actor.getSnapshot()).qr).toEqual(qrText('2@b'));
  });

  it('cancel is not offered while checking a saved number (it could be connected)', async () => {
    const scripted = createScriptedBackend();
    const { actor } = startSession(scripted.backend, { record: makeRecord() });
    expect(sessionView(actor.getSnapshot()).canCancel).toBe(false);
    actor.send({ type: 'session.cancel' });
    await flush();
    expect(topState(actor.getSnapshot())).toBe('checking');
  });
});

describe('limiter', () => {
  it('frees the slot of a task whose caller aborted, even if the task never settles', async () => {
    const run = createLimiter(1);
    const first = new AbortController();
    run(first.signal, () => new Promise<never>(() => {})).catch(() => {});
    first.abort(new Error('left the state'));
    const started = vi.fn(async () => 'ok');
    await expect(run(new AbortController().signal, started)).resolves.toBe('ok');
  });
});

describe('inputs', () => {
  it('never puts a secret value into an invalid_record message', () => {
    const [record] = parseSessionList([
      {
        id: '00000000-0000-4000-8000-000000000001',
        provider: 'wpp',
        settings: { wppAccountNumber: '0000000000001', wppApiKey: 98765432109876540 },
      },
    ]);
    expect(record!.invalid?.message).toMatch(/settings\.wppApiKey should be string, got number/);
    expect(record!.invalid?.message).not.toMatch(/9876/);
  });

  it('refuses timings that would spin or never wait', () => {
    const backend = createSimulatedBackend();
    for (const timings of [{ qrTimeout: -1 }, { qrPollInterval: Number.NaN }, { checkTimeout: 0 }]) {
      expect(() => createWppSessions(backend, { timings })).toThrow(RangeError);
    }
    expect(() => createWppSessions(backend, { timings: { recheckInterval: 0 } })).not.toThrow();
  });

  it('a custom backend that throws synchronously gives a list error, not a crashed actor', async () => {
    const backend = createSimulatedBackend();
    const actor = createWppSessions({
      ...backend,
      listSessions: () => {
        throw new Error('boom');
      },
    });
    const errors: unknown[] = [];
    actor.subscribe({ error: (error) => errors.push(error) });
    actor.start();
    await flush();
    expect(errors).toEqual([]);
    expect(sessionsView(actor.getSnapshot())).toMatchObject({ status: 'error', error: { message: 'boom' } });
    actor.stop();
  });

  it('the simulated backend answers a raw row without settings with a WppError', async () => {
    const backend = createSimulatedBackend({
      rawRows: [{ id: '00000000-0000-4000-8000-0000000000ff', provider: 'wpp' }],
    });
    const error = await backend
      .getStatus(
        { integrationId: '00000000-0000-4000-8000-0000000000ff', accountNumber: null },
        new AbortController().signal,
      )
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WppError);
  });
});

void waitFor;

describe('hung requests', () => {
  it('a request that never answers frees its shared slot after requestTimeout, so other numbers are checked', async () => {
    const backend = createSimulatedBackend({
      latency: 100,
      sessions: Array.from({ length: 4 }, () => ({ state: 'connected' as const })),
      // The first two numbers' status requests hang for ever.
      fault: (operation, ref) =>
        operation === 'getStatus' && ref !== null && Number(ref.integrationId.slice(-1)) <= 2
          ? { kind: 'hang' }
          : null,
    });
    const actor = createWppSessions(backend, {
      concurrency: 2,
      timings: { requestTimeout: 5_000, checkTimeout: 45_000, retryBaseDelay: 60_000 },
    }).start();
    await vi.advanceTimersByTimeAsync(5_300);
    const views = actor
      .getSnapshot()
      .context.ids.map((id) => sessionView(actor.getSnapshot().context.refs[id]!.getSnapshot()));
    expect(views.map((v) => v.status)).toEqual(['error', 'error', 'connected', 'connected']);
    expect(views[0]!.error).toMatchObject({ code: 'timeout', retryable: true });
    expect(backend.stats().inFlight['00000000-0000-4000-8000-000000000001'] ?? 0).toBe(0);
    actor.stop();
  });
});

describe('offline numbers', () => {
  it('are re-checked in the background like connected ones: an upstream hiccup does not stay 🔴 until a click', async () => {
    const backend = createSimulatedBackend({ sessions: [{ state: 'connected' }] });
    const [record] = await backend.listSessions(new AbortController().signal);
    backend.drop(record!.integrationId);
    const actor = createWppSessions(backend, { timings: { recheckInterval: 60_000 } }).start();
    await flush();
    const ref = actor.getSnapshot().context.refs[record!.integrationId]!;
    expect(sessionView(ref.getSnapshot())).toMatchObject({ status: 'disconnected', reason: 'offline' });
    backend.start(
      { integrationId: record!.integrationId, accountNumber: record!.accountNumber },
      new AbortController().signal,
    );
    await flush();
    backend.scan(record!.integrationId); // the number is back (the platform had only hiccuped)
    const seen = new Set<string>();
    ref.subscribe((snapshot) => seen.add(sessionView(snapshot).status));
    await vi.advanceTimersByTimeAsync(60_000);
    expect(sessionView(ref.getSnapshot()).status).toBe('connected');
    expect(seen.has('checking')).toBe(false); // no flicker through "checking"
    actor.stop();
  });

  it('a cancelled or expired number is not re-checked by itself', async () => {
    const backend = createSimulatedBackend({ sessions: [{ state: 'qr' }], qrExpireMs: 1e9 });
    const actor = createWppSessions(backend, {
      timings: { recheckInterval: 10_000, qrTimeout: 5_000 },
    }).start();
    await vi.advanceTimersByTimeAsync(5_000);
    const id = actor.getSnapshot().context.ids[0]!;
    expect(sessionView(actor.getSnapshot().context.refs[id]!.getSnapshot()).reason).toBe('qr_expired');
    const calls = backend.stats().calls.getStatus;
    await vi.advanceTimersByTimeAsync(60_000);
    expect(backend.stats().calls.getStatus).toBe(calls);
    actor.stop();
  });
});

describe('answers that break the contract', () => {
  it('markup is not a QR payload (a gateway error page drawn as a valid-looking QR)', () => {
    for (const markup of [
      '<!DOCTYPE html><html><body>502 Bad Gateway</body></html>',
      '<svg onload=alert(1)>',
      ' <img src=x>',
    ]) {
      expect(() => normalizeQr(markup)).toThrow(/markup/);
    }
  });

  it('a custom backend whose create resolves without a record fails that one session, not the collection', async () => {
    const backend = createSimulatedBackend();
    const actor = createWppSessions({
      ...backend,
      create: async () => ({ status: { status: 'connected' } }) as never,
    });
    const errors: unknown[] = [];
    actor.subscribe({ error: (error) => errors.push(error) });
    actor.start();
    await flush();
    actor.send({ type: 'sessions.connectNew' });
    await flush();
    expect(errors).toEqual([]);
    const id = sessionsView(actor.getSnapshot()).newSessionId!;
    expect(sessionView(actor.getSnapshot().context.refs[id]!.getSnapshot()).error).toMatchObject({
      code: 'bad_response',
    });
    actor.stop();
  });

  it('an inactive row is left out even when it is also malformed', () => {
    const records = parseSessionList([
      { id: 'not-a-uuid', provider: 'wpp', is_active: false, settings: {} },
      { id: '00000000-0000-4000-8000-000000000001', provider: 'wpp', is_enabled: false },
    ]);
    expect(records).toEqual([]);
  });
});
