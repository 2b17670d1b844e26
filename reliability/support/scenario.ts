import {
  createWppSessions,
  DEFAULT_TIMINGS,
  type SessionCommandEvent,
  sessionsView,
  type WppTimings,
} from '@wpp-sessions/core';
import { STATUS_TABLE } from '@wpp-sessions/core/normalize';
import { createScriptedBackend } from '@wpp-sessions/core/testing';
import fc from 'fast-check';
import { vi } from 'vitest';
import type { AnyActorRef } from 'xstate';
import {
  createOutcomePlayer,
  type FinalMode,
  type Outcome,
  type RowEdit,
  type RowSpec,
  SECRET_MARKER,
} from './outcome.player.js';
import { mulberry32 } from './prng.js';
import { createProbe, type ProbeFigures } from './probe.js';
import { countUnhandledRejections, flushRejections } from './rejections.js';
import { createWatcher, type WatcherFigures } from './watcher.js';

/** One thing that happens in a scenario: an admin command, another admin's change, or time passing. */
export type Step =
  | { kind: 'advance'; ms: number }
  | { kind: 'connectNew' }
  | {
      kind: 'session';
      command: 'cancel' | 'disconnect' | 'reconnect' | 'retry' | 'refreshQr' | 'check';
      index: number;
      /** Send a command the session accepts now (the n-th of them, n = `index`), instead of `command` as is. */
      fitting: boolean;
    }
  | { kind: 'refresh' }
  | { kind: 'listRetry' }
  | { kind: 'dismissNew' }
  | { kind: 'remount' }
  | { kind: 'addRow'; row: RowSpec }
  | { kind: 'removeRow'; index: number }
  | { kind: 'editRow'; index: number; edit: RowEdit };

/** A whole scenario: the saved rows, the timings, the backend's script, the steps and how the backend ends. */
export interface Scenario {
  seed: number;
  concurrency: number;
  timings: WppTimings;
  rows: RowSpec[];
  outcomes: Outcome[];
  steps: Step[];
  final: FinalMode;
  /** Prints every event and state (debugging a counterexample). */
  trace?: boolean;
}

/** What one scenario run found. */
export interface ScenarioResult {
  violations: string[];
  probe: ProbeFigures;
  watcher: WatcherFigures;
  unhandledRejections: number;
}

const HOSTILE_NAMES = [
  '<img src=x onerror=alert(1)>',
  '<script>alert("x")</script>',
  '"><svg onload=alert(1)>',
  'WhatsApp (WPP)',
  '',
];

const nameArb = fc.oneof(fc.constantFrom(...HOSTILE_NAMES), fc.string({ maxLength: 12 }));

export const rowArb: fc.Arbitrary<RowSpec> = fc.record({
  name: nameArb,
  primary: fc.boolean(),
  shape: fc.oneof(
    { weight: 8, arbitrary: fc.constant('ok' as const) },
    {
      weight: 1,
      arbitrary: fc.constantFrom(
        'noAccount' as const,
        'badSettings' as const,
        'inactive' as const,
        'otherProvider' as const,
        'badId' as const,
      ),
    },
  ),
});

// Round values that timings also take, so answers land exactly on deadlines and poll ticks now and then.
const ROUND = [50, 100, 300, 500, 1_000, 2_000, 3_000] as const;

const latencyArb = fc.oneof(
  { weight: 2, arbitrary: fc.constant(0) },
  { weight: 2, arbitrary: fc.constantFrom(...ROUND) },
  { weight: 6, arbitrary: fc.integer({ min: 1, max: 400 }) },
  { weight: 1, arbitrary: fc.integer({ min: 0, max: 20_000 }) },
);

const MAIN_WORDS = ['connected', 'qr_issued', 'starting', 'qr_pending', 'disconnected', 'error', 'offline'];

const wordArb = fc.oneof(
  { weight: 12, arbitrary: fc.constantFrom(...MAIN_WORDS) },
  { weight: 2, arbitrary: fc.constantFrom(...Object.keys(STATUS_TABLE)) },
  { weight: 1, arbitrary: fc.constantFrom('CONNECTED', ' Qr_Issued ', 'banana', '') },
  { weight: 1, arbitrary: fc.string({ maxLength: 8 }) },
);

const qrArb = fc.oneof(
  { weight: 12, arbitrary: fc.constantFrom('2@AbC,dEf,gHi', '2@rotated,qr,value', '1@x,y') },
  { weight: 2, arbitrary: fc.constant(null) },
  {
    weight: 2,
    arbitrary: fc.constantFrom(
      'data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==',
      'javascript:alert(1)',
      'data:image/svg+xml;base64,PHN2Zz48L3N2Zz4=',
      '<svg onload=alert(1)>',
      `2@${'x'.repeat(3000)}`,
      'data:text/html,<script>alert(1)</script>',
    ),
  },
  { weight: 1, arbitrary: fc.string({ maxLength: 20 }) },
);

export const outcomeArb: fc.Arbitrary<Outcome> = fc.oneof(
  {
    weight: 24,
    arbitrary: fc.record({ kind: fc.constant('ok' as const), word: wordArb, qr: qrArb, latency: latencyArb }),
  },
  {
    weight: 3,
    arbitrary: fc.record({
      kind: fc.constant('http' as const),
      status: fc.constantFrom(400, 401, 403, 404, 408, 409, 422, 429, 500, 502, 503, 504),
      latency: latencyArb,
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({ kind: fc.constant('malformed' as const), body: fc.nat(10), latency: latencyArb }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('network' as const), latency: latencyArb }) },
  {
    weight: 1,
    arbitrary: fc.record({ kind: fc.constant('raw' as const), value: fc.nat(10), latency: latencyArb }),
  },
  { weight: 2, arbitrary: fc.constant({ kind: 'hang' as const }) },
);

/** An answer of a working backend: a main status word with a valid QR, after a short latency. */
const healthyArb: fc.Arbitrary<Outcome> = fc.record({
  kind: fc.constant('ok' as const),
  word: fc.constantFrom('connected', 'qr_issued', 'qr_issued', 'starting', 'disconnected'),
  qr: fc.constantFrom('2@AbC,dEf,gHi', '2@rotated,qr,value'),
  latency: fc.integer({ min: 0, max: 400 }),
});

const sessionCommandArb = fc.constantFrom(
  'cancel' as const,
  'disconnect' as const,
  'reconnect' as const,
  'retry' as const,
  'refreshQr' as const,
  'check' as const,
);

export const stepArb: fc.Arbitrary<Step> = fc.oneof(
  {
    weight: 6,
    arbitrary: fc.record({
      kind: fc.constant('advance' as const),
      ms: fc.oneof(
        fc.integer({ min: 0, max: 300 }),
        fc.integer({ min: 0, max: 5_000 }),
        fc.integer({ min: 0, max: 40_000 }),
      ),
    }),
  },
  { weight: 2, arbitrary: fc.constant({ kind: 'connectNew' as const }) },
  {
    weight: 6,
    arbitrary: fc.record({
      kind: fc.constant('session' as const),
      command: sessionCommandArb,
      index: fc.nat(9),
      fitting: fc.boolean(),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.constantFrom(
      { kind: 'refresh' as const },
      { kind: 'listRetry' as const },
      { kind: 'dismissNew' as const },
      { kind: 'remount' as const },
    ),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('addRow' as const), row: rowArb }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('removeRow' as const), index: fc.nat(9) }) },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('editRow' as const),
      index: fc.nat(9),
      edit: fc.constantFrom<RowEdit>('rename', 'break', 'deactivate', 'reactivate', 'primary', 'duplicate'),
    }),
  },
);

const between = (min: number, max: number) =>
  fc.oneof(
    { weight: 3, arbitrary: fc.integer({ min, max }) },
    { weight: 1, arbitrary: fc.constantFrom(...ROUND.filter((value) => value >= min && value <= max)) },
  );

export const timingsArb: fc.Arbitrary<WppTimings> = fc
  .record({
    requestTimeout: between(200, 10_000),
    checkTimeout: between(500, 10_000),
    pendingPollInterval: between(50, 3_000),
    qrPollInterval: between(50, 3_000),
    qrTimeout: between(500, 20_000),
    recheckInterval: fc.oneof(fc.constant(0), between(200, 10_000)),
    createTimeout: between(500, 15_000),
    createSettleTimeout: between(300, 15_000),
    disconnectTimeout: between(300, 8_000),
    listTimeout: between(300, 8_000),
    retryBaseDelay: between(20, 2_000),
    retryMaxDelay: fc.integer({ min: 0, max: 10_000 }),
    retryAttempts: fc.integer({ min: 0, max: 5 }),
    qrPollFailures: fc.integer({ min: 1, max: 4 }),
  })
  .map((t) => ({ ...t, retryMaxDelay: Math.max(t.retryBaseDelay, t.retryMaxDelay) }));

export const scenarioArb: fc.Arbitrary<Scenario> = fc.record({
  seed: fc.nat(),
  concurrency: fc.integer({ min: 1, max: 4 }),
  timings: timingsArb,
  rows: fc.array(rowArb, { maxLength: 6 }),
  // Half the backends mostly work (so sessions reach QR, connected and disconnect flows), half are chaotic.
  outcomes: fc.oneof(
    fc.array(fc.oneof({ weight: 6, arbitrary: healthyArb }, { weight: 1, arbitrary: outcomeArb }), {
      minLength: 1,
      maxLength: 40,
    }),
    fc.array(outcomeArb, { minLength: 1, maxLength: 40 }),
  ),
  steps: fc.array(stepArb, { maxLength: 60 }),
  final: fc.constantFrom('hang' as const, 'pending' as const, 'failing' as const),
});

/**
 * How long, with no admin command and a backend that hangs, keeps answering "starting" or keeps failing, every
 * session and the collection may take to come to rest: every deadline once, plus every automatic retry, plus the
 * re-list a failed create starts (it re-checks every session).
 *
 * @example
 * ```ts
 * await vi.advanceTimersByTimeAsync(restBound({ ...DEFAULT_TIMINGS, checkTimeout: 1_000 }));
 * ```
 */
export function restBound(t: WppTimings, queue = 0): number {
  // A check may first wait for a slot behind other sessions' requests (`queue`): its deadline starts after that.
  const retryCycle =
    queue + t.checkTimeout + 1.25 * t.retryMaxDelay + t.pendingPollInterval + t.qrPollInterval;
  const listCycle = t.listTimeout + 1.25 * t.retryMaxDelay;
  return Math.ceil(
    t.createTimeout +
      t.createSettleTimeout +
      t.disconnectTimeout +
      t.qrTimeout +
      t.recheckInterval +
      (t.retryAttempts + 2) * listCycle +
      2 * (t.retryAttempts + 2) * retryCycle +
      1_000,
  );
}

/** A window long enough that a session in an automatic loop would start a request in it. */
function quietWindow(t: WppTimings): number {
  return Math.ceil(
    t.checkTimeout +
      1.25 * t.retryMaxDelay +
      t.recheckInterval +
      t.pendingPollInterval +
      t.qrPollInterval +
      t.listTimeout +
      1_000,
  );
}

const SESSION_COMMANDS: ReadonlyArray<SessionCommandEvent['type']> = [
  'session.cancel',
  'session.disconnect',
  'session.reconnect',
  'session.retry',
  'session.refreshQr',
  'session.check',
];

/**
 * Runs one scenario against the real machines (`createWppSessions`), with fake timers already installed, and
 * returns every broken invariant. Math.random (retry jitter) is seeded from the scenario, so a run replays exactly.
 *
 * @example
 * ```ts
 * vi.useFakeTimers();
 * const result = await runScenario(scenario);
 * expect(result.violations).toEqual([]);
 * ```
 */
export async function runScenario(scenario: Scenario): Promise<ScenarioResult> {
  const unhandledCount = countUnhandledRejections();
  const unhandledBefore = unhandledCount();
  const random = vi.spyOn(Math, 'random').mockImplementation(mulberry32(scenario.seed));
  const timings = { ...DEFAULT_TIMINGS, ...scenario.timings };
  const player = createOutcomePlayer({ rows: scenario.rows, outcomes: scenario.outcomes });
  const scripted = createScriptedBackend({ respond: player.respond });
  const probe = createProbe(scripted.backend);
  const watcher = createWatcher({ timings, probe, secret: (text) => text.includes(SECRET_MARKER) });
  const violations: string[] = [];

  const mount = () => {
    const actor = createWppSessions(probe.backend, {
      timings,
      concurrency: scenario.concurrency,
      inspect: (event) => {
        watcher.inspect(event);
        if (scenario.trace && event.type === '@xstate.event') {
          const type = (event.event as { type: string }).type;
          if (!type.startsWith('xstate.after'))
            console.log(Date.now(), (event.actorRef as AnyActorRef).id, type);
        }
        if (scenario.trace && event.type === '@xstate.snapshot' && 'value' in event.snapshot) {
          console.log(
            Date.now(),
            (event.actorRef as AnyActorRef).id,
            JSON.stringify((event.snapshot as { value: unknown }).value),
          );
        }
      },
    });
    actor.subscribe({ error: (error) => violations.push(`the collection actor errored: ${String(error)}`) });
    watcher.attach(actor);
    return actor.start();
  };
  let actor = mount();

  const advance = async (ms: number) => {
    let left = ms;
    do {
      const chunk = Math.min(left, 1_000);
      await vi.advanceTimersByTimeAsync(chunk);
      watcher.check();
      left -= chunk;
    } while (left > 0);
  };

  try {
    await advance(0);
    for (const step of scenario.steps) {
      const { ids, refs } = actor.getSnapshot().context;
      switch (step.kind) {
        case 'advance':
          await advance(step.ms);
          break;
        case 'connectNew':
          watcher.admin(() => actor.send({ type: 'sessions.connectNew' }));
          break;
        case 'refresh':
          watcher.admin(() => actor.send({ type: 'sessions.refresh' }));
          break;
        case 'listRetry':
          watcher.admin(() => actor.send({ type: 'sessions.retry' }));
          break;
        case 'dismissNew':
          watcher.admin(() => actor.send({ type: 'sessions.dismissNew' }));
          break;
        case 'remount': {
          // The React provider unmounts (the actor stops) and mounts again on the same backend.
          actor.stop();
          watcher.detach(actor);
          actor = mount();
          break;
        }
        case 'session': {
          if (ids.length === 0) break;
          const ref = refs[ids[step.index % ids.length]!]!;
          let type = `session.${step.command}` as SessionCommandEvent['type'];
          if (step.fitting) {
            const snapshot = ref.getSnapshot();
            const accepted = SESSION_COMMANDS.filter((t) => snapshot.can({ type: t } as SessionCommandEvent));
            if (accepted.length === 0) break;
            type = accepted[step.index % accepted.length]!;
          }
          watcher.admin(() => ref.send({ type } as SessionCommandEvent));
          break;
        }
        case 'addRow':
          player.addRow(step.row);
          break;
        case 'removeRow':
          player.removeNth(step.index);
          break;
        case 'editRow':
          player.editNth(step.index, step.edit);
          break;
      }
      await advance(0);
    }

    // No more admin commands: the backend hangs, says "starting" forever, or fails. Everything must come to rest.
    player.settle(scenario.final);
    // Each session's request may wait for every other session's, each ended by requestTimeout at the latest.
    const queue = Math.ceil(watcher.figures().sessions / scenario.concurrency) * timings.requestTimeout;
    const rest = restBound(timings, queue);
    await advance(rest);
    const seqAtRest = probe.seq();
    const busy = watcher.sessionsIn(['creating', 'checking', 'disconnecting', 'qr_issued']);
    if (busy.length > 0) {
      violations.push(`after ${rest} ms without commands, still busy: ${busy.join(', ')}`);
    }
    await advance(quietWindow(timings));
    if (probe.seq() !== seqAtRest) {
      violations.push(
        `${probe.seq() - seqAtRest} requests started after everything should have come to rest (${scenario.final})`,
      );
    }
    if (sessionsView(actor.getSnapshot()).status === 'loading')
      violations.push('the collection is still loading');
  } finally {
    actor.stop();
    watcher.detach(actor);
    vi.clearAllTimers();
    random.mockRestore();
  }
  await flushRejections();
  const unhandledRejections = unhandledCount() - unhandledBefore;
  if (unhandledRejections > 0) violations.push(`${unhandledRejections} unhandled promise rejections`);
  violations.push(...probe.violations().slice(0, 10));
  violations.push(...watcher.violations());
  const figures = probe.figures();
  if (figures.maxLimitedInFlight > scenario.concurrency) {
    violations.push(
      `${figures.maxLimitedInFlight} status requests in flight at once, over the limit of ${scenario.concurrency}`,
    );
  }
  if (figures.maxCreatesInFlight > 1)
    violations.push(`${figures.maxCreatesInFlight} creates in flight at once`);
  if (figures.maxCreatesRunning > 1)
    violations.push(`${figures.maxCreatesRunning} creates running at the backend at once`);
  return { violations, probe: figures, watcher: watcher.figures(), unhandledRejections };
}
