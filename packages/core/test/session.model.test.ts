import { adjacencyMapToArray, createTestModel, getAdjacencyMap } from '@xstate/graph';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { type AnyStateMachine, createMachine, type SnapshotFrom, type StateNode } from 'xstate';
import {
  createWppSessions,
  type SessionRecord,
  type StatusResult,
  sessionMachine,
  sessionsView,
  type WppTimings,
} from '../src/index.js';
import type { SessionContext, SessionEvent } from '../src/session/session.types.js';
import { createSimulatedBackend, type SimulatedBackend } from '../src/testing.js';
import {
  createScriptedBackend,
  fatalError,
  flush,
  makeRecord,
  qrText,
  retryableError,
  type ScriptedCall,
  startSession,
  takeActorErrors,
  topState,
  watch,
} from './machine.harness.js';
import {
  ADMIN_EVENTS,
  type AdminEventType,
  MODEL_QR_POLL_FAILURES,
  type ModelEvent,
  type ModelEventType,
  sessionModel,
  WORLD_EVENTS,
} from './session.model.js';

beforeEach(() => {
  vi.useFakeTimers();
});

afterEach(() => {
  expect(takeActorErrors()).toEqual([]);
  vi.useRealTimers();
});

/** Timings of the real actor in model runs: polls well inside the deadlines, retries effectively unlimited. */
const MODEL_TIMINGS: Partial<WppTimings> = {
  checkTimeout: 20_000,
  pendingPollInterval: 1_000,
  qrPollInterval: 1_000,
  qrTimeout: 30_000,
  recheckInterval: 5_000,
  createTimeout: 20_000,
  disconnectTimeout: 20_000,
  retryBaseDelay: 1_000,
  retryMaxDelay: 4_000,
  retryAttempts: 1_000,
  qrPollFailures: MODEL_QR_POLL_FAILURES,
};

type ModelSnapshot = SnapshotFrom<typeof sessionModel>;
type RealSnapshot = SnapshotFrom<typeof sessionMachine>;

const ADMIN_TYPES = Object.keys(ADMIN_EVENTS) as AdminEventType[];
const ALL_EVENTS: ModelEvent[] = [...WORLD_EVENTS, ...ADMIN_TYPES].map((type) => ({ type }));

type Mutation = Parameters<typeof startSession>[2];

/** The real session actor, driven by a scripted backend and the fake clock, as the model's events say. */
function createSut(mutate?: Mutation) {
  const scripted = createScriptedBackend();
  let actor: ReturnType<typeof startSession>['actor'] | null = null;
  let top = 'init';
  let enteredAt = 0;
  let qrs = 0;
  const nextQr = () => qrText(`2@model-qr-${++qrs}`);

  function real() {
    if (!actor) throw new Error('the actor has not started');
    return actor;
  }

  function start(record?: SessionRecord) {
    if (actor) throw new Error('started twice');
    actor = startSession(scripted.backend, { id: 'model-1', record, timings: MODEL_TIMINGS }, mutate).actor;
    top = topState(actor.getSnapshot());
    enteredAt = Date.now();
    actor.subscribe((snapshot) => {
      const next = topState(snapshot);
      if (next !== top) {
        top = next;
        enteredAt = Date.now();
      }
    });
  }

  /** The one open request; waits for the next poll / re-check timer if there is none yet. */
  async function openCall(...operations: ScriptedCall['operation'][]): Promise<ScriptedCall> {
    for (let i = 0; i < 3; i += 1) {
      const open = scripted.open();
      if (open.length > 1) throw new Error(`${open.length} requests open at once`);
      if (open.length === 1) {
        const call = open[0]!;
        if (!operations.includes(call.operation)) {
          throw new Error(`open request is ${call.operation}, expected ${operations.join('|')}`);
        }
        return call;
      }
      const before = top;
      await vi.advanceTimersToNextTimerAsync();
      if (top !== before) throw new Error(`left ${before} for ${top} while waiting for a request`);
    }
    throw new Error(`no request opened in ${top}`);
  }

  async function advanceTo(at: number) {
    const ms = at - Date.now();
    if (ms <= 0) throw new Error(`deadline already passed by ${-ms} ms`);
    await vi.advanceTimersByTimeAsync(ms);
  }

  const status = (value: StatusResult | (() => StatusResult)) => async () => {
    (await openCall('getStatus', 'start')).resolve(typeof value === 'function' ? value() : value);
    await flush();
  };
  const created = (makeStatus: () => StatusResult) => async () => {
    (await openCall('create')).resolve({ record: makeRecord(), status: makeStatus() });
    await flush();
  };
  const failure = (makeError: () => Error) => async () => {
    (await openCall('create', 'getStatus', 'start', 'disconnect')).reject(makeError());
    await flush();
  };
  const send = (type: SessionEvent['type']) => async () => {
    real().send({ type } as SessionEvent);
    await flush();
  };

  const events: Record<ModelEventType, () => Promise<void> | void> = {
    HYDRATE: () => start(makeRecord()),
    ADD_NEW: () => start(),
    HYDRATE_INVALID: () =>
      start(
        makeRecord({
          accountNumber: null,
          invalid: { field: 'settings.wppAccountNumber', message: 'settings.wppAccountNumber is missing' },
        }),
      ),
    CREATE_CONNECTED: created(() => ({ status: 'connected' })),
    CREATE_QR: created(() => ({ status: 'qr_issued', qr: nextQr() })),
    CREATE_PENDING: created(() => ({ status: 'pending' })),
    STATUS_CONNECTED: status({ status: 'connected' }),
    STATUS_QR: status(() => ({ status: 'qr_issued', qr: nextQr() })),
    STATUS_OFFLINE: status({ status: 'disconnected', detail: 'Account is offline' }),
    STATUS_PENDING: status({ status: 'pending' }),
    CALL_FAILED_RETRYABLE: failure(retryableError),
    CALL_FAILED_FATAL: failure(fatalError),
    DISCONNECT_DONE: async () => {
      (await openCall('disconnect')).resolve(undefined);
      await flush();
    },
    DEADLINE: async () => {
      const timings = real().getSnapshot().context.timings;
      if (top === 'creating') return advanceTo(enteredAt + timings.createTimeout);
      if (top === 'checking') return advanceTo(enteredAt + timings.checkTimeout);
      if (top === 'disconnecting') return advanceTo(enteredAt + timings.disconnectTimeout);
      if (top === 'connected') {
        const recheck = await openCall('getStatus');
        return advanceTo(recheck.startedAt + timings.checkTimeout);
      }
      throw new Error(`no deadline in ${top}`);
    },
    QR_EXPIRED: () => advanceTo(enteredAt + real().getSnapshot().context.timings.qrTimeout),
    AUTO_RETRY: () => {
      const { nextRetryAt } = real().getSnapshot().context;
      if (nextRetryAt === null) throw new Error('no automatic retry is scheduled');
      return advanceTo(nextRetryAt);
    },
    CHECK: send('session.check'),
    DISCONNECT: send('session.disconnect'),
    RECONNECT: send('session.reconnect'),
    CANCEL: send('session.cancel'),
    RETRY: send('session.retry'),
    // Like CHECK while a QR is shown: a status poll starts now (wpp-status carries the QR); it stays open.
    REFRESH_QR: send('session.refreshQr'),
  };

  /** Asserts that the real actor is where the model is, accepts the same admin events, and ignores the rest. */
  async function verify(model: ModelSnapshot) {
    const expected = topState(model);
    if (expected === 'init') {
      expect(actor).toBeNull();
      return;
    }
    const a = real();
    const snapshot: RealSnapshot = a.getSnapshot();
    const m = model.context;
    const { context } = snapshot;
    expect(topState(snapshot)).toBe(expected);
    expect(context.record === null ? 'none' : context.record.invalid ? 'invalid' : 'valid').toBe(m.record);
    if (expected === 'removed') {
      expect(snapshot.status).toBe('done');
      return;
    }
    expect(snapshot.status).toBe('active');
    expect(context.isNew).toBe(m.isNew);
    if (expected === 'checking') expect(snapshot.matches({ checking: 'starting' })).toBe(m.op === 'start');
    if (expected === 'qr_issued') {
      expect(context.qr).not.toBeNull();
      expect(context.pollFailures).toBe(m.pollFailures);
    } else {
      expect(context.qr).toBeNull();
    }
    if (expected === 'disconnected') expect(context.reason).toBe(m.reason);
    if (expected === 'error') {
      expect(context.failedOperation).toBe(m.failed);
      expect(context.error?.retryable).toBe(m.retryable);
      if (m.record === 'invalid' && m.failed === null) expect(context.error?.code).toBe('invalid_record');
      const autoRetry = m.retryable && (m.failed === 'check' || m.failed === 'start');
      expect(snapshot.matches({ error: autoRetry ? 'retrying' : 'waiting' })).toBe(true);
    }
    // Drift guard, per reached situation: the real machine accepts exactly the admin events the model does.
    for (const type of ADMIN_TYPES) {
      const realType = ADMIN_EVENTS[type];
      expect(snapshot.can({ type: realType } as SessionEvent), `${expected}: can(${realType})`).toBe(
        model.can({ type }),
      );
    }
    // Events the model does not follow stay ignored: same snapshot, no request.
    for (const type of ADMIN_TYPES) {
      if (model.can({ type })) continue;
      const calls = scripted.calls.length;
      a.send({ type: ADMIN_EVENTS[type] } as SessionEvent);
      await flush();
      expect(a.getSnapshot(), `${expected}: ${ADMIN_EVENTS[type]} must be ignored`).toBe(snapshot);
      expect(scripted.calls.length).toBe(calls);
    }
  }

  return { events, verify, scripted };
}

/**
 * The traversal follows only events the model accepts in a state (a guarded-out event would otherwise show up as a
 * step that "reaches" the same state), and tells vertices apart by their incoming transition too, so the shortest
 * paths cover every transition of the model, not only every state.
 */
const enabledEvents = (state: ModelSnapshot): ModelEvent[] => ALL_EVENTS.filter((event) => state.can(event));
const model = createTestModel(sessionModel, {
  serializeTransition: (_state, event, previous) =>
    event
      ? ` via ${event.type} from ${JSON.stringify(previous ? [previous.value, previous.context] : null)}`
      : '',
});
const STATE_KEYS = Object.keys(sessionModel.root.states);

describe('model-based: every shortest path of the abstract model, run against the real actor', () => {
  // `createTestModel` adds every event a state names, guarded out or not; passing `events` here replaces that.
  const paths = model.getShortestPaths({ events: enabledEvents });

  it('covers every top-level state, every model event and every transition of the model', () => {
    const reached = new Set(paths.flatMap((path) => path.steps.map((step) => topState(step.state))));
    expect([...reached].sort()).toEqual([...STATE_KEYS].sort());
    const used = new Set<string>(paths.flatMap((path) => path.steps.map((step) => step.event.type)));
    used.delete('xstate.init');
    expect([...used].sort()).toEqual(ALL_EVENTS.map((event) => event.type).sort());
    // Every (model state, enabled event) pair of the model's graph is a step of some path.
    const key = (state: ModelSnapshot, type: string) =>
      `${JSON.stringify([state.value, state.context])}|${type}`;
    const adjacency = getAdjacencyMap(sessionModel, { events: enabledEvents });
    const transitions = adjacencyMapToArray(adjacency).map((edge) => key(edge.state, edge.event.type));
    const stepped = new Set(
      paths.flatMap((path) =>
        path.steps.slice(1).map((step, i) => key(path.steps[i]!.state, step.event.type)),
      ),
    );
    expect(transitions.filter((transition) => !stepped.has(transition))).toEqual([]);
    expect(Object.keys(adjacency)).toHaveLength(41);
    expect(transitions).toHaveLength(177);
    expect(paths).toHaveLength(141);
  });

  for (const path of paths) {
    it(path.description, async () => {
      const sut = createSut();
      const states = Object.fromEntries(STATE_KEYS.map((key) => [key, sut.verify]));
      await path.test({ states, events: sut.events as never });
    });
  }

  // The paths can fail: each broken variant of the real machine is caught by at least one of them.
  it.each([
    ['a hanging start retried as a status check', { isStarting: () => false }],
    ['cancel never discarding a new number', { isNew: () => false }],
    ['failed QR polls tolerated forever', { isTolerablePollFailure: () => true }],
    [
      'refused QR polls tolerated like network failures',
      {
        isTolerablePollFailure: ({ context }: { context: SessionContext }) =>
          context.pollFailures + 1 < context.timings.qrPollFailures,
      },
    ],
    ['a failed create retried as a status check', { isToBeCreated: () => false }],
  ] as const)(
    'catches a machine with %s',
    async (_, guards) => {
      let caught = 0;
      for (const path of paths) {
        const sut = createSut((machine) => machine.provide({ guards }));
        const states = Object.fromEntries(STATE_KEYS.map((key) => [key, sut.verify]));
        try {
          await path.test({ states, events: sut.events as never });
        } catch {
          caught += 1;
        }
        vi.clearAllTimers();
      }
      takeActorErrors();
      expect(caught).toBeGreaterThan(0);
      // Every path, once per variant: ~1–2 s alone, several times that on a loaded 2-core machine.
    },
    30_000,
  );
});

/** Admin event types a state node (with its children) has transitions for, in the real machine's words. */
function adminEventsOf(node: StateNode | undefined, toReal: (type: string) => string | undefined): string[] {
  if (!node) return [];
  const admin = new Set<string>(Object.values(ADMIN_EVENTS));
  return [
    ...new Set(
      node.events.map(toReal).filter((type): type is string => type !== undefined && admin.has(type)),
    ),
  ].sort();
}

/** Where a model and the session machine disagree: top-level states, or the admin events each state handles. */
function driftBetween(modelMachine: AnyStateMachine, machine: AnyStateMachine): string[] {
  const diffs: string[] = [];
  const modelStates = Object.keys(modelMachine.root.states)
    .filter((key) => key !== 'init')
    .sort();
  const realStates = Object.keys(machine.root.states)
    .filter((key) => key !== 'init')
    .sort();
  if (modelStates.join() !== realStates.join()) {
    diffs.push(`states: model [${modelStates}] vs machine [${realStates}]`);
  }
  const fromModel = (type: string) => ADMIN_EVENTS[type as AdminEventType];
  for (const key of new Set([...modelStates, ...realStates])) {
    const inModel = adminEventsOf(modelMachine.root.states[key], fromModel);
    const inMachine = adminEventsOf(machine.root.states[key], (type) => type);
    if (inModel.join() !== inMachine.join())
      diffs.push(`${key}: model [${inModel}] vs machine [${inMachine}]`);
  }
  return diffs;
}

describe('drift guard: model and machine agree', () => {
  it('on the top-level states and on the admin events each state handles', () => {
    expect(driftBetween(sessionModel, sessionMachine)).toEqual([]);
    expect(Object.keys(sessionMachine.root.states).sort()).toEqual([
      'checking',
      'connected',
      'creating',
      'disconnected',
      'disconnecting',
      'error',
      'init',
      'qr_issued',
      'removed',
    ]);
  });

  it('fails when they drift (a model with an extra state and an extra event is caught)', () => {
    const config = sessionModel.config as { states: Record<string, { on?: Record<string, unknown> }> };
    const tampered = createMachine({
      ...(sessionModel.config as object),
      states: {
        ...config.states,
        connected: {
          ...config.states.connected,
          on: { ...config.states.connected!.on, RECONNECT: 'checking' },
        },
        paused: {},
      },
    } as Parameters<typeof createMachine>[0]);
    expect(driftBetween(tampered, sessionMachine)).toEqual([
      expect.stringContaining(
        'states: model [checking,connected,creating,disconnected,disconnecting,error,paused',
      ),
      'connected: model [session.check,session.disconnect,session.reconnect] vs machine [session.check,session.disconnect]',
    ]);
  });

  it('the events the model uses for admin commands exist in the machine', () => {
    const all = new Set(Object.values(sessionMachine.root.states).flatMap((node) => node.events));
    for (const type of Object.values(ADMIN_EVENTS)) expect(all.has(type)).toBe(true);
  });
});

describe('ignored events stay ignored (the graph never follows them)', () => {
  async function simulatedSession(state: 'connected' | 'qr' | 'offline', latency = 0) {
    const backend = createSimulatedBackend({ latency, qrExpireMs: 3_600_000, sessions: [{ state }] });
    const list = backend.listSessions(new AbortController().signal);
    await vi.advanceTimersByTimeAsync(latency);
    const [record] = await list;
    return { backend, record: record! };
  }

  /** Sends `event` and asserts: the very same snapshot object, and no backend call. */
  async function expectIgnored(
    actor: ReturnType<typeof startSession>['actor'],
    backend: SimulatedBackend,
    event: SessionEvent,
  ) {
    const before = actor.getSnapshot();
    const calls = JSON.stringify(backend.stats().calls);
    actor.send(event);
    await flush();
    expect(actor.getSnapshot()).toBe(before);
    expect(JSON.stringify(backend.stats().calls)).toBe(calls);
  }

  it('reconnect, refreshQr, retry and cancel while connected', async () => {
    const { backend, record } = await simulatedSession('connected');
    const { actor } = startSession(backend, { record, timings: { recheckInterval: 0 } });
    await flush();
    expect(topState(actor.getSnapshot())).toBe('connected');
    for (const type of [
      'session.reconnect',
      'session.refreshQr',
      'session.retry',
      'session.cancel',
    ] as const) {
      await expectIgnored(actor, backend, { type });
    }
  });

  it('refreshQr, check, reconnect and retry while checking', async () => {
    const { backend, record } = await simulatedSession('connected', 100);
    const { actor } = startSession(backend, { record });
    expect(topState(actor.getSnapshot())).toBe('checking');
    for (const type of [
      'session.refreshQr',
      'session.check',
      'session.reconnect',
      'session.retry',
    ] as const) {
      await expectIgnored(actor, backend, { type });
    }
    await vi.advanceTimersByTimeAsync(100);
    expect(backend.stats().calls.getStatus).toBe(1);
  });

  it('check, disconnect, reconnect, refreshQr and retry while creating', async () => {
    const backend = createSimulatedBackend({ latency: 100 });
    const { actor } = startSession(backend);
    for (const type of [
      'session.check',
      'session.disconnect',
      'session.reconnect',
      'session.refreshQr',
      'session.retry',
    ] as const) {
      await expectIgnored(actor, backend, { type });
    }
    await vi.advanceTimersByTimeAsync(100);
    expect(backend.stats().calls.create).toBe(1);
  });

  it('everything while disconnecting', async () => {
    const { backend, record } = await simulatedSession('connected', 100);
    const { actor } = startSession(backend, { record });
    await vi.advanceTimersByTimeAsync(100);
    actor.send({ type: 'session.disconnect' });
    expect(topState(actor.getSnapshot())).toBe('disconnecting');
    for (const type of [
      'session.check',
      'session.disconnect',
      'session.reconnect',
      'session.refreshQr',
      'session.cancel',
      'session.retry',
    ] as const) {
      await expectIgnored(actor, backend, { type });
    }
    await vi.advanceTimersByTimeAsync(100);
    expect(backend.stats().calls.disconnect).toBe(1);
  });

  it('reconnect and retry while a QR is shown', async () => {
    const { backend, record } = await simulatedSession('qr');
    const { actor } = startSession(backend, { record, timings: { qrPollInterval: 60_000 } });
    await flush();
    for (const type of ['session.reconnect', 'session.retry'] as const)
      await expectIgnored(actor, backend, { type });
  });

  it('refreshQr, cancel and retry while disconnected', async () => {
    const { backend, record } = await simulatedSession('offline');
    const { actor } = startSession(backend, { record });
    await flush();
    for (const type of ['session.refreshQr', 'session.cancel', 'session.retry'] as const) {
      await expectIgnored(actor, backend, { type });
    }
  });

  it('reconnect, refreshQr and cancel in error; retry and check on an invalid row', async () => {
    const { backend, record } = await simulatedSession('connected');
    const failing = createSimulatedBackend({
      fault: (operation) => (operation === 'getStatus' ? { kind: 'error', code: 'unauthorized' } : null),
    });
    const { actor } = startSession(failing, { record });
    await flush();
    expect(actor.getSnapshot().matches({ error: 'waiting' })).toBe(true);
    for (const type of ['session.reconnect', 'session.refreshQr', 'session.cancel'] as const) {
      await expectIgnored(actor, failing, { type });
    }
    const invalid = startSession(backend, {
      id: 'invalid',
      record: makeRecord({ accountNumber: null, invalid: { field: 'name', message: 'name is wrong' } }),
    }).actor;
    for (const type of ['session.retry', 'session.check', 'session.cancel'] as const) {
      await expectIgnored(invalid, backend, { type });
    }
  });

  it('connectNew while a number is being created (the collection)', async () => {
    const backend = createSimulatedBackend({ latency: 100 });
    const actor = createWppSessions(backend);
    watch(actor);
    actor.start();
    await vi.advanceTimersByTimeAsync(100);
    actor.send({ type: 'sessions.connectNew' });
    const before = actor.getSnapshot();
    expect(sessionsView(before).isCreating).toBe(true);
    actor.send({ type: 'sessions.connectNew' });
    await flush();
    expect(actor.getSnapshot()).toBe(before);
    expect(backend.stats().calls.create).toBe(1);
    await vi.advanceTimersByTimeAsync(100);
    expect(backend.stats().calls.create).toBe(1);
    actor.stop();
  });
});
