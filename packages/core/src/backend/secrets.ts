import { WppError } from './backend.errors.js';
import type { StatusResult, WppBackend } from './backend.port.js';
import { scrubSecrets } from './scrub.js';

/**
 * Wraps a backend so that nothing it hands out carries a secret: every rejection becomes a `WppError` (same code,
 * or `network` for a foreign error) whose message is scrubbed and which carries no `cause`, and every status
 * `detail` is scrubbed. QR values are left as they are. `known` is read at each call, so an adapter can add the
 * secrets it reads from rows as it goes.
 *
 * @example
 * ```ts
 * const safe = withSafeTexts(myBackend, () => secretsSeen);
 * ```
 */
export function withSafeTexts(backend: WppBackend, known: () => Iterable<string> = () => []): WppBackend {
  const scrub = (text: string) => scrubSecrets(text, known());
  const fail = (error: unknown): never => {
    throw safeError(error, scrub);
  };
  // A plain promise chain, not an async function: every status request of every number passes here.
  const guard = <T>(call: () => Promise<T>, clean?: (value: T) => T): Promise<T> => {
    let result: Promise<T>;
    try {
      result = Promise.resolve(call());
    } catch (error) {
      return Promise.reject(safeError(error, scrub));
    }
    return result.then(clean, fail);
  };
  const cleanStatus = (result: StatusResult): StatusResult =>
    result && 'detail' in result && typeof result.detail === 'string'
      ? { ...result, detail: scrub(result.detail) }
      : result;
  return {
    listSessions: (signal) => guard(() => backend.listSessions(signal)),
    getStatus: (ref, signal) => guard(() => backend.getStatus(ref, signal), cleanStatus),
    getQr: (ref, signal) => guard(() => backend.getQr(ref, signal)),
    create: (params, signal) =>
      guard(
        () => backend.create(params, signal),
        (result) => (result?.status ? { ...result, status: cleanStatus(result.status) } : result),
      ),
    start: (ref, signal) => guard(() => backend.start(ref, signal), cleanStatus),
    disconnect: (ref, signal) => guard(() => backend.disconnect(ref, signal)),
    ...(backend.forget && { forget: (ref, signal) => guard(() => backend.forget!(ref, signal)) }),
    ...(backend.rename && {
      rename: (ref, name, signal) => guard(() => backend.rename!(ref, name, signal)),
    }),
    ...(backend.lastKnown && { lastKnown: (signal) => guard(() => backend.lastKnown!(signal)) }),
  };
}

/** A thrown value as a scrubbed `WppError` without a cause; an abort reason that is not an error passes as it is. */
function safeError(error: unknown, scrub: (text: string) => string): unknown {
  if (error instanceof WppError) {
    return new WppError(error.code, scrub(error.message), { retryable: error.retryable });
  }
  if (error instanceof Error && error.name === 'AbortError') return error;
  const message = error instanceof Error ? error.message : String(error);
  return new WppError('network', scrub(message || 'Request failed'));
}
