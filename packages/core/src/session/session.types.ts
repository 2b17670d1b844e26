import type { AnyActorRef } from 'xstate';
import type { SessionError } from '../backend/backend.errors.js';
import type { CreateParams, LastKnownStatus, SessionRecord, StatusResult } from '../backend/backend.port.js';
import type { QrValue } from '../backend/qr.js';

/** The states a session can be in, as views show them (the machine's top-level states). */
export type SessionStatus =
  | 'creating'
  | 'checking'
  | 'connected'
  | 'qr_issued'
  | 'disconnected'
  | 'error'
  | 'disconnecting';

/** Why a session is `disconnected`. */
export type DisconnectReason = 'offline' | 'qr_expired' | 'cancelled';

/** The backend call an error came from, so `retry` repeats the right one. */
export type SessionOperation = 'create' | 'check' | 'start' | 'disconnect';

/** Every timing of the session and collection machines, in milliseconds. */
export interface WppTimings {
  /**
   * Longest wait for one status, start or disconnect request; it then fails as a retryable `timeout`, so a hung
   * request cannot hold one of the shared concurrency slots until its state's deadline. @default 20_000
   */
  requestTimeout: number;
  /**
   * Deadline of `checking` (status requests and "not ready yet" polls together), counted from the moment its first
   * request gets a slot: time spent queueing behind other sessions' requests is not the backend's. @default 45_000
   */
  checkTimeout: number;
  /** Pause between status polls while the backend says "starting" / "QR not ready yet". @default 2_000 */
  pendingPollInterval: number;
  /** Pause between status polls while a QR is shown; the next poll starts only after the previous answer. @default 2_000 */
  qrPollInterval: number;
  /**
   * How long a QR phase lasts before the session gives up with reason `qr_expired`. The default follows the
   * platforms: wppconnect closes an unscanned QR phase after 60 s (`autoClose`), the user's backend says a QR lives
   * about 45 s, and the WPP Platform ends the phase at 60 s. @default 60_000
   */
  qrTimeout: number;
  /** Background re-check of connected sessions; `0` turns it off. @default 60_000 */
  recheckInterval: number;
  /** Deadline of `creating` (the user's wpp-create waits up to 30 s for a QR itself). @default 90_000 */
  createTimeout: number;
  /**
   * After a create whose outcome is unknown (timed out, aborted, network, 5xx), how long the collection keeps every
   * other create back. It re-lists meanwhile to find the new row (which then replaces the error card), but keeps
   * creates back to the end: the user's wpp-create saves the row first, then waits up to 30 s upstream. @default 60_000
   */
  createSettleTimeout: number;
  /** Deadline of `disconnecting`. @default 30_000 */
  disconnectTimeout: number;
  /** Deadline of one list request. @default 30_000 */
  listTimeout: number;
  /** First automatic retry delay; doubles each attempt, ±25 % jitter. @default 1_000 */
  retryBaseDelay: number;
  /** Longest automatic retry delay. @default 30_000 */
  retryMaxDelay: number;
  /** Automatic retries of a retryable status failure before waiting for the admin. @default 5 */
  retryAttempts: number;
  /**
   * Retryable failed status polls in a row (network, timeout, 5xx, bad answer), while a QR is shown, that turn
   * the session `error`; a refused poll (401, 403, 404, 400) does so at once. @default 3
   */
  qrPollFailures: number;
}

/** The defaults of `WppTimings`. */
export const DEFAULT_TIMINGS: Readonly<WppTimings> = Object.freeze({
  requestTimeout: 20_000,
  checkTimeout: 45_000,
  pendingPollInterval: 2_000,
  qrPollInterval: 2_000,
  qrTimeout: 60_000,
  recheckInterval: 60_000,
  createTimeout: 90_000,
  createSettleTimeout: 60_000,
  disconnectTimeout: 30_000,
  listTimeout: 30_000,
  retryBaseDelay: 1_000,
  retryMaxDelay: 30_000,
  retryAttempts: 5,
  qrPollFailures: 3,
});

const resolved = new WeakMap<object, WppTimings>();

/**
 * The one door timings enter by: checks each given value (a zero, negative or non-finite time would spin or never
 * wait; `recheckInterval: 0` turns the background re-check off and `retryAttempts` is a whole count, `0` allowed),
 * fills the rest from `DEFAULT_TIMINGS`, and hands back one frozen object per given one, so a thousand sessions
 * share it. A resolved object resolves to itself.
 *
 * @example
 * ```ts
 * resolveTimings({ qrTimeout: 45_000 }).qrPollInterval; // 2_000
 * resolveTimings({ qrTimeout: -1 }); // throws RangeError
 * ```
 */
export function resolveTimings(timings: Partial<WppTimings> = DEFAULT_TIMINGS): WppTimings {
  const known = resolved.get(timings);
  if (known) return known;
  for (const [name, value] of Object.entries(timings)) {
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
  const defined = Object.entries(timings).filter(([, value]) => value !== undefined);
  const result: WppTimings = Object.freeze({ ...DEFAULT_TIMINGS, ...Object.fromEntries(defined) });
  resolved.set(timings, result);
  resolved.set(result, result);
  return result;
}

/** What a session actor is started with. */
export interface SessionInput {
  /** The session's key in the collection (the integration id for saved rows, `new-N` for numbers added here). */
  id: string;
  /** The saved row; absent for a number that is still to be created (the session starts in `creating`). */
  record?: SessionRecord;
  /** Timings; missing ones take `DEFAULT_TIMINGS` (`resolveTimings`). */
  timings?: Partial<WppTimings>;
  /** The collection, told when the number is created or removed. */
  parent?: AnyActorRef;
  /** A number the admin is adding here (its create timed out, then its row appeared): cancel removes it. */
  isNew?: boolean;
  /** What `create` is sent with, for a number to be created. @default { addNew: true } */
  create?: CreateParams;
  /** Whether this is the organization's only saved number (`recreate` is offered only then). */
  sole?: boolean;
  /** Whether the page is hidden (no background re-checks, no QR polls). */
  hidden?: boolean;
  /** The number's last status as the backend saved it, shown unconfirmed until the first live answer. */
  lastKnown?: LastKnownStatus | null;
  /**
   * What the collection knew of the number before it had a machine (`createSessionRef`): the state it was in (in
   * `checking` and `qrPolling` it waits for `session.answered` / `session.answerFailed` instead of asking, a
   * check's deadline running from `startedAt`, when that request got its slot), when it was last checked (`null`:
   * never), the backend's words, why it is disconnected, failed background checks since, and its QR phase.
   */
  checked?: {
    state: 'checking' | 'connected' | 'disconnected' | 'qr' | 'qrPolling';
    startedAt: number | null;
    at: number | null;
    detail: string | null;
    reason: DisconnectReason | null;
    attempt: number;
    /** QR polls failed in a row. */
    pollFailures: number;
    /** In a QR phase: its QR, when the phase ends, and whether that is known. */
    qr: { value: QrValue; expiresAt: number; exact: boolean } | null;
  };
}

/** A session machine's context. Read it through `sessionView`, not directly. */
export interface SessionContext {
  id: string;
  record: SessionRecord | null;
  qr: QrValue | null;
  qrExpiresAt: number | null;
  /** Whether `qrExpiresAt` is known (this session asked for the QR, or the backend said when it issued it). */
  qrDeadlineExact: boolean;
  /** Whether the QR phase in progress was started here (create or start), so its deadline is exact. */
  ownsQrPhase: boolean;
  /** When the `checking` deadline started (its first request got a slot), or `null` while it does not run. */
  checkStartedAt: number | null;
  error: SessionError | null;
  failedOperation: SessionOperation | null;
  reason: DisconnectReason | null;
  detail: string | null;
  lastCheckedAt: number | null;
  attempt: number;
  retryDelay: number;
  nextRetryAt: number | null;
  pollFailures: number;
  isNew: boolean;
  /** The admin cancelled while `create` ran: the number is removed as soon as it exists. */
  cancelRequested: boolean;
  /** What `create` is sent with (`recreate` sends `forceRecreate`). */
  createParams: CreateParams;
  /** Whether this is the organization's only saved number. */
  sole: boolean;
  /** Whether the page is hidden: background re-checks and QR polls wait until it is shown. */
  hidden: boolean;
  timings: WppTimings;
  parent: AnyActorRef | null;
  /** The number's saved status (`WppBackend.lastKnown`), until a live answer makes it moot. */
  lastKnown: LastKnownStatus | null;
}

/** The type of every command the admin can give a session, listed once (the tabs forward exactly these). */
export const SESSION_COMMANDS = [
  'session.check',
  'session.disconnect',
  'session.reconnect',
  'session.refreshQr',
  'session.cancel',
  'session.retry',
  'session.forget',
  'session.recreate',
] as const;

/** What the admin can tell a session (the public commands; `sessionCommands` sends them). */
export type SessionCommandEvent = {
  [Type in (typeof SESSION_COMMANDS)[number]]: { type: Type };
}[(typeof SESSION_COMMANDS)[number]];

/** Everything a session machine receives: the admin's commands and, internally, the collection's row updates. */
export type SessionEvent =
  | SessionCommandEvent
  | { type: 'session.update'; record: SessionRecord; sole?: boolean }
  | { type: 'session.visibility'; hidden: boolean }
  /** The number's saved status, read beside the list (`WppBackend.lastKnown`). */
  | { type: 'session.lastKnown'; lastKnown: LastKnownStatus }
  // From the session's own request actors: a request got its slot (the `checking` deadline starts then).
  | { type: 'session.requestStarted' }
  | { type: 'session.checkExpired' }
  // From the collection, to a number that was checked before it had a machine: the answer (or failure) it waits for.
  | { type: 'session.answered'; output: StatusResult }
  | { type: 'session.answerFailed'; error: unknown };

/** What a session tells its collection. */
export type SessionParentEvent =
  | { type: 'session.creating'; id: string }
  | { type: 'session.created'; id: string; integrationId: string }
  /** `unknown`: the create may still have made the number (timed out, aborted, network, 5xx). */
  | { type: 'session.createFailed'; id: string; unknown: boolean }
  | { type: 'session.removed'; id: string; relist: boolean; unknownCreate: boolean }
  /** The number got linked here: scanned, created connected, or reconnected (not a check of a linked one). */
  | { type: 'session.linked'; id: string }
  /** The session entered `error` (each time, automatic retries included). */
  | { type: 'session.failed'; id: string; operation: SessionOperation | null };
