import { WppError, type WppErrorCode } from '../backend/backend.errors.js';
import type {
  CreateResult,
  LastKnownStatus,
  SessionRecord,
  SessionRef,
  StatusResult,
  WppBackend,
} from '../backend/backend.port.js';
import { normalizeQr, type QrValue } from '../backend/qr.js';
import { parseSessionList } from '../backend/records.js';
import { KnownSecrets } from '../backend/scrub.js';
import { withSafeTexts } from '../backend/secrets.js';
import { checkSessionName } from '../supabase/session.name.js';
import { createSimulatedPlatform, type SimulatedPlatformOptions } from './simulated.platform.js';

/** The backend operations, as counted and faulted by the simulated backend. */
export type SimulatedOperation = Exclude<keyof WppBackend, 'readRows'>;

/** What one simulated call does instead of answering normally. */
export type SimulatedFault =
  | { kind: 'error'; code: WppErrorCode; message?: string }
  | { kind: 'malformed' }
  | { kind: 'hang' };

/** Options of `createSimulatedBackend`. */
export interface SimulatedBackendOptions extends SimulatedPlatformOptions {
  /** Latency of every call in ms, or a function of the operation. @default 0 */
  latency?: number | ((operation: SimulatedOperation, ref: SessionRef | null) => number);
  /**
   * Decides a fault for a call, or `null` for a normal answer. Called once per call, before the latency.
   * @default () => null
   */
  fault?: (operation: SimulatedOperation, ref: SessionRef | null) => SimulatedFault | null;
  /** Numbers saved before the first call, by their state. @default [] */
  sessions?: Array<{ state: 'connected' | 'offline' | 'qr'; name?: string }>;
  /** Rows saved as they are, valid or not (for tests of invalid records). @default [] */
  rawRows?: unknown[];
  /**
   * Gives the backend `lastKnown`: the simulated `whatsapp_sessions`, answered from the platform's state at the
   * call, with chosen rows stale or missing. Without this option the backend has no `lastKnown`, as before.
   */
  lastKnown?: SimulatedLastKnownOptions;
}

/**
 * Which saved statuses `lastKnown` gets wrong. A number is a fraction of the listed numbers (0 to 1), spread evenly
 * over them in list order (0.2: every fifth); a function picks by account number and list index.
 */
export interface SimulatedLastKnownOptions {
  /**
   * Numbers whose saved status differs from the live one: `disconnected` for a live `connected`, else `connected`
   * (a drop or a scan since the row was written). @default 0
   */
  stale?: number | ((accountNumber: string, index: number) => boolean);
  /** Numbers without a saved row (never checked). @default 0 */
  missing?: number | ((accountNumber: string, index: number) => boolean);
  /** How long before the call every row was written (ms), for `at`. @default 60_000 */
  ageMs?: number;
}

/** Counters the simulated backend keeps, for tests and benchmarks. */
export interface SimulatedStats {
  /** Calls started, by operation (`lastKnown` stays 0 without its option). */
  calls: Record<SimulatedOperation, number>;
  /** Calls in flight right now, by integration id (`create` counts under `'create'`). */
  inFlight: Record<string, number>;
  /** The most calls ever in flight at once for one integration id (`create` under `'create'`). */
  maxInFlight: Record<string, number>;
  /** The most calls in flight at once over all sessions. */
  maxInFlightTotal: number;
}

const ORGANIZATION_ID = '00000000-0000-4000-8000-0000000000aa';

/**
 * An in-memory `WppBackend` for tests, demos and benchmarks: deterministic, with configurable latency and faults,
 * QRs that rotate and expire, `scan()` to link a number and `drop()` to take one offline. Rows are kept in the
 * user's `messenger_integrations` shape and read through the same parser as the Supabase adapter.
 *
 * @example
 * ```ts
 * const backend = createSimulatedBackend({ latency: 100, sessions: [{ state: 'connected' }] });
 * const [record] = await backend.listSessions(new AbortController().signal);
 * backend.drop(record.integrationId);   // the next status check says disconnected
 *
 * // Saved statuses (the user's whatsapp_sessions), every fifth one wrong, for a "last known" first paint:
 * const saved = createSimulatedBackend({ sessions, lastKnown: { stale: 0.2, ageMs: 300_000 } });
 * await saved.lastKnown!(signal); // [{ accountNumber, status, at }, …]
 * ```
 */
export function createSimulatedBackend(options: SimulatedBackendOptions = {}) {
  const platform = createSimulatedPlatform(options);
  const now = options.now ?? (() => Date.now());
  const rows: Array<Record<string, unknown>> = [];
  // Indexes of `rows`, so a thousand numbers cost a thousand lookups, not a million: by id, and the keys it holds
  // (its texts are scrubbed of them, as a real adapter's are).
  const byId = new Map<unknown, Record<string, unknown>>();
  const keys = new KnownSecrets();
  const keyOf = (row: Record<string, unknown>) => {
    const key = (row.settings as { wppApiKey?: unknown } | null)?.wppApiKey;
    return typeof key === 'string' ? key : null;
  };
  function add(row: Record<string, unknown>): void {
    rows.push(row);
    if (!byId.has(row.id)) byId.set(row.id, row);
    const key = keyOf(row);
    if (key !== null) keys.add(key);
  }
  function removeAt(index: number): Record<string, unknown> {
    const [row] = rows.splice(index, 1);
    if (byId.get(row!.id) === row) byId.delete(row!.id);
    const key = keyOf(row!);
    if (key !== null && !rows.some((other) => keyOf(other) === key)) keys.delete(key);
    return row!;
  }
  let ids = 0;
  const stats: SimulatedStats = {
    calls: {
      listSessions: 0,
      getStatus: 0,
      getQr: 0,
      create: 0,
      start: 0,
      disconnect: 0,
      forget: 0,
      rename: 0,
      lastKnown: 0,
    },
    inFlight: {},
    maxInFlight: {},
    maxInFlightTotal: 0,
  };
  let total = 0;

  function nextId(): string {
    ids += 1;
    return `00000000-0000-4000-8000-${ids.toString(16).padStart(12, '0')}`;
  }

  function insert(name: string): Record<string, unknown> {
    const { accountNumber, apiKey } = platform.createAccount();
    const row: Record<string, unknown> = {
      id: nextId(),
      organization_id: ORGANIZATION_ID,
      messenger_type: 'whatsapp',
      provider: 'wpp',
      name,
      is_primary: !rows.some((r) => r.is_primary === true),
      is_active: true,
      is_enabled: true,
      webhook_key: `wh_${accountNumber}`,
      settings: { wppApiKey: apiKey, wppAccountNumber: accountNumber },
      created_at: new Date(now() + ids).toISOString(),
    };
    add(row);
    return row;
  }

  for (const seed of options.sessions ?? []) {
    const row = insert(seed.name ?? 'WhatsApp (WPP)');
    const account = accountOf(row);
    if (seed.state !== 'offline') platform.start(account);
    if (seed.state === 'connected') platform.scan(account);
  }
  for (const raw of options.rawRows ?? []) add(raw as Record<string, unknown>);

  function accountOf(row: Record<string, unknown>): string {
    return (row.settings as { wppAccountNumber: string }).wppAccountNumber;
  }

  function findRow(idOrAccount: string): Record<string, unknown> | undefined {
    return (
      byId.get(idOrAccount) ??
      rows.find(
        (row) => typeof row.settings === 'object' && row.settings !== null && accountOf(row) === idOrAccount,
      )
    );
  }

  function rowFor(ref: SessionRef): Record<string, unknown> {
    const row = byId.get(ref.integrationId);
    if (!row) throw new WppError('not_found', 'WPP integration not found');
    const settings = row.settings as { wppAccountNumber?: unknown } | undefined;
    if (typeof settings?.wppAccountNumber !== 'string') {
      throw new WppError('bad_request', 'wppApiKey or wppAccountNumber not configured');
    }
    return row;
  }

  /** Runs one call: counts it, applies its fault and latency, honours the signal. */
  async function call<T>(
    operation: SimulatedOperation,
    ref: SessionRef | null,
    signal: AbortSignal,
    answer: () => T,
  ): Promise<T> {
    const key = ref !== null ? ref.integrationId : operation === 'listSessions' ? 'list' : operation;
    stats.calls[operation] += 1;
    stats.inFlight[key] = (stats.inFlight[key] ?? 0) + 1;
    stats.maxInFlight[key] = Math.max(stats.maxInFlight[key] ?? 0, stats.inFlight[key]!);
    total += 1;
    stats.maxInFlightTotal = Math.max(stats.maxInFlightTotal, total);
    try {
      const fault = options.fault?.(operation, ref) ?? null;
      const latency =
        typeof options.latency === 'function' ? options.latency(operation, ref) : (options.latency ?? 0);
      await sleep(fault?.kind === 'hang' ? Number.POSITIVE_INFINITY : latency, signal);
      if (fault?.kind === 'error') throw new WppError(fault.code, fault.message ?? `simulated ${fault.code}`);
      if (fault?.kind === 'malformed') {
        throw new WppError('bad_response', `simulated malformed body from ${operation}`);
      }
      return answer();
    } finally {
      stats.inFlight[key]! -= 1;
      total -= 1;
    }
  }

  function toStatus(accountNumber: string): StatusResult {
    const { state, qr } = platform.status(accountNumber);
    if (state === 'connected') return { status: 'connected' };
    if (state === 'offline') return { status: 'disconnected', detail: 'Account is offline' };
    if (state === 'starting' || qr === null) return { status: 'pending', detail: 'QR code not ready yet' };
    return { status: 'qr_issued', qr: normalizeQr(qr) as QrValue };
  }

  // The simulated whatsapp_sessions: one row per listed number, as the platform has it now, some made wrong.
  function savedStatuses(settings: SimulatedLastKnownOptions): LastKnownStatus[] {
    const at = now() - (settings.ageMs ?? 60_000);
    const records = parseSessionList(structuredClone(rows)).filter(
      (record) => record.invalid === null && record.accountNumber !== null,
    );
    return records.flatMap((record, index): LastKnownStatus[] => {
      const account = record.accountNumber!;
      if (picks(settings.missing, account, index)) return [];
      const state = platform.status(account).state;
      const live: LastKnownStatus['status'] =
        state === 'connected'
          ? 'connected'
          : state === 'qr'
            ? 'qr_issued'
            : state === 'starting'
              ? 'pending'
              : 'disconnected';
      const stale = picks(settings.stale, account, index);
      const status = stale ? (live === 'connected' ? 'disconnected' : 'connected') : live;
      return [{ accountNumber: account, status, at }];
    });
  }

  const backend: WppBackend = {
    listSessions: (signal) =>
      call('listSessions', null, signal, () => parseSessionList(structuredClone(rows))),
    getStatus: (ref, signal) => call('getStatus', ref, signal, () => toStatus(accountOf(rowFor(ref)))),
    getQr: (ref, signal) =>
      call('getQr', ref, signal, () => normalizeQr(platform.qr(accountOf(rowFor(ref))))),
    start: (ref, signal) =>
      call('start', ref, signal, () => {
        const account = accountOf(rowFor(ref));
        platform.start(account);
        return toStatus(account);
      }),
    // As the user's wpp-create: `add_new` inserts a number; `{}` and `force_recreate` act on the organization's one
    // row (reconnect it, or give it a new key and a new QR), or insert it when there is none.
    create: (params, signal) =>
      call('create', null, signal, (): CreateResult => {
        const own = rows.length === 1 ? rows[0] : undefined;
        const row = !params.addNew && own ? own : insert('WhatsApp (WPP)');
        if (row === own && params.forceRecreate) {
          const settings = row.settings as Record<string, unknown>;
          platform.drop(accountOf(row));
          const key = `${String(settings.wppApiKey)}-recreated`;
          keys.delete(String(settings.wppApiKey));
          settings.wppApiKey = key;
          keys.add(key);
        }
        platform.start(accountOf(row));
        const record = parseSessionList([structuredClone(row)])[0] as SessionRecord;
        return { record, status: toStatus(accountOf(row)) };
      }),
    disconnect: (ref, signal) =>
      call('disconnect', ref, signal, () => {
        const index = rows.indexOf(byId.get(ref.integrationId)!);
        if (index < 0) return; // already gone: what the admin asked for
        const row = removeAt(index);
        if (typeof row.settings === 'object' && row.settings !== null) platform.stop(accountOf(row));
      }),
    forget: (ref, signal) =>
      call('forget', ref, signal, () => {
        const index = rows.indexOf(byId.get(ref.integrationId)!);
        if (index >= 0) removeAt(index);
      }),
    // As messenger-integrations PUT `{ id, name }`: the name checked and trimmed before the call is sent.
    rename: async (ref, name, signal) => {
      const clean = checkSessionName(name);
      return call('rename', ref, signal, () => {
        const row = byId.get(ref.integrationId);
        if (!row) throw new WppError('not_found', 'Integration not found');
        row.name = clean;
        const [record] = parseSessionList([structuredClone(row)]);
        if (!record) throw new WppError('not_found', 'Integration not found');
        return record;
      });
    },
    ...(options.lastKnown && {
      lastKnown: (signal: AbortSignal) =>
        call('lastKnown', null, signal, () => savedStatuses(options.lastKnown!)),
    }),
  };
  return {
    // Its texts are scrubbed like a real adapter's, of the keys it holds too.
    ...withSafeTexts(backend, () => keys),
    /** Reads rows as `listSessions` does (for a collection fed by the app's own query). */
    readRows: parseSessionList,
    /** Scans the current QR of a number (by integration id or account number). Returns whether it linked. */
    scan(idOrAccount: string): boolean {
      const row = findRow(idOrAccount);
      return row ? platform.scan(accountOf(row)) : false;
    },
    /** Takes a number offline (by integration id or account number). */
    drop(idOrAccount: string): boolean {
      const row = findRow(idOrAccount);
      return row ? platform.drop(accountOf(row)) : false;
    },
    /** The current QR payload of a number, as the platform issued it (for tests that decode the drawn QR). */
    currentQr(idOrAccount: string): string | null {
      const row = findRow(idOrAccount);
      return row ? platform.qr(accountOf(row)) : null;
    },
    /** Removes a row behind the library's back, as another admin would. */
    removeRow(idOrAccount: string): boolean {
      const row = findRow(idOrAccount);
      if (!row) return false;
      removeAt(rows.indexOf(row));
      return true;
    },
    /** The saved rows as the table holds them, keys included (what an app's own query would fetch). */
    savedRows(): Array<Record<string, unknown>> {
      return structuredClone(rows);
    },
    /** Call counters and in-flight maxima. */
    stats(): SimulatedStats {
      return structuredClone(stats);
    },
  };
}

/** The simulated backend: a `WppBackend` plus `scan`, `drop`, `currentQr`, `removeRow` and `stats`. */
export type SimulatedBackend = ReturnType<typeof createSimulatedBackend>;

/** Whether a fraction (spread evenly over the indexes) or a predicate picks this number. */
function picks(
  rule: number | ((accountNumber: string, index: number) => boolean) | undefined,
  accountNumber: string,
  index: number,
): boolean {
  if (typeof rule === 'function') return rule(accountNumber, index);
  const fraction = Math.min(1, Math.max(0, rule ?? 0));
  return Math.floor((index + 1) * fraction) > Math.floor(index * fraction);
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(signal.reason);
    if (ms <= 0) return resolve();
    const onAbort = () => {
      if (timer !== undefined) clearTimeout(timer);
      reject(signal.reason);
    };
    const timer = Number.isFinite(ms)
      ? setTimeout(() => {
          signal.removeEventListener('abort', onAbort);
          resolve();
        }, ms)
      : undefined;
    signal.addEventListener('abort', onAbort, { once: true });
  });
}
