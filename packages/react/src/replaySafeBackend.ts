import type { WppBackend } from '@wpp-sessions/core';

interface Pending {
  key: string;
  signal: AbortSignal;
  issue(): void;
  abandon(): void;
}

/**
 * Wraps a backend so that React's StrictMode cannot double a call.
 *
 * In development StrictMode mounts, unmounts and mounts every effect again, in the same task. `useActorRef` then
 * starts the collection actor, stops it (aborting its `listSessions`) and starts it again from the persisted
 * snapshot, which invokes `listSessions` a second time. Two things go wrong without this wrapper: the backend is
 * called twice, and the first call's abort rejection is delivered to the restarted actor (xstate relays a promise
 * actor's answer to the same actor reference), which shows a spurious "aborted" list error.
 *
 * So every call is sent one microtask late. A call aborted before it was sent never reaches the backend; if the
 * same call was asked for again meanwhile (the actor restarted), its promise never settles, so no stale answer can
 * reach the restarted actor; otherwise it rejects with the abort reason as any aborted call does (the core's
 * concurrency limiter needs the settlement to free its slot).
 *
 * @example
 * ```ts
 * const machine = createSessionsMachine(replaySafeBackend(backend));
 * ```
 */
export function replaySafeBackend(backend: WppBackend): WppBackend {
  let batch: Pending[] | null = null;

  function flush() {
    const entries = batch ?? [];
    batch = null;
    for (const [index, entry] of entries.entries()) {
      if (!entry.signal.aborted) {
        entry.issue();
        continue;
      }
      const askedAgain = entries.slice(index + 1).some((later) => later.key === entry.key);
      if (!askedAgain) entry.abandon();
    }
  }

  function defer<T>(key: string, signal: AbortSignal, send: () => Promise<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      if (batch === null) {
        batch = [];
        queueMicrotask(flush);
      }
      batch.push({
        key,
        signal,
        issue: () => send().then(resolve, reject),
        abandon: () => reject(signal.reason),
      });
    });
  }

  return {
    listSessions: (signal) => defer('listSessions', signal, () => backend.listSessions(signal)),
    getStatus: (ref, signal) =>
      defer(`getStatus:${ref.integrationId}`, signal, () => backend.getStatus(ref, signal)),
    getQr: (ref, signal) => defer(`getQr:${ref.integrationId}`, signal, () => backend.getQr(ref, signal)),
    create: (params, signal) => defer('create', signal, () => backend.create(params, signal)),
    start: (ref, signal) => defer(`start:${ref.integrationId}`, signal, () => backend.start(ref, signal)),
    disconnect: (ref, signal) =>
      defer(`disconnect:${ref.integrationId}`, signal, () => backend.disconnect(ref, signal)),
    // Reading rows is synchronous and calls nothing: passed through as it is.
    ...(backend.readRows && { readRows: backend.readRows }),
    ...(backend.rename && {
      rename: (ref, name, signal) =>
        defer(`rename:${ref.integrationId}`, signal, () => backend.rename!(ref, name, signal)),
    }),
    ...(backend.lastKnown && {
      lastKnown: (signal) => defer('lastKnown', signal, () => backend.lastKnown!(signal)),
    }),
    // Only where the backend has it: a session offers `forget` only then.
    ...(backend.forget && {
      forget: (ref, signal) =>
        defer(`forget:${ref.integrationId}`, signal, () => backend.forget!(ref, signal)),
    }),
  };
}
