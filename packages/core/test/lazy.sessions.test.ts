/**
 * Numbers without a machine (`createSessionRef`) must be indistinguishable from numbers with one. Two collections run
 * side by side on two identical simulated backends, under one fake clock: one as the library builds it (saved numbers
 * start without a machine), one whose session machine is re-provided, so every number gets its own actor at once.
 * After every step of a random run (time passing, numbers scanned or dropped behind the library's back, faults,
 * commands, refreshes, the page hidden and shown) both show the same views, told the same events, and made the same
 * calls to their backends.
 */
import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createActor, waitFor } from 'xstate';
import { WppError } from '../src/backend/backend.errors.js';
import {
  createSessionsMachine,
  createWppSessions,
  type sessionMachine,
  sessionsView,
  sessionView,
  type WppSessionsEvent,
} from '../src/index.js';
import { SESSION_COMMANDS } from '../src/session/session.types.js';
import type { ScriptedResponder } from '../src/testing.js';
import { createSimulatedBackend, type SimulatedFault, type SimulatedOperation } from '../src/testing.js';
import { createScriptedBackend, makeRecord, takeActorErrors, watch } from './machine.harness.js';

beforeEach(() => {
  vi.useFakeTimers();
  // Backoff jitter: the same delays in both collections.
  vi.spyOn(Math, 'random').mockReturnValue(0.5);
});

afterEach(() => {
  expect(takeActorErrors()).toEqual([]);
  vi.restoreAllMocks();
  vi.useRealTimers();
});

const TIMINGS = {
  requestTimeout: 3_000,
  checkTimeout: 5_000,
  recheckInterval: 4_000,
  qrPollInterval: 1_000,
  pendingPollInterval: 1_000,
  qrTimeout: 20_000,
  retryBaseDelay: 500,
  retryMaxDelay: 4_000,
  retryAttempts: 2,
};

// The random runs' timings, none a multiple of another: with fewer slots than numbers, two timers due in the same
// millisecond race for one slot, and which wins is the timers' creation order (a collection's one re-check timer is
// made at another moment than a machine's own), not a rule of the machine.
const RUN_TIMINGS = {
  ...TIMINGS,
  recheckInterval: 4_019,
  qrPollInterval: 1_013,
  pendingPollInterval: 1_031,
  qrTimeout: 20_011,
  retryBaseDelay: 503,
};

type State = 'connected' | 'offline' | 'qr';
type FaultKind = 'none' | 'server' | 'unauthorized' | 'hang' | 'malformed';
type Step =
  | { kind: 'wait'; ms: number }
  | { kind: 'scan' | 'drop'; n: number }
  | { kind: 'fault'; operation: SimulatedOperation; fault: FaultKind }
  | { kind: 'command'; n: number; type: (typeof SESSION_COMMANDS)[number] }
  | { kind: 'refresh' }
  | { kind: 'visibility'; hidden: boolean };

const step: fc.Arbitrary<Step> = fc.oneof(
  {
    weight: 4,
    arbitrary: fc.record({
      kind: fc.constant('wait' as const),
      ms: fc.constantFrom(0, 60, 700, 2_100, 4_100, 9_000),
    }),
  },
  fc.record({ kind: fc.constantFrom('scan' as const, 'drop' as const), n: fc.nat(5) }),
  fc.record({
    kind: fc.constant('fault' as const),
    operation: fc.constantFrom<SimulatedOperation>('getStatus', 'start', 'listSessions', 'disconnect'),
    fault: fc.constantFrom<FaultKind>('none', 'none', 'server', 'unauthorized', 'hang', 'malformed'),
  }),
  {
    weight: 3,
    arbitrary: fc.record({
      kind: fc.constant('command' as const),
      n: fc.nat(5),
      type: fc.constantFrom(...SESSION_COMMANDS),
    }),
  },
  fc.record({ kind: fc.constant('refresh' as const) }),
  fc.record({ kind: fc.constant('visibility' as const), hidden: fc.boolean() }),
);

function faultOf(kind: FaultKind): SimulatedFault | null {
  if (kind === 'none') return null;
  if (kind === 'hang' || kind === 'malformed') return { kind };
  return { kind: 'error', code: kind };
}

/** One side of the comparison: a backend, a collection on it, and what it told. */
function side(states: State[], eager: boolean, concurrency: number) {
  const faults = new Map<SimulatedOperation, FaultKind>();
  const backend = createSimulatedBackend({
    latency: 50,
    sessions: states.map((state) => ({ state })),
    fault: (operation) => faultOf(faults.get(operation) ?? 'none'),
  });
  const events: WppSessionsEvent[] = [];
  let actor: ReturnType<typeof createWppSessions>;
  if (eager) {
    const wired = createSessionsMachine(backend, { concurrency });
    // Re-provided: a session machine the collection holds no I/O for, so every number gets its actor at once.
    const session = wired.implementations.actors.session as unknown as typeof sessionMachine;
    const machine = wired.provide({ actors: { session: session.provide({}) } });
    actor = createActor(machine, { input: { timings: RUN_TIMINGS } }) as unknown as typeof actor;
  } else {
    actor = createWppSessions(backend, { timings: RUN_TIMINGS, concurrency });
  }
  actor.on('*', (event) => events.push(event));
  watch(actor);
  actor.start();
  const accounts = () =>
    backend.savedRows().map((row) => String((row.settings as { wppAccountNumber: string }).wppAccountNumber));
  return {
    actor,
    backend,
    events,
    apply(s: Step) {
      const { context } = actor.getSnapshot();
      if (s.kind === 'scan' || s.kind === 'drop') {
        const account = accounts()[s.n % Math.max(1, accounts().length)];
        if (account) backend[s.kind](account);
      } else if (s.kind === 'fault') faults.set(s.operation, s.fault);
      else if (s.kind === 'command') {
        const id = context.ids[s.n % Math.max(1, context.ids.length)];
        if (id) context.refs[id]!.send({ type: s.type });
      } else if (s.kind === 'refresh') actor.send({ type: 'sessions.refresh' });
      else if (s.kind === 'visibility') actor.send({ type: 'sessions.visibility', hidden: s.hidden });
    },
    seen() {
      const snapshot = actor.getSnapshot();
      const { refs, ids } = snapshot.context;
      return {
        collection: sessionsView(snapshot),
        sessions: ids.map((id) => sessionView(refs[id]!.getSnapshot())),
        calls: backend.stats().calls,
      };
    },
  };
}

describe('numbers without a machine', () => {
  it('show, tell and ask exactly what numbers with one do, step by step', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.constantFrom<State>('connected', 'connected', 'offline', 'qr'), {
          minLength: 1,
          maxLength: 5,
        }),
        fc.array(step, { minLength: 1, maxLength: 25 }),
        // Fewer slots than numbers, too: requests wait in line, are handed slots and leave the line.
        fc.constantFrom(1, 2, 6),
        async (states, steps, concurrency) => {
          vi.setSystemTime(Date.UTC(2026, 0, 1));
          const lazy = side(states, false, concurrency);
          const eager = side(states, true, concurrency);
          try {
            await vi.advanceTimersByTimeAsync(200);
            expect(lazy.seen()).toEqual(eager.seen());
            for (const s of steps) {
              lazy.apply(s);
              eager.apply(s);
              await vi.advanceTimersByTimeAsync(s.kind === 'wait' ? s.ms : 0);
              expect(lazy.seen()).toEqual(eager.seen());
              expect(lazy.events).toEqual(eager.events);
            }
          } finally {
            lazy.actor.stop();
            eager.actor.stop();
          }
        },
      ),
      { numRuns: Number(process.env.LAZY_RUNS ?? 60) },
    );
  }, 300_000);

  it('are mostly without a machine: a connected, offline or QR-showing number has none until it needs one', async () => {
    const backend = createSimulatedBackend({
      latency: 10,
      sessions: [{ state: 'connected' }, { state: 'offline' }, { state: 'qr' }],
    });
    const actor = createWppSessions(backend, { timings: TIMINGS }).start();
    await vi.advanceTimersByTimeAsync(100);
    const { ids, refs } = actor.getSnapshot().context;
    // White-box: a handle's machine, once it has one (a session created with a machine is no handle).
    const machineOf = (id: string) => (refs[id] as unknown as { actor?: object | null }).actor;
    const machineless = ids.map((id) => machineOf(id) === null);
    expect(machineless).toEqual([true, true, true]);
    // Its QR is polled without one; the scan gives it its machine, which tells the collection it linked.
    const linked: string[] = [];
    actor.on('linked', (event) => linked.push(event.id));
    const account = backend
      .savedRows()
      .map((row) => String((row.settings as { wppAccountNumber: string }).wppAccountNumber))[2]!;
    await vi.advanceTimersByTimeAsync(TIMINGS.qrPollInterval + 100);
    expect(sessionView(refs[ids[2]!]!.getSnapshot()).status).toBe('qr_issued');
    expect(machineOf(ids[2]!)).toBeNull();
    backend.scan(account);
    await vi.advanceTimersByTimeAsync(TIMINGS.qrPollInterval + 100);
    expect(sessionView(refs[ids[2]!]!.getSnapshot()).status).toBe('connected');
    expect(machineOf(ids[2]!)).not.toBeNull();
    expect(linked).toEqual([ids[2]]);
    // A command that does something gives the number its machine; the collection keeps the same ref.
    const offline = refs[ids[1]!]!;
    offline.send({ type: 'session.reconnect' });
    expect(actor.getSnapshot().context.refs[ids[1]!]).toBe(offline);
    expect(machineOf(ids[1]!)).not.toBeNull();
    await vi.advanceTimersByTimeAsync(100);
    expect(sessionView(offline.getSnapshot()).status).toBe('qr_issued');
    actor.stop();
    // Their background re-checks share one timer, which stops with them.
    expect(vi.getTimerCount()).toBe(0);
  });

  it('let a QR phase found by a check run out without a machine, and then wait for the admin', async () => {
    const backend = createSimulatedBackend({ latency: 10, qrExpireMs: 600_000, sessions: [{ state: 'qr' }] });
    const actor = createWppSessions(backend, { timings: TIMINGS }).start();
    await vi.advanceTimersByTimeAsync(100);
    const [id] = actor.getSnapshot().context.ids;
    const ref = actor.getSnapshot().context.refs[id!]!;
    const view = sessionView(ref.getSnapshot());
    expect(view.status).toBe('qr_issued');
    expect(view.qr).not.toBeNull();
    await vi.advanceTimersByTimeAsync(TIMINGS.qrTimeout);
    expect(sessionView(ref.getSnapshot())).toMatchObject({ status: 'disconnected', qr: null });
    expect(ref.getSnapshot().context.reason).toBe('qr_expired');
    expect((ref as unknown as { actor: object | null }).actor).toBeNull();
    // An expired QR is not re-checked in the background: nobody burns QR cycles unattended.
    const calls = backend.stats().calls.getStatus;
    await vi.advanceTimersByTimeAsync(TIMINGS.recheckInterval * 3);
    expect(backend.stats().calls.getStatus).toBe(calls);
    actor.stop();
    expect(vi.getTimerCount()).toBe(0);
  });

  it('show the check deadline from the slot, and a command sent the moment a re-check starts stops it', async () => {
    const scripted = createScriptedBackend({
      respond: (call) => {
        if (call.operation === 'listSessions') return Promise.resolve([makeRecord()]);
        if (call.operation === 'disconnect') return Promise.resolve();
      },
    });
    // What an inspector (the reliability watcher) sees when a request gets its slot.
    const startedAt: unknown[] = [];
    const actor = createWppSessions(scripted.backend, {
      timings: TIMINGS,
      inspect: (event) => {
        if (event.type === '@xstate.snapshot' && event.event.type === 'session.requestStarted') {
          startedAt.push(
            (event.snapshot as unknown as { context: { checkStartedAt: unknown } }).context.checkStartedAt,
          );
        }
      },
    }).start();
    await vi.advanceTimersByTimeAsync(0);
    const [id] = actor.getSnapshot().context.ids;
    const ref = actor.getSnapshot().context.refs[id!]!;
    // The first check got its slot at once: the snapshot of that moment says when, as the machine's does.
    expect(startedAt).toEqual([Date.now()]);
    scripted.only('getStatus').resolve({ status: 'connected' });
    await vi.advanceTimersByTimeAsync(0);
    // The admin's command lands in the very turn the background re-check gets its slot.
    let sent = false;
    ref.subscribe((snapshot) => {
      if (!sent && snapshot.matches({ connected: 'rechecking' })) {
        sent = true;
        ref.send({ type: 'session.disconnect' });
      }
    });
    await vi.advanceTimersByTimeAsync(TIMINGS.recheckInterval);
    expect(sent).toBe(true);
    // Leaving `connected.rechecking` ends its request before it is sent; the number is gone.
    expect(scripted.count('getStatus')).toBe(1);
    expect(ref.getSnapshot().matches('removed')).toBe(true);
    actor.stop();
  });

  it('are actors wherever one is expected: waitFor and JSON without a machine, the rest with one', async () => {
    const backend = createSimulatedBackend({ latency: 10, sessions: [{ state: 'connected' }] });
    const actor = createWppSessions(backend, { timings: TIMINGS }).start();
    await vi.advanceTimersByTimeAsync(100);
    const [id] = actor.getSnapshot().context.ids;
    const ref = actor.getSnapshot().context.refs[id!]!;
    const machineOf = () => (ref as unknown as { actor: object | null }).actor;
    ref.send({ type: 'session.check' });
    const checked = waitFor(ref, (snapshot) => !snapshot.hasTag('busy'));
    await vi.advanceTimersByTimeAsync(100);
    expect(sessionView(await checked).status).toBe('connected');
    expect(JSON.parse(JSON.stringify(actor.getSnapshot().context.refs))).toEqual({
      [id!]: { xstate$$type: 1, id: `session:${id}` },
    });
    expect(machineOf()).toBeNull();
    // Only an actor can be persisted: asking gives the number its machine, in the state it was in.
    expect(ref.getPersistedSnapshot()).toMatchObject({ value: { connected: 'idle' } });
    expect(machineOf()).not.toBeNull();
    expect(sessionView(ref.getSnapshot()).status).toBe('connected');
    actor.stop();
  });

  it('keep the checking deadline from the first request\'s slot when "starting" gives the number its machine', async () => {
    // Every status answer is "still starting", 100 ms after it is asked: checking ends at its deadline, counted from
    // the first request's slot, whether that request was asked with a machine or before the number had one.
    const timings = { ...TIMINGS, checkTimeout: 1_000, requestTimeout: 800, pendingPollInterval: 100 };
    const enteredError = async (eager: boolean) => {
      const scripted = createScriptedBackend({
        respond: (call) => {
          if (call.operation === 'listSessions') return Promise.resolve([makeRecord()]);
          return new Promise((resolve) => setTimeout(() => resolve({ status: 'pending' }), 100));
        },
      });
      const wired = createSessionsMachine(scripted.backend);
      const session = wired.implementations.actors.session as unknown as typeof sessionMachine;
      const machine = eager ? wired.provide({ actors: { session: session.provide({}) } }) : wired;
      const actor = createActor(machine, { input: { timings } }).start();
      const startedAt = Date.now();
      let at: number | null = null;
      for (let elapsed = 0; elapsed < 3_000 && at === null; elapsed += 10) {
        await vi.advanceTimersByTimeAsync(10);
        const { context } = actor.getSnapshot();
        const ref = context.refs[context.ids[0] ?? ''];
        if (ref && sessionView(ref.getSnapshot()).status === 'error') at = Date.now() - startedAt;
      }
      actor.stop();
      return at;
    };
    const eager = await enteredError(true);
    expect(eager).not.toBeNull();
    expect(await enteredError(false)).toBe(eager);
  });
});

/** A collection on a scripted backend: every number with its machine at once (`eager`), or as the library builds it. */
function scriptedCollection(
  eager: boolean,
  respond: ScriptedResponder,
  timings: Partial<typeof TIMINGS> = {},
  concurrency = 6,
) {
  const scripted = createScriptedBackend({ respond });
  const wired = createSessionsMachine(scripted.backend, { concurrency });
  const session = wired.implementations.actors.session as unknown as typeof sessionMachine;
  const machine = eager ? wired.provide({ actors: { session: session.provide({}) } }) : wired;
  const actor = createActor(machine, { input: { timings: { ...TIMINGS, ...timings } } }).start();
  const ref = (index = 0) => {
    const { context } = actor.getSnapshot();
    return context.refs[context.ids[index] ?? '']!;
  };
  return { scripted, actor, ref };
}

const listed =
  (count: number, status: (call: number) => Promise<unknown> | undefined): ScriptedResponder =>
  (call) => {
    if (call.operation === 'listSessions') {
      return Promise.resolve(
        Array.from({ length: count }, (_, index) =>
          makeRecord({ integrationId: `row-${index}`, accountNumber: String(index) }),
        ),
      );
    }
    if (call.operation === 'getStatus') {
      statusCalls += 1;
      return status(statusCalls) as Promise<never>;
    }
    if (call.operation === 'disconnect') return Promise.resolve();
  };
let statusCalls = 0;

describe('numbers without a machine, where they could differ from one', () => {
  beforeEach(() => {
    statusCalls = 0;
  });

  it('a re-check answered "starting" gives the machine a check whose deadline starts with its own request', async () => {
    const timings = {
      checkTimeout: 1_000,
      requestTimeout: 800,
      pendingPollInterval: 100,
      recheckInterval: 4_000,
    };
    const failedAt = async (eager: boolean) => {
      statusCalls = 0;
      const later = (value: unknown) => new Promise((resolve) => setTimeout(() => resolve(value), 100));
      const side = scriptedCollection(
        eager,
        listed(1, (call) =>
          call === 1 ? Promise.resolve({ status: 'connected' }) : later({ status: 'pending' }),
        ),
        timings,
      );
      const startedAt = Date.now();
      let at: number | null = null;
      for (let elapsed = 0; elapsed < 10_000 && at === null; elapsed += 10) {
        await vi.advanceTimersByTimeAsync(10);
        if (sessionView(side.ref().getSnapshot()).status === 'error') at = Date.now() - startedAt;
      }
      side.actor.stop();
      return at;
    };
    const eager = await failedAt(true);
    expect(eager).not.toBeNull();
    expect(await failedAt(false)).toBe(eager);
  });

  it('a check handed over to the machine ends when the machine leaves the state', async () => {
    for (const eager of [true, false]) {
      // Status checks and the disconnect both hang: the number stays in `disconnecting`.
      const side = scriptedCollection(eager, (call) => {
        if (call.operation === 'listSessions') return Promise.resolve([makeRecord()]);
      });
      await vi.advanceTimersByTimeAsync(0);
      expect(side.scripted.open('getStatus')).toHaveLength(1);
      // Only an actor has a system: asking for it gives the number its machine while its check runs.
      expect(side.ref().system).toBeDefined();
      side.ref().send({ type: 'session.disconnect' });
      await vi.advanceTimersByTimeAsync(0);
      expect(side.ref().getSnapshot().matches('disconnecting')).toBe(true);
      // Leaving `checking` ended its check, as it does for a number that had its machine all along.
      expect(side.scripted.open('getStatus')).toEqual([]);
      side.actor.stop();
    }
  });

  it("an app's observer that throws is reported, and costs no number its request", async () => {
    // One slot: a slot the first number kept would leave the second unchecked.
    const side = scriptedCollection(
      false,
      listed(2, () => Promise.resolve({ status: 'connected' })),
      { recheckInterval: 4_000 },
      1,
    );
    await vi.advanceTimersByTimeAsync(0);
    expect(side.scripted.count('getStatus')).toBe(2);
    let thrown = false;
    side.ref(0).subscribe(() => {
      if (thrown) return;
      thrown = true;
      throw new Error('observer broke');
    });
    await expect(vi.advanceTimersByTimeAsync(4_100)).rejects.toThrow('observer broke');
    await vi.advanceTimersByTimeAsync(100);
    // Both numbers were re-checked: the slot the first one held was not lost with the observer's error.
    expect(side.scripted.count('getStatus')).toBe(4);
    expect(sessionView(side.ref(1).getSnapshot()).status).toBe('connected');
    side.actor.stop();
  });

  it('a QR phase that runs out keeps its count of failed polls, as the machine does', async () => {
    const qr = { status: 'qr_issued', qr: { kind: 'text', value: 'QR-1' } };
    const pollFailures = async (eager: boolean) => {
      statusCalls = 0;
      const side = scriptedCollection(
        eager,
        listed(1, (call) => {
          if (call === 1) return Promise.resolve(qr);
          if (call === 2) return Promise.reject(new WppError('server', 'HTTP 502'));
          return undefined;
        }),
        { qrPollInterval: 1_000, qrTimeout: 2_500, requestTimeout: 3_000 },
      );
      await vi.advanceTimersByTimeAsync(2_600);
      const { context } = side.ref().getSnapshot();
      side.actor.stop();
      return {
        status: sessionView(side.ref().getSnapshot()).status,
        reason: context.reason,
        failures: context.pollFailures,
      };
    };
    const eager = await pollFailures(true);
    expect(eager).toEqual({ status: 'disconnected', reason: 'qr_expired', failures: 1 });
    expect(await pollFailures(false)).toEqual(eager);
  });

  it("a timeout the backend reports is the backend's, not the check's deadline", async () => {
    const errorOf = async (eager: boolean) => {
      const side = scriptedCollection(
        eager,
        listed(1, () => Promise.reject(new WppError('timeout', 'HTTP 504'))),
        { checkTimeout: 2_000, requestTimeout: 3_000 },
      );
      await vi.advanceTimersByTimeAsync(0);
      const { error } = side.ref().getSnapshot().context;
      side.actor.stop();
      return error?.code;
    };
    expect(await errorOf(true)).toBe('timeout');
    expect(await errorOf(false)).toBe('timeout');
  });

  it('a request its machine gave up on in the turn it got its slot is never sent', async () => {
    const scripted = createScriptedBackend();
    const session = createSessionsMachine(scripted.backend).implementations.actors
      .session as unknown as typeof sessionMachine;
    const actor = createActor(session, {
      input: { id: 'a', record: makeRecord(), timings: TIMINGS },
    }).start();
    // In the same turn: the check got its slot on start, and disconnecting leaves `checking`.
    actor.send({ type: 'session.disconnect' });
    await vi.advanceTimersByTimeAsync(0);
    expect(scripted.count('getStatus')).toBe(0);
    expect(scripted.count('disconnect')).toBe(1);
    actor.stop();
  });
});
