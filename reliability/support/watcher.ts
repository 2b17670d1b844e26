import type { WppTimings } from '@wpp-sessions/core';
import type { AnyActorRef, InspectionEvent } from 'xstate';
import type { Operation, Probe } from './probe.js';
import { findString } from './secrets.js';

/** The states a session may only stay in up to a deadline, and which timing is that deadline. */
const DEADLINES: Record<string, keyof WppTimings> = {
  creating: 'createTimeout',
  checking: 'checkTimeout',
  disconnecting: 'disconnectTimeout',
  qr_issued: 'qrTimeout',
};

interface SessionInfo {
  id: string;
  root: AnyActorRef | null;
  alive: boolean;
  top: string;
  enteredAt: number;
  /**
   * When the state's deadline started: entry, except for `checking`, whose deadline runs from its first request's
   * slot (`session.requestStarted`): queueing behind other sessions' requests is not the backend's time.
   */
  deadlineFrom: number | null;
  overstayReported: boolean;
  integrationId: string | null;
}

interface SnapshotLike {
  status: string;
  value: unknown;
  error?: unknown;
  machine?: { id: string };
  context: Record<string, unknown>;
}

/** What the watcher counted over a run. */
export interface WatcherFigures {
  /** Inspection events seen. */
  events: number;
  /** Distinct sessions seen. */
  sessions: number;
  /** Distinct sessions that stayed in a waiting state past its deadline. */
  stuck: number;
  /** Times a session (or the collection) showed an error without a message. */
  errorsWithoutReason: number;
  /** Machine snapshots with status `error` (an error thrown out of an actor). */
  actorErrors: number;
  /** Inspection events that held a full secret. */
  leaks: number;
  /** Entries into `creating`. */
  creatingEntries: number;
  /** Entries into `creating` that no admin command caused. */
  automaticCreates: number;
  /** Times one integration id was held by two live sessions at once. */
  duplicates: number;
  /** Times a removed session came back without a list, requested after its removal, that names it. */
  resurrections: number;
  /** Times each top-level session state was entered. */
  entries: Record<string, number>;
  /** Entries into `error`, by error code. */
  errorCodes: Record<string, number>;
}

/**
 * Watches a whole run through `inspect` (every actor's every event and snapshot) and the probe, and records each
 * broken invariant as a human-readable line. `check()` runs the time-based checks (deadlines, request lifetimes);
 * call it after each step of virtual time.
 *
 * @example
 * ```ts
 * const watcher = createWatcher({ timings, probe, secret: (s) => s.includes('S3CR3T') });
 * const actor = createWppSessions(probe.backend, { timings, inspect: watcher.inspect });
 * watcher.attach(actor.start());
 * await vi.advanceTimersByTimeAsync(1000);
 * watcher.check();
 * expect(watcher.violations).toEqual([]);
 * ```
 */
export function createWatcher(options: {
  timings: WppTimings;
  probe: Probe;
  secret: (text: string) => boolean;
  now?: () => number;
  /** Most violations kept (the count goes on). @default 20 */
  keep?: number;
  /** Slack on every deadline, in ms: real timers fire late on a busy machine (fake timers need none). @default 0 */
  tolerance?: number;
  /**
   * Watch every collection actor that shows up in the inspection events, and stop watching it when it stops (for
   * actors started by someone else, e.g. the React provider). @default false
   */
  autoAttach?: boolean;
}) {
  const { timings, probe, secret } = options;
  const now = options.now ?? (() => Date.now());
  const keep = options.keep ?? 20;
  const tolerance = options.tolerance ?? 0;
  const sessions = new Map<AnyActorRef, SessionInfo>();
  const roots = new Set<AnyActorRef>();
  const liveCount = new Map<string, number>();
  const removedAt = new Map<string, number>();
  const violations: string[] = [];
  const stuckSessions = new Set<AnyActorRef>();
  let violationCount = 0;
  let adminDepth = 0;
  const figures: WatcherFigures = {
    events: 0,
    sessions: 0,
    stuck: 0,
    errorsWithoutReason: 0,
    actorErrors: 0,
    leaks: 0,
    creatingEntries: 0,
    automaticCreates: 0,
    duplicates: 0,
    resurrections: 0,
    entries: {},
    errorCodes: {},
  };

  function violate(text: string) {
    violationCount += 1;
    if (violations.length < keep) violations.push(`[t=${now()}] ${text}`);
  }

  /** `created`: the number was just created by this session (a create answer), not brought in by a list. */
  function setLive(info: SessionInfo, alive: boolean, integrationId: string | null, created = false) {
    const before = info.alive ? info.integrationId : null;
    const after = alive ? integrationId : null;
    info.alive = alive;
    info.integrationId = integrationId;
    if (before === after) return;
    if (before !== null) {
      const count = liveCount.get(before)! - 1;
      liveCount.set(before, count);
      if (count === 0) removedAt.set(before, probe.seq());
    }
    if (after !== null) {
      const count = (liveCount.get(after) ?? 0) + 1;
      liveCount.set(after, count);
      if (count > 1) {
        figures.duplicates += 1;
        violate(`integration ${after} is held by ${count} live sessions at once`);
      }
      const removed = removedAt.get(after);
      if (count === 1 && removed !== undefined && !created) {
        const list = probe.lastListAnswer();
        if (list === null || list.seq <= removed || !list.integrationIds.has(after)) {
          figures.resurrections += 1;
          violate(
            `session ${after} reappeared after its removal (call #${removed}) although no list requested after it names it (last list: #${list?.seq ?? 'none'}, names it: ${list?.integrationIds.has(after) ?? false})`,
          );
        }
        removedAt.delete(after);
      }
    }
  }

  function topOf(value: unknown): string {
    return typeof value === 'string' ? value : Object.keys(value as object)[0]!;
  }

  function onSessionSnapshot(actor: AnyActorRef, snapshot: SnapshotLike) {
    const context = snapshot.context as {
      id: string;
      parent: AnyActorRef | null;
      record: { integrationId: string } | null;
      error: { message?: unknown } | null;
    };
    let info = sessions.get(actor);
    const top = topOf(snapshot.value);
    const isFirst = info === undefined;
    if (!info) {
      info = {
        id: context.id,
        root: context.parent,
        alive: true,
        top: '',
        enteredAt: now(),
        deadlineFrom: null,
        overstayReported: false,
        integrationId: null,
      };
      sessions.set(actor, info);
      figures.sessions += 1;
      if (info.root !== null && !roots.has(info.root)) info.alive = false;
    }
    if (top !== info.top) {
      info.top = top;
      info.enteredAt = now();
      info.deadlineFrom = top === 'checking' ? null : now();
      info.overstayReported = false;
      figures.entries[top] = (figures.entries[top] ?? 0) + 1;
      if (top === 'error') {
        const code = String((context.error as { code?: unknown } | null)?.code ?? 'none');
        figures.errorCodes[code] = (figures.errorCodes[code] ?? 0) + 1;
      }
      if (top === 'creating') {
        figures.creatingEntries += 1;
        const creating = [...sessions.values()].filter(
          (other) => other.alive && other.root === info!.root && other.top === 'creating',
        ).length;
        if (creating > 1) violate(`${creating} sessions of one collection are creating a number at once`);
        if (adminDepth === 0) {
          figures.automaticCreates += 1;
          violate(`session ${info.id} entered creating without an admin command`);
        }
      }
    }
    // The machine arms the checking deadline when the first request gets a slot; the snapshot says when.
    const checkStartedAt = snapshot.context.checkStartedAt;
    if (top === 'checking' && info.deadlineFrom === null && typeof checkStartedAt === 'number') {
      info.deadlineFrom = checkStartedAt;
    }
    if (top === 'error') {
      const message = context.error?.message;
      if (typeof message !== 'string' || message.trim() === '') {
        figures.errorsWithoutReason += 1;
        violate(`session ${info.id} is in error without a reason: ${JSON.stringify(context.error)}`);
      }
    }
    if (snapshot.status !== 'active') {
      if (info.alive) setLive(info, false, info.integrationId);
      return;
    }
    const integrationId = context.record?.integrationId ?? null;
    // A session that had no row and now has one created it (the create answered); a list did not bring it back.
    if (info.alive) setLive(info, true, integrationId, info.integrationId === null && !isFirst);
  }

  function onRootSnapshot(actor: AnyActorRef, snapshot: SnapshotLike) {
    if (options.autoAttach && snapshot.status === 'stopped') {
      detach(actor);
      return;
    }
    if (options.autoAttach && snapshot.status === 'active') roots.add(actor);
    if (!roots.has(actor)) return;
    const context = snapshot.context as {
      refs: Record<string, AnyActorRef>;
      error: { message?: unknown } | null;
    };
    const members = new Set(Object.values(context.refs));
    for (const [ref, info] of sessions) {
      if (info.root === actor && info.alive && !members.has(ref)) setLive(info, false, info.integrationId);
    }
    if (context.error !== null) {
      const message = context.error.message;
      if (typeof message !== 'string' || message.trim() === '') {
        figures.errorsWithoutReason += 1;
        violate(`the collection shows an error without a reason: ${JSON.stringify(context.error)}`);
      }
    }
  }

  function inspect(event: InspectionEvent) {
    figures.events += 1;
    // Inspection events type their actor as ActorRefLike; every one xstate sends is a full actor reference.
    const actorRef = event.actorRef as AnyActorRef;
    const leak =
      event.type === '@xstate.snapshot' || event.type === '@xstate.microstep'
        ? (findString(event.event, secret, 'event') ?? findString(event.snapshot, secret, 'snapshot'))
        : event.type === '@xstate.event'
          ? findString(event.event, secret, 'event')
          : event.type === '@xstate.action'
            ? findString(event.action, secret, 'action')
            : findString(event.actorRef, secret, 'actor');
    if (leak) {
      figures.leaks += 1;
      violate(`a full secret reached ${event.type} of ${actorRef.id} at ${leak}`);
    }
    if (event.type !== '@xstate.snapshot') return;
    const snapshot = event.snapshot as unknown as SnapshotLike;
    if (!snapshot.machine) return; // promise actors: their rejections are the machines' to handle
    if (snapshot.status === 'error') {
      figures.actorErrors += 1;
      violate(`actor ${actorRef.id} errored: ${String(snapshot.error)}`);
    }
    if (snapshot.machine.id === 'session') onSessionSnapshot(actorRef, snapshot);
    else if (snapshot.machine.id === 'sessions') onRootSnapshot(actorRef, snapshot);
  }

  function detach(root: AnyActorRef) {
    roots.delete(root);
    for (const info of sessions.values()) if (info.root === root) setLive(info, false, info.integrationId);
  }

  // A status or start request ends at requestTimeout after it reached the backend, whatever the backend does.
  const requestBounds: Record<Operation, number> = {
    listSessions: timings.listTimeout,
    create: timings.createTimeout,
    disconnect: timings.disconnectTimeout,
    start: Math.min(timings.requestTimeout, timings.checkTimeout),
    getStatus: Math.min(timings.requestTimeout, Math.max(timings.checkTimeout, timings.qrTimeout)),
    getQr: timings.qrTimeout,
    forget: timings.disconnectTimeout,
  };

  return {
    inspect,
    /** Starts watching a collection actor (call before or right after `start()`). */
    attach(root: AnyActorRef) {
      roots.add(root);
    },
    /** Stops watching a collection actor that was stopped: its sessions are gone. */
    detach,
    /** Runs `action` as an admin command: a `creating` it causes is not automatic. */
    admin<T>(action: () => T): T {
      adminDepth += 1;
      try {
        return action();
      } finally {
        adminDepth -= 1;
      }
    },
    /** Time-based checks: no live session past its state's deadline, no request past its state's deadline. */
    check() {
      const t = now();
      for (const [ref, info] of sessions) {
        if (!info.alive) continue;
        const timing = DEADLINES[info.top];
        if (timing === undefined || info.deadlineFrom === null) continue;
        const age = t - info.deadlineFrom;
        if (age > timings[timing] + tolerance && !info.overstayReported) {
          info.overstayReported = true;
          stuckSessions.add(ref);
          figures.stuck = stuckSessions.size;
          violate(
            `session ${info.id} has been in ${info.top} for ${age} ms (deadline ${timings[timing]} ms)`,
          );
        }
      }
      for (const call of probe.open()) {
        const age = t - call.startedAt;
        if (age > requestBounds[call.operation] + tolerance) {
          violate(`${call.operation} #${call.seq} for ${call.key} has been in flight for ${age} ms`);
        }
      }
    },
    /** Live sessions by their top-level state. */
    states(): Record<string, number> {
      const counts: Record<string, number> = {};
      for (const info of sessions.values()) if (info.alive) counts[info.top] = (counts[info.top] ?? 0) + 1;
      return counts;
    },
    /** Live sessions in a given top-level state (their keys). */
    sessionsIn(states: readonly string[]): string[] {
      return [...sessions.values()].filter((i) => i.alive && states.includes(i.top)).map((i) => i.id);
    },
    /** The first violations, as text. */
    violations: (): readonly string[] => violations,
    /** How many violations there were in all. */
    violationCount: () => violationCount,
    figures: (): WatcherFigures => ({
      ...figures,
      entries: { ...figures.entries },
      errorCodes: { ...figures.errorCodes },
    }),
  };
}

/** A watcher. */
export type Watcher = ReturnType<typeof createWatcher>;
