import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { DEFAULT_TIMINGS, type SessionRecord, sessionView, type WppError } from '../src/index.js';
import {
  createSimulatedBackend,
  type SimulatedBackendOptions,
  type SimulatedOperation,
} from '../src/testing.js';
import {
  createParentRecorder,
  createScriptedBackend,
  fatalError,
  flush,
  makeRecord,
  qrText,
  retryableError,
  startSession,
  takeActorErrors,
  topState,
} from './machine.harness.js';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

beforeEach(() => {
  vi.useFakeTimers();
});

afterEach(() => {
  // Nothing may be thrown out of an actor: every watched actor had an error observer.
  expect(takeActorErrors()).toEqual([]);
  vi.restoreAllMocks();
  vi.useRealTimers();
});

/** A simulated backend whose list answers at once, plus its records. */
async function simulated(options: SimulatedBackendOptions) {
  const latency = options.latency;
  const backend = createSimulatedBackend({
    ...options,
    latency: (operation, ref) =>
      operation === 'listSessions'
        ? 0
        : typeof latency === 'function'
          ? latency(operation, ref)
          : (latency ?? 0),
  });
  const records = await backend.listSessions(new AbortController().signal);
  return { backend, records };
}

/** A fault switch for the simulated backend: `faults.set('getStatus', …)` until cleared. */
function faultSwitch() {
  const faults = new Map<SimulatedOperation, WppError['code'] | 'hang'>();
  const fault: SimulatedBackendOptions['fault'] = (operation) => {
    const code = faults.get(operation);
    if (code === undefined) return null;
    return code === 'hang' ? { kind: 'hang' } : { kind: 'error', code };
  };
  return { faults, fault };
}

describe('init: the first state comes from the input', () => {
  it('a saved record starts in checking and asks for the status of exactly that integration', () => {
    const scripted = createScriptedBackend();
    const record = makeRecord();
    const { actor } = startSession(scripted.backend, { record });
    expect(actor.getSnapshot().matches({ checking: 'requesting' })).toBe(true);
    expect(scripted.only('getStatus').ref).toEqual({
      integrationId: record.integrationId,
      accountNumber: record.accountNumber,
    });
    expect(scripted.calls).toHaveLength(1);
  });

  it('no record starts in creating with one create call', () => {
    const scripted = createScriptedBackend();
    const { actor } = startSession(scripted.backend);
    expect(topState(actor.getSnapshot())).toBe('creating');
    expect(scripted.only('create')).toBeDefined();
    expect(scripted.calls).toHaveLength(1);
  });

  it('an invalid record starts in error / invalid_record naming the field, and calls nothing', async () => {
    const scripted = createScriptedBackend();
    const record = makeRecord({
      accountNumber: null,
      invalid: { field: 'settings.wppAccountNumber', message: 'settings.wppAccountNumber is missing' },
    });
    const { actor } = startSession(scripted.backend, { record });
    const snapshot = actor.getSnapshot();
    expect(snapshot.matches({ error: 'waiting' })).toBe(true);
    expect(snapshot.context.error).toEqual({
      code: 'invalid_record',
      message: 'settings.wppAccountNumber is missing',
      retryable: false,
    });
    await vi.advanceTimersByTimeAsync(HOUR);
    expect(scripted.calls).toHaveLength(0);
    // The admin can only remove it: no retry, no check; disconnect removes the saved row.
    const view = sessionView(actor.getSnapshot());
    expect(view).toMatchObject({ canRetry: false, canCheck: false, canDisconnect: true, canCancel: false });
    actor.send({ type: 'session.retry' });
    actor.send({ type: 'session.check' });
    await flush();
    expect(scripted.calls).toHaveLength(0);
    actor.send({ type: 'session.disconnect' });
    expect(scripted.only('disconnect').ref?.integrationId).toBe(record.integrationId);
  });

  it('an invalid row without a usable id cannot be "disconnected" (there is no row id to delete)', () => {
    const scripted = createScriptedBackend();
    const record = makeRecord({
      integrationId: 'invalid-row-3',
      accountNumber: null,
      invalid: { field: 'id', message: 'id is missing' },
    });
    const { actor } = startSession(scripted.backend, { record });
    expect(sessionView(actor.getSnapshot()).canDisconnect).toBe(false);
    actor.send({ type: 'session.disconnect' });
    expect(scripted.calls).toHaveLength(0);
    expect(actor.getSnapshot().matches({ error: 'waiting' })).toBe(true);
  });
});

describe('creating', () => {
  it('create answering with a QR goes to qr_issued and tells the collection the new integration id', async () => {
    const backend = createSimulatedBackend({ latency: 100 });
    const parent = createParentRecorder();
    const { actor } = startSession(backend, {
      id: 'new-1',
      parent: parent.ref,
      timings: { qrPollInterval: MINUTE },
    });
    await vi.advanceTimersByTimeAsync(99);
    expect(topState(actor.getSnapshot())).toBe('creating');
    await vi.advanceTimersByTimeAsync(1);
    const { context } = actor.getSnapshot();
    expect(topState(actor.getSnapshot())).toBe('qr_issued');
    expect(context.isNew).toBe(true);
    expect(context.qr).toEqual(qrText(backend.currentQr(context.record!.integrationId)!));
    expect(parent.received).toEqual([
      { type: 'session.creating', id: 'new-1' },
      { type: 'session.created', id: 'new-1', integrationId: context.record!.integrationId },
    ]);
    expect(backend.stats().calls.create).toBe(1);
  });

  it('create answering connected goes to connected (no longer new)', async () => {
    const scripted = createScriptedBackend();
    const parent = createParentRecorder();
    const { actor } = startSession(scripted.backend, { id: 'new-1', parent: parent.ref });
    const record = makeRecord();
    scripted.only('create').resolve({ record, status: { status: 'connected' } });
    await flush();
    expect(topState(actor.getSnapshot())).toBe('connected');
    expect(actor.getSnapshot().context.isNew).toBe(false);
    expect(actor.getSnapshot().context.record).toEqual(record);
    expect(parent.received).toEqual([
      { type: 'session.creating', id: 'new-1' },
      { type: 'session.created', id: 'new-1', integrationId: record.integrationId },
      { type: 'session.linked', id: 'new-1' },
    ]);
  });

  it('create answering "starting" goes to checking and polls until the QR is ready', async () => {
    const backend = createSimulatedBackend({ startDelayMs: 3_000 });
    const { actor } = startSession(backend, { timings: { pendingPollInterval: 2_000 } });
    await flush(); // create answers "starting", the first status poll answers "not ready yet"
    expect(actor.getSnapshot().matches({ checking: 'waiting' })).toBe(true);
    expect(actor.getSnapshot().context.isNew).toBe(true);
    expect(backend.stats().calls.getStatus).toBe(1);
    await vi.advanceTimersByTimeAsync(2_000);
    expect(backend.stats().calls.getStatus).toBe(2);
    expect(topState(actor.getSnapshot())).toBe('checking');
    await vi.advanceTimersByTimeAsync(2_000);
    expect(backend.stats().calls.getStatus).toBe(3);
    expect(topState(actor.getSnapshot())).toBe('qr_issued');
  });

  it.each([
    ['retryable', 'server', true],
    ['not retryable', 'unauthorized', false],
  ] as const)(
    'a %s create failure goes to error and is never retried by itself',
    async (_, code, retryable) => {
      const backend = createSimulatedBackend({
        latency: 50,
        fault: (operation) => (operation === 'create' ? { kind: 'error', code } : null),
      });
      const parent = createParentRecorder();
      const { actor } = startSession(backend, { id: 'new-1', parent: parent.ref });
      await vi.advanceTimersByTimeAsync(50);
      expect(actor.getSnapshot().matches({ error: 'waiting' })).toBe(true);
      expect(actor.getSnapshot().context).toMatchObject({
        failedOperation: 'create',
        error: { code, retryable },
        nextRetryAt: null,
      });
      // A 5xx may have made the number (outcome unknown); a 401 refused it.
      expect(parent.received).toEqual([
        { type: 'session.creating', id: 'new-1' },
        { type: 'session.createFailed', id: 'new-1', unknown: retryable },
        { type: 'session.failed', id: 'new-1', operation: 'create' },
      ]);
      await vi.advanceTimersByTimeAsync(HOUR);
      expect(backend.stats().calls.create).toBe(1);
      // Not even the admin's retry sends it again: its outcome is unknown, a second create could duplicate it.
      expect(sessionView(actor.getSnapshot()).canRetry).toBe(false);
      actor.send({ type: 'session.retry' });
      await flush();
      expect(topState(actor.getSnapshot())).toBe('error');
      expect(backend.stats().calls.create).toBe(1);
    },
  );

  it('createTimeout: a create that never answers is aborted into error / deadline_exceeded, not retried', async () => {
    const scripted = createScriptedBackend();
    const parent = createParentRecorder();
    const { actor } = startSession(scripted.backend, {
      id: 'new-1',
      parent: parent.ref,
      timings: { createTimeout: 10_000 },
    });
    const call = scripted.only('create');
    await vi.advanceTimersByTimeAsync(9_999);
    expect(topState(actor.getSnapshot())).toBe('creating');
    await vi.advanceTimersByTimeAsync(1);
    expect(actor.getSnapshot().matches({ error: 'waiting' })).toBe(true);
    expect(actor.getSnapshot().context.error?.code).toBe('deadline_exceeded');
    expect(actor.getSnapshot().context.failedOperation).toBe('create');
    expect(call.signal.aborted).toBe(true);
    expect(parent.received).toEqual([
      { type: 'session.creating', id: 'new-1' },
      { type: 'session.createFailed', id: 'new-1', unknown: true },
      { type: 'session.failed', id: 'new-1', operation: 'create' },
    ]);
    // The late answer is ignored.
    call.resolve({ record: makeRecord(), status: { status: 'connected' } });
    await vi.advanceTimersByTimeAsync(HOUR);
    expect(actor.getSnapshot().matches({ error: 'waiting' })).toBe(true);
    expect(scripted.count('create')).toBe(1);
  });

  it('cancel while creating keeps the request, then removes what it made; a late cancel changes nothing', async () => {
    const scripted = createScriptedBackend();
    const parent = createParentRecorder();
    const { actor } = startSession(scripted.backend, { id: 'new-1', parent: parent.ref });
    const call = scripted.only('create');
    actor.send({ type: 'session.cancel' });
    expect(call.signal.aborted).toBe(false);
    expect(topState(actor.getSnapshot())).toBe('creating');
    actor.send({ type: 'session.cancel' });
    expect(scripted.count('create')).toBe(1);
    const record = makeRecord();
    call.resolve({ record, status: { status: 'connected' } });
    await flush();
    expect(topState(actor.getSnapshot())).toBe('disconnecting');
    expect(scripted.only('disconnect').ref?.integrationId).toBe(record.integrationId);
  });

  it('cancel while creating, then the create deadline: removed, and the collection re-lists', async () => {
    const scripted = createScriptedBackend();
    const parent = createParentRecorder();
    const { actor } = startSession(scripted.backend, {
      id: 'new-1',
      parent: parent.ref,
      timings: { createTimeout: 10_000 },
    });
    actor.send({ type: 'session.cancel' });
    await vi.advanceTimersByTimeAsync(10_000);
    expect(actor.getSnapshot().status).toBe('done');
    expect(parent.received.at(-1)).toEqual({
      type: 'session.removed',
      id: 'new-1',
      relist: true,
      unknownCreate: true,
    });
  });
});

describe('checking', () => {
  it.each([
    ['connected', 'connected', null],
    ['qr', 'qr_issued', null],
    ['offline', 'disconnected', 'offline'],
  ] as const)('a saved %s number becomes %s', async (seed, state, reason) => {
    const { backend, records } = await simulated({ latency: 100, sessions: [{ state: seed }] });
    const record = records[0]!;
    const { actor } = startSession(backend, { record });
    await vi.advanceTimersByTimeAsync(99);
    expect(topState(actor.getSnapshot())).toBe('checking');
    expect(sessionView(actor.getSnapshot()).isBusy).toBe(true);
    await vi.advanceTimersByTimeAsync(1);
    const snapshot = actor.getSnapshot();
    expect(topState(snapshot)).toBe(state);
    expect(snapshot.context.lastCheckedAt).toBe(Date.now());
    expect(snapshot.context.reason).toBe(reason);
    if (state === 'qr_issued') {
      expect(snapshot.context.qr).toEqual(qrText(backend.currentQr(record.integrationId)!));
    }
    if (state === 'disconnected') expect(snapshot.context.detail).toBe('Account is offline');
  });

  it('"not ready yet" polls again after exactly pendingPollInterval, one request at a time', async () => {
    const { backend, records } = await simulated({ startDelayMs: 5_000, sessions: [{ state: 'qr' }] });
    const { actor } = startSession(backend, { record: records[0]!, timings: { pendingPollInterval: 2_000 } });
    await flush();
    expect(actor.getSnapshot().matches({ checking: 'waiting' })).toBe(true);
    expect(actor.getSnapshot().context.detail).toBe('QR code not ready yet');
    expect(backend.stats().calls.getStatus).toBe(1);
    await vi.advanceTimersByTimeAsync(1_999);
    expect(backend.stats().calls.getStatus).toBe(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(backend.stats().calls.getStatus).toBe(2);
    await vi.advanceTimersByTimeAsync(2_000); // t=4000: still starting
    expect(backend.stats().calls.getStatus).toBe(3);
    expect(topState(actor.getSnapshot())).toBe('checking');
    await vi.advanceTimersByTimeAsync(2_000); // t=6000: the QR is ready
    expect(backend.stats().calls.getStatus).toBe(4);
    expect(topState(actor.getSnapshot())).toBe('qr_issued');
    expect(backend.stats().maxInFlight[records[0]!.integrationId]).toBe(1);
  });

  it('checkTimeout covers the polls together: a status that never settles ends in error / deadline_exceeded', async () => {
    const { backend, records } = await simulated({ startDelayMs: HOUR, sessions: [{ state: 'qr' }] });
    const { actor } = startSession(backend, {
      record: records[0]!,
      timings: { checkTimeout: 10_000, pendingPollInterval: 1_000 },
    });
    await vi.advanceTimersByTimeAsync(9_999);
    expect(topState(actor.getSnapshot())).toBe('checking');
    await vi.advanceTimersByTimeAsync(1);
    expect(topState(actor.getSnapshot())).toBe('error');
    expect(actor.getSnapshot().context.error).toEqual({
      code: 'deadline_exceeded',
      message: 'The status did not settle in time',
      retryable: true,
    });
    expect(actor.getSnapshot().context.failedOperation).toBe('check');
  });

  it('checkTimeout aborts a status request that hangs', async () => {
    const scripted = createScriptedBackend();
    const { actor } = startSession(scripted.backend, {
      record: makeRecord(),
      timings: { checkTimeout: 5_000 },
    });
    const call = scripted.only('getStatus');
    await vi.advanceTimersByTimeAsync(5_000);
    expect(topState(actor.getSnapshot())).toBe('error');
    expect(call.signal.aborted).toBe(true);
    call.resolve({ status: 'connected' });
    await flush();
    expect(topState(actor.getSnapshot())).toBe('error');
  });

  it.each([
    ['retryable', 'retrying', retryableError],
    ['not retryable', 'waiting', fatalError],
  ] as const)('a %s status failure goes to error (%s)', async (_, sub, makeError) => {
    const scripted = createScriptedBackend();
    const { actor } = startSession(scripted.backend, { record: makeRecord() });
    scripted.only('getStatus').reject(makeError());
    await flush();
    expect(actor.getSnapshot().matches({ error: sub })).toBe(true);
    expect(actor.getSnapshot().context.failedOperation).toBe('check');
  });

  it('cancel is ignored while checking a saved number: it may be connected, and the request goes on', () => {
    const scripted = createScriptedBackend();
    const { actor } = startSession(scripted.backend, { record: makeRecord() });
    const call = scripted.only('getStatus');
    actor.send({ type: 'session.cancel' });
    expect(topState(actor.getSnapshot())).toBe('checking');
    expect(call.signal.aborted).toBe(false);
    expect(scripted.count('disconnect')).toBe(0);
  });

  it('cancel of a number added here discards it: disconnecting → removed', async () => {
    const scripted = createScriptedBackend();
    const parent = createParentRecorder();
    const { actor } = startSession(scripted.backend, { id: 'new-1', parent: parent.ref });
    const record = makeRecord();
    scripted.only('create').resolve({ record, status: { status: 'pending' } });
    await flush();
    expect(topState(actor.getSnapshot())).toBe('checking');
    const status = scripted.only('getStatus');
    actor.send({ type: 'session.cancel' });
    expect(status.signal.aborted).toBe(true);
    expect(topState(actor.getSnapshot())).toBe('disconnecting');
    expect(scripted.only('disconnect').ref?.integrationId).toBe(record.integrationId);
    scripted.only('disconnect').resolve(undefined);
    await flush();
    expect(actor.getSnapshot().status).toBe('done');
    expect(parent.received.at(-1)).toEqual({
      type: 'session.removed',
      id: 'new-1',
      relist: false,
      unknownCreate: false,
    });
  });

  it('disconnect while checking goes to disconnecting and aborts the status request', () => {
    const scripted = createScriptedBackend();
    const { actor } = startSession(scripted.backend, { record: makeRecord() });
    const call = scripted.only('getStatus');
    actor.send({ type: 'session.disconnect' });
    expect(call.signal.aborted).toBe(true);
    expect(topState(actor.getSnapshot())).toBe('disconnecting');
    expect(scripted.open('disconnect')).toHaveLength(1);
  });
});

describe('connected', () => {
  it('re-checks in the background every recheckInterval without ever leaving connected', async () => {
    const { backend, records } = await simulated({ latency: 100, sessions: [{ state: 'connected' }] });
    const { actor, snapshots } = startSession(backend, {
      record: records[0]!,
      timings: { recheckInterval: 10_000 },
    });
    await vi.advanceTimersByTimeAsync(100);
    expect(topState(actor.getSnapshot())).toBe('connected');
    const firstConnected = snapshots.length - 1;
    expect(backend.stats().calls.getStatus).toBe(1);
    await vi.advanceTimersByTimeAsync(9_999);
    expect(backend.stats().calls.getStatus).toBe(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(backend.stats().calls.getStatus).toBe(2);
    expect(actor.getSnapshot().matches({ connected: 'rechecking' })).toBe(true);
    expect(sessionView(actor.getSnapshot())).toMatchObject({ status: 'connected', isBusy: true });
    await vi.advanceTimersByTimeAsync(100);
    expect(actor.getSnapshot().matches({ connected: 'idle' })).toBe(true);
    expect(actor.getSnapshot().context.lastCheckedAt).toBe(Date.now());
    // Five more rounds of 10 s + 100 ms.
    await vi.advanceTimersByTimeAsync(5 * 10_100);
    expect(backend.stats().calls.getStatus).toBe(7);
    const later = snapshots.slice(firstConnected);
    expect(later.length).toBeGreaterThan(12);
    for (const snapshot of later) {
      expect(snapshot.matches('checking')).toBe(false);
      expect(topState(snapshot)).toBe('connected');
    }
  });

  it('recheckInterval 0 turns the background re-check off', async () => {
    const { backend, records } = await simulated({ sessions: [{ state: 'connected' }] });
    const { actor } = startSession(backend, { record: records[0]!, timings: { recheckInterval: 0 } });
    await flush();
    expect(topState(actor.getSnapshot())).toBe('connected');
    await vi.advanceTimersByTimeAsync(HOUR);
    expect(backend.stats().calls.getStatus).toBe(1);
    expect(actor.getSnapshot().matches({ connected: 'idle' })).toBe(true);
  });

  it('check now re-checks at once, and the card keeps showing connected', async () => {
    const { backend, records } = await simulated({ latency: 100, sessions: [{ state: 'connected' }] });
    const { actor } = startSession(backend, { record: records[0]!, timings: { recheckInterval: 0 } });
    await vi.advanceTimersByTimeAsync(100);
    actor.send({ type: 'session.check' });
    expect(backend.stats().calls.getStatus).toBe(2);
    expect(sessionView(actor.getSnapshot())).toMatchObject({ status: 'connected', isBusy: true });
    await vi.advanceTimersByTimeAsync(100);
    expect(sessionView(actor.getSnapshot())).toMatchObject({ status: 'connected', isBusy: false });
  });

  it('a background re-check that finds the number offline goes to disconnected / offline', async () => {
    const { backend, records } = await simulated({ sessions: [{ state: 'connected' }] });
    const record = records[0]!;
    const { actor } = startSession(backend, { record, timings: { recheckInterval: 10_000 } });
    await flush();
    backend.drop(record.integrationId);
    await vi.advanceTimersByTimeAsync(9_999);
    expect(topState(actor.getSnapshot())).toBe('connected');
    await vi.advanceTimersByTimeAsync(1);
    expect(topState(actor.getSnapshot())).toBe('disconnected');
    expect(actor.getSnapshot().context.reason).toBe('offline');
  });

  it('a re-check that finds a QR goes to qr_issued', async () => {
    const scripted = createScriptedBackend();
    const { actor } = startSession(scripted.backend, { record: makeRecord() });
    scripted.only('getStatus').resolve({ status: 'connected' });
    await flush();
    actor.send({ type: 'session.check' });
    scripted.only('getStatus').resolve({ status: 'qr_issued', qr: qrText('2@a') });
    await flush();
    expect(topState(actor.getSnapshot())).toBe('qr_issued');
    expect(actor.getSnapshot().context.qr).toEqual(qrText('2@a'));
  });

  it('a re-check answered "starting" goes back to checking and polls', async () => {
    const scripted = createScriptedBackend();
    const { actor } = startSession(scripted.backend, {
      record: makeRecord(),
      timings: { pendingPollInterval: 1_000 },
    });
    scripted.only('getStatus').resolve({ status: 'connected' });
    await flush();
    actor.send({ type: 'session.check' });
    scripted.only('getStatus').resolve({ status: 'pending' });
    await flush();
    expect(actor.getSnapshot().matches({ checking: 'waiting' })).toBe(true);
    await vi.advanceTimersByTimeAsync(1_000);
    expect(scripted.open('getStatus')).toHaveLength(1);
  });

  it('a failed re-check goes to error / check', async () => {
    const { faults, fault } = faultSwitch();
    const { backend, records } = await simulated({ sessions: [{ state: 'connected' }], fault });
    const { actor } = startSession(backend, { record: records[0]!, timings: { recheckInterval: 10_000 } });
    await flush();
    faults.set('getStatus', 'unauthorized');
    await vi.advanceTimersByTimeAsync(10_000);
    expect(actor.getSnapshot().matches({ error: 'waiting' })).toBe(true);
    expect(actor.getSnapshot().context).toMatchObject({
      failedOperation: 'check',
      error: { code: 'unauthorized' },
    });
  });

  it('a re-check that hangs ends in error / deadline_exceeded after checkTimeout, connected until then', async () => {
    const scripted = createScriptedBackend();
    const { actor } = startSession(scripted.backend, {
      record: makeRecord(),
      timings: { checkTimeout: 5_000, recheckInterval: 0 },
    });
    scripted.only('getStatus').resolve({ status: 'connected' });
    await flush();
    actor.send({ type: 'session.check' });
    const call = scripted.only('getStatus');
    await vi.advanceTimersByTimeAsync(4_999);
    expect(topState(actor.getSnapshot())).toBe('connected');
    await vi.advanceTimersByTimeAsync(1);
    expect(topState(actor.getSnapshot())).toBe('error');
    expect(actor.getSnapshot().context.error?.code).toBe('deadline_exceeded');
    expect(call.signal.aborted).toBe(true);
  });

  it('disconnect while connected removes the number', async () => {
    const { backend, records } = await simulated({ sessions: [{ state: 'connected' }] });
    const { actor } = startSession(backend, { record: records[0]! });
    await flush();
    actor.send({ type: 'session.disconnect' });
    expect(topState(actor.getSnapshot())).toBe('disconnecting');
    await flush();
    expect(actor.getSnapshot().status).toBe('done');
    expect(await backend.listSessions(new AbortController().signal)).toEqual([]);
  });
});

describe('qr_issued', () => {
  it('polls one request at a time: the next poll starts qrPollInterval after the previous answer', async () => {
    const { backend, records } = await simulated({
      latency: (operation) => (operation === 'getStatus' ? 5_000 : 0),
      qrExpireMs: HOUR,
      sessions: [{ state: 'qr' }],
    });
    const id = records[0]!.integrationId;
    const { actor } = startSession(backend, {
      record: records[0]!,
      timings: { qrPollInterval: 2_000, qrTimeout: HOUR, checkTimeout: MINUTE },
    });
    await vi.advanceTimersByTimeAsync(5_000);
    expect(topState(actor.getSnapshot())).toBe('qr_issued');
    expect(backend.stats().calls.getStatus).toBe(1);
    await vi.advanceTimersByTimeAsync(1_999);
    expect(backend.stats().calls.getStatus).toBe(1);
    await vi.advanceTimersByTimeAsync(1); // t=7000: poll 2 starts, answers at 12000
    expect(backend.stats().calls.getStatus).toBe(2);
    await vi.advanceTimersByTimeAsync(6_999); // t=13_999: a timer-based poller would have fired twice more
    expect(backend.stats().calls.getStatus).toBe(2);
    await vi.advanceTimersByTimeAsync(1); // t=14_000
    expect(backend.stats().calls.getStatus).toBe(3);
    await vi.advanceTimersByTimeAsync(7_000 * 10);
    expect(backend.stats().calls.getStatus).toBe(13);
    expect(backend.stats().maxInFlight[id]).toBe(1);
    expect(topState(actor.getSnapshot())).toBe('qr_issued');
  });

  it('swaps in a rotated QR, and keeps the same object while the QR is unchanged', async () => {
    const { backend, records } = await simulated({
      qrRotateMs: 20_000,
      qrExpireMs: HOUR,
      sessions: [{ state: 'qr' }],
    });
    const id = records[0]!.integrationId;
    const { actor } = startSession(backend, { record: records[0]!, timings: { qrPollInterval: 2_000 } });
    await flush();
    const first = actor.getSnapshot().context.qr;
    expect(first).toEqual(qrText(backend.currentQr(id)!));
    await vi.advanceTimersByTimeAsync(18_000); // nine polls, same QR
    expect(backend.stats().calls.getStatus).toBe(10);
    expect(actor.getSnapshot().context.qr).toBe(first);
    await vi.advanceTimersByTimeAsync(2_000); // t=20_000: rotated
    const second = actor.getSnapshot().context.qr;
    expect(second).not.toEqual(first);
    expect(second).toEqual(qrText(backend.currentQr(id)!));
    expect(sessionView(actor.getSnapshot()).qr).toBe(second);
  });

  it('qrTimeout: after the deadline the session is disconnected / qr_expired, the QR cleared, the poll aborted', async () => {
    const scripted = createScriptedBackend();
    const { actor } = startSession(scripted.backend, {
      record: makeRecord(),
      timings: { qrTimeout: 30_000, qrPollInterval: 2_000 },
    });
    scripted.only('getStatus').resolve({ status: 'qr_issued', qr: qrText('2@a') });
    await flush();
    expect(actor.getSnapshot().context.qrExpiresAt).toBe(Date.now() + 30_000);
    await vi.advanceTimersByTimeAsync(2_000);
    const poll = scripted.only('getStatus'); // hangs
    await vi.advanceTimersByTimeAsync(27_999);
    expect(topState(actor.getSnapshot())).toBe('qr_issued');
    await vi.advanceTimersByTimeAsync(1);
    const snapshot = actor.getSnapshot();
    expect(topState(snapshot)).toBe('disconnected');
    expect(snapshot.context.reason).toBe('qr_expired');
    expect(snapshot.context.qr).toBeNull();
    expect(snapshot.context.qrExpiresAt).toBeNull();
    expect(poll.signal.aborted).toBe(true);
    poll.resolve({ status: 'connected' });
    await vi.advanceTimersByTimeAsync(HOUR);
    expect(topState(actor.getSnapshot())).toBe('disconnected');
    expect(scripted.open()).toHaveLength(0);
  });

  it('a rotated QR does not extend the deadline', async () => {
    const { backend, records } = await simulated({
      qrRotateMs: 5_000,
      qrExpireMs: HOUR,
      sessions: [{ state: 'qr' }],
    });
    const { actor } = startSession(backend, {
      record: records[0]!,
      timings: { qrTimeout: 30_000, qrPollInterval: 1_000 },
    });
    await vi.advanceTimersByTimeAsync(29_999);
    expect(topState(actor.getSnapshot())).toBe('qr_issued');
    await vi.advanceTimersByTimeAsync(1);
    expect(actor.getSnapshot().context.reason).toBe('qr_expired');
  });

  it('tolerates failed polls up to qrPollFailures in a row, then goes to error', async () => {
    const { faults, fault } = faultSwitch();
    const { backend, records } = await simulated({ qrExpireMs: HOUR, sessions: [{ state: 'qr' }], fault });
    const { actor } = startSession(backend, {
      record: records[0]!,
      timings: { qrPollInterval: 1_000, qrPollFailures: 3, qrTimeout: HOUR },
    });
    await flush();
    faults.set('getStatus', 'server');
    await vi.advanceTimersByTimeAsync(1_000);
    await vi.advanceTimersByTimeAsync(1_000);
    expect(actor.getSnapshot().context.pollFailures).toBe(2);
    expect(topState(actor.getSnapshot())).toBe('qr_issued');
    // A good answer resets the count.
    faults.delete('getStatus');
    await vi.advanceTimersByTimeAsync(1_000);
    expect(actor.getSnapshot().context.pollFailures).toBe(0);
    faults.set('getStatus', 'server');
    await vi.advanceTimersByTimeAsync(2_000);
    expect(topState(actor.getSnapshot())).toBe('qr_issued');
    await vi.advanceTimersByTimeAsync(1_000); // the third failure in a row
    expect(topState(actor.getSnapshot())).toBe('error');
    expect(actor.getSnapshot().context).toMatchObject({
      failedOperation: 'check',
      error: { code: 'server' },
    });
    expect(actor.getSnapshot().context.qr).toBeNull();
  });

  it.each(['unauthorized', 'forbidden', 'not_found', 'bad_request'] as const)(
    'a %s poll ends the QR at once: only retryable failures are tolerated',
    async (code) => {
      const { faults, fault } = faultSwitch();
      const { backend, records } = await simulated({ qrExpireMs: HOUR, sessions: [{ state: 'qr' }], fault });
      const { actor } = startSession(backend, {
        record: records[0]!,
        timings: { qrPollInterval: 1_000, qrPollFailures: 3, qrTimeout: HOUR },
      });
      await flush();
      expect(topState(actor.getSnapshot())).toBe('qr_issued');
      faults.set('getStatus', code);
      await vi.advanceTimersByTimeAsync(1_000);
      expect(topState(actor.getSnapshot())).toBe('error');
      expect(actor.getSnapshot().context).toMatchObject({
        failedOperation: 'check',
        error: { code, retryable: false },
        qr: null,
      });
    },
  );

  it('refreshQr polls the status now (it carries the QR); a new QR is swapped in, the same one keeps its object', async () => {
    const scripted = createScriptedBackend();
    const { actor } = startSession(scripted.backend, {
      record: makeRecord(),
      timings: { qrPollInterval: MINUTE },
    });
    scripted.only('getStatus').resolve({ status: 'qr_issued', qr: qrText('2@a') });
    await flush();
    const first = actor.getSnapshot().context.qr;
    actor.send({ type: 'session.refreshQr' });
    expect(sessionView(actor.getSnapshot()).isBusy).toBe(true);
    scripted.only('getStatus').resolve({ status: 'qr_issued', qr: qrText('2@a') });
    await flush();
    expect(actor.getSnapshot().context.qr).toBe(first);
    actor.send({ type: 'session.refreshQr' });
    scripted.only('getStatus').resolve({ status: 'qr_issued', qr: qrText('2@b') });
    await flush();
    expect(actor.getSnapshot().context.qr).toEqual(qrText('2@b'));
    expect(scripted.count('getQr')).toBe(0);
  });

  it('refreshQr during a poll restarts it: the older poll is aborted (still one request at a time)', async () => {
    const scripted = createScriptedBackend();
    const { actor } = startSession(scripted.backend, {
      record: makeRecord(),
      timings: { qrPollInterval: 1_000 },
    });
    scripted.only('getStatus').resolve({ status: 'qr_issued', qr: qrText('2@a') });
    await vi.advanceTimersByTimeAsync(1_000);
    const poll = scripted.only('getStatus');
    actor.send({ type: 'session.refreshQr' });
    expect(poll.signal.aborted).toBe(true);
    expect(scripted.open()).toHaveLength(1);
  });

  it('a scan connects the number and clears the QR', async () => {
    const { backend, records } = await simulated({ sessions: [{ state: 'qr' }] });
    const { actor } = startSession(backend, { record: records[0]!, timings: { qrPollInterval: 2_000 } });
    await flush();
    expect(backend.scan(records[0]!.integrationId)).toBe(true);
    await vi.advanceTimersByTimeAsync(2_000);
    expect(topState(actor.getSnapshot())).toBe('connected');
    expect(actor.getSnapshot().context.qr).toBeNull();
  });

  it('the platform ending an unscanned QR phase before our deadline is a QR expiry, not "offline"', async () => {
    const { backend, records } = await simulated({ qrExpireMs: 5_000, sessions: [{ state: 'qr' }] });
    const { actor } = startSession(backend, { record: records[0]!, timings: { qrPollInterval: 2_000 } });
    await vi.advanceTimersByTimeAsync(6_000);
    expect(topState(actor.getSnapshot())).toBe('disconnected');
    expect(actor.getSnapshot().context.reason).toBe('qr_expired');
  });

  it('a connected number that goes offline still reads offline', async () => {
    const { backend, records } = await simulated({ sessions: [{ state: 'connected' }] });
    const { actor } = startSession(backend, { record: records[0]!, timings: { recheckInterval: 1_000 } });
    await flush();
    expect(topState(actor.getSnapshot())).toBe('connected');
    backend.drop(records[0]!.integrationId);
    await vi.advanceTimersByTimeAsync(1_000);
    expect(topState(actor.getSnapshot())).toBe('disconnected');
    expect(actor.getSnapshot().context.reason).toBe('offline');
  });

  it('shows an exact QR countdown only when it knows when the QR phase began', async () => {
    const scripted = createScriptedBackend();
    const found = startSession(scripted.backend, { record: makeRecord(), timings: { qrTimeout: 60_000 } });
    // Found already running (after a reload): when it began is unknown, so no countdown is claimed.
    scripted.only('getStatus').resolve({ status: 'qr_issued', qr: qrText('2@a') });
    await flush();
    expect(sessionView(found.actor.getSnapshot())).toMatchObject({ status: 'qr_issued', qrExpiresAt: null });
    // The backend says when it issued the QR (last_qr_at): the deadline counts from then.
    const told = startSession(scripted.backend, { record: makeRecord(), timings: { qrTimeout: 60_000 } });
    const issuedAt = Date.now() - 45_000;
    scripted.only('getStatus').resolve({ status: 'qr_issued', qr: qrText('2@b'), issuedAt });
    await flush();
    expect(sessionView(told.actor.getSnapshot()).qrExpiresAt).toBe(issuedAt + 60_000);
    // ...and the phase really ends then, not a full qrTimeout after the reload.
    await vi.advanceTimersByTimeAsync(15_000);
    expect(sessionView(told.actor.getSnapshot())).toMatchObject({
      status: 'disconnected',
      reason: 'qr_expired',
    });
    // A QR this session asked for (start) has a known beginning.
    found.actor.send({ type: 'session.cancel' });
    found.actor.send({ type: 'session.reconnect' });
    scripted.only('start').resolve({ status: 'qr_issued', qr: qrText('2@c') });
    await flush();
    expect(sessionView(found.actor.getSnapshot()).qrExpiresAt).toBe(Date.now() + 60_000);
  });

  it('cancel of a number added here discards it: disconnecting → removed, its row deleted', async () => {
    const backend = createSimulatedBackend({ latency: 10 });
    const parent = createParentRecorder();
    const { actor } = startSession(backend, { id: 'new-1', parent: parent.ref });
    await vi.advanceTimersByTimeAsync(10);
    expect(topState(actor.getSnapshot())).toBe('qr_issued');
    actor.send({ type: 'session.cancel' });
    expect(topState(actor.getSnapshot())).toBe('disconnecting');
    await vi.advanceTimersByTimeAsync(10);
    expect(actor.getSnapshot().status).toBe('done');
    expect(backend.stats().calls.disconnect).toBe(1);
    expect(parent.received.at(-1)).toEqual({
      type: 'session.removed',
      id: 'new-1',
      relist: false,
      unknownCreate: false,
    });
    const list = backend.listSessions(new AbortController().signal);
    await vi.advanceTimersByTimeAsync(10);
    expect(await list).toEqual([]);
  });

  it('cancel of a saved number stops showing its QR: disconnected / cancelled, nothing deleted', async () => {
    const { backend, records } = await simulated({ sessions: [{ state: 'qr' }] });
    const { actor } = startSession(backend, { record: records[0]! });
    await flush();
    actor.send({ type: 'session.cancel' });
    expect(topState(actor.getSnapshot())).toBe('disconnected');
    expect(actor.getSnapshot().context).toMatchObject({ reason: 'cancelled', qr: null });
    expect(backend.stats().calls.disconnect).toBe(0);
  });

  it('disconnect while a QR is shown removes the number', async () => {
    const { backend, records } = await simulated({ sessions: [{ state: 'qr' }] });
    const { actor } = startSession(backend, { record: records[0]! });
    await flush();
    actor.send({ type: 'session.disconnect' });
    expect(topState(actor.getSnapshot())).toBe('disconnecting');
    await flush();
    expect(actor.getSnapshot().status).toBe('done');
    expect(backend.stats().calls.disconnect).toBe(1);
  });

  it('check polls now instead of waiting', async () => {
    const scripted = createScriptedBackend();
    const { actor } = startSession(scripted.backend, {
      record: makeRecord(),
      timings: { qrPollInterval: MINUTE },
    });
    scripted.only('getStatus').resolve({ status: 'qr_issued', qr: qrText('2@a') });
    await flush();
    expect(scripted.open()).toHaveLength(0);
    actor.send({ type: 'session.check' });
    expect(scripted.open('getStatus')).toHaveLength(1);
  });
});

describe('disconnected', () => {
  it('reconnect asks for a new QR for this same number (start) and shows it', async () => {
    const { backend, records } = await simulated({ latency: 100, sessions: [{ state: 'offline' }] });
    const record = records[0]!;
    const { actor } = startSession(backend, { record });
    await vi.advanceTimersByTimeAsync(100);
    expect(actor.getSnapshot().context.reason).toBe('offline');
    actor.send({ type: 'session.reconnect' });
    expect(actor.getSnapshot().matches({ checking: 'starting' })).toBe(true);
    expect(actor.getSnapshot().context.reason).toBeNull();
    expect(backend.stats().calls.start).toBe(1);
    await vi.advanceTimersByTimeAsync(100);
    expect(topState(actor.getSnapshot())).toBe('qr_issued');
    expect(actor.getSnapshot().context.qr).toEqual(qrText(backend.currentQr(record.integrationId)!));
    expect(actor.getSnapshot().context.record?.integrationId).toBe(record.integrationId);
    expect(backend.stats().calls.start).toBe(1);
  });

  it('a start answered "starting" polls the status until the QR is ready', async () => {
    const { backend, records } = await simulated({ startDelayMs: 3_000, sessions: [{ state: 'offline' }] });
    const { actor } = startSession(backend, { record: records[0]!, timings: { pendingPollInterval: 2_000 } });
    await flush();
    actor.send({ type: 'session.reconnect' });
    await flush();
    expect(actor.getSnapshot().matches({ checking: 'waiting' })).toBe(true);
    await vi.advanceTimersByTimeAsync(4_000);
    expect(topState(actor.getSnapshot())).toBe('qr_issued');
    expect(backend.stats().calls).toMatchObject({ start: 1, getStatus: 3 });
  });

  it('check re-checks the status', async () => {
    const { backend, records } = await simulated({ sessions: [{ state: 'offline' }] });
    const { actor } = startSession(backend, { record: records[0]! });
    await flush();
    actor.send({ type: 'session.check' });
    expect(topState(actor.getSnapshot())).toBe('checking');
    expect(backend.stats().calls.getStatus).toBe(2);
  });

  it('disconnect removes the number', async () => {
    const { backend, records } = await simulated({ sessions: [{ state: 'offline' }] });
    const { actor } = startSession(backend, { record: records[0]! });
    await flush();
    actor.send({ type: 'session.disconnect' });
    await flush();
    expect(actor.getSnapshot().status).toBe('done');
  });

  it('an offline number stays disconnected, re-checked only every recheckInterval (and never with it off)', async () => {
    const { backend, records } = await simulated({ sessions: [{ state: 'offline' }] });
    const { actor } = startSession(backend, { record: records[0]! });
    await vi.advanceTimersByTimeAsync(HOUR);
    expect(topState(actor.getSnapshot())).toBe('disconnected');
    expect(backend.stats().calls.getStatus).toBe(1 + HOUR / DEFAULT_TIMINGS.recheckInterval);
    const quiet = await simulated({ sessions: [{ state: 'offline' }] });
    const off = startSession(quiet.backend, { record: quiet.records[0]!, timings: { recheckInterval: 0 } });
    await vi.advanceTimersByTimeAsync(HOUR);
    expect(topState(off.actor.getSnapshot())).toBe('disconnected');
    expect(quiet.backend.stats().calls.getStatus).toBe(1);
  });
});

describe('error: automatic retries and the admin', () => {
  const backoff = { retryBaseDelay: 1_000, retryMaxDelay: 5_000, retryAttempts: 5 };

  /** Fails every status call and returns the delays the machine waited before each automatic retry. */
  async function observedDelays(random: number) {
    vi.spyOn(Math, 'random').mockReturnValue(random);
    const { backend, records } = await simulated({
      sessions: [{ state: 'connected' }],
      fault: (operation) => (operation === 'getStatus' ? { kind: 'error', code: 'server' } : null),
    });
    const { actor } = startSession(backend, { record: records[0]!, timings: backoff });
    await flush();
    const delays: number[] = [];
    while (actor.getSnapshot().matches({ error: 'retrying' })) {
      const { retryDelay, nextRetryAt } = actor.getSnapshot().context;
      expect(nextRetryAt).toBe(Date.now() + retryDelay);
      const calls = backend.stats().calls.getStatus;
      await vi.advanceTimersByTimeAsync(retryDelay - 1);
      expect(backend.stats().calls.getStatus).toBe(calls);
      await vi.advanceTimersByTimeAsync(1);
      expect(backend.stats().calls.getStatus).toBe(calls + 1);
      delays.push(retryDelay);
      expect(delays.length).toBeLessThanOrEqual(backoff.retryAttempts);
    }
    return { actor, backend, delays };
  }

  it('retries a retryable status failure with exponential backoff, capped, retryAttempts times, then waits', async () => {
    const { actor, backend, delays } = await observedDelays(0.5); // jitter factor exactly 1
    expect(delays).toEqual([1_000, 2_000, 4_000, 5_000, 5_000]);
    expect(actor.getSnapshot().matches({ error: 'waiting' })).toBe(true);
    expect(actor.getSnapshot().context.nextRetryAt).toBeNull();
    expect(backend.stats().calls.getStatus).toBe(6);
    await vi.advanceTimersByTimeAsync(HOUR);
    expect(backend.stats().calls.getStatus).toBe(6);
    // The admin's retry starts a fresh series.
    actor.send({ type: 'session.retry' });
    expect(backend.stats().calls.getStatus).toBe(7);
    await flush();
    expect(actor.getSnapshot().context.retryDelay).toBe(1_000);
  });

  it('jitter spreads the delays by ±25 % (lowest end)', async () => {
    const { delays } = await observedDelays(0);
    expect(delays).toEqual([750, 1_500, 3_000, 3_750, 3_750]);
  });

  it('jitter never pushes a delay above retryMaxDelay (highest end)', async () => {
    const { delays } = await observedDelays(0.999_999);
    expect(delays).toEqual([1_250, 2_500, 5_000, 5_000, 5_000]);
    for (const delay of delays) expect(delay).toBeLessThanOrEqual(backoff.retryMaxDelay);
  });

  it.each(['unauthorized', 'forbidden', 'not_found', 'bad_request'] as const)(
    'a non-retryable %s failure waits for the admin',
    async (code) => {
      const { backend, records } = await simulated({
        sessions: [{ state: 'connected' }],
        fault: (operation) =>
          operation === 'getStatus' && backend.stats().calls.getStatus === 1 ? { kind: 'error', code } : null,
      });
      const { actor } = startSession(backend, { record: records[0]! });
      await flush();
      expect(actor.getSnapshot().matches({ error: 'waiting' })).toBe(true);
      expect(actor.getSnapshot().context).toMatchObject({
        error: { code, retryable: false },
        nextRetryAt: null,
      });
      await vi.advanceTimersByTimeAsync(HOUR);
      expect(backend.stats().calls.getStatus).toBe(1);
      actor.send({ type: 'session.retry' });
      await flush();
      expect(backend.stats().calls.getStatus).toBe(2);
      expect(topState(actor.getSnapshot())).toBe('connected');
    },
  );

  it('a success resets the attempt count', async () => {
    vi.spyOn(Math, 'random').mockReturnValue(0.5);
    const scripted = createScriptedBackend();
    const { actor } = startSession(scripted.backend, { record: makeRecord(), timings: backoff });
    scripted.only('getStatus').reject(retryableError());
    await flush();
    await vi.advanceTimersByTimeAsync(1_000);
    scripted.only('getStatus').reject(retryableError());
    await flush();
    expect(actor.getSnapshot().context.retryDelay).toBe(2_000);
    await vi.advanceTimersByTimeAsync(2_000);
    scripted.only('getStatus').resolve({ status: 'connected' });
    await flush();
    expect(actor.getSnapshot().context.attempt).toBe(0);
    actor.send({ type: 'session.check' });
    scripted.only('getStatus').reject(retryableError());
    await flush();
    expect(actor.getSnapshot().context.retryDelay).toBe(1_000);
  });

  it('retry repeats a failed status check', async () => {
    const scripted = createScriptedBackend();
    const { actor } = startSession(scripted.backend, { record: makeRecord() });
    scripted.only('getStatus').reject(fatalError());
    await flush();
    actor.send({ type: 'session.retry' });
    expect(actor.getSnapshot().matches({ checking: 'requesting' })).toBe(true);
    expect(scripted.count('getStatus')).toBe(2);
    expect(scripted.count('start')).toBe(0);
  });

  it('retry repeats a failed start (reconnect), and so does the automatic retry', async () => {
    vi.spyOn(Math, 'random').mockReturnValue(0.5);
    const scripted = createScriptedBackend();
    const { actor } = startSession(scripted.backend, { record: makeRecord() });
    scripted.only('getStatus').resolve({ status: 'disconnected' });
    await flush();
    actor.send({ type: 'session.reconnect' });
    scripted.only('start').reject(retryableError());
    await flush();
    expect(actor.getSnapshot().matches({ error: 'retrying' })).toBe(true);
    expect(actor.getSnapshot().context.failedOperation).toBe('start');
    await vi.advanceTimersByTimeAsync(1_000);
    expect(actor.getSnapshot().matches({ checking: 'starting' })).toBe(true);
    scripted.only('start').reject(fatalError());
    await flush();
    expect(actor.getSnapshot().matches({ error: 'waiting' })).toBe(true);
    actor.send({ type: 'session.retry' });
    expect(actor.getSnapshot().matches({ checking: 'starting' })).toBe(true);
    expect(scripted.count('start')).toBe(3);
    expect(scripted.count('getStatus')).toBe(1);
  });

  it('a start that hangs past checkTimeout is retried as a start, not as a status check', async () => {
    vi.spyOn(Math, 'random').mockReturnValue(0.5);
    const scripted = createScriptedBackend();
    const { actor } = startSession(scripted.backend, {
      record: makeRecord(),
      timings: { checkTimeout: 5_000, retryBaseDelay: 1_000 },
    });
    scripted.only('getStatus').resolve({ status: 'disconnected' });
    await flush();
    actor.send({ type: 'session.reconnect' });
    const start = scripted.only('start');
    await vi.advanceTimersByTimeAsync(5_000);
    expect(start.signal.aborted).toBe(true);
    expect(actor.getSnapshot().context).toMatchObject({
      failedOperation: 'start',
      error: { code: 'deadline_exceeded' },
    });
    await vi.advanceTimersByTimeAsync(1_000);
    expect(actor.getSnapshot().matches({ checking: 'starting' })).toBe(true);
    expect(scripted.count('start')).toBe(2);
  });

  it('retry repeats a failed disconnect; a failed disconnect is never retried by itself', async () => {
    const scripted = createScriptedBackend();
    const { actor } = startSession(scripted.backend, { record: makeRecord() });
    scripted.only('getStatus').resolve({ status: 'connected' });
    await flush();
    actor.send({ type: 'session.disconnect' });
    scripted.only('disconnect').reject(retryableError());
    await flush();
    expect(actor.getSnapshot().matches({ error: 'waiting' })).toBe(true);
    expect(actor.getSnapshot().context.failedOperation).toBe('disconnect');
    await vi.advanceTimersByTimeAsync(HOUR);
    expect(scripted.count('disconnect')).toBe(1);
    actor.send({ type: 'session.retry' });
    expect(topState(actor.getSnapshot())).toBe('disconnecting');
    scripted.only('disconnect').resolve(undefined);
    await flush();
    expect(actor.getSnapshot().status).toBe('done');
  });

  it('check from error re-checks and starts a fresh series; disconnect from error removes', async () => {
    const scripted = createScriptedBackend();
    const { actor } = startSession(scripted.backend, { record: makeRecord() });
    scripted.only('getStatus').reject(fatalError());
    await flush();
    actor.send({ type: 'session.check' });
    expect(topState(actor.getSnapshot())).toBe('checking');
    scripted.only('getStatus').reject(fatalError());
    await flush();
    actor.send({ type: 'session.disconnect' });
    expect(topState(actor.getSnapshot())).toBe('disconnecting');
  });

  it('cancel discards a new number whose create failed', async () => {
    const scripted = createScriptedBackend();
    const parent = createParentRecorder();
    const { actor } = startSession(scripted.backend, { id: 'new-1', parent: parent.ref });
    scripted.only('create').reject(retryableError());
    await flush();
    expect(sessionView(actor.getSnapshot())).toMatchObject({
      canCancel: true,
      canRetry: false,
      canDisconnect: false,
    });
    actor.send({ type: 'session.cancel' });
    expect(actor.getSnapshot().status).toBe('done');
    expect(parent.received.at(-1)).toEqual({
      type: 'session.removed',
      id: 'new-1',
      relist: true,
      unknownCreate: true,
    });
    expect(scripted.count('disconnect')).toBe(0);
  });
});

describe('disconnecting', () => {
  async function connectedSession(timings = {}) {
    const scripted = createScriptedBackend();
    const parent = createParentRecorder();
    const { actor } = startSession(scripted.backend, { record: makeRecord(), parent: parent.ref, timings });
    scripted.only('getStatus').resolve({ status: 'connected' });
    await flush();
    actor.send({ type: 'session.disconnect' });
    return { scripted, actor, parent, call: scripted.only('disconnect') };
  }

  it('done → removed: the actor ends and tells the collection (no re-list needed)', async () => {
    const { actor, parent, call } = await connectedSession();
    expect(sessionView(actor.getSnapshot())).toMatchObject({ status: 'disconnecting', isBusy: true });
    call.resolve(undefined);
    await flush();
    expect(actor.getSnapshot().status).toBe('done');
    expect(topState(actor.getSnapshot())).toBe('removed');
    expect(parent.received).toEqual([
      { type: 'session.removed', id: 'session-1', relist: false, unknownCreate: false },
    ]);
  });

  it('failure → error / disconnect', async () => {
    const { actor, call } = await connectedSession();
    call.reject(fatalError());
    await flush();
    expect(actor.getSnapshot().matches({ error: 'waiting' })).toBe(true);
    expect(actor.getSnapshot().context.failedOperation).toBe('disconnect');
  });

  it('disconnectTimeout: aborted into error / deadline_exceeded; a late "done" is ignored', async () => {
    const { actor, call, parent } = await connectedSession({ disconnectTimeout: 8_000 });
    await vi.advanceTimersByTimeAsync(7_999);
    expect(topState(actor.getSnapshot())).toBe('disconnecting');
    await vi.advanceTimersByTimeAsync(1);
    expect(actor.getSnapshot().matches({ error: 'waiting' })).toBe(true);
    expect(actor.getSnapshot().context).toMatchObject({
      failedOperation: 'disconnect',
      error: { code: 'deadline_exceeded', retryable: true },
    });
    expect(call.signal.aborted).toBe(true);
    call.resolve(undefined);
    await flush();
    expect(actor.getSnapshot().status).toBe('active');
    // It told its failure once, and nothing about removal.
    expect(parent.received).toEqual([{ type: 'session.failed', id: 'session-1', operation: 'disconnect' }]);
  });

  it('admin commands are ignored while disconnecting', async () => {
    const { actor, scripted } = await connectedSession();
    const before = actor.getSnapshot();
    for (const type of [
      'session.check',
      'session.reconnect',
      'session.refreshQr',
      'session.cancel',
      'session.retry',
    ] as const) {
      actor.send({ type });
    }
    actor.send({ type: 'session.disconnect' });
    expect(actor.getSnapshot()).toBe(before);
    expect(scripted.calls).toHaveLength(2);
  });
});

describe('leaving a state aborts its request and ignores its late answer', () => {
  type Step = (s: ReturnType<typeof createScriptedBackend>, record: SessionRecord) => Promise<void>;
  const toQr: Step = async (s) => {
    s.only('getStatus').resolve({ status: 'qr_issued', qr: qrText('2@a') });
    await flush();
  };
  const toConnected: Step = async (s) => {
    s.only('getStatus').resolve({ status: 'connected' });
    await flush();
  };
  const toDisconnected: Step = async (s) => {
    s.only('getStatus').resolve({ status: 'disconnected' });
    await flush();
  };

  it.each([
    {
      name: 'checking (status) by disconnect',
      setup: null,
      command: 'session.disconnect',
      end: 'disconnecting',
    },
    {
      name: 'connected (re-check) by disconnect',
      setup: 'connected',
      command: 'session.disconnect',
      end: 'disconnecting',
    },
    { name: 'qr_issued (poll) by cancel', setup: 'qrPoll', command: 'session.cancel', end: 'disconnected' },
    {
      name: 'qr_issued (refreshQr poll) by disconnect',
      setup: 'qrFetch',
      command: 'session.disconnect',
      end: 'disconnecting',
    },
    {
      name: 'checking (start) by disconnect',
      setup: 'starting',
      command: 'session.disconnect',
      end: 'disconnecting',
    },
  ] as const)('$name', async ({ setup, command, end }) => {
    const scripted = createScriptedBackend();
    const record = makeRecord();
    const { actor } = startSession(scripted.backend, { record, timings: { qrPollInterval: 1_000 } });
    if (setup === 'connected') {
      await toConnected(scripted, record);
      actor.send({ type: 'session.check' });
    } else if (setup === 'qrPoll') {
      await toQr(scripted, record);
      await vi.advanceTimersByTimeAsync(1_000);
    } else if (setup === 'qrFetch') {
      await toQr(scripted, record);
      actor.send({ type: 'session.refreshQr' });
    } else if (setup === 'starting') {
      await toDisconnected(scripted, record);
      actor.send({ type: 'session.reconnect' });
    }
    const inFlight = scripted.open();
    expect(inFlight).toHaveLength(1);
    const call = inFlight[0]!;
    actor.send({ type: command });
    expect(topState(actor.getSnapshot())).toBe(end);
    expect(call.signal.aborted).toBe(true);
    const before = actor.getSnapshot();
    call.resolve(call.operation === 'getQr' ? qrText('2@late') : { status: 'connected' });
    await flush();
    expect(actor.getSnapshot()).toBe(before);
  });

  it('an older poll answer never lands after a newer request started (check restarts the re-check)', async () => {
    const scripted = createScriptedBackend();
    const { actor } = startSession(scripted.backend, { record: makeRecord() });
    await toConnected(scripted, makeRecord());
    actor.send({ type: 'session.check' });
    const older = scripted.only('getStatus');
    actor.send({ type: 'session.check' });
    // Either the second check is ignored (older still open) or it restarted the re-check (older aborted).
    const open = scripted.open('getStatus');
    expect(open).toHaveLength(1);
    if (open[0] !== older) {
      expect(older.signal.aborted).toBe(true);
      older.resolve({ status: 'disconnected' });
      await flush();
      expect(topState(actor.getSnapshot())).toBe('connected');
    }
  });
});
