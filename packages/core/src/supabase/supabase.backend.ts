import type { SupabaseClient } from '@supabase/supabase-js';
import { errorCodeForStatus, WppError } from '../backend/backend.errors.js';
import type {
  CreateParams,
  CreateResult,
  LastKnownStatus,
  SessionRecord,
  SessionRef,
  StatusResult,
  WppBackend,
} from '../backend/backend.port.js';
import { collectSecrets, describeValue, parseSessionList } from '../backend/records.js';
import { KnownSecrets } from '../backend/scrub.js';
import { withSafeTexts } from '../backend/secrets.js';
import { parseLastKnown } from './last.known.js';
import { checkSessionName } from './session.name.js';
import { createdOf, errorText, qrOf, readBody, statusOf } from './supabase.responses.js';

/** Options of `createSupabaseBackend`. Names default to the user's deployment. */
export interface SupabaseBackendOptions {
  /**
   * Where the saved rows come from: the `messenger-integrations` edge function (secrets masked server-side), or
   * the table itself through PostgREST (then `organizationId` is required: RLS alone is not trusted).
   * Prefer the function: a table read brings the row's `settings`, plaintext keys included, into the browser
   * (the adapter masks them before anything leaves it, but they have crossed the network), which is the user's
   * `useWhatsApp` bug; the function masks secrets on the server.
   * @default 'function'
   */
  source?: 'function' | 'table';
  /** The organization whose rows a `table` read returns; sent as an explicit `organization_id` filter. */
  organizationId?: string;
  /** The list function. @default 'messenger-integrations' */
  listFunction?: string;
  /** The table for `source: 'table'`. @default 'messenger_integrations' */
  table?: string;
  /**
   * The table `lastKnown` reads (`session_name`, `status`, `last_qr_at`, `updated_at`), through PostgREST.
   * @default 'whatsapp_sessions'
   */
  sessionsTable?: string;
  /** The `wpp-*` function names. @default { create: 'wpp-create', status: 'wpp-status', qr: 'wpp-qr', start: 'wpp-start', disconnect: 'wpp-disconnect' } */
  functions?: Partial<Record<'create' | 'status' | 'qr' | 'start' | 'disconnect', string>>;
  /**
   * Sends `force: true` to `wpp-status`, so it asks the platform instead of answering a cached `connected`.
   * @default true
   */
  forceStatus?: boolean;
}

const DEFAULT_FUNCTIONS = {
  create: 'wpp-create',
  status: 'wpp-status',
  qr: 'wpp-qr',
  start: 'wpp-start',
  disconnect: 'wpp-disconnect',
} as const;

/**
 * A `WppBackend` over `@supabase/supabase-js`, for the user's `messenger-integrations` and `wpp-*` edge functions.
 * Every answer is validated; status words and QR formats are normalised; API keys are masked before anything
 * leaves the adapter; `create` is sent once and never retried; status and QR calls name the `integration_id`.
 *
 * Every text it hands out (error messages, status details) is scrubbed of the keys and JWTs it read from rows and
 * of anything shaped like a key or a JWT; a body that cannot be read is `bad_response`.
 *
 * `disconnect` outcomes, by `wpp-disconnect`'s answer:
 * - 2xx `{ ok: true, success: true, status: 'disconnected' }` → resolves (the number is stopped and its row gone);
 *   a 2xx that confirms neither → `bad_response`.
 * - 404 `{ error: 'WPP integration not found' }` → re-lists: resolves when the row is gone, else rejects
 *   `not_found` ("…, yet the number is still listed", retryable).
 * - 404 "Organization not found", 401, 403 → rejects with that code.
 * - 400 `{ error: 'wppApiKey or wppAccountNumber not configured' }` → rejects `bad_request`; the row is kept.
 * - 500 `{ ok: false, success: false, error }` (the upstream stop failed) → rejects `server`; the row is kept,
 *   since the platform session may still run.
 * - no answer → the caller's deadline (`timeout`).
 * The row is deleted without stopping the number only by `forget`, the admin's explicit choice (it calls DELETE on
 * `messenger-integrations?id=`; a session offers it only after a failed disconnect).
 *
 * `rename` sends `messenger-integrations` PUT `{ id, name }` (the name trimmed; empty, over
 * `SESSION_NAME_MAX_LENGTH` characters or with control characters → `bad_request` before any request) and resolves
 * the updated record from the answer's `integration`, or from a fresh list when the answer has none.
 *
 * `lastKnown` reads `whatsapp_sessions` (`session_name = wpp_<account>`, `status`, `last_qr_at`, `updated_at`) with
 * the user's token, so RLS scopes it to the organization (plus an `organization_id` filter when `organizationId` is
 * set); a failed or refused read rejects like every method. Status words go through the status table; rows it
 * cannot read are left out.
 *
 * @example
 * ```ts
 * import { createClient } from '@supabase/supabase-js';
 * const supabase = createClient(url, anonKey);
 * const backend = createSupabaseBackend(supabase);                        // rows from the edge function
 * const direct = createSupabaseBackend(supabase, { source: 'table', organizationId: orgId });
 * ```
 */
export function createSupabaseBackend(
  client: SupabaseClient,
  options: SupabaseBackendOptions = {},
): WppBackend {
  const source = options.source ?? 'function';
  if (source === 'table' && !options.organizationId) {
    throw new TypeError(
      'createSupabaseBackend: source "table" needs options.organizationId: rows are always filtered by organization',
    );
  }
  const names = { ...DEFAULT_FUNCTIONS, ...options.functions };
  const listFunction = options.listFunction ?? 'messenger-integrations';
  const table = options.table ?? 'messenger_integrations';
  const sessionsTable = options.sessionsTable ?? 'whatsapp_sessions';
  const force = options.forceStatus ?? true;
  // Full keys and tokens seen in rows read from the table: scrubbed from every text the adapter hands out.
  const secrets = new KnownSecrets();

  async function invoke(
    name: string,
    signal: AbortSignal,
    init: { method: 'GET' | 'POST' | 'PUT' | 'DELETE'; body?: Record<string, unknown> },
  ): Promise<unknown> {
    let result: { data: unknown; error: unknown };
    try {
      result = await client.functions.invoke(name, { method: init.method, body: init.body, signal });
    } catch (error) {
      throw transportError(name, error, signal);
    }
    if (result.error) throw await functionError(name, result.error, signal);
    return result.data;
  }

  async function listSessions(signal: AbortSignal): Promise<SessionRecord[]> {
    if (source === 'function') {
      return parseSessionList(
        await invoke(`${listFunction}?messenger_type=whatsapp`, signal, { method: 'GET' }),
      );
    }
    let result: { data: unknown; error: { message?: string; code?: string } | null; status: number };
    try {
      result = await client
        .from(table)
        .select('*')
        .eq('organization_id', options.organizationId!)
        .eq('messenger_type', 'whatsapp')
        .eq('provider', 'wpp')
        .order('is_primary', { ascending: false })
        .order('created_at', { ascending: true })
        // postgrest-js retries 503s by itself; the machines own retries and their backoff.
        .retry(false)
        .abortSignal(signal);
    } catch (error) {
      throw transportError(table, error, signal);
    }
    if (result.error) throw readError(table, result, signal);
    collectSecrets(result.data, secrets);
    return parseSessionList(result.data);
  }

  async function getStatus(ref: SessionRef, signal: AbortSignal): Promise<StatusResult> {
    const body = await invoke(names.status, signal, {
      method: 'POST',
      body: { integration_id: ref.integrationId, force },
    });
    return statusOf(names.status, readBody(names.status, body), ref);
  }

  async function getQr(ref: SessionRef, signal: AbortSignal) {
    const query = new URLSearchParams({ integration_id: ref.integrationId });
    if (ref.accountNumber) query.set('session', ref.accountNumber);
    const body = readBody(names.qr, await invoke(`${names.qr}?${query}`, signal, { method: 'GET' }));
    return qrOf(body);
  }

  async function create(params: CreateParams, signal: AbortSignal): Promise<CreateResult> {
    // Sent exactly once: wpp-create makes an upstream client and a row; a retry would make another.
    const request = params.addNew ? { add_new: true } : params.forceRecreate ? { force_recreate: true } : {};
    const body = readBody(
      names.create,
      await invoke(names.create, signal, { method: 'POST', body: request }),
    );
    const created = createdOf(body);
    // wpp-create does not return the row id; the row was saved before it answered, so the list has it.
    const records = await listSessions(signal);
    const record =
      records.find((r) => created.integrationId !== null && r.integrationId === created.integrationId) ??
      records.find((r) => r.accountNumber === created.accountNumber);
    if (!record) {
      throw new WppError(
        'bad_response',
        `${names.create} reported session ${created.accountNumber}, but no saved row has it; refresh the list`,
        { retryable: false },
      );
    }
    return {
      record: { ...record, apiKeyMasked: record.apiKeyMasked ?? created.apiKeyMasked },
      status: created.status,
    };
  }

  async function start(ref: SessionRef, signal: AbortSignal): Promise<StatusResult> {
    try {
      const body = await invoke(names.start, signal, {
        method: 'POST',
        body: { integration_id: ref.integrationId },
      });
      return statusOf(names.start, readBody(names.start, body), ref);
    } catch (error) {
      // HTTP 408 `timeout`: no QR within wpp-start's own wait. The number is starting; poll its status.
      if (error instanceof WppError && error.code === 'timeout')
        return { status: 'pending', detail: error.message };
      throw error;
    }
  }

  async function disconnect(ref: SessionRef, signal: AbortSignal): Promise<void> {
    let body: ReturnType<typeof readBody>;
    try {
      body = readBody(
        names.disconnect,
        await invoke(names.disconnect, signal, {
          method: 'POST',
          body: { integration_id: ref.integrationId },
        }),
      );
    } catch (error) {
      // 404 "WPP integration not found" may mean it is already gone (what the admin asked for), or that the function
      // looked in the wrong place: only a fresh list can tell.
      if (
        error instanceof WppError &&
        error.code === 'not_found' &&
        /integration not found/i.test(error.message)
      ) {
        const listed = (await listSessions(signal)).some((r) => r.integrationId === ref.integrationId);
        if (!listed) return;
        throw new WppError('not_found', `${error.message}, yet the number is still listed`, {
          retryable: true,
        });
      }
      // Any other failure (a 500 when the upstream stop failed, a 400 for a row without its key) keeps the row: the
      // upstream session may still run, so the row is never deleted behind the admin's back (see `forget`).
      throw error;
    }
    if (body.success !== true && body.ok !== true && body.status !== 'disconnected') {
      throw new WppError('bad_response', `${names.disconnect} answered without confirming the disconnect`);
    }
  }

  async function forget(ref: SessionRef, signal: AbortSignal): Promise<void> {
    const query = new URLSearchParams({ id: ref.integrationId });
    readBody(listFunction, await invoke(`${listFunction}?${query}`, signal, { method: 'DELETE' }));
  }

  // The saved statuses, read as the signed-in user: RLS lets the organization's users read their rows (the user's
  // migration); `organizationId`, when given, is also sent as a filter. Only the four columns, never the saved QR.
  async function lastKnown(signal: AbortSignal): Promise<LastKnownStatus[]> {
    let result: { data: unknown; error: { message?: string; code?: string } | null; status: number };
    try {
      let query = client.from(sessionsTable).select('session_name,status,last_qr_at,updated_at');
      if (options.organizationId) query = query.eq('organization_id', options.organizationId);
      result = await query.retry(false).abortSignal(signal);
    } catch (error) {
      throw transportError(sessionsTable, error, signal);
    }
    if (result.error) throw readError(sessionsTable, result, signal);
    return parseLastKnown(result.data);
  }

  // messenger-integrations PUT `{ id, name }`, as the user's app renames: it answers `{ success, integration }` with the
  // updated row (settings masked); an answer without the row is read back from the list.
  async function rename(ref: SessionRef, name: string, signal: AbortSignal): Promise<SessionRecord> {
    const clean = checkSessionName(name);
    const body = readBody(
      listFunction,
      await invoke(listFunction, signal, { method: 'PUT', body: { id: ref.integrationId, name: clean } }),
    ) as Record<string, unknown>;
    if (body.integration !== undefined && body.integration !== null) {
      collectSecrets([body.integration], secrets);
      const [record] = parseSessionList([body.integration]);
      if (record?.integrationId === ref.integrationId) return record;
      throw new WppError(
        'bad_response',
        `${listFunction} answered the rename with ${record ? 'another row' : 'a row that is not an active WPP number'}`,
      );
    }
    const record = (await listSessions(signal)).find((r) => r.integrationId === ref.integrationId);
    if (!record) {
      throw new WppError(
        'not_found',
        `${listFunction} accepted the rename, but the number is no longer listed`,
      );
    }
    return record;
  }

  // Rows the app fetched itself: the function's masked rows, or a table read's (whose secrets are then known).
  function readRows(data: unknown): SessionRecord[] {
    collectSecrets(data, secrets);
    return parseSessionList(data);
  }

  const backend: WppBackend = {
    listSessions,
    getStatus,
    getQr,
    create,
    start,
    disconnect,
    forget,
    rename,
    // Only with a client that can read tables (the fetch backend's reaches functions alone).
    ...(typeof (client as Partial<SupabaseClient>).from === 'function' && { lastKnown }),
  };
  // Every method: a body that cannot be read (nested too deeply, a getter that throws) is a bad answer, not a
  // network failure; then every text that leaves is scrubbed of the secrets read from rows and of key shapes.
  const readable = Object.fromEntries(
    Object.entries(backend).map(([name, method]) => [
      name,
      async (...args: unknown[]) => {
        try {
          return await (method as (...a: unknown[]) => Promise<unknown>)(...args);
        } catch (error) {
          const signal = args[args.length - 1] as AbortSignal;
          if (error instanceof WppError || signal.aborted) throw error;
          throw new WppError('bad_response', `${name}: the answer could not be read (${String(error)})`);
        }
      },
    ]),
  ) as unknown as WppBackend;
  return { ...withSafeTexts(readable, () => secrets), readRows };
}

/** A PostgREST error of a table read as a `WppError`, by its HTTP status (`network` when there was none). */
function readError(
  table: string,
  result: { error: { message?: string } | null; status: number },
  signal: AbortSignal,
): unknown {
  if (signal.aborted) return signal.reason;
  const status = result.status || 0;
  return new WppError(
    status === 0 ? 'network' : errorCodeForStatus(status),
    `Reading ${table} failed${status ? ` (HTTP ${status})` : ''}: ${result.error?.message ?? 'unknown error'}`,
  );
}

function transportError(name: string, error: unknown, signal: AbortSignal): unknown {
  if (signal.aborted) return signal.reason;
  const message = error instanceof Error ? error.message : String(error);
  return new WppError('network', `${name}: ${message || 'request failed'}`, { cause: error });
}

/** Turns a supabase-js functions error into a `WppError`, reading the status and body of HTTP errors. */
async function functionError(name: string, error: unknown, signal: AbortSignal): Promise<unknown> {
  if (signal.aborted) return signal.reason;
  const kind = (error as { name?: string }).name;
  const context = (error as { context?: unknown }).context;
  if (kind === 'FunctionsHttpError' && context instanceof Response) {
    const status = context.status;
    const text = await context.text().catch(() => '');
    let reason: string | undefined;
    try {
      reason = errorText(JSON.parse(text));
    } catch {
      reason = text.trim() === '' ? 'empty body' : describeValue(text);
    }
    return new WppError(
      errorCodeForStatus(status),
      `${name} failed (HTTP ${status}): ${reason ?? 'no reason given'}`,
    );
  }
  if (error instanceof SyntaxError) {
    // supabase-js hands back the parse error of a JSON-typed body that is not JSON (a truncated answer).
    return new WppError('bad_response', `${name} answered with a body that is not valid JSON`);
  }
  if (kind === 'FunctionsRelayError') {
    return new WppError('server', `${name}: the functions relay failed`, { cause: error });
  }
  return transportError(name, error, signal);
}
