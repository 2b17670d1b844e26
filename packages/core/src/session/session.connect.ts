import type { SnapshotFrom } from 'xstate';
import type { SessionError } from '../backend/backend.errors.js';
import type { LastKnownStatus } from '../backend/backend.port.js';
import type { QrValue } from '../backend/qr.js';
import type { SessionMachine } from './session.machine.js';
import type { DisconnectReason, SessionCommandEvent, SessionStatus } from './session.types.js';

/** One session as a UI shows it: plain data, equal field by field when nothing changed. */
export interface SessionView {
  /** The session's key in the collection. */
  id: string;
  /** `messenger_integrations.id`, or `null` while the number is being created. */
  integrationId: string | null;
  /** The row's name (text, never HTML). */
  name: string;
  /** The WPP session id (`wppAccountNumber`), or `null`. */
  accountNumber: string | null;
  /** The API key as `••••wxyz`, or `null`. Never the full key. */
  apiKeyMasked: string | null;
  /** Whether the row is the organization's primary WhatsApp integration. */
  isPrimary: boolean;
  /** The top-level state. */
  status: SessionStatus;
  /** Whether a request is running for this session (also during a background re-check of a connected one). */
  isBusy: boolean;
  /** The QR to draw while `status` is `qr_issued`, else `null`. */
  qr: QrValue | null;
  /**
   * When the shown QR phase gives up (epoch ms), when that is known: this session asked for the QR, or the backend
   * said when it issued it (`last_qr_at`). `null` for a QR phase found already running (after a reload) without
   * that, and outside `qr_issued`: show no exact countdown then.
   */
  qrExpiresAt: number | null;
  /** Why the session is `disconnected`, else `null`. */
  reason: DisconnectReason | null;
  /** The backend's own words about the last status, if any (e.g. "Account is offline"). */
  detail: string | null;
  /** The failure while `status` is `error`, else `null`. */
  error: SessionError | null;
  /** When the status was last confirmed by the backend (epoch ms), else `null`. */
  lastCheckedAt: number | null;
  /**
   * While the first live check runs (`status` is `checking`, never confirmed yet): the status the backend last saved
   * for this number and when (`at`, epoch ms), to show at once, marked unconfirmed with its age: "последний
   * известный: подключено · 5 мин назад". Never a confirmed status: a live answer replaces it. `null` otherwise, and
   * when the backend has no saved status for the number.
   */
  lastKnown: LastKnownStatus | null;
  /** When the next automatic retry runs (epoch ms), else `null`. */
  nextRetryAt: number | null;
  /** Whether this number was added in this collection and has not connected yet. */
  isNew: boolean;
  /** Whether `disconnect` does something now. */
  canDisconnect: boolean;
  /** Whether `reconnect` (a new QR for this number) does something now. */
  canReconnect: boolean;
  /** Whether `refreshQr` does something now. */
  canRefreshQr: boolean;
  /** Whether `cancel` does something now. */
  canCancel: boolean;
  /** Whether `retry` does something now. */
  canRetry: boolean;
  /** Whether `check` does something now. */
  canCheck: boolean;
  /**
   * Whether `forget` does something now: after a failed disconnect, when the backend can delete a row on its own.
   */
  canForget: boolean;
  /**
   * Whether `recreate` does something now: the backend said the number's key is invalid (`INVALID_API_KEY`) and it
   * is the organization's only number.
   */
  canRecreate: boolean;
}

// `init` is transient and `removed` is final: the last thing a card sees before it goes is "disconnecting". Every
// other top-level state is a status (`SessionStatus` lists them).
function statusOf(snapshot: SnapshotFrom<SessionMachine>): SessionStatus {
  const value = snapshot.value;
  const top = typeof value === 'string' ? value : Object.keys(value)[0]!;
  return top === 'removed' ? 'disconnecting' : top === 'init' ? 'checking' : (top as SessionStatus);
}

const can = (snapshot: SnapshotFrom<SessionMachine>, type: SessionCommandEvent['type']) =>
  snapshot.status === 'active' && snapshot.can({ type } as SessionCommandEvent);

/**
 * A session snapshot as a `SessionView`. Pure; compare results with `shallowEqual`.
 *
 * @example
 * ```ts
 * const view = sessionView(ref.getSnapshot());
 * if (view.status === 'qr_issued') draw(view.qr);
 * ```
 */
export function sessionView(snapshot: SnapshotFrom<SessionMachine>): SessionView {
  const { context } = snapshot;
  const status = statusOf(snapshot);
  const record = context.record;
  return {
    id: context.id,
    integrationId: record?.integrationId ?? null,
    name: record?.name ?? 'WhatsApp (WPP)',
    accountNumber: record?.accountNumber ?? null,
    apiKeyMasked: record?.apiKeyMasked ?? null,
    isPrimary: record?.isPrimary ?? false,
    status,
    isBusy: snapshot.hasTag('busy'),
    qr: context.qr,
    qrExpiresAt: status === 'qr_issued' && context.qrDeadlineExact ? context.qrExpiresAt : null,
    reason: status === 'disconnected' ? context.reason : null,
    detail: context.detail,
    error: status === 'error' ? context.error : null,
    lastCheckedAt: context.lastCheckedAt,
    // The saved object itself, so views stay shallow-equal while nothing changes.
    lastKnown: status === 'checking' && context.lastCheckedAt === null ? context.lastKnown : null,
    nextRetryAt: status === 'error' ? context.nextRetryAt : null,
    isNew: context.isNew,
    canDisconnect: can(snapshot, 'session.disconnect'),
    canReconnect: can(snapshot, 'session.reconnect'),
    canRefreshQr: can(snapshot, 'session.refreshQr'),
    canCancel: can(snapshot, 'session.cancel'),
    canRetry: can(snapshot, 'session.retry'),
    canCheck: can(snapshot, 'session.check'),
    canForget: can(snapshot, 'session.forget'),
    canRecreate: can(snapshot, 'session.recreate'),
  };
}

/** The commands of one session, bound to its actor. */
export interface SessionCommands {
  /** Stops the number and removes its row (ask the admin to confirm first). */
  disconnect(): void;
  /** Asks for a new QR for this same number (after it went offline or its QR expired). */
  reconnect(): void;
  /** Fetches the current QR now instead of waiting for the next poll. */
  refreshQr(): void;
  /** Stops waiting: a number added here is discarded, an existing one becomes `disconnected` / `cancelled`. */
  cancel(): void;
  /** Repeats the failed call now. */
  retry(): void;
  /** Checks the live status now (a connected card keeps showing connected meanwhile). */
  check(): void;
  /**
   * After a failed disconnect: deletes the saved row only, leaving the number's upstream session as it is (it may
   * keep running, linked and billed). Warn the admin and ask to confirm first.
   */
  forget(): void;
  /**
   * When its key went invalid: asks the backend for a new key for this same number (`wpp-create` with
   * `force_recreate`), then shows its new QR. Ask the admin to confirm: the number must be scanned again.
   */
  recreate(): void;
}

/**
 * Binds a session's commands to its actor once.
 *
 * @example
 * ```ts
 * const commands = sessionCommands(ref);
 * button.onclick = commands.disconnect;
 * ```
 */
export function sessionCommands(ref: { send(event: SessionCommandEvent): void }): SessionCommands {
  return {
    disconnect: () => ref.send({ type: 'session.disconnect' }),
    reconnect: () => ref.send({ type: 'session.reconnect' }),
    refreshQr: () => ref.send({ type: 'session.refreshQr' }),
    cancel: () => ref.send({ type: 'session.cancel' }),
    retry: () => ref.send({ type: 'session.retry' }),
    check: () => ref.send({ type: 'session.check' }),
    forget: () => ref.send({ type: 'session.forget' }),
    recreate: () => ref.send({ type: 'session.recreate' }),
  };
}
