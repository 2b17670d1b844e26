import {
  createWppSessions,
  DEFAULT_TIMINGS,
  type SessionCommandEvent,
  type WppBackend,
  type WppTimings,
} from '@wpp-sessions/core';
import { mulberry32 } from './prng.js';
import { createProbe } from './probe.js';
import { countUnhandledRejections, flushRejections } from './rejections.js';
import { atMost, type Figure } from './report.js';
import { createWatcher } from './watcher.js';

/** Where a soak runs: the backend, the platform's "phone", and how time passes. */
export interface SoakEnvironment {
  /** The backend under test (the soak wraps it in a probe). */
  backend: WppBackend;
  /** A phone scans the QR of a number (by integration id). */
  scan(integrationId: string): Promise<unknown> | unknown;
  /** The platform takes a number offline (by integration id). */
  drop(integrationId: string): Promise<unknown> | unknown;
  /** Lets `ms` of time pass (fake timers, or real time). */
  tick(ms: number): Promise<void>;
  /** Whether a text holds a full secret of this backend. */
  secret(text: string): boolean;
  timings?: Partial<WppTimings>;
  concurrency?: number;
  /** Slack on deadlines for the watcher (real timers fire late on a busy machine). @default 0 */
  tolerance?: number;
}

/** How long a soak runs and how busy its admin is. */
export interface SoakPlan {
  /** Total time, in ms. */
  durationMs: number;
  /** Time between admin turns, in ms. */
  stepMs: number;
  /** Chance that the admin (or a phone, or the platform) does something in a turn. */
  actionRate: number;
  /** Seed of the admin's choices. */
  seed: number;
  /** Chance per turn that the provider unmounts and mounts again. @default 0.002 */
  remountRate?: number;
}

/**
 * The invariant rows every soak reports, each against its limit; `concurrency` is the limit the soak ran with.
 *
 * @example
 * ```ts
 * report(context, { section: 'Fault soak', figures: [...soakInvariants(figures, 6), info('sessions seen', 200)] });
 * ```
 */
export function soakInvariants(figures: SoakFigures, concurrency: number): Figure[] {
  return [
    atMost('sessions stuck past a deadline', figures.sessionsStuck, 0),
    atMost('duplicate creates', figures.duplicateCreates, 0),
    atMost('unhandled rejections', figures.unhandledRejections, 0),
    atMost('most requests in flight for one session', figures.maxInFlightPerSession, 1),
    atMost('errors without a reason', figures.errorsWithoutReason, 0),
    atMost('full secrets (API keys, tokens) in inspection events', figures.leaks, 0),
    atMost('errors thrown out of an actor', figures.actorErrors, 0),
    atMost('removed sessions brought back by a stale list', figures.resurrections, 0),
    atMost('numbers held by two sessions at once', figures.duplicateSessions, 0),
    atMost(
      `status requests in flight at once (limit ${concurrency})`,
      figures.maxLimitedInFlight,
      concurrency,
    ),
  ];
}

/** What a soak measured. */
export interface SoakFigures {
  sessionsStuck: number;
  duplicateCreates: number;
  unhandledRejections: number;
  maxInFlightPerSession: number;
  errorsWithoutReason: number;
  leaks: number;
  actorErrors: number;
  resurrections: number;
  duplicateSessions: number;
  maxCreatesInFlight: number;
  maxLimitedInFlight: number;
  requests: number;
  failedRequests: number;
  adminActions: number;
  remounts: number;
  sessionsSeen: number;
  statesAtEnd: Record<string, number>;
  /** Entries into `error`, by code. */
  errorCodes: Record<string, number>;
  longestRequestMs: number;
  /** Share (%) of the time status requests held a concurrency slot that went to requests that never answered. */
  slotTimeOnAbortedRequests: number;
  violations: string[];
}

/**
 * Runs the fault soak: the real collection actor over `environment.backend`, an admin who acts at random (seeded)
 * at every turn, phones that scan QRs, a platform that drops numbers, and an occasional provider remount; every
 * invariant is watched all along.
 *
 * @example
 * ```ts
 * const figures = await runSoak(environment, { durationMs: 300_000, stepMs: 1_000, actionRate: 0.3, seed: 7 });
 * expect(figures.sessionsStuck).toBe(0);
 * ```
 */
export async function runSoak(environment: SoakEnvironment, plan: SoakPlan): Promise<SoakFigures> {
  const random = mulberry32(plan.seed);
  const unhandledCount = countUnhandledRejections();
  const unhandledBefore = unhandledCount();
  const timings: WppTimings = { ...DEFAULT_TIMINGS, ...environment.timings };
  const probe = createProbe(environment.backend);
  const watcher = createWatcher({
    timings,
    probe,
    secret: environment.secret,
    tolerance: environment.tolerance,
  });
  const violations: string[] = [];
  let adminActions = 0;
  let remounts = 0;

  const mount = () => {
    const actor = createWppSessions(probe.backend, {
      timings: environment.timings,
      concurrency: environment.concurrency,
      inspect: watcher.inspect,
    });
    actor.subscribe({ error: (error) => violations.push(`the collection actor errored: ${String(error)}`) });
    watcher.attach(actor);
    return actor.start();
  };
  let actor = mount();
  const pick = <T>(items: readonly T[]): T | undefined =>
    items.length === 0 ? undefined : items[Math.floor(random() * items.length)];

  const sessionsWhere = (predicate: (value: string) => boolean) => {
    const { ids, refs } = actor.getSnapshot().context;
    return ids
      .map((id) => refs[id]!)
      .filter((ref) => {
        const value = ref.getSnapshot().value;
        return predicate(typeof value === 'string' ? value : Object.keys(value)[0]!);
      });
  };

  async function act() {
    const roll = random();
    adminActions += 1;
    if (roll < 0.12) {
      watcher.admin(() => actor.send({ type: 'sessions.connectNew' }));
    } else if (roll < 0.16) {
      watcher.admin(() => actor.send({ type: 'sessions.refresh' }));
    } else if (roll < 0.18) {
      watcher.admin(() => actor.send({ type: 'sessions.retry' }));
    } else if (roll < 0.5) {
      const ref = pick(sessionsWhere(() => true));
      if (!ref) return;
      const snapshot = ref.getSnapshot();
      const accepted = (
        [
          'session.check',
          'session.retry',
          'session.reconnect',
          'session.refreshQr',
          'session.cancel',
        ] as const
      ).filter((type) => snapshot.can({ type }));
      // Disconnecting removes a number: rarer, so the population stays about the same.
      const type =
        random() < 0.12 && snapshot.can({ type: 'session.disconnect' })
          ? 'session.disconnect'
          : pick(accepted);
      if (type) watcher.admin(() => ref.send({ type } as SessionCommandEvent));
    } else if (roll < 0.85) {
      const ref = pick(sessionsWhere((top) => top === 'qr_issued'));
      const integrationId = ref?.getSnapshot().context.record?.integrationId;
      if (integrationId) await environment.scan(integrationId);
    } else {
      const ref = pick(sessionsWhere((top) => top === 'connected'));
      const integrationId = ref?.getSnapshot().context.record?.integrationId;
      if (integrationId) await environment.drop(integrationId);
    }
  }

  let statesAtEnd: Record<string, number> = {};
  try {
    for (let elapsed = 0; elapsed < plan.durationMs; elapsed += plan.stepMs) {
      await environment.tick(plan.stepMs);
      watcher.check();
      if (random() < (plan.remountRate ?? 0.002)) {
        actor.stop();
        watcher.detach(actor);
        actor = mount();
        remounts += 1;
      } else if (random() < plan.actionRate) {
        await act();
      }
    }
    statesAtEnd = watcher.states();
  } finally {
    actor.stop();
    watcher.detach(actor);
  }
  await flushRejections();
  const probeFigures = probe.figures();
  const watcherFigures = watcher.figures();
  violations.push(...probe.violations().slice(0, 10), ...watcher.violations());
  return {
    sessionsStuck: watcherFigures.stuck,
    duplicateCreates:
      watcherFigures.automaticCreates +
      Math.max(0, probeFigures.calls.create - watcherFigures.creatingEntries) +
      Math.max(0, probeFigures.maxCreatesInFlight - 1),
    unhandledRejections: unhandledCount() - unhandledBefore,
    maxInFlightPerSession: probeFigures.maxInFlightPerSession,
    errorsWithoutReason: watcherFigures.errorsWithoutReason,
    leaks: watcherFigures.leaks,
    actorErrors: watcherFigures.actorErrors,
    resurrections: watcherFigures.resurrections,
    duplicateSessions: watcherFigures.duplicates,
    maxCreatesInFlight: probeFigures.maxCreatesInFlight,
    maxLimitedInFlight: probeFigures.maxLimitedInFlight,
    requests: Object.values(probeFigures.calls).reduce((a, b) => a + b, 0),
    failedRequests: probeFigures.failed,
    adminActions,
    remounts,
    sessionsSeen: watcherFigures.sessions,
    statesAtEnd,
    errorCodes: watcherFigures.errorCodes,
    longestRequestMs: Math.max(...Object.values(probeFigures.longest)),
    slotTimeOnAbortedRequests:
      probeFigures.limitedBusyMs === 0
        ? 0
        : Math.round((100 * probeFigures.limitedAbortedMs) / probeFigures.limitedBusyMs),
    violations,
  };
}
