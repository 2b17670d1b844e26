import { createActor, fromPromise, type InspectionEvent, type Observer } from 'xstate';
import { WppError } from '../backend/backend.errors.js';
import type { CreateResult, StatusResult, WppBackend } from '../backend/backend.port.js';
import { withSafeTexts } from '../backend/secrets.js';
import { sessionMachine } from '../session/session.machine.js';
import type { SessionRequest } from '../session/session.requests.js';
import { resolveTimings, type WppTimings } from '../session/session.types.js';
import { createGate, createLimiter, nextTurn, settle } from './limiter.js';
import { registerSessionIO } from './session.handle.js';
import { sessionsMachine } from './sessions.machine.js';
import type { SessionsRowsEvent, WppSessionsEvent } from './sessions.types.js';

/** Options of `createSessionsMachine` and `createWppSessions`. */
export interface WppSessionsOptions {
  /**
   * Most status requests in flight at once over all sessions (the browser's connections per host), so 50 sessions
   * neither fire 50 requests at once nor wait in one line.
   * @default 6
   */
  concurrency?: number;
  /**
   * Rows from the app's own query (TanStack Query's `useMessengerIntegrations('whatsapp')` in the user's app)
   * instead of `backend.listSessions`: the collection waits for them (send `sessionsRowsEvent(data)` to the actor on
   * every new array), reconciles each like a list without re-checking what it keeps, and calls `refetch` for a
   * refresh ("Обновить статусы", which also re-checks every number), a retry and after a create or a failed one.
   * `refetch` resolves to the rows as the app's query holds them (an array of `messenger_integrations` rows, or the
   * function's `{ success, integrations }`), or to `{ data, error }` as TanStack's `refetch()` does.
   */
  rows?: { refetch(): Promise<unknown> };
}

/**
 * The collection machine with its actors provided by `backend`: the only place the machines meet I/O. Status
 * checks of all sessions share one concurrency limit.
 *
 * @example
 * ```ts
 * const machine = createSessionsMachine(createSimulatedBackend(), { concurrency: 6 });
 * const actor = createActor(machine, { input: { timings: resolveTimings({ qrTimeout: 60_000 }) } }).start();
 * ```
 */
export function createSessionsMachine(source: WppBackend, options: WppSessionsOptions = {}) {
  // A custom backend's texts are scrubbed of key-shaped secrets too (adapters also scrub the keys they know).
  const backend = withSafeTexts(source);
  const limit = createLimiter(options.concurrency ?? 6);
  // One `create` at the server at a time, whatever path started it: the gate stays shut until the backend's call
  // settles, also after its caller gave up (aborting a fetch does not stop the server), up to createSettleTimeout.
  const createOne = createGate();
  // A request through the shared slots, with its own timeout.
  const request =
    <T>(call: (ref: SessionRequest['ref'], signal: AbortSignal) => Promise<T>) =>
    ({ input, signal }: { input: SessionRequest; signal: AbortSignal }) =>
      limit(signal, () => {
        input.started?.();
        return withTimeout(signal, input.timeout, (s) => call(input.ref, s));
      });
  const session = sessionMachine.provide({
    actors: {
      getStatus: fromPromise(request(backend.getStatus)),
      start: fromPromise(request(backend.start)),
      create: fromPromise(({ input, signal }) =>
        createOne(signal, (s) => backend.create(input.params, s), input.settleTimeout).then(checkCreated),
      ),
      disconnect: fromPromise(({ input, signal }) =>
        withTimeout(signal, input.timeout, (s) => backend.disconnect(input.ref, s)),
      ),
      forget: fromPromise(({ input, signal }) =>
        withTimeout(signal, input.timeout, (s) => backend.forget!(input.ref, s)),
      ),
    },
    guards: { hasForget: () => typeof source.forget === 'function' },
  });
  // Numbers that need no machine yet ask through the same slots (`createSessionRef`), without a promise or a
  // listener of their own: most numbers of a large collection are these, and each costs what it allocates.
  registerSessionIO(session, {
    check(request) {
      let over = false;
      let release: (() => void) | undefined;
      let cancelCall: ((reason?: unknown) => void) | undefined;
      let leave = () => {};
      const end = () => {
        over = true;
        release?.();
      };
      request.cancel = () => {
        if (over) return;
        end();
        leave();
        cancelCall?.();
      };
      // As a machine's request (`request` above): `started` and the timeout from the slot.
      leave = limit.acquire((free) => {
        release = free;
        request.started();
        if (over) return;
        cancelCall = timedCall(
          request.timeout,
          (signal) => backend.getStatus(request.ref, signal),
          (failed, result, late) => {
            end();
            if (failed) request.done(null, result, late);
            else request.done(result as StatusResult, null, false);
          },
        );
      });
    },
  });
  const { rows } = options;
  if (rows && typeof source.readRows !== 'function') {
    throw new TypeError(
      'createSessionsMachine: the rows option needs a backend that can read rows (readRows)',
    );
  }
  return sessionsMachine.provide({
    actors: {
      listSessions: fromPromise(async ({ signal }) =>
        rows ? source.readRows!(queryData(await rows.refetch())) : backend.listSessions(signal),
      ),
      lastKnown: fromPromise(async ({ signal }) => (await backend.lastKnown?.(signal)) ?? []),
      session,
    },
    guards: { isAppSource: () => rows !== undefined },
  });
}

/**
 * Creates (does not start) the collection actor for use without React: call `.start()`, read it with
 * `sessionsView` / `sessionView`, and `.stop()` it when done.
 *
 * @example
 * ```ts
 * const actor = createWppSessions(createSupabaseBackend(supabase), {
 *   onEvent: (event) => event.type === 'linked' && toast.success('WhatsApp успешно подключен!'),
 * }).start();
 * actor.subscribe((snapshot) => render(sessionsView(snapshot)));
 * ```
 */
export function createWppSessions(
  backend: WppBackend,
  options: WppSessionsOptions & {
    /** Timings; missing ones take `DEFAULT_TIMINGS`. Checked here: a bad value throws a `RangeError`. */
    timings?: Partial<WppTimings>;
    /** Passed to the actor: sees every machine's events (e.g. the Stately inspector). */
    inspect?: Observer<InspectionEvent> | ((event: InspectionEvent) => void);
    /** Told what happened, once each: a number linked or removed, a create, disconnect or check failed. */
    onEvent?: (event: WppSessionsEvent) => void;
  } = {},
) {
  const timings = resolveTimings(options.timings);
  const actor = createActor(createSessionsMachine(backend, options), {
    input: { timings },
    inspect: options.inspect,
  });
  if (options.onEvent) actor.on('*', options.onEvent);
  return actor;
}

/**
 * Runs one request with its own deadline: after `ms` its signal aborts and the call rejects with a retryable
 * `timeout` WppError, whether or not the backend honours its signal, so its slot is free again then. The caller's
 * signal still aborts it at once.
 */
function withTimeout<T>(
  signal: AbortSignal,
  ms: number,
  request: (signal: AbortSignal) => Promise<T>,
): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    if (signal.aborted) return reject(signal.reason);
    const forward = () => {
      cancel(signal.reason);
      reject(signal.reason);
    };
    const cancel = timedCall(ms, request, (failed, result) => {
      signal.removeEventListener('abort', forward);
      if (failed) reject(result);
      else resolve(result as T);
    });
    signal.addEventListener('abort', forward, { once: true });
  });
}

/**
 * Sends `request` a turn later with its own signal and deadline, and tells `done` once how it ended (`failed`, with
 * the value or the error): after `ms` the signal aborts and it fails with a retryable `timeout` WppError
 * (`timedOut`), whether or not the backend honours its signal. What the caller does in this turn (leaving a state,
 * aborting another request) reaches the backend first, so a disconnect never overlaps the status check it
 * replaced. The returned `cancel` aborts it with `reason`: `done` never runs after it, and a request cancelled
 * before its turn is never sent.
 */
function timedCall<T>(
  ms: number,
  request: (signal: AbortSignal) => Promise<T>,
  done: (failed: boolean, result: T | unknown, timedOut: boolean) => void,
): (reason?: unknown) => void {
  let over = false;
  const controller = new AbortController();
  const end = () => {
    over = true;
    clearTimeout(timer);
  };
  const timer = setTimeout(() => {
    const error = timedOut(ms);
    end();
    controller.abort(error);
    done(true, error, true);
  }, ms);
  nextTurn(() => {
    if (over) return;
    settle(
      () => request(controller.signal),
      () => {},
      (value) => {
        if (over) return;
        end();
        done(false, value, false);
      },
      (error) => {
        if (over) return;
        end();
        done(true, error, false);
      },
    );
  });
  return (reason) => {
    if (over) return;
    end();
    controller.abort(reason);
  };
}

/** The failure of a request that got no answer within `ms`: retryable. */
const timedOut = (ms: number) => new WppError('timeout', `No answer within ${Math.round(ms / 1000)} s`);

/** The rows of a query result: TanStack's `{ data, error }` (an error is thrown), or the rows themselves. */
function queryData(result: unknown): unknown {
  if (typeof result !== 'object' || result === null || Array.isArray(result) || !('data' in result)) {
    return result;
  }
  const { data, error } = result as { data: unknown; error?: unknown };
  if (error) throw error;
  return data;
}

/**
 * The event that hands the app's rows to a collection built with `rows`: `sessions.rows` with the records the
 * backend read from them (`backend.readRows`: a row that cannot be used becomes an `invalid_record` session, never
 * dropped), or `sessions.rowsFailed` when the list as a whole cannot be read.
 *
 * @example
 * ```ts
 * const { integrations } = useMessengerIntegrations('whatsapp');
 * useEffect(() => { if (integrations) actor.send(sessionsRowsEvent(backend, integrations)); }, [integrations]);
 * ```
 */
export function sessionsRowsEvent(backend: WppBackend, data: unknown): SessionsRowsEvent {
  try {
    if (!backend.readRows) throw new TypeError('this backend cannot read rows (readRows)');
    return { type: 'sessions.rows', records: backend.readRows(data) };
  } catch (error) {
    return { type: 'sessions.rowsFailed', error };
  }
}

/** A custom backend's `create` answer is checked here: a missing record must fail one session, not the collection. */
function checkCreated(result: CreateResult): CreateResult {
  const record = (result as Partial<CreateResult> | undefined)?.record;
  if (typeof record?.integrationId !== 'string' || typeof result.status?.status !== 'string') {
    throw new WppError('bad_response', "create answered without the new number's record and status");
  }
  return result;
}
