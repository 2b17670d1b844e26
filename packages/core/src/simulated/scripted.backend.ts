import type { CreateParams, SessionRef, WppBackend } from '../backend/backend.port.js';

/**
 * The port's required methods: the operations a scripted backend holds. Derived from `WppBackend`, so a method the
 * port makes required is one here too; the optional ones (`forget`, `readRows`, `rename`, `lastKnown`) are left out,
 * as a backend without them is a valid backend.
 *
 * @example
 * ```ts
 * const operation: ScriptedOperation = 'getStatus';
 * ```
 */
export type ScriptedOperation = {
  [K in keyof WppBackend]-?: undefined extends WppBackend[K] ? never : K;
}[keyof WppBackend];

/**
 * What a call of `operation` resolves to, read from the port: `StatusResult` for `getStatus` and `start`,
 * `CreateResult` for `create`, `SessionRecord[]` for `listSessions`, `QrValue | null` for `getQr`, nothing for
 * `disconnect`.
 *
 * @example
 * ```ts
 * const answer: ScriptedAnswer<'getStatus'> = { status: 'connected' };
 * ```
 */
export type ScriptedAnswer<O extends ScriptedOperation = ScriptedOperation> = Awaited<
  ReturnType<WppBackend[O]>
>;

/**
 * One call made to a scripted backend. It stays open until it is answered, by the test or by the backend's
 * `respond`; the first answer counts, later ones are ignored (as a promise's are).
 *
 * @example
 * ```ts
 * const call = scripted.only('getStatus');
 * call.ref?.integrationId; // the number asked about
 * call.resolve({ status: 'qr_issued', qr: { kind: 'text', value: '2@abc' } });
 * ```
 */
export interface ScriptedCall<O extends ScriptedOperation = ScriptedOperation> {
  /** The port method called. */
  readonly operation: O;
  /** The number the call is about; `null` for `listSessions` and `create`. */
  readonly ref: SessionRef | null;
  /** `create`'s parameters; `null` for every other operation. */
  readonly params: CreateParams | null;
  /** The caller's signal. Aborting it does not settle the call: see `createScriptedBackend`. */
  readonly signal: AbortSignal;
  /** `Date.now()` when the call started (virtual time under fake timers). */
  readonly startedAt: number;
  /** Whether the call has been answered (resolved or rejected). */
  readonly settled: boolean;
  /** Answers the call with a value of the port's type for this operation. */
  resolve(value: ScriptedAnswer<O>): void;
  /** Fails the call; the port promises a `WppError`, which a test may break on purpose. */
  reject(error: unknown): void;
}

/**
 * Answers calls as they are made. Called once per call, synchronously when the call starts, in the order the calls
 * were made. It may return a promise, whose outcome answers the call; or answer it itself (`call.resolve`,
 * `call.reject`, now or later); or return nothing and leave it open for the test. A throw rejects the call.
 *
 * @example
 * ```ts
 * // Lists are empty at once; every other call waits for the test.
 * const respond: ScriptedResponder = (call) => {
 *   if (call.operation === 'listSessions') call.resolve([]);
 * };
 * ```
 */
export type ScriptedResponder =
  | ((call: ScriptedCall) => PromiseLike<ScriptedAnswer>)
  | ((call: ScriptedCall) => void);

/** Options of `createScriptedBackend`. */
export interface ScriptedBackendOptions {
  /**
   * Answers each call as it is made (see `ScriptedResponder`).
   * @default undefined: every call waits until the test answers it
   */
  respond?: ScriptedResponder;
}

/**
 * A `WppBackend` whose calls are held and answered one by one: by the test (`only('getStatus').resolve(…)`) or, with
 * the `respond` option, by a function of each call (a script of outcomes, a fake server). Every call is recorded in
 * `calls`, answered or not.
 *
 * A call does NOT settle when its signal aborts: a test can answer an aborted call late and check that the machine
 * ignores it. A responder that should end with the abort (as a real `fetch` does) listens to `call.signal` itself.
 * The backend has only the port's required methods; spread it to add `forget`, `rename` or `lastKnown`.
 *
 * @example
 * ```ts
 * import { createWppSessions, WppError } from '@wpp-sessions/core';
 * import { createScriptedBackend } from '@wpp-sessions/core/testing';
 *
 * // By hand: nothing answers until the test does.
 * const scripted = createScriptedBackend();
 * const actor = createWppSessions(scripted.backend).start();
 * scripted.only('listSessions').resolve([record]);
 * await vi.advanceTimersByTimeAsync(0); // the session asks for its status
 * scripted.only('getStatus').reject(new WppError('server', 'HTTP 502'));
 * scripted.count('getStatus'); // 1
 *
 * // By a responder: lists and status checks answer at once, the rest waits for the test.
 * const answering = createScriptedBackend({
 *   respond: (call) => {
 *     if (call.operation === 'listSessions') return Promise.resolve([record]);
 *     if (call.operation === 'getStatus') return Promise.resolve({ status: 'connected' });
 *   },
 * });
 * ```
 */
export function createScriptedBackend(options: ScriptedBackendOptions = {}) {
  const { respond } = options;
  const calls: ScriptedCall[] = [];

  function call<O extends ScriptedOperation>(
    operation: O,
    ref: SessionRef | null,
    params: CreateParams | null,
    signal: AbortSignal,
  ): Promise<ScriptedAnswer<O>> {
    return new Promise<ScriptedAnswer<O>>((resolve, reject) => {
      const entry = {
        operation,
        ref,
        params,
        signal,
        startedAt: Date.now(),
        settled: false,
        resolve(value: ScriptedAnswer<O>) {
          if (entry.settled) return;
          entry.settled = true;
          resolve(value);
        },
        reject(error: unknown) {
          if (entry.settled) return;
          entry.settled = true;
          reject(error);
        },
      };
      const scriptedCall = entry as ScriptedCall<O>;
      calls.push(scriptedCall as ScriptedCall);
      if (!respond) return;
      try {
        const answer = respond(scriptedCall as ScriptedCall) as PromiseLike<ScriptedAnswer> | undefined;
        answer?.then(
          (value) => entry.resolve(value as ScriptedAnswer<O>),
          (error: unknown) => entry.reject(error),
        );
      } catch (error) {
        entry.reject(error);
      }
    });
  }

  const backend: WppBackend = {
    listSessions: (signal) => call('listSessions', null, null, signal),
    getStatus: (ref, signal) => call('getStatus', ref, null, signal),
    getQr: (ref, signal) => call('getQr', ref, null, signal),
    create: (params, signal) => call('create', null, params, signal),
    start: (ref, signal) => call('start', ref, null, signal),
    disconnect: (ref, signal) => call('disconnect', ref, null, signal),
  };

  function open<O extends ScriptedOperation = ScriptedOperation>(...operations: O[]): ScriptedCall<O>[] {
    return calls.filter(
      (c): c is ScriptedCall<O> =>
        !c.settled && !c.signal.aborted && (operations.length === 0 || operations.includes(c.operation as O)),
    );
  }

  return {
    /** The port, to hand to `createWppSessions` or a machine. */
    backend,
    /** Every call made so far, in order, answered or not. */
    calls: calls as readonly ScriptedCall[],
    /**
     * Calls not yet answered and whose signal has not aborted, of the given operations (all when none is given).
     *
     * @example
     * ```ts
     * for (const call of scripted.open('getStatus', 'start')) call.resolve({ status: 'connected' });
     * ```
     */
    open,
    /**
     * The only open call of the given operations (of any when none is given); throws when there is none or more
     * than one.
     *
     * @example
     * ```ts
     * scripted.only('create').resolve({ record, status: { status: 'pending' } });
     * ```
     */
    only<O extends ScriptedOperation = ScriptedOperation>(...operations: O[]): ScriptedCall<O> {
      const found = open(...operations);
      if (found.length !== 1) {
        throw new Error(`expected one open ${operations.join('|') || 'call'}, found ${found.length}`);
      }
      return found[0]!;
    },
    /**
     * How many calls of an operation were made, answered or not.
     *
     * @example
     * ```ts
     * expect(scripted.count('create')).toBe(1);
     * ```
     */
    count: (operation: ScriptedOperation) => calls.filter((c) => c.operation === operation).length,
  };
}

/**
 * What `createScriptedBackend` returns: `backend`, `calls`, `open`, `only`, `count`.
 *
 * @example
 * ```ts
 * function answerAll(scripted: ScriptedBackend) {
 *   for (const call of scripted.open('getStatus')) call.resolve({ status: 'connected' });
 * }
 * ```
 */
export type ScriptedBackend = ReturnType<typeof createScriptedBackend>;
