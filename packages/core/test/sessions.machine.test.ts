import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  createWppSessions,
  sessionsView,
  sessionView,
  type WppBackend,
  WppError,
  type WppTimings,
} from '../src/index.js';
import {
  createSimulatedBackend,
  type SimulatedBackendOptions,
  type SimulatedOperation,
} from '../src/testing.js';
import { takeActorErrors, topState, watch } from './machine.harness.js';

const HOUR = 3_600_000;

beforeEach(() => {
  vi.useFakeTimers();
});

afterEach(() => {
  expect(takeActorErrors()).toEqual([]);
  vi.restoreAllMocks();
  vi.useRealTimers();
});

type Collection = ReturnType<typeof createWppSessions>;

/** Starts the collection on `backend`, watching it (and failing the test on any actor error). */
function start(backend: WppBackend, options: { timings?: Partial<WppTimings>; concurrency?: number } = {}) {
  const actor = createWppSessions(backend, options);
  const watched = watch(actor);
  actor.start();
  return { actor, ...watched };
}

/** The session views in display order. */
function views(actor: Collection) {
  const { context } = actor.getSnapshot();
  return context.ids.map((id) => sessionView(context.refs[id]!.getSnapshot()));
}

function refOf(actor: Collection, id: string) {
  const ref = actor.getSnapshot().context.refs[id];
  if (!ref) throw new Error(`no session ${id}`);
  return ref;
}

function faultSwitch() {
  const faults = new Map<SimulatedOperation, WppError['code'] | 'hang'>();
  const fault: SimulatedBackendOptions['fault'] = (operation) => {
    const code = faults.get(operation);
    if (code === undefined) return null;
    return code === 'hang' ? { kind: 'hang' } : { kind: 'error', code };
  };
  return { faults, fault };
}

/** A saved row in the user's `messenger_integrations` shape. */
function row(n: number, overrides: Record<string, unknown> = {}) {
  const hex = n.toString(16).padStart(12, '0');
  return {
    id: `20000000-0000-4000-8000-${hex}`,
    organization_id: '00000000-0000-4000-8000-0000000000aa',
    messenger_type: 'whatsapp',
    provider: 'wpp',
    name: `Row ${n}`,
    is_primary: false,
    is_active: true,
    is_enabled: true,
    webhook_key: `wh_${n}`,
    settings: {
      wppApiKey: `wppk_${String(n).padStart(13, '9')}_deadbeefsecret`,
      wppAccountNumber: `acc${n}`,
    },
    created_at: `2026-01-0${n}T00:00:00.000Z`,
    ...overrides,
  };
}

describe('loading', () => {
  it('lists the saved sessions, primary first then oldest, one child per row with id session:<integrationId>', async () => {
    const backend = createSimulatedBackend({
      latency: 100,
      rawRows: [row(3), row(1), row(4, { is_primary: true }), row(2)],
    });
    const { actor } = start(backend);
    expect(sessionsView(actor.getSnapshot()).status).toBe('loading');
    await vi.advanceTimersByTimeAsync(99);
    expect(actor.getSnapshot().matches('loading')).toBe(true);
    await vi.advanceTimersByTimeAsync(1);
    const { context } = actor.getSnapshot();
    expect(sessionsView(actor.getSnapshot()).status).toBe('ready');
    const expected = [row(4), row(1), row(2), row(3)].map((r) => r.id);
    expect(context.ids).toEqual(expected);
    for (const id of expected) expect(context.refs[id]!.id).toBe(`session:${id}`);
    expect(views(actor).map((v) => v.name)).toEqual(['Row 4', 'Row 1', 'Row 2', 'Row 3']);
    expect(views(actor)[0]!.isPrimary).toBe(true);
    expect(sessionsView(actor.getSnapshot()).lastListedAt).toBe(Date.now());
    expect(backend.stats().calls.getStatus).toBe(4);
    actor.stop();
  });

  it('a failed first list retries with capped exponential backoff, then waits for sessions.retry', async () => {
    vi.spyOn(Math, 'random').mockReturnValue(0.5);
    const { faults, fault } = faultSwitch();
    faults.set('listSessions', 'server');
    const backend = createSimulatedBackend({ fault, sessions: [{ state: 'connected' }] });
    const { actor } = start(backend, {
      timings: { retryBaseDelay: 1_000, retryMaxDelay: 3_000, retryAttempts: 4 },
    });
    await vi.advanceTimersByTimeAsync(0);
    const delays: number[] = [];
    while (actor.getSnapshot().matches({ failed: 'retrying' })) {
      const { retryDelay, nextRetryAt } = actor.getSnapshot().context;
      expect(sessionsView(actor.getSnapshot())).toMatchObject({ status: 'error', nextRetryAt });
      const calls = backend.stats().calls.listSessions;
      await vi.advanceTimersByTimeAsync(retryDelay - 1);
      expect(backend.stats().calls.listSessions).toBe(calls);
      await vi.advanceTimersByTimeAsync(1);
      expect(backend.stats().calls.listSessions).toBe(calls + 1);
      delays.push(retryDelay);
      expect(delays.length).toBeLessThanOrEqual(4);
    }
    expect(delays).toEqual([1_000, 2_000, 3_000, 3_000]);
    expect(actor.getSnapshot().matches({ failed: 'waiting' })).toBe(true);
    expect(sessionsView(actor.getSnapshot())).toMatchObject({
      status: 'error',
      nextRetryAt: null,
      error: { code: 'server', retryable: true },
    });
    await vi.advanceTimersByTimeAsync(HOUR);
    expect(backend.stats().calls.listSessions).toBe(5);
    faults.clear();
    actor.send({ type: 'sessions.retry' });
    await vi.advanceTimersByTimeAsync(0);
    expect(sessionsView(actor.getSnapshot())).toMatchObject({ status: 'ready', error: null });
    expect(actor.getSnapshot().context.ids).toHaveLength(1);
    actor.stop();
  });

  it('the list backoff never exceeds retryMaxDelay, jitter included', async () => {
    vi.spyOn(Math, 'random').mockReturnValue(0.999_999);
    const backend = createSimulatedBackend({
      fault: (operation) => (operation === 'listSessions' ? { kind: 'error', code: 'network' } : null),
    });
    const { actor } = start(backend, {
      timings: { retryBaseDelay: 1_000, retryMaxDelay: 3_000, retryAttempts: 3 },
    });
    await vi.advanceTimersByTimeAsync(0);
    const delays: number[] = [];
    while (actor.getSnapshot().matches({ failed: 'retrying' })) {
      delays.push(actor.getSnapshot().context.retryDelay);
      await vi.advanceTimersByTimeAsync(actor.getSnapshot().context.retryDelay);
    }
    expect(delays).toEqual([1_250, 2_500, 3_000]);
    actor.stop();
  });

  it('a non-retryable list failure waits for the admin at once; sessions.refresh also retries', async () => {
    const { faults, fault } = faultSwitch();
    faults.set('listSessions', 'unauthorized');
    const backend = createSimulatedBackend({ fault });
    const { actor } = start(backend);
    await vi.advanceTimersByTimeAsync(HOUR);
    expect(actor.getSnapshot().matches({ failed: 'waiting' })).toBe(true);
    expect(backend.stats().calls.listSessions).toBe(1);
    faults.clear();
    actor.send({ type: 'sessions.refresh' });
    await vi.advanceTimersByTimeAsync(0);
    expect(sessionsView(actor.getSnapshot()).status).toBe('ready');
    actor.stop();
  });

  it('listTimeout: a list that hangs is aborted into failed / deadline_exceeded and retried', async () => {
    vi.spyOn(Math, 'random').mockReturnValue(0.5);
    const { faults, fault } = faultSwitch();
    faults.set('listSessions', 'hang');
    const backend = createSimulatedBackend({ fault });
    const { actor } = start(backend, { timings: { listTimeout: 5_000, retryBaseDelay: 1_000 } });
    await vi.advanceTimersByTimeAsync(4_999);
    expect(actor.getSnapshot().matches('loading')).toBe(true);
    await vi.advanceTimersByTimeAsync(1);
    expect(actor.getSnapshot().matches({ failed: 'retrying' })).toBe(true);
    expect(actor.getSnapshot().context.error?.code).toBe('deadline_exceeded');
    expect(backend.stats().inFlight.list).toBe(0); // the hanging request was aborted
    faults.clear();
    await vi.advanceTimersByTimeAsync(1_000);
    expect(sessionsView(actor.getSnapshot()).status).toBe('ready');
    actor.stop();
  });

  it('connectNew and dismissNew are ignored until the list is ready', async () => {
    const backend = createSimulatedBackend({ latency: 100 });
    const { actor } = start(backend);
    actor.send({ type: 'sessions.connectNew' });
    await vi.advanceTimersByTimeAsync(200);
    expect(backend.stats().calls.create).toBe(0);
    expect(actor.getSnapshot().context.ids).toEqual([]);
    actor.stop();
  });
});

describe('refresh', () => {
  it('spawns new rows, stops gone rows (ref deleted in the same transition) and re-checks kept rows', async () => {
    const backend = createSimulatedBackend({
      latency: 100,
      sessions: [{ state: 'connected' }, { state: 'connected' }, { state: 'offline' }],
    });
    const { actor } = start(backend);
    // At every snapshot the collection emits, ids and refs agree and no ref is a stopped actor.
    const inconsistencies: string[] = [];
    actor.subscribe((snapshot) => {
      const { ids, refs } = snapshot.context;
      if (Object.keys(refs).sort().join() !== [...ids].sort().join()) inconsistencies.push('ids≠refs');
      for (const [id, ref] of Object.entries(refs)) {
        if (ref.getSnapshot().status === 'stopped') inconsistencies.push(`stopped ref ${id}`);
      }
    });
    await vi.advanceTimersByTimeAsync(200);
    const [a, b, c] = actor.getSnapshot().context.ids as [string, string, string];
    expect(views(actor).map((v) => v.status)).toEqual(['connected', 'connected', 'disconnected']);
    const goneRef = refOf(actor, b);
    // Another admin removes b and adds a number; a goes offline behind our back.
    backend.removeRow(b);
    const added = backend.create({ addNew: true }, new AbortController().signal);
    await vi.advanceTimersByTimeAsync(100);
    const addedId = (await added).record.integrationId;
    backend.drop(a);
    const statusCalls = backend.stats().calls.getStatus;

    actor.send({ type: 'sessions.refresh' });
    expect(sessionsView(actor.getSnapshot()).isRefreshing).toBe(true);
    await vi.advanceTimersByTimeAsync(100);
    const { context } = actor.getSnapshot();
    expect(context.ids).toEqual([a, c, addedId]);
    expect(context.refs[b]).toBeUndefined();
    expect(goneRef.getSnapshot().status).toBe('stopped');
    expect(context.refs[addedId]!.id).toBe(`session:${addedId}`);
    // Kept rows a and c were re-checked, the new one checked: three status calls, not zero.
    expect(backend.stats().calls.getStatus).toBe(statusCalls + 3);
    await vi.advanceTimersByTimeAsync(100);
    expect(views(actor).map((v) => v.status)).toEqual(['disconnected', 'disconnected', 'qr_issued']);
    expect(inconsistencies).toEqual([]);
    actor.stop();
  });

  it('"Обновить статусы" re-checks every kept session, whatever its state', async () => {
    let failing: string | null = null;
    const backend = createSimulatedBackend({
      sessions: [{ state: 'connected' }, { state: 'qr' }, { state: 'offline' }],
      fault: (operation, ref) =>
        operation === 'getStatus' && ref?.integrationId === failing
          ? { kind: 'error', code: 'unauthorized' }
          : null,
      rawRows: [row(7, { settings: {} })],
    });
    const { actor } = start(backend, { timings: { qrPollInterval: HOUR, recheckInterval: 0 } });
    await vi.advanceTimersByTimeAsync(0);
    const ids = actor.getSnapshot().context.ids;
    // Primary first, then oldest: the invalid row (created in January) comes second.
    expect(views(actor).map((v) => v.status)).toEqual(['connected', 'error', 'qr_issued', 'disconnected']);
    failing = ids[0]!;
    refOf(actor, ids[0]!).send({ type: 'session.check' });
    await vi.advanceTimersByTimeAsync(0);
    failing = null;
    expect(views(actor).map((v) => v.status)).toEqual(['error', 'error', 'qr_issued', 'disconnected']);
    const before = backend.stats().calls.getStatus;
    actor.send({ type: 'sessions.refresh' });
    await vi.advanceTimersByTimeAsync(0);
    // Three usable rows are checked again (the invalid row has nothing to check).
    expect(backend.stats().calls.getStatus).toBe(before + 3);
    expect(views(actor).map((v) => v.status)).toEqual(['connected', 'error', 'qr_issued', 'disconnected']);
    actor.stop();
  });

  it('a failed refresh keeps the sessions and shows the error; the next good one clears it', async () => {
    const { faults, fault } = faultSwitch();
    const backend = createSimulatedBackend({
      fault,
      sessions: [{ state: 'connected' }, { state: 'offline' }],
    });
    const { actor } = start(backend);
    await vi.advanceTimersByTimeAsync(0);
    const ids = actor.getSnapshot().context.ids;
    faults.set('listSessions', 'server');
    actor.send({ type: 'sessions.refresh' });
    await vi.advanceTimersByTimeAsync(0);
    expect(sessionsView(actor.getSnapshot())).toMatchObject({
      status: 'ready',
      isRefreshing: false,
      error: { code: 'server' },
    });
    expect(actor.getSnapshot().context.ids).toBe(ids);
    expect(views(actor).map((v) => v.status)).toEqual(['connected', 'disconnected']);
    faults.clear();
    actor.send({ type: 'sessions.retry' });
    await vi.advanceTimersByTimeAsync(0);
    expect(sessionsView(actor.getSnapshot()).error).toBeNull();
    expect(actor.getSnapshot().context.ids).toBe(ids); // same order: the same array
    actor.stop();
  });

  it('a refresh that hangs ends after listTimeout, keeping the sessions', async () => {
    const { faults, fault } = faultSwitch();
    const backend = createSimulatedBackend({ fault, sessions: [{ state: 'connected' }] });
    const { actor } = start(backend, { timings: { listTimeout: 5_000 } });
    await vi.advanceTimersByTimeAsync(0);
    faults.set('listSessions', 'hang');
    actor.send({ type: 'sessions.refresh' });
    await vi.advanceTimersByTimeAsync(5_000);
    expect(sessionsView(actor.getSnapshot())).toMatchObject({
      status: 'ready',
      isRefreshing: false,
      error: { code: 'deadline_exceeded' },
    });
    expect(actor.getSnapshot().context.ids).toHaveLength(1);
    actor.stop();
  });

  it('a session added after a list request started is not dropped by that list answer', async () => {
    const backend = createSimulatedBackend({
      latency: (operation) => (operation === 'create' ? 500 : 100),
      sessions: [{ state: 'connected' }],
    });
    const { actor } = start(backend);
    await vi.advanceTimersByTimeAsync(200);
    actor.send({ type: 'sessions.refresh' });
    await vi.advanceTimersByTimeAsync(10);
    actor.send({ type: 'sessions.connectNew' });
    const newId = sessionsView(actor.getSnapshot()).newSessionId!;
    await vi.advanceTimersByTimeAsync(90); // the list answers without the number being created
    expect(actor.getSnapshot().context.ids).toContain(newId);
    expect(topState(refOf(actor, newId).getSnapshot())).toBe('creating');
    await vi.advanceTimersByTimeAsync(410);
    expect(topState(refOf(actor, newId).getSnapshot())).toBe('qr_issued');
    expect(backend.stats().calls.create).toBe(1);
    actor.stop();
  });

  it('a number still being created survives a refresh that started after it', async () => {
    const backend = createSimulatedBackend({
      latency: (operation) => (operation === 'create' ? 500 : 100),
      sessions: [{ state: 'connected' }],
    });
    const { actor } = start(backend);
    await vi.advanceTimersByTimeAsync(200);
    actor.send({ type: 'sessions.connectNew' });
    const newId = sessionsView(actor.getSnapshot()).newSessionId!;
    await vi.advanceTimersByTimeAsync(10);
    actor.send({ type: 'sessions.refresh' }); // "Обновить статусы" while the QR dialog waits
    await vi.advanceTimersByTimeAsync(100);
    expect(actor.getSnapshot().context.ids).toContain(newId);
    expect(sessionsView(actor.getSnapshot()).newSessionId).toBe(newId);
    await vi.advanceTimersByTimeAsync(400);
    expect(topState(refOf(actor, newId).getSnapshot())).toBe('qr_issued');
    // Once created, the next list names it and it is kept under its key, not spawned twice.
    actor.send({ type: 'sessions.refresh' });
    await vi.advanceTimersByTimeAsync(100);
    expect(actor.getSnapshot().context.ids).toHaveLength(2);
    expect(actor.getSnapshot().context.ids).toContain(newId);
    actor.stop();
  });

  it('a number whose row is listed before its create answer arrives is not shown twice', async () => {
    const simulated = createSimulatedBackend({ sessions: [{ state: 'connected' }] });
    // The row is saved at once, but the create answer takes 500 ms more to arrive.
    const backend: WppBackend = {
      ...simulated,
      create: async (params, signal) => {
        const result = await simulated.create(params, signal);
        await new Promise((resolve) => setTimeout(resolve, 500));
        return result;
      },
    };
    const { actor } = start(backend, { timings: { qrPollInterval: HOUR } });
    await vi.advanceTimersByTimeAsync(0);
    const [primary] = actor.getSnapshot().context.ids;
    actor.send({ type: 'sessions.connectNew' });
    const newId = sessionsView(actor.getSnapshot()).newSessionId!;
    await vi.advanceTimersByTimeAsync(10);
    actor.send({ type: 'sessions.refresh' }); // lists the new row before the create answer arrives
    await vi.advanceTimersByTimeAsync(0);
    expect(actor.getSnapshot().context.ids).toHaveLength(3);
    await vi.advanceTimersByTimeAsync(500);
    const { context } = actor.getSnapshot();
    const integrationIds = context.ids.map(
      (id) => context.refs[id]!.getSnapshot().context.record?.integrationId,
    );
    expect(new Set(integrationIds).size).toBe(integrationIds.length);
    expect(context.ids).toEqual([primary, newId]);
    expect(sessionsView(actor.getSnapshot()).newSessionId).toBe(newId);
    expect(topState(refOf(actor, newId).getSnapshot())).toBe('qr_issued');
    actor.stop();
  });

  it('a failed create stays on screen in error for the admin to dismiss, after the re-list', async () => {
    const { faults, fault } = faultSwitch();
    const backend = createSimulatedBackend({ fault, sessions: [{ state: 'connected' }] });
    const { actor } = start(backend);
    await vi.advanceTimersByTimeAsync(0);
    faults.set('create', 'server');
    actor.send({ type: 'sessions.connectNew' });
    const newId = sessionsView(actor.getSnapshot()).newSessionId!;
    await vi.advanceTimersByTimeAsync(0);
    expect(backend.stats().calls.listSessions).toBe(2); // the collection re-lists after a failed create
    expect(actor.getSnapshot().context.ids).toContain(newId);
    expect(sessionsView(actor.getSnapshot()).newSessionId).toBe(newId);
    const view = sessionView(refOf(actor, newId).getSnapshot());
    // Its outcome is unknown (the row may exist): it is never sent again, only dismissed.
    expect(view).toMatchObject({ status: 'error', canRetry: false, canCancel: true });
    refOf(actor, newId).send({ type: 'session.retry' });
    await vi.advanceTimersByTimeAsync(0);
    expect(backend.stats().calls.create).toBe(1);
    refOf(actor, newId).send({ type: 'session.cancel' });
    expect(actor.getSnapshot().context.ids).not.toContain(newId);
    actor.stop();
  });
});

describe('connectNew', () => {
  it('creates at most one number at a time in the whole collection', async () => {
    const backend = createSimulatedBackend({ latency: 100 });
    const { actor } = start(backend);
    await vi.advanceTimersByTimeAsync(100);
    actor.send({ type: 'sessions.connectNew' });
    const first = sessionsView(actor.getSnapshot()).newSessionId;
    expect(first).toMatch(/^new-\d+$/);
    expect(refOf(actor, first!).id).toBe(`session:${first}`);
    expect(sessionsView(actor.getSnapshot()).isCreating).toBe(true);
    actor.send({ type: 'sessions.connectNew' });
    actor.send({ type: 'sessions.connectNew' });
    await vi.advanceTimersByTimeAsync(50);
    actor.send({ type: 'sessions.connectNew' });
    expect(actor.getSnapshot().context.ids).toEqual([first]);
    expect(backend.stats().calls.create).toBe(1);
    expect(backend.stats().maxInFlight.create).toBe(1);
    await vi.advanceTimersByTimeAsync(50);
    expect(sessionsView(actor.getSnapshot()).isCreating).toBe(false);
    // Created: the next number may be added.
    actor.send({ type: 'sessions.connectNew' });
    const second = sessionsView(actor.getSnapshot()).newSessionId;
    expect(second).not.toBe(first);
    expect(actor.getSnapshot().context.ids).toEqual([first, second]);
    expect(backend.stats().calls.create).toBe(2);
    actor.stop();
  });

  it('after a refused create, a new connectNew is a fresh create (retry never repeats the failed one)', async () => {
    const { faults, fault } = faultSwitch();
    const backend = createSimulatedBackend({
      fault,
      latency: (operation) => (operation === 'create' ? 100 : 0),
    });
    const { actor } = start(backend);
    await vi.advanceTimersByTimeAsync(0);
    // 429: the backend refused it, so nothing was made and the next create may go at once.
    faults.set('create', 'rate_limited');
    actor.send({ type: 'sessions.connectNew' });
    const first = sessionsView(actor.getSnapshot()).newSessionId!;
    await vi.advanceTimersByTimeAsync(100);
    expect(sessionsView(actor.getSnapshot()).isCreating).toBe(false);
    faults.clear();
    refOf(actor, first).send({ type: 'session.retry' });
    expect(topState(refOf(actor, first).getSnapshot())).toBe('error');
    actor.send({ type: 'sessions.connectNew' });
    const second = sessionsView(actor.getSnapshot()).newSessionId!;
    expect(second).not.toBe(first);
    expect(sessionsView(actor.getSnapshot()).isCreating).toBe(true);
    await vi.advanceTimersByTimeAsync(100);
    expect(backend.stats().calls.create).toBe(2);
    expect(backend.stats().maxInFlight.create).toBe(1);
    expect(topState(refOf(actor, second).getSnapshot())).toBe('qr_issued');
    actor.stop();
  });

  describe('a hidden page', () => {
    it('re-checks nothing and polls no QR while hidden, keeps the QR deadline, and checks once when shown', async () => {
      const backend = createSimulatedBackend({ sessions: [{ state: 'connected' }, { state: 'qr' }] });
      const { actor } = start(backend, {
        timings: { recheckInterval: 1_000, qrPollInterval: 500, qrTimeout: 8_000 },
      });
      await vi.advanceTimersByTimeAsync(0);
      expect(views(actor).map((v) => v.status)).toEqual(['connected', 'qr_issued']);
      await vi.advanceTimersByTimeAsync(2_000);
      const beforeHiding = backend.stats().calls.getStatus;
      expect(beforeHiding).toBeGreaterThan(4); // rechecks and polls run while shown
      actor.send({ type: 'sessions.visibility', hidden: true });
      await vi.advanceTimersByTimeAsync(5_000);
      expect(backend.stats().calls.getStatus).toBe(beforeHiding);
      // The QR deadline kept running while hidden.
      await vi.advanceTimersByTimeAsync(1_500);
      expect(views(actor).map((v) => [v.status, v.reason])).toEqual([
        ['connected', null],
        ['disconnected', 'qr_expired'],
      ]);
      actor.send({ type: 'sessions.visibility', hidden: false });
      await vi.advanceTimersByTimeAsync(0);
      // The connected number is checked at once; the expired QR waits for the admin.
      expect(backend.stats().calls.getStatus).toBe(beforeHiding + 1);
      expect(views(actor)[1]!.status).toBe('disconnected');
      await vi.advanceTimersByTimeAsync(1_500);
      expect(backend.stats().calls.getStatus).toBeGreaterThan(beforeHiding + 1); // background re-checks resumed
      actor.stop();
    });
  });

  describe('create modes', () => {
    /** A simulated backend that records what each create was sent with. */
    function recording(options: SimulatedBackendOptions = {}) {
      const simulated = createSimulatedBackend(options);
      const sent: unknown[] = [];
      const backend: WppBackend = {
        ...simulated,
        create: (params, signal) => {
          sent.push(params);
          return simulated.create(params, signal);
        },
      };
      return { backend, sent, simulated };
    }

    it('an organization without a number gets its own client ({}); with one, another number (add_new)', async () => {
      const { backend, sent } = recording();
      const { actor } = start(backend);
      await vi.advanceTimersByTimeAsync(0);
      actor.send({ type: 'sessions.connectNew' });
      await vi.advanceTimersByTimeAsync(0);
      actor.send({ type: 'sessions.connectNew' });
      await vi.advanceTimersByTimeAsync(0);
      expect(sent).toEqual([{ addNew: false }, { addNew: true }]);
      actor.stop();
    });

    it('recreate is offered to the only number whose key went invalid, and sends force_recreate', async () => {
      const invalidKey =
        'wpp-status failed (HTTP 500): INVALID_API_KEY: API key expired or invalid. Use force_recreate to generate new session.';
      let keyInvalid = true;
      const { backend, sent } = recording({ sessions: [{ state: 'connected' }] });
      const checked: WppBackend = {
        ...backend,
        getStatus: (ref, signal) =>
          keyInvalid ? Promise.reject(new WppError('server', invalidKey)) : backend.getStatus(ref, signal),
      };
      const { actor } = start(checked, { timings: { retryAttempts: 0 } });
      await vi.advanceTimersByTimeAsync(0);
      const [view] = views(actor);
      expect(view).toMatchObject({ status: 'error', canRecreate: true });
      keyInvalid = false;
      refOf(actor, view!.id).send({ type: 'session.recreate' });
      await vi.advanceTimersByTimeAsync(0);
      expect(sent).toEqual([{ addNew: false, forceRecreate: true }]);
      // The same number, now with a QR to scan again; still a saved number (cancel does not remove it).
      expect(views(actor)).toHaveLength(1);
      expect(views(actor)[0]).toMatchObject({ id: view!.id, status: 'qr_issued', isNew: false });
      actor.stop();
    });

    it('recreate is not offered when the organization has two numbers (force_recreate would add a primary)', async () => {
      const { backend } = recording({ sessions: [{ state: 'connected' }, { state: 'connected' }] });
      const failing: WppBackend = {
        ...backend,
        getStatus: () =>
          Promise.reject(new WppError('server', 'INVALID_API_KEY: API key expired or invalid')),
      };
      const { actor } = start(failing, { timings: { retryAttempts: 0 } });
      await vi.advanceTimersByTimeAsync(0);
      expect(views(actor).map((v) => [v.status, v.canRecreate])).toEqual([
        ['error', false],
        ['error', false],
      ]);
      actor.stop();
    });
  });

  describe('a create whose outcome is unknown', () => {
    /**
     * The reproduction: the server's create takes 5 s and ignores the abort; it saves the row, then answers
     * 504. `createTimeout` is 2 s.
     */
    function slowCreateServer(options: { savesRow: boolean }) {
      const simulated = createSimulatedBackend();
      const server = { creates: 0, running: 0, maxRunning: 0 };
      const backend: WppBackend = {
        ...simulated,
        create: async (params) => {
          server.creates += 1;
          server.running += 1;
          server.maxRunning = Math.max(server.maxRunning, server.running);
          await new Promise((resolve) => setTimeout(resolve, 5_000));
          if (options.savesRow) await simulated.create(params, new AbortController().signal);
          server.running -= 1;
          throw new WppError('timeout', 'wpp-create failed (HTTP 504): upstream timeout');
        },
      };
      return { backend, server, simulated };
    }

    it('no second create reaches the server; the row that appears replaces the error card', async () => {
      const { backend, server, simulated } = slowCreateServer({ savesRow: true });
      const { actor } = start(backend, { timings: { createTimeout: 2_000 } });
      await vi.advanceTimersByTimeAsync(0);
      actor.send({ type: 'sessions.connectNew' });
      const first = sessionsView(actor.getSnapshot()).newSessionId!;
      await vi.advanceTimersByTimeAsync(2_300);
      expect(sessionView(refOf(actor, first).getSnapshot()).error?.code).toBe('deadline_exceeded');
      // The outcome is unknown: another "add number" is held back, from any command.
      expect(sessionsView(actor.getSnapshot()).isCreating).toBe(true);
      actor.send({ type: 'sessions.connectNew' });
      refOf(actor, first).send({ type: 'session.retry' });
      expect(actor.getSnapshot().context.ids).toEqual([first]);
      await vi.advanceTimersByTimeAsync(20_000);
      expect(server).toMatchObject({ creates: 1, maxRunning: 1 });
      // The row it saved was listed: one card, the row's own, which the QR dialog now follows; no stale error card.
      const { ids, newSessionId } = sessionsView(actor.getSnapshot());
      expect(ids).toHaveLength(1);
      expect(ids[0]).not.toBe(first);
      expect(newSessionId).toBe(ids[0]);
      expect(sessionView(refOf(actor, ids[0]!).getSnapshot())).toMatchObject({
        status: 'qr_issued',
        isNew: true,
      });
      // Found, but the server may still be at work on it: creates stay held until createSettleTimeout.
      expect(sessionsView(actor.getSnapshot()).isCreating).toBe(true);
      const lists = simulated.stats().calls.listSessions;
      await vi.advanceTimersByTimeAsync(40_000); // 2.3 + 20 + 40 s > 2 s + 60 s: settled
      expect(simulated.stats().calls.listSessions).toBe(lists); // no more re-listing once found
      expect(sessionsView(actor.getSnapshot()).isCreating).toBe(false);
      actor.send({ type: 'sessions.connectNew' });
      await vi.advanceTimersByTimeAsync(0);
      expect(server.creates).toBe(2);
      actor.stop();
    });

    it('without a row, creates stay held until createSettleTimeout, re-listing meanwhile', async () => {
      const { backend, server, simulated } = slowCreateServer({ savesRow: false });
      const { actor } = start(backend, { timings: { createTimeout: 2_000, createSettleTimeout: 30_000 } });
      await vi.advanceTimersByTimeAsync(0);
      actor.send({ type: 'sessions.connectNew' });
      await vi.advanceTimersByTimeAsync(2_000);
      const lists = simulated.stats().calls.listSessions;
      await vi.advanceTimersByTimeAsync(29_000);
      expect(simulated.stats().calls.listSessions).toBeGreaterThan(lists + 2);
      actor.send({ type: 'sessions.connectNew' });
      expect(server.creates).toBe(1);
      await vi.advanceTimersByTimeAsync(1_000);
      expect(sessionsView(actor.getSnapshot()).isCreating).toBe(false);
      actor.send({ type: 'sessions.connectNew' });
      await vi.advanceTimersByTimeAsync(0);
      expect(server).toMatchObject({ creates: 2, maxRunning: 1 });
      actor.stop();
    });
  });

  it('dismissNew forgets the dialog target but keeps the session', async () => {
    const backend = createSimulatedBackend();
    const { actor } = start(backend);
    await vi.advanceTimersByTimeAsync(0);
    actor.send({ type: 'sessions.connectNew' });
    const id = sessionsView(actor.getSnapshot()).newSessionId!;
    await vi.advanceTimersByTimeAsync(0);
    actor.send({ type: 'sessions.dismissNew' });
    expect(sessionsView(actor.getSnapshot()).newSessionId).toBeNull();
    expect(actor.getSnapshot().context.ids).toEqual([id]);
    expect(topState(refOf(actor, id).getSnapshot())).toBe('qr_issued');
    actor.stop();
  });

  it('cancel while creating lets the create finish, then removes the number it made', async () => {
    const backend = createSimulatedBackend({ latency: 100 });
    const { actor } = start(backend);
    await vi.advanceTimersByTimeAsync(100);
    actor.send({ type: 'sessions.connectNew' });
    const id = sessionsView(actor.getSnapshot()).newSessionId!;
    const ref = refOf(actor, id);
    ref.send({ type: 'session.cancel' });
    expect(actor.getSnapshot().context.ids).toEqual([id]);
    await vi.advanceTimersByTimeAsync(100); // the create answers: the number exists, so it is disconnected
    expect(backend.stats().calls.create).toBe(1);
    await vi.advanceTimersByTimeAsync(100);
    expect(backend.stats().calls.disconnect).toBe(1);
    expect(actor.getSnapshot().context.ids).toEqual([]);
    expect(actor.getSnapshot().context.refs[id]).toBeUndefined();
    expect(sessionsView(actor.getSnapshot()).newSessionId).toBeNull();
    const rows = backend.listSessions(new AbortController().signal);
    await vi.advanceTimersByTimeAsync(100);
    expect(await rows).toEqual([]); // no orphan row
    actor.stop();
  });
});

describe('removal and invalid rows', () => {
  it('a disconnected-and-removed session leaves the collection (id, ref and dialog target)', async () => {
    const backend = createSimulatedBackend({ sessions: [{ state: 'connected' }, { state: 'connected' }] });
    const { actor } = start(backend);
    await vi.advanceTimersByTimeAsync(0);
    const [a, b] = actor.getSnapshot().context.ids as [string, string];
    const ref = refOf(actor, a);
    ref.send({ type: 'session.disconnect' });
    await vi.advanceTimersByTimeAsync(0);
    expect(actor.getSnapshot().context.ids).toEqual([b]);
    expect(actor.getSnapshot().context.refs[a]).toBeUndefined();
    expect(backend.stats().calls.listSessions).toBe(1); // a known row needs no re-list
    actor.send({ type: 'sessions.connectNew' });
    const id = sessionsView(actor.getSnapshot()).newSessionId!;
    await vi.advanceTimersByTimeAsync(0);
    refOf(actor, id).send({ type: 'session.cancel' }); // new number with a QR: disconnect it
    await vi.advanceTimersByTimeAsync(0);
    expect(sessionsView(actor.getSnapshot())).toMatchObject({ ids: [b], newSessionId: null });
    actor.stop();
  });

  it('invalid rows become error / invalid_record sessions, never dropped', async () => {
    const backend = createSimulatedBackend({
      sessions: [{ state: 'connected' }],
      rawRows: [
        row(1, { settings: { wppApiKey: 'wppk_0000000000042_cafebabesecret' } }),
        row(2, { is_primary: 'yes' }),
        'not a row',
      ],
    });
    const { actor } = start(backend);
    await vi.advanceTimersByTimeAsync(0);
    const all = views(actor);
    expect(all).toHaveLength(4);
    const invalid = all.filter((v) => v.error?.code === 'invalid_record');
    expect(invalid).toHaveLength(3);
    for (const view of invalid) {
      expect(view.status).toBe('error');
      expect(view.error?.retryable).toBe(false);
    }
    expect(invalid.map((v) => v.error?.message)).toEqual(
      expect.arrayContaining([
        expect.stringContaining('settings.wppAccountNumber'),
        expect.stringContaining('is_primary'),
      ]),
    );
    // A refresh keeps them.
    actor.send({ type: 'sessions.refresh' });
    await vi.advanceTimersByTimeAsync(0);
    expect(views(actor).filter((v) => v.error?.code === 'invalid_record')).toHaveLength(3);
    expect(backend.stats().calls.getStatus).toBe(2); // only the valid row is ever checked
    actor.stop();
  });
});

describe('one concurrency limit for all status checks', () => {
  async function fifty(concurrency?: number) {
    const backend = createSimulatedBackend({
      latency: 100,
      sessions: Array.from({ length: 50 }, () => ({ state: 'connected' as const })),
    });
    const { actor } = start(backend, concurrency === undefined ? {} : { concurrency });
    await vi.advanceTimersByTimeAsync(100); // the list
    expect(actor.getSnapshot().context.ids).toHaveLength(50);
    return { backend, actor };
  }
  const known = (actor: Collection) => views(actor).filter((v) => v.status !== 'checking').length;

  it('50 sessions: never more than 6 status requests in flight, all known after ceil(50/6) latency rounds', async () => {
    const { backend, actor } = await fifty();
    await vi.advanceTimersByTimeAsync(100);
    expect(known(actor)).toBe(6);
    await vi.advanceTimersByTimeAsync(699); // 8 rounds minus 1 ms
    expect(known(actor)).toBe(42);
    await vi.advanceTimersByTimeAsync(1);
    expect(known(actor)).toBe(48);
    await vi.advanceTimersByTimeAsync(100); // round 9 = ceil(50 / 6)
    expect(known(actor)).toBe(50);
    expect(views(actor).every((v) => v.status === 'connected')).toBe(true);
    expect(backend.stats().maxInFlightTotal).toBe(6);
    expect(backend.stats().calls.getStatus).toBe(50);
    // A refresh re-checks all 50 under the same limit.
    actor.send({ type: 'sessions.refresh' });
    await vi.advanceTimersByTimeAsync(100 + 900);
    expect(backend.stats().calls.getStatus).toBe(100);
    expect(backend.stats().maxInFlightTotal).toBe(6);
    actor.stop();
  });

  it('500 numbers at 1 s latency: queueing behind the slots is not counted against checkTimeout', async () => {
    const backend = createSimulatedBackend({
      latency: (operation) => (operation === 'getStatus' ? 1_000 : 0),
      sessions: Array.from({ length: 500 }, () => ({ state: 'connected' as const })),
    });
    const errors: string[] = [];
    const actor = createWppSessions(backend, {
      inspect: (event) => {
        if (event.type !== '@xstate.snapshot') return;
        const value = (event.snapshot as { value?: unknown }).value;
        if (value === 'error' || (typeof value === 'object' && value !== null && 'error' in value)) {
          errors.push(String((event.actorRef as { id?: string }).id));
        }
      },
    });
    watch(actor);
    actor.start();
    // ceil(500 / 6) = 84 rounds of 1 s, nearly twice the 45 s checkTimeout.
    await vi.advanceTimersByTimeAsync(85_000);
    expect(views(actor).filter((v) => v.status === 'connected')).toHaveLength(500);
    expect(errors).toEqual([]);
    expect(backend.stats().maxInFlightTotal).toBe(6);
    actor.stop();
  });

  it('a request that outlives requestTimeout gives its slot back then, even if the backend ignores its signal', async () => {
    const simulated = createSimulatedBackend({ sessions: [{ state: 'connected' }, { state: 'connected' }] });
    const [hung] = await simulated.listSessions(new AbortController().signal);
    const started: Array<[string, number]> = [];
    const backend: WppBackend = {
      ...simulated,
      getStatus: (ref, signal) => {
        started.push([ref.integrationId, Date.now()]);
        // The first number's backend never answers and never looks at its signal.
        return ref.integrationId === hung!.integrationId
          ? new Promise(() => {})
          : simulated.getStatus(ref, signal);
      },
    };
    const t0 = Date.now();
    const { actor } = start(backend, {
      concurrency: 1,
      timings: { requestTimeout: 1_500, checkTimeout: 3_000 },
    });
    await vi.advanceTimersByTimeAsync(1_499);
    expect(started).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(started).toHaveLength(2);
    expect(started[1]![1] - t0).toBe(1_500);
    expect(views(actor)[1]!.status).toBe('connected');
    expect(views(actor)[0]).toMatchObject({ status: 'error', error: { code: 'timeout' } });
    actor.stop();
  });

  it('concurrency: 2 keeps it to 2', async () => {
    const { backend, actor } = await fifty(2);
    await vi.advanceTimersByTimeAsync(2_499);
    expect(known(actor)).toBe(48);
    await vi.advanceTimersByTimeAsync(1); // 25 rounds
    expect(known(actor)).toBe(50);
    expect(backend.stats().maxInFlightTotal).toBe(2);
    actor.stop();
  });

  it('a session that leaves while queued never sends its request', async () => {
    const { backend, actor } = await fifty();
    const lastId = actor.getSnapshot().context.ids.at(-1)!;
    refOf(actor, lastId).send({ type: 'session.disconnect' }); // still queued behind the limit
    await vi.advanceTimersByTimeAsync(1_000);
    expect(backend.stats().calls.getStatus).toBe(49);
    expect(backend.stats().calls.disconnect).toBe(1);
    expect(actor.getSnapshot().context.ids).not.toContain(lastId);
    actor.stop();
  });
});

describe('no secrets', () => {
  /** JSON with errors expanded (their message and own fields), so nothing hides inside an Error. */
  function serialise(value: unknown): string {
    return JSON.stringify(value, (_key, item: unknown) =>
      item instanceof Error ? { ...item, name: item.name, message: item.message, cause: item.cause } : item,
    );
  }

  it('no full API key appears in any snapshot or event of a full run', async () => {
    vi.spyOn(Math, 'random').mockReturnValue(0.5);
    const { faults, fault } = faultSwitch();
    const backend = createSimulatedBackend({
      latency: 50,
      fault,
      sessions: [{ state: 'connected' }, { state: 'offline' }, { state: 'qr' }],
      rawRows: [row(8, { settings: { wppApiKey: 'wppk_0000000000888_0badc0ffeesecret' } })],
    });
    const seen: string[] = [];
    const actor = createWppSessions(backend, {
      timings: { qrPollInterval: 1_000, recheckInterval: 5_000, retryBaseDelay: 1_000 },
      inspect: (event) => {
        const record: Record<string, unknown> = { type: event.type, actor: event.actorRef };
        if ('event' in event) record.event = event.event;
        if ('snapshot' in event) record.snapshot = event.snapshot;
        seen.push(serialise(record));
      },
    });
    watch(actor);
    actor.start();
    const children = () => Object.values(actor.getSnapshot().context.refs);
    const snapshotAll = () => {
      seen.push(serialise(actor.getSnapshot()));
      for (const ref of children()) seen.push(serialise(ref.getSnapshot()));
    };

    // Hydrate.
    await vi.advanceTimersByTimeAsync(100);
    snapshotAll();
    const idOf = (status: string) => views(actor).find((v) => v.status === status)!.id;
    const [connected, offline, qr] = [idOf('connected'), idOf('disconnected'), idOf('qr_issued')];
    expect(views(actor).filter((v) => v.error?.code === 'invalid_record')).toHaveLength(1);
    // Create a number, show its QR, scan it.
    actor.send({ type: 'sessions.connectNew' });
    await vi.advanceTimersByTimeAsync(50);
    const newId = sessionsView(actor.getSnapshot()).newSessionId!;
    const created = refOf(actor, newId).getSnapshot().context.record!.integrationId;
    snapshotAll();
    backend.scan(created);
    await vi.advanceTimersByTimeAsync(1_100);
    expect(topState(refOf(actor, newId).getSnapshot())).toBe('connected');
    // Reconnect the offline number and scan its new QR.
    refOf(actor, offline).send({ type: 'session.reconnect' });
    await vi.advanceTimersByTimeAsync(50);
    expect(topState(refOf(actor, offline).getSnapshot())).toBe('qr_issued');
    backend.scan(offline);
    await vi.advanceTimersByTimeAsync(1_100);
    // Errors: a failing re-check, a failing list, then recovery.
    faults.set('getStatus', 'server');
    faults.set('listSessions', 'unauthorized');
    refOf(actor, newId).send({ type: 'session.check' });
    actor.send({ type: 'sessions.refresh' });
    await vi.advanceTimersByTimeAsync(100);
    expect(sessionsView(actor.getSnapshot()).error?.code).toBe('unauthorized');
    expect(sessionView(refOf(actor, newId).getSnapshot()).error?.code).toBe('server');
    snapshotAll();
    faults.clear();
    await vi.advanceTimersByTimeAsync(2_000);
    // Disconnect one, cancel the QR of another, refresh.
    refOf(actor, connected).send({ type: 'session.disconnect' });
    refOf(actor, qr).send({ type: 'session.cancel' });
    await vi.advanceTimersByTimeAsync(100);
    actor.send({ type: 'sessions.refresh' });
    await vi.advanceTimersByTimeAsync(200);
    snapshotAll();
    actor.stop();

    const text = seen.join('\n');
    expect(seen.length).toBeGreaterThan(200);
    // The run really serialised sessions: masked keys are there, full ones are not.
    expect(text).toMatch(/"apiKeyMasked":"[^"]*••••cret"/);
    expect(text).toContain('"qr_issued"');
    expect(text).toContain('"code":"server"');
    expect(text).not.toMatch(/wppk_\d/);
    expect(text).not.toContain('secret');
    expect(text).not.toContain('0badc0ffee');
  });
});
