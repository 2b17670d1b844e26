import type { SessionRecord, SessionRef, WppBackend } from '@wpp-sessions/core';
import { WppError } from '@wpp-sessions/core';

/** A backend operation the probe watches (`rename` and `lastKnown`, newer and unused by the machines, are not yet). */
export type Operation = Exclude<keyof WppBackend, 'readRows' | 'rename' | 'lastKnown'>;

/** Operations that share the collection's concurrency limit. */
const LIMITED: ReadonlySet<Operation> = new Set<Operation>(['getStatus', 'getQr', 'start']);

/** One call as the probe saw it. */
export interface CallRecord {
  operation: Operation;
  /** `list`, `create`, or the integration id the call is about. */
  key: string;
  /** Order in which calls started (1, 2, …). */
  seq: number;
  startedAt: number;
  endedAt: number | null;
  end: 'ok' | 'error' | 'aborted' | null;
}

/** A list answer: which list request it was and which integration ids it named. */
export interface ListAnswer {
  seq: number;
  integrationIds: ReadonlySet<string>;
}

/** What the probe measured over a run. */
export interface ProbeFigures {
  calls: Record<Operation, number>;
  /** The most calls in flight at once for one key (integration id, `create`, `list`). */
  maxInFlightPerKey: number;
  /** The key where that maximum happened. */
  maxInFlightKey: string | null;
  /** The most calls in flight at once for one saved number (integration id; not `list` or `create`). */
  maxInFlightPerSession: number;
  /** The most `create` calls in flight at once over the whole backend. */
  maxCreatesInFlight: number;
  /** The most creates the backend worked on at once (until each settled, also after its caller gave up). */
  maxCreatesRunning: number;
  /** The most status/QR/start calls in flight at once (the collection's concurrency limit covers these). */
  maxLimitedInFlight: number;
  /** The longest call, start to answer or abort, in ms, by operation. */
  longest: Record<Operation, number>;
  /** Rejections that are not a `WppError` and not an abort: the port promises only `WppError`. */
  foreignRejections: number;
  /** Rejections whose message is empty. */
  emptyMessages: number;
  /** Calls that failed (not counting aborted ones). */
  failed: number;
  /** Time status/QR/start calls held a concurrency slot, in ms, all of them. */
  limitedBusyMs: number;
  /** …of which calls that never answered and were aborted by their state's deadline or exit. */
  limitedAbortedMs: number;
}

/**
 * Wraps a `WppBackend` and watches every call from the machines' side: a call is in flight from its start until it
 * settles or its signal aborts (whichever comes first), since an aborted request no longer belongs to any state.
 *
 * @example
 * ```ts
 * const probe = createProbe(createSimulatedBackend());
 * const actor = createWppSessions(probe.backend).start();
 * // … later
 * expect(probe.figures().maxInFlightPerKey).toBeLessThanOrEqual(1);
 * ```
 */
export function createProbe(inner: WppBackend, now: () => number = () => Date.now()) {
  const inFlight = new Map<string, number>();
  const calls: Record<Operation, number> = {
    listSessions: 0,
    getStatus: 0,
    getQr: 0,
    create: 0,
    start: 0,
    disconnect: 0,
    forget: 0,
  };
  const longest: Record<Operation, number> = { ...calls };
  const open = new Set<CallRecord>();
  const violations: string[] = [];
  let seq = 0;
  let limited = 0;
  let maxLimited = 0;
  let creates = 0;
  let maxCreates = 0;
  // Creates the backend is still working on: counted until the backend's promise settles, not until the caller's
  // abort (aborting a fetch does not stop the server).
  let createsRunning = 0;
  let maxCreatesRunning = 0;
  let maxPerKey = 0;
  let maxKey: string | null = null;
  let maxPerSession = 0;
  let foreignRejections = 0;
  let emptyMessages = 0;
  let lastList: ListAnswer | null = null;
  let failed = 0;
  let limitedBusyMs = 0;
  let limitedAbortedMs = 0;
  const listeners = new Set<(record: CallRecord) => void>();

  function begin(operation: Operation, ref: SessionRef | null, signal: AbortSignal): CallRecord {
    const key =
      operation === 'create' ? 'create' : operation === 'listSessions' ? 'list' : ref!.integrationId;
    seq += 1;
    calls[operation] += 1;
    const record: CallRecord = { operation, key, seq, startedAt: now(), endedAt: null, end: null };
    open.add(record);
    const count = (inFlight.get(key) ?? 0) + 1;
    inFlight.set(key, count);
    if (key !== 'list' && key !== 'create') maxPerSession = Math.max(maxPerSession, count);
    if (count > maxPerKey) {
      maxPerKey = count;
      maxKey = key;
    }
    if (count > 1) {
      const others = [...open].filter((r) => r.key === key && r !== record).map((r) => r.operation);
      violations.push(
        `${count} requests in flight for "${key}" at ${record.startedAt}: ${operation} started while ${others.join(', ')} ran`,
      );
    }
    if (operation === 'create') maxCreates = Math.max(maxCreates, ++creates);
    if (LIMITED.has(operation)) maxLimited = Math.max(maxLimited, ++limited);
    if (signal.aborted) finish(record, 'aborted');
    else signal.addEventListener('abort', () => finish(record, 'aborted'), { once: true });
    for (const listener of listeners) listener(record);
    return record;
  }

  function finish(record: CallRecord, end: 'ok' | 'error' | 'aborted') {
    if (record.end !== null) return;
    record.end = end;
    record.endedAt = now();
    open.delete(record);
    inFlight.set(record.key, inFlight.get(record.key)! - 1);
    if (record.operation === 'create') creates -= 1;
    if (LIMITED.has(record.operation)) {
      limited -= 1;
      limitedBusyMs += record.endedAt - record.startedAt;
      if (end === 'aborted') limitedAbortedMs += record.endedAt - record.startedAt;
    }
    longest[record.operation] = Math.max(longest[record.operation], record.endedAt - record.startedAt);
  }

  function wrap<T>(
    operation: Operation,
    ref: SessionRef | null,
    signal: AbortSignal,
    run: () => Promise<T>,
  ): Promise<T> {
    const record = begin(operation, ref, signal);
    let promise: Promise<T>;
    try {
      promise = run();
    } catch (error) {
      promise = Promise.reject(error);
    }
    if (operation === 'create') {
      maxCreatesRunning = Math.max(maxCreatesRunning, ++createsRunning);
      const done = () => {
        createsRunning -= 1;
      };
      promise.then(done, done);
    }
    return promise.then(
      (value) => {
        if (operation === 'listSessions' && record.end === null) {
          lastList = {
            seq: record.seq,
            integrationIds: new Set((value as SessionRecord[]).map((r) => r.integrationId)),
          };
        }
        finish(record, 'ok');
        return value;
      },
      (error: unknown) => {
        const aborted = signal.aborted && error === signal.reason;
        if (!aborted) {
          if (!(error instanceof WppError)) foreignRejections += 1;
          const message = error instanceof Error ? error.message : '';
          if (message.trim() === '') emptyMessages += 1;
        }
        if (!aborted) failed += 1;
        finish(record, aborted ? 'aborted' : 'error');
        throw error;
      },
    );
  }

  const backend: WppBackend = {
    listSessions: (signal) => wrap('listSessions', null, signal, () => inner.listSessions(signal)),
    getStatus: (ref, signal) => wrap('getStatus', ref, signal, () => inner.getStatus(ref, signal)),
    getQr: (ref, signal) => wrap('getQr', ref, signal, () => inner.getQr(ref, signal)),
    create: (params, signal) => wrap('create', null, signal, () => inner.create(params, signal)),
    start: (ref, signal) => wrap('start', ref, signal, () => inner.start(ref, signal)),
    disconnect: (ref, signal) => wrap('disconnect', ref, signal, () => inner.disconnect(ref, signal)),
    ...(inner.forget && {
      forget: (ref, signal) => wrap('forget', ref, signal, () => inner.forget!(ref, signal)),
    }),
  };

  return {
    /** The wrapped backend: hand this one to the machines. */
    backend,
    /** How many calls have started so far (a clock that orders calls against other happenings). */
    seq: () => seq,
    /** Calls in flight now. */
    open: (): ReadonlySet<CallRecord> => open,
    /** The latest list answer delivered (not aborted), or `null`. */
    lastListAnswer: (): ListAnswer | null => lastList,
    /** Human-readable descriptions of every time two requests ran at once for one key. */
    violations: (): readonly string[] => violations,
    /** Calls `listener` at the start of every call. */
    onCall(listener: (record: CallRecord) => void): () => void {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    figures(): ProbeFigures {
      return {
        calls: { ...calls },
        maxInFlightPerKey: maxPerKey,
        maxInFlightKey: maxKey,
        maxInFlightPerSession: maxPerSession,
        maxCreatesInFlight: maxCreates,
        maxCreatesRunning,
        maxLimitedInFlight: maxLimited,
        longest: { ...longest },
        foreignRejections,
        emptyMessages,
        failed,
        limitedBusyMs,
        limitedAbortedMs,
      };
    },
  };
}

/** A probe around a backend. */
export type Probe = ReturnType<typeof createProbe>;
