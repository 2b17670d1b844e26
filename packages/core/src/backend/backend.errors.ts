import { scrubSecrets } from './scrub.js';

/**
 * Every way a backend call or a saved row can fail, as a closed union: a rename is a compile error.
 *
 * - `network`: the request never got an answer (offline, DNS, connection reset).
 * - `timeout`: the backend said it timed out (HTTP 408/504) or the call passed its deadline.
 * - `unauthorized` / `forbidden`: HTTP 401 / 403; retrying will not help until the admin signs in again.
 * - `not_found`: HTTP 404 (unknown integration, unknown function).
 * - `bad_request`: HTTP 400 and other 4xx the caller cannot fix by waiting.
 * - `rate_limited`: HTTP 429.
 * - `server`: HTTP 5xx, or a status word that means the upstream failed.
 * - `bad_response`: a 2xx whose body is not what the contract says (HTML, empty, unknown status word).
 * - `invalid_qr`: a QR value that is neither a QR payload nor a `data:image/png;base64,` image.
 * - `invalid_record`: a saved row that cannot be used (no `wppAccountNumber`, wrong types).
 * - `deadline_exceeded`: a state waited longer than its deadline.
 */
export type WppErrorCode =
  | 'network'
  | 'timeout'
  | 'unauthorized'
  | 'forbidden'
  | 'not_found'
  | 'bad_request'
  | 'rate_limited'
  | 'server'
  | 'bad_response'
  | 'invalid_qr'
  | 'invalid_record'
  | 'deadline_exceeded';

/** A failure as machines and views see it: plain data, safe to serialise and show. */
export interface SessionError {
  /** What kind of failure this is. */
  code: WppErrorCode;
  /** A human-readable reason, without secrets. */
  message: string;
  /** Whether waiting and trying again may help. */
  retryable: boolean;
}

const RETRYABLE: Record<WppErrorCode, boolean> = {
  network: true,
  timeout: true,
  unauthorized: false,
  forbidden: false,
  not_found: false,
  bad_request: false,
  rate_limited: true,
  server: true,
  bad_response: true,
  invalid_qr: true,
  invalid_record: false,
  deadline_exceeded: true,
};

/**
 * The error every `WppBackend` method rejects with. Adapters turn transport and parse failures into it, so
 * machines only ever deal with a `{ code, message, retryable }`.
 *
 * @example
 * ```ts
 * throw new WppError('not_found', 'WPP integration not found');
 * ```
 */
export class WppError extends Error {
  override readonly name = 'WppError';
  /** What kind of failure this is. */
  readonly code: WppErrorCode;
  /** Whether waiting and trying again may help. @default by code: network, timeout, 429, 5xx, bad bodies */
  readonly retryable: boolean;

  constructor(code: WppErrorCode, message: string, options?: { retryable?: boolean; cause?: unknown }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.retryable = options?.retryable ?? RETRYABLE[code];
  }
}

/**
 * The `WppErrorCode` an HTTP status stands for.
 *
 * @example
 * ```ts
 * errorCodeForStatus(401); // 'unauthorized'
 * errorCodeForStatus(504); // 'timeout'
 * errorCodeForStatus(422); // 'bad_request'
 * ```
 */
export function errorCodeForStatus(status: number): WppErrorCode {
  if (status === 401) return 'unauthorized';
  if (status === 403) return 'forbidden';
  if (status === 404) return 'not_found';
  if (status === 408 || status === 504) return 'timeout';
  if (status === 429) return 'rate_limited';
  if (status >= 500) return 'server';
  return 'bad_request';
}

const REFUSALS: ReadonlySet<WppErrorCode> = new Set<WppErrorCode>([
  'unauthorized',
  'forbidden',
  'not_found',
  'bad_request',
  'rate_limited',
]);

/**
 * Whether a failure says the backend refused the request before doing anything (401, 403, 404, 4xx, 429). Any other
 * failure of a call that changes something (a timeout, a lost connection, a 5xx, a bad answer) leaves its outcome
 * unknown: the server may have done it.
 */
export function isRefusal(error: SessionError | null): boolean {
  return error !== null && REFUSALS.has(error.code);
}

/**
 * Turns anything thrown into a `SessionError`. A `WppError` keeps its code; anything else is reported as a
 * `network` failure with its message, since adapters already classify every answer they receive.
 */
export function toSessionError(error: unknown): SessionError {
  // Scrubbed again here: a custom backend's texts reach views only through this function.
  if (error instanceof WppError) {
    return { code: error.code, message: scrubSecrets(error.message), retryable: error.retryable };
  }
  const message = error instanceof Error ? error.message : String(error);
  return { code: 'network', message: scrubSecrets(message || 'Request failed'), retryable: true };
}
