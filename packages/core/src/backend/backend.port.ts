import type { QrValue } from './qr.js';

/**
 * Names one saved WPP number. It always carries the integration id (the `messenger_integrations.id`), so a
 * status answer can never belong to another number.
 */
export interface SessionRef {
  /** `messenger_integrations.id`. */
  integrationId: string;
  /** `settings.wppAccountNumber`: the WPP platform's session id, e.g. `"0000000000001"` (not a phone). */
  accountNumber: string | null;
}

/** Why a saved row cannot be used. The session is still listed, in `error` with code `invalid_record`. */
export interface InvalidRecord {
  /** The field at fault, e.g. `settings.wppAccountNumber`. */
  field: string;
  /** What is wrong with it. */
  message: string;
}

/** One saved WPP number, normalised from a `messenger_integrations` row. Holds no secret. */
export interface SessionRecord extends SessionRef {
  /** The row's `name`, as text (never HTML). @default 'WhatsApp (WPP)' */
  name: string;
  /** The API key masked as `••••wxyz`, or `null` when the row has none. Never the full key. */
  apiKeyMasked: string | null;
  /** The row's `is_primary`. */
  isPrimary: boolean;
  /** The row's `created_at` (ISO text), or `null`. */
  createdAt: string | null;
  /** Set when the row cannot be used; the session then starts in `error` / `invalid_record`. */
  invalid: InvalidRecord | null;
}

/** A live status, normalised from any backend's words (see `status.table.ts`). */
export type StatusResult =
  | { status: 'connected' }
  | {
      status: 'qr_issued';
      qr: QrValue;
      /** When the backend issued this QR (epoch ms; `last_qr_at` of the user's `wpp-status`), if it says. */
      issuedAt?: number;
    }
  | { status: 'pending'; detail?: string }
  | { status: 'disconnected'; detail?: string };

/**
 * The three meanings of the user's `wpp-create`:
 * - `{ addNew: true }` → `{ add_new: true }`: adds another number (a new row and upstream client);
 * - `{ addNew: false }` → `{}`: the organization's own client: reconnects its one number, or makes it when there is
 *   none (the right call for an organization without a WPP number);
 * - `{ addNew: false, forceRecreate: true }` → `{ force_recreate: true }`: a new key for the organization's one
 *   number (the cure `INVALID_API_KEY` names). It updates the single active row; with two or more rows the function
 *   inserts another primary instead, so it is offered only to an organization's sole number.
 */
export interface CreateParams {
  addNew: boolean;
  forceRecreate?: boolean;
}

/** What `create` returns: the new number's record and its first status. */
export interface CreateResult {
  /** The saved row of the new number. */
  record: SessionRecord;
  /** Its status right after creation. */
  status: StatusResult;
}

/**
 * A number's last status as the backend saved it (the user's `whatsapp_sessions` row), read before any live check.
 * It may be stale: show it as unconfirmed, with its age, until a live status replaces it.
 */
export interface LastKnownStatus {
  /** The number it belongs to (`session_name` is `wpp_<accountNumber>`). */
  accountNumber: string;
  /** The saved status word, normalised (`pairing` becomes `pending`). */
  status: 'connected' | 'qr_issued' | 'pending' | 'disconnected';
  /** When the row was last written (epoch ms of `updated_at`). */
  at: number;
  /** When its last QR was issued (epoch ms of `last_qr_at`), if the row says. */
  qrIssuedAt?: number;
}

/**
 * The only way the machines reach the world. Every method takes an AbortSignal, resolves to validated,
 * normalised values, and rejects only with a `WppError`.
 *
 * @example
 * ```ts
 * const backend: WppBackend = createSupabaseBackend(supabase);
 * const records = await backend.listSessions(AbortSignal.timeout(10_000));
 * ```
 */
export interface WppBackend {
  /** The saved WPP numbers of the signed-in organization, primary first, then oldest first. */
  listSessions(signal: AbortSignal): Promise<SessionRecord[]>;
  /** The live status of one number. */
  getStatus(ref: SessionRef, signal: AbortSignal): Promise<StatusResult>;
  /** The current QR of one number, or `null` when there is none yet. */
  getQr(ref: SessionRef, signal: AbortSignal): Promise<QrValue | null>;
  /** Creates a number (see `CreateParams`). Not idempotent: callers must never retry it by themselves. */
  create(params: CreateParams, signal: AbortSignal): Promise<CreateResult>;
  /** Asks for a new QR for an existing number. */
  start(ref: SessionRef, signal: AbortSignal): Promise<StatusResult>;
  /**
   * Stops the number upstream and removes its row. Resolves only when the backend confirms both (or the row is
   * already gone); rejects when the number may still be saved or running, and never deletes the row by itself.
   */
  disconnect(ref: SessionRef, signal: AbortSignal): Promise<void>;
  /**
   * Deletes the saved row only, without stopping the number upstream: for a number `disconnect` cannot stop (its
   * upstream session is gone, or the row lacks its key). The upstream session, if any, may keep running. Optional;
   * a session offers `forget` only when the backend has it, and only after a failed disconnect.
   */
  forget?(ref: SessionRef, signal: AbortSignal): Promise<void>;
  /**
   * Reads rows the app fetched itself (its own `messenger_integrations` query) as `listSessions` reads its own:
   * same parsing, an unusable row becomes an `invalid_record` record. Needed for `createSessionsMachine`'s `rows`
   * option; throws `WppError` (`bad_response`) when the list as a whole cannot be read.
   */
  readRows?(data: unknown): SessionRecord[];
  /**
   * Renames a number (the row's `name`) and resolves its updated record. The name is trimmed; an empty or too long
   * name rejects with `bad_request` before any request. Optional: a backend without it cannot rename.
   *
   * @example
   * ```ts
   * const record = await backend.rename?.(ref, 'Reception desk', AbortSignal.timeout(10_000));
   * record?.name; // 'Reception desk'
   * ```
   */
  rename?(ref: SessionRef, name: string, signal: AbortSignal): Promise<SessionRecord>;
  /**
   * The last status the backend saved for each number of the organization, in no particular order; a number it
   * never saved a status for, or saved in words no backend uses, is left out. Rejects with a `WppError` when it
   * cannot be read: callers treat that as "no last known status". Optional.
   *
   * @example
   * ```ts
   * const saved = await backend.lastKnown?.(AbortSignal.timeout(10_000));
   * // [{ accountNumber: '0000000000001', status: 'connected', at: 1767225600000 }]
   * ```
   */
  lastKnown?(signal: AbortSignal): Promise<LastKnownStatus[]>;
}
