import type { SessionRef, StatusResult } from '@wpp-sessions/core';
import { WppError } from '@wpp-sessions/core';
import { errorCodeForStatus } from '@wpp-sessions/core/fetch';
import { normalizeQr, parseSessionList, statusMeaning } from '@wpp-sessions/core/normalize';
import type { ScriptedAnswer, ScriptedCall } from '@wpp-sessions/core/testing';

/**
 * What one backend call does. Calls take outcomes from the script in order (round-robin), so a run is a pure
 * function of its script under fake timers.
 * - `ok`: answers after `latency` ms; `word` is the status word of a status-like answer (any backend's word, or an
 *   unknown one), `qr` the raw QR that comes with it (valid, hostile or oversized);
 * - `http`: an HTTP error status (4xx, 5xx) after `latency`;
 * - `malformed`: a 2xx with a body that is not the contract's (HTML, `null`, wrong shape);
 * - `network`: the request failed without an answer;
 * - `raw`: the backend breaks its contract and rejects with something that is not a `WppError`;
 * - `hang`: never answers; only the caller's abort ends it.
 */
export type Outcome =
  | { kind: 'ok'; word: string; qr: string | null; latency: number }
  | { kind: 'http'; status: number; latency: number }
  | { kind: 'malformed'; body: number; latency: number }
  | { kind: 'network'; latency: number }
  | { kind: 'raw'; value: number; latency: number }
  | { kind: 'hang' };

/** How a saved row looks. */
export type RowShape = 'ok' | 'noAccount' | 'badSettings' | 'inactive' | 'otherProvider' | 'badId';

/** A saved row to start with (or to add behind the library's back). */
export interface RowSpec {
  name: string;
  primary: boolean;
  shape: RowShape;
}

/** How another admin changes a saved row: the list then says something new about a number on screen. */
export type RowEdit = 'rename' | 'break' | 'deactivate' | 'reactivate' | 'primary' | 'duplicate';

/** What every call answers once `settle(mode)` is called: the backend stops following the script. */
export type FinalMode = 'hang' | 'pending' | 'failing';

/** A marker every full API key of this backend carries and no masked key can show. */
export const SECRET_MARKER = 'S3CR3T';

const MALFORMED_BODIES: unknown[] = [
  '<!DOCTYPE html><html><body>502 Bad Gateway</body></html>',
  null,
  { success: false, error: 'upstream exploded' },
  { foo: 1 },
  42,
  '',
  [{ id: 7 }],
];

const RAW_REJECTIONS: unknown[] = [
  new Error(''),
  new TypeError('Failed to fetch'),
  undefined,
  null,
  { status: 500 },
  'plain string',
];

/**
 * Answers the calls of core's scripted backend (`createScriptedBackend` in `@wpp-sessions/core/testing`) from a
 * script of outcomes, over rows in the user's `messenger_integrations` shape with full API keys (so a leak is
 * visible). Rows are read when a list request starts (the server reads, then the answer travels); `create` saves its
 * row when it starts unless the answer is a 4xx or a network failure (the user's wpp-create saves before it waits for
 * the QR); `disconnect` deletes when it starts on a 2xx. Every outcome ends when the caller aborts, as a `fetch` does.
 *
 * @example
 * ```ts
 * const player = createOutcomePlayer({ rows: [{ name: 'A', primary: true, shape: 'ok' }],
 *   outcomes: [{ kind: 'ok', word: 'connected', qr: null, latency: 100 }] });
 * const scripted = createScriptedBackend({ respond: player.respond });
 * const actor = createWppSessions(scripted.backend).start();
 * player.removeNth(0); // another admin deletes the row
 * ```
 */
export function createOutcomePlayer(options: { rows: RowSpec[]; outcomes: Outcome[] }) {
  const rows: Array<Record<string, unknown>> = [];
  let counter = 0;
  let callIndex = 0;
  let mode: FinalMode | null = null;

  function addRow(spec: RowSpec): Record<string, unknown> {
    counter += 1;
    const n = counter;
    const account = String(n).padStart(13, '0');
    const id = `00000000-0000-4000-8000-${n.toString(16).padStart(12, '0')}`;
    const settings: Record<string, unknown> = {
      wppApiKey: `wppk_${n}_${SECRET_MARKER}_${(n * 2654435761).toString(16)}_key${n}`,
      wppAccountNumber: account,
      wppJwtToken: `jwt.${SECRET_MARKER}.${n}`,
    };
    if (spec.shape === 'noAccount') delete settings.wppAccountNumber;
    const row: Record<string, unknown> = {
      id: spec.shape === 'badId' ? `not-a-uuid-${n}` : id,
      organization_id: '00000000-0000-4000-8000-0000000000aa',
      messenger_type: 'whatsapp',
      provider: spec.shape === 'otherProvider' ? 'green_api' : 'wpp',
      name: spec.name,
      is_primary: spec.primary,
      is_active: spec.shape !== 'inactive',
      is_enabled: true,
      webhook_key: `wh_${n}`,
      settings: spec.shape === 'badSettings' ? `{not json ${SECRET_MARKER}` : settings,
      created_at: new Date(Date.UTC(2026, 0, 1, 0, 0, n)).toISOString(),
    };
    rows.push(row);
    return row;
  }

  for (const spec of options.rows) addRow(spec);

  function next(): Outcome {
    if (mode === 'hang') return { kind: 'hang' };
    if (mode === 'failing') return { kind: 'http', status: 503, latency: 10 };
    if (mode === 'pending') return { kind: 'ok', word: 'starting', qr: null, latency: 10 };
    const script = options.outcomes;
    if (script.length === 0) return { kind: 'ok', word: 'connected', qr: null, latency: 0 };
    const outcome = script[callIndex % script.length]!;
    callIndex += 1;
    return outcome;
  }

  function findRow(integrationId: string) {
    return rows.find((row) => row.id === integrationId);
  }

  function removeRow(integrationId: string) {
    const index = rows.findIndex((row) => row.id === integrationId);
    if (index >= 0) rows.splice(index, 1);
  }

  /** Waits out the outcome's latency, then throws its failure, if any; returns the `ok` outcome. */
  async function play(outcome: Outcome, signal: AbortSignal): Promise<Extract<Outcome, { kind: 'ok' }>> {
    await wait(outcome.kind === 'hang' ? Number.POSITIVE_INFINITY : outcome.latency, signal);
    switch (outcome.kind) {
      case 'http':
        throw new WppError(errorCodeForStatus(outcome.status), `scripted HTTP ${outcome.status}`);
      case 'malformed':
        // The real parser meets the body: it must throw a WppError that says what came.
        parseSessionList(MALFORMED_BODIES[outcome.body % MALFORMED_BODIES.length]);
        throw new WppError('bad_response', 'scripted malformed body');
      case 'network':
        throw new WppError('network', 'scripted network failure');
      case 'raw':
        throw RAW_REJECTIONS[outcome.value % RAW_REJECTIONS.length];
      default:
        return outcome as Extract<Outcome, { kind: 'ok' }>;
    }
  }

  function toStatus(outcome: Extract<Outcome, { kind: 'ok' }>): StatusResult {
    const meaning = statusMeaning(outcome.word);
    switch (meaning) {
      case 'connected':
        return { status: 'connected' };
      case 'qr': {
        const qr = normalizeQr(outcome.qr);
        return qr === null
          ? { status: 'pending', detail: 'QR code not ready yet' }
          : { status: 'qr_issued', qr };
      }
      case 'pending':
        return { status: 'pending' };
      case 'disconnected':
        return { status: 'disconnected', detail: 'Account is offline' };
      case 'failed':
        throw new WppError('server', `scripted backend reports "${outcome.word}"`);
      default:
        throw new WppError(
          'bad_response',
          `scripted unknown status ${JSON.stringify(outcome.word).slice(0, 30)}`,
        );
    }
  }

  async function status(outcome: Outcome, ref: SessionRef, signal: AbortSignal): Promise<StatusResult> {
    const exists = findRow(ref.integrationId) !== undefined;
    const ok = await play(outcome, signal);
    if (!exists) throw new WppError('not_found', 'WPP integration not found');
    return toStatus(ok);
  }

  /** One call's answer: takes the next outcome and the rows as the call starts, then plays the outcome. */
  async function respond(call: ScriptedCall): Promise<ScriptedAnswer> {
    const outcome = next();
    const { signal } = call;
    switch (call.operation) {
      case 'listSessions': {
        const snapshot = structuredClone(rows);
        await play(outcome, signal);
        return parseSessionList(snapshot);
      }
      case 'getStatus':
      case 'start':
        return status(outcome, call.ref!, signal);
      case 'getQr': {
        const ok = await play(outcome, signal);
        if (!findRow(call.ref!.integrationId)) throw new WppError('not_found', 'WPP integration not found');
        return normalizeQr(ok.qr);
      }
      case 'create': {
        const saves =
          outcome.kind === 'hang' ||
          outcome.kind === 'ok' ||
          outcome.kind === 'malformed' ||
          (outcome.kind === 'http' && (outcome.status >= 500 || outcome.status === 408));
        const row = saves ? addRow({ name: 'WhatsApp (WPP)', primary: false, shape: 'ok' }) : null;
        const ok = await play(outcome, signal);
        // As the Supabase adapter: the new number's record is read back; a row edited away meanwhile is an error.
        const record = parseSessionList([structuredClone(row)])[0];
        if (!record)
          throw new WppError('bad_response', 'wpp-create reported a number, but no saved row has it');
        return { record, status: toStatus(ok) };
      }
      case 'disconnect':
        if (outcome.kind === 'ok') removeRow(call.ref!.integrationId);
        await play(outcome, signal);
        return;
    }
  }

  return {
    /** The responder to give `createScriptedBackend`. */
    respond,
    /** Stops following the script: from now on every call hangs, answers "starting", or fails with 503. */
    settle(final: FinalMode) {
      mode = final;
    },
    /** Adds a row behind the library's back (another admin). */
    addRow,
    /** Edits the n-th row behind the library's back (another admin): renames, breaks, (de)activates or copies it. */
    editNth(n: number, edit: RowEdit) {
      if (rows.length === 0) return;
      const row = rows[n % rows.length]!;
      if (edit === 'rename') row.name = `<b>renamed</b> ${String(row.name).slice(0, 20)}`;
      else if (edit === 'break') row.settings = { wppApiKey: `wppk_${SECRET_MARKER}_broken` };
      else if (edit === 'deactivate') row.is_active = false;
      else if (edit === 'reactivate') row.is_active = true;
      else if (edit === 'primary') for (const other of rows) other.is_primary = other === row;
      else rows.push(structuredClone(row));
    },
    /** Deletes the n-th row behind the library's back (another admin). Returns its id. */
    removeNth(n: number): string | null {
      if (rows.length === 0) return null;
      const [row] = rows.splice(n % rows.length, 1);
      return String(row!.id);
    },
    /** The rows as stored (full keys included). */
    rows: () => rows,
  };
}

/**
 * Waits `ms` of (fake) time; rejects with the signal's reason when it aborts. `Infinity` waits for the abort.
 *
 * @example
 * ```ts
 * await wait(100, signal);                    // 100 ms later
 * await wait(Number.POSITIVE_INFINITY, signal); // rejects when `signal` aborts
 * ```
 */
export function wait(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(signal.reason);
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
