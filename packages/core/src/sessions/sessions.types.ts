import type { ActorRefFrom } from 'xstate';
import type { SessionError } from '../backend/backend.errors.js';
import type { LastKnownStatus, SessionRecord } from '../backend/backend.port.js';
import type { SessionView } from '../session/session.connect.js';
import type { SessionMachine } from '../session/session.machine.js';
import type { SessionParentEvent, WppTimings } from '../session/session.types.js';

/** A running session actor. */
export type SessionActorRef = ActorRefFrom<SessionMachine>;

/** What the collection actor is started with. */
export interface SessionsInput {
  /** Timings for the collection and every session; missing ones take `DEFAULT_TIMINGS`. */
  timings?: Partial<WppTimings>;
}

/** The collection machine's context. Read it through `sessionsView`, not directly. */
export interface SessionsContext {
  /** Session keys in display order: the backend's order (primary first), then numbers added here. */
  ids: string[];
  /** Session actors by key. */
  refs: Record<string, SessionActorRef>;
  /** The list sequence number at which each session was created (a list started earlier cannot drop it). */
  spawnedAt: Record<string, number>;
  /**
   * The sequence number at which each integration was removed here (disconnected): a list asked for before that
   * read the row before it was deleted, so it cannot bring the number back.
   */
  removedAt: Record<string, number>;
  /** The last list failure, kept while the previous sessions stay on screen. */
  error: SessionError | null;
  /** The key of the number being added by `sessions.connectNew`, until it is dismissed or removed. */
  newSessionId: string | null;
  /** The key of the session whose `create` call is running: at most one per collection. */
  creatingId: string | null;
  /** The integration ids listed when the running (or last) create was asked for: its row is the one not among them. */
  knownAtCreate: string[];
  /**
   * A create whose outcome is unknown (timed out, aborted, 5xx): no other create is sent until `until`, even once its
   * row is listed (`found`), since the user's wpp-create saves the row before it waits up to 30 s upstream. `id` is
   * its error card's key, or `null` once the card is gone (dismissed, or replaced by the row's own session).
   */
  unsettledCreate: { id: string | null; until: number; found: boolean } | null;
  /** Re-lists made while settling a create (their backoff). */
  settleChecks: number;
  /** Counter for list requests and new keys. */
  sequence: number;
  /** The sequence number of the list request in flight. */
  listSequence: number;
  /** When the list was last read. */
  lastListedAt: number | null;
  attempt: number;
  retryDelay: number;
  nextRetryAt: number | null;
  /** Resolved once (`resolveTimings`); every session shares this object. */
  timings: WppTimings;
  /** Whether the page is hidden. */
  hidden: boolean;
  /** The saved status of each number by account number (`WppBackend.lastKnown`), read once beside the first list. */
  lastKnown: Record<string, LastKnownStatus>;
}

/** What the admin can tell the collection (the public commands; `sessionsCommands` sends them). */
export type SessionsCommandEvent =
  | { type: 'sessions.refresh' }
  | { type: 'sessions.retry' }
  /** `addNew`: `wpp-create`'s `add_new`; by default `true` when the organization has a saved number, else `{}`. */
  | { type: 'sessions.connectNew'; addNew?: boolean }
  | { type: 'sessions.dismissNew' }
  /**
   * The page was hidden or shown (the Page Visibility API; the React provider sends it): hidden, no background
   * re-checks and no QR polls (QR deadlines keep running); shown again, every number is checked once at once.
   */
  | { type: 'sessions.visibility'; hidden: boolean };

/**
 * Rows handed in by the app's own query (`createSessionsMachine(backend, { rows })`): every new array is reconciled
 * like a list answer, without re-checking the numbers it keeps. Build it with `sessionsRowsEvent(data)`.
 */
export type SessionsRowsEvent =
  | { type: 'sessions.rows'; records: SessionRecord[] }
  | { type: 'sessions.rowsFailed'; error: unknown };

/**
 * A number another tab was adding when this collection took over from it (`coordinateTabs`): it joins at once as a
 * new number under its integration id, followed as `newSessionId`, and is checked, so its QR flow goes on here even
 * before a list (or the app's rows) names it.
 *
 * @example
 * ```ts
 * actor.send({ type: 'sessions.adopt', record }); // the record another tab's collection held
 * ```
 */
export type SessionsAdoptEvent = { type: 'sessions.adopt'; record: SessionRecord };

/** Everything the collection machine receives: the admin's commands and, internally, what its sessions tell it. */
export type SessionsEvent =
  | SessionsCommandEvent
  | SessionsRowsEvent
  | SessionsAdoptEvent
  | SessionParentEvent;

export type { SessionRecord };

/**
 * What happened, told once (never twice under React's StrictMode), for toasts, callbacks and cache invalidation:
 * - `linked`: a number got linked here: scanned, created connected, or reconnected (`view.isNew` tells a new one);
 * - `removed`: a saved number left after a confirmed disconnect (or the admin's `forget`);
 * - `createFailed` / `disconnectFailed`: that call failed (the card shows `error`);
 * - `error`: any other entry into `error` (a failed check or start, an unusable row), automatic retries included
 *   (`view.nextRetryAt` says when the next one runs).
 *
 * @example
 * ```ts
 * createWppSessions(backend, { onEvent: (event) => event.type === 'linked' && toast.success('WhatsApp подключен') });
 * ```
 */
export type WppSessionsEvent =
  | { type: 'linked'; id: string; view: SessionView }
  | { type: 'removed'; id: string; view: SessionView }
  | {
      type: 'createFailed' | 'disconnectFailed' | 'error';
      id: string;
      view: SessionView;
      error: SessionError;
    };
