import type { SnapshotFrom } from 'xstate';
import type { SessionError } from '../backend/backend.errors.js';
import type { SessionsMachine } from './sessions.machine.js';
import type { SessionsCommandEvent } from './sessions.types.js';

/** The collection as a UI shows it. */
export interface SessionsView {
  /** `loading` until the first list answer, `error` when it failed (retrying or waiting), then `ready`. */
  status: 'loading' | 'ready' | 'error';
  /** Session keys in display order. The same array while the order is unchanged. */
  ids: string[];
  /** The last list failure (also shown while `ready`, when a refresh failed). */
  error: SessionError | null;
  /** Whether a list request is running after the first one. */
  isRefreshing: boolean;
  /**
   * Whether a new number is being created, or a create whose outcome is unknown (timed out, 5xx) is being settled
   * (for `createSettleTimeout` after it failed): `connectNew` is ignored until then, so the server never runs two
   * creates at once.
   */
  isCreating: boolean;
  /** The key of the number being added, for the QR dialog, until it is dismissed or removed. */
  newSessionId: string | null;
  /** When the list was last read (epoch ms). */
  lastListedAt: number | null;
  /** When the next automatic list retry runs (epoch ms), else `null`. */
  nextRetryAt: number | null;
}

/**
 * A collection snapshot as a `SessionsView`. Pure; compare results with `shallowEqual`.
 *
 * @example
 * ```ts
 * const { status, ids } = sessionsView(actor.getSnapshot());
 * ```
 */
export function sessionsView(snapshot: SnapshotFrom<SessionsMachine>): SessionsView {
  const { context } = snapshot;
  const status = snapshot.matches('ready') ? 'ready' : snapshot.matches('failed') ? 'error' : 'loading';
  return {
    status,
    ids: context.ids,
    error: context.error,
    isRefreshing: snapshot.matches({ ready: 'refreshing' }),
    isCreating: context.creatingId !== null || context.unsettledCreate !== null,
    newSessionId: context.newSessionId,
    lastListedAt: context.lastListedAt,
    nextRetryAt: status === 'error' ? context.nextRetryAt : null,
  };
}

/**
 * Options of `connectNew`. Any other object is ignored, so `onClick={connectNew}` (which passes a click event) adds
 * a number the default way.
 */
export interface ConnectOptions {
  /** `wpp-create`'s `add_new`. @default true when the organization has a saved number, else false (`{}`) */
  addNew?: boolean;
}

/** The commands of the collection, bound to its actor. */
export interface SessionsCommands {
  /**
   * Adds a number and returns its session's key (for the QR dialog and `useWppSession`), or `null` when refused:
   * while another is being created or settled, or before the list is read. An organization with a saved number gets
   * another (`wpp-create` with `add_new`); one without gets its own client (`{}`); `{ addNew }` overrides.
   */
  connectNew(options?: ConnectOptions | object): string | null;
  /** Re-lists the saved sessions and re-checks every one that is kept. */
  refresh(): void;
  /** Retries a failed list now. */
  retry(): void;
  /** Forgets which session the QR dialog follows (the session itself stays). */
  dismissNew(): void;
}

/**
 * Binds the collection's commands to its actor once.
 *
 * @example
 * ```ts
 * const { connectNew, refresh } = sessionsCommands(actor);
 * const id = connectNew(); // 'new-3', or null when another number is being added
 * ```
 */
export function sessionsCommands(ref: {
  send(event: SessionsCommandEvent): void;
  getSnapshot(): { context: { creatingId: string | null; sequence: number } };
}): SessionsCommands {
  return {
    connectNew: (options?: ConnectOptions | object) => {
      const before = ref.getSnapshot().context.sequence;
      // Only a plain `{ addNew }` is read: `onClick={connectNew}` passes a click event.
      const asked = (options as ConnectOptions | undefined)?.addNew;
      const addNew = typeof asked === 'boolean' ? asked : undefined;
      ref.send({ type: 'sessions.connectNew', ...(addNew !== undefined && { addNew }) });
      const { creatingId, sequence } = ref.getSnapshot().context;
      return sequence !== before && creatingId !== null ? creatingId : null;
    },
    refresh: () => ref.send({ type: 'sessions.refresh' }),
    retry: () => ref.send({ type: 'sessions.retry' }),
    dismissNew: () => ref.send({ type: 'sessions.dismissNew' }),
  };
}
