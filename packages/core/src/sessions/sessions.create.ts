import { createActor, fromPromise, type InspectionEvent, type Observer } from 'xstate';
import { WppError } from '../backend/backend.errors.js';
import type { CreateResult, WppBackend } from '../backend/backend.port.js';
import { sessionMachine } from '../session/session.machine.js';
import type { WppTimings } from '../session/session.types.js';
import { createLimiter } from './limiter.js';
import { sessionsMachine } from './sessions.machine.js';

/** Options of `createSessionsMachine` and `createWppSessions`. */
export interface WppSessionsOptions {
  /**
   * Most status requests in flight at once over all sessions (the browser's connections per host), so 50 sessions
   * neither fire 50 requests at once nor wait in one line.
   * @default 6
   */
  concurrency?: number;
  /**
   * Timings, checked here (a zero, negative or non-finite value would spin or never wait); pass the same object as
   * the actor's `input.timings`. `createWppSessions` does both.
   */
  timings?: Partial<WppTimings>;
}

// recheckInterval 0 turns the background re-check off and retryAttempts 0 the automatic retries (a count, not a
// time); every other timing must be a positive, finite number.
function checkTimings(timings: Partial<WppTimings> | undefined): void {
  for (const [name, value] of Object.entries(timings ?? {})) {
    if (value === undefined) continue;
    if (name === 'retryAttempts') {
      if (!Number.isInteger(value) || value < 0) {
        throw new RangeError(`timings.retryAttempts must be a whole number of at least 0, got ${value}`);
      }
      continue;
    }
    const ok = Number.isFinite(value) && (value > 0 || (value === 0 && name === 'recheckInterval'));
    if (!ok) throw new RangeError(`timings.${name} must be a positive number of milliseconds, got ${value}`);
  }
}

/**
 * The collection machine with its actors provided by `backend`: the only place the machines meet I/O. Status
 * checks of all sessions share one concurrency limit.
 *
 * @example
 * ```ts
 * const machine = createSessionsMachine(createSimulatedBackend(), { concurrency: 6 });
 * const actor = createActor(machine, { input: { timings: { qrTimeout: 60_000 } } }).start();
 * ```
 */
export function createSessionsMachine(backend: WppBackend, options: WppSessionsOptions = {}) {
  checkTimings(options.timings);
  const limit = createLimiter(options.concurrency ?? 6);
  // One `create` at a time over the whole collection, whatever path started it (connect new, or the admin's
  // retry of a failed create while another number is being created): a second one waits for the first.
  const createOne = createLimiter(1);
  const session = sessionMachine.provide({
    actors: {
      getStatus: fromPromise(({ input, signal }) =>
        limit(signal, () => withTimeout(signal, input.timeout, (s) => backend.getStatus(input.ref, s))),
      ),
      start: fromPromise(({ input, signal }) =>
        limit(signal, () => withTimeout(signal, input.timeout, (s) => backend.start(input.ref, s))),
      ),
      create: fromPromise(({ input, signal }) =>
        createOne(signal, async () => checkCreated(await backend.create(input, signal))),
      ),
      disconnect: fromPromise(({ input, signal }) =>
        withTimeout(signal, input.timeout, (s) => backend.disconnect(input.ref, s)),
      ),
    },
  });
  return sessionsMachine.provide({
    actors: {
      listSessions: fromPromise(({ signal }) => backend.listSessions(signal)),
      session,
    },
  });
}

/**
 * Creates (does not start) the collection actor for use without React: call `.start()`, read it with
 * `sessionsView` / `sessionView`, and `.stop()` it when done.
 *
 * @example
 * ```ts
 * const actor = createWppSessions(createSupabaseBackend(supabase)).start();
 * actor.subscribe((snapshot) => render(sessionsView(snapshot)));
 * ```
 */
export function createWppSessions(
  backend: WppBackend,
  options: WppSessionsOptions & {
    /** Passed to the actor: sees every machine's events (e.g. the Stately inspector). */
    inspect?: Observer<InspectionEvent> | ((event: InspectionEvent) => void);
  } = {},
) {
  return createActor(createSessionsMachine(backend, options), {
    input: { timings: options.timings },
    inspect: options.inspect,
  });
}

/**
 * Runs one request with its own deadline: after `ms` its signal aborts with a retryable `timeout` WppError (which
 * backends reject with), and the request's slot is free again. The caller's signal still aborts it at once.
 */
function withTimeout<T>(
  signal: AbortSignal,
  ms: number,
  request: (signal: AbortSignal) => Promise<T>,
): Promise<T> {
  const controller = new AbortController();
  const forward = () => controller.abort(signal.reason);
  if (signal.aborted) forward();
  else signal.addEventListener('abort', forward, { once: true });
  const timer = setTimeout(
    () => controller.abort(new WppError('timeout', `No answer within ${Math.round(ms / 1000)} s`)),
    ms,
  );
  return request(controller.signal).finally(() => {
    clearTimeout(timer);
    signal.removeEventListener('abort', forward);
  });
}

/** A custom backend's `create` answer is checked here: a missing record must fail one session, not the collection. */
function checkCreated(result: CreateResult): CreateResult {
  const record = (result as Partial<CreateResult> | undefined)?.record;
  if (typeof record?.integrationId !== 'string' || typeof result.status?.status !== 'string') {
    throw new WppError('bad_response', "create answered without the new number's record and status");
  }
  return result;
}
