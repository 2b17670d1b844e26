import * as z from 'zod/mini';
import { WppError } from './backend.errors.js';
import type { SessionRecord } from './backend.port.js';
import { isMaskedPlaceholder, maskApiKey } from './mask.js';
import { scrubSecrets } from './scrub.js';

const DEFAULT_NAME = 'WhatsApp (WPP)';
const MAX_NAME_LENGTH = 200;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const ACCOUNT_NUMBER = /^[A-Za-z0-9_.-]{1,64}$/;
// An early bug left this placeholder in production rows; it blocked every new client (plan@492640ac).
const STALE_ACCOUNT_NUMBERS = new Set(['client_system']);

const rowShape = z.looseObject({
  id: z.string().check(z.regex(UUID, 'is not a uuid')),
  provider: z.optional(z.string()),
  provider_type: z.optional(z.string()),
  messenger_type: z.nullish(z.string()),
  name: z.nullish(z.string()),
  is_primary: z.nullish(z.boolean()),
  is_active: z.nullish(z.boolean()),
  is_enabled: z.nullish(z.boolean()),
  created_at: z.nullish(z.string()),
  settings: z.unknown(),
});

const filled = () => z.string().check(z.trim(), z.minLength(1, 'is empty'));
const settingsShape = z.looseObject({ wppAccountNumber: filled(), wppApiKey: filled() });

/**
 * Reads the saved rows from either source, the `messenger-integrations` function's envelope or a plain table read
 * (an array), and returns the WPP WhatsApp sessions: provider `wpp` (or legacy `provider_type`), messenger type
 * `whatsapp`, active (neither `is_active` nor `is_enabled` is `false`), primary first, then oldest first.
 * A row that cannot be used is kept as a record with `invalid` set, naming the field. Throws `WppError`
 * (`bad_response`) only when the list as a whole cannot be read.
 *
 * @example
 * ```ts
 * parseSessionList({ success: true, integrations: rows }); // SessionRecord[]
 * ```
 */
export function parseSessionList(body: unknown): SessionRecord[] {
  const rows = listRows(body);
  const records: Array<SessionRecord & { order: number }> = [];
  const seen = new Set<string>();
  rows.forEach((row, index) => {
    const record = parseRow(row, index);
    if (record === null) return;
    if (seen.has(record.integrationId)) {
      records.push({
        ...record,
        integrationId: `${record.integrationId}#${index}`,
        invalid: { field: 'id', message: `id ${record.integrationId} appears more than once in the list` },
        order: index,
      });
      return;
    }
    seen.add(record.integrationId);
    records.push({ ...record, order: index });
  });
  // Array.prototype.sort is stable, so rows with equal keys keep the backend's order.
  records.sort(
    (a, b) =>
      Number(b.isPrimary) - Number(a.isPrimary) ||
      compareDates(a.createdAt, b.createdAt) ||
      a.order - b.order,
  );
  return records.map(({ order: _order, ...record }) => record);
}

function listRows(body: unknown): unknown[] {
  if (Array.isArray(body)) return body;
  if (typeof body !== 'object' || body === null) {
    throw new WppError(
      'bad_response',
      `The session list is ${describeValue(body)}, not a JSON object or array`,
    );
  }
  const { success, integrations, error, message } = body as Record<string, unknown>;
  if (success === false || (integrations === undefined && (error !== undefined || message !== undefined))) {
    const text = typeof error === 'string' ? error : typeof message === 'string' ? message : 'request failed';
    throw new WppError('bad_response', `The session list was refused: ${text}`);
  }
  if (integrations === undefined) {
    throw new WppError('bad_response', 'The session list has no "integrations" array');
  }
  if (!Array.isArray(integrations)) {
    throw new WppError(
      'bad_response',
      `The session list's "integrations" is ${describeValue(integrations)}, not an array`,
    );
  }
  return integrations;
}

/** One row → a record, or `null` when the row is not a WPP WhatsApp row or is inactive. */
function parseRow(row: unknown, index: number): SessionRecord | null {
  const fallbackId = `invalid-row-${index}`;
  if (row === null || typeof row !== 'object' || Array.isArray(row)) {
    return invalid(fallbackId, 'row', `row ${index} is ${describeValue(row)}, not an object`);
  }
  const loose = row as Record<string, unknown>;
  const provider = loose.provider ?? loose.provider_type;
  if (provider !== 'wpp') {
    // Other providers (green_api, wappi, …) share the list; a WPP row with a broken provider cannot be told apart.
    return null;
  }
  if (
    loose.messenger_type !== undefined &&
    loose.messenger_type !== null &&
    loose.messenger_type !== 'whatsapp'
  ) {
    return null;
  }
  // Inactive rows are left out before their shape is judged: a switched-off row is not the admin's problem.
  if (loose.is_active === false || loose.is_enabled === false) return null;
  const parsed = rowShape.safeParse(row, { reportInput: true });
  const id = typeof loose.id === 'string' && loose.id !== '' ? loose.id : fallbackId;
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const field = issue.path.join('.') || 'row';
    return invalid(id, field, `${field} ${issueText(issue)}`);
  }
  const data = parsed.data;
  if (data.is_active === false || data.is_enabled === false) return null;

  const base: SessionRecord = {
    integrationId: data.id,
    accountNumber: null,
    name: cleanName(data.name),
    apiKeyMasked: null,
    isPrimary: data.is_primary ?? false,
    createdAt: data.created_at ?? null,
    invalid: null,
  };
  let settings: unknown = data.settings;
  if (typeof settings === 'string') {
    try {
      settings = JSON.parse(settings);
    } catch {
      return { ...base, invalid: { field: 'settings', message: 'settings is text that is not JSON' } };
    }
  }
  const parsedSettings = settingsShape.safeParse(settings ?? {}, { reportInput: true });
  if (!parsedSettings.success) {
    const issue = parsedSettings.error.issues[0]!;
    const field = ['settings', ...issue.path].join('.');
    const looseSettings = (typeof settings === 'object' && settings !== null ? settings : {}) as Record<
      string,
      unknown
    >;
    return {
      ...base,
      accountNumber:
        typeof looseSettings.wppAccountNumber === 'string' ? looseSettings.wppAccountNumber : null,
      apiKeyMasked: maskApiKey(looseSettings.wppApiKey),
      invalid: { field, message: `${field} ${issueText(issue, true)}` },
    };
  }
  const { wppAccountNumber, wppApiKey } = parsedSettings.data;
  const record = { ...base, accountNumber: wppAccountNumber, apiKeyMasked: maskApiKey(wppApiKey) };
  if (isMaskedPlaceholder(wppAccountNumber) || !ACCOUNT_NUMBER.test(wppAccountNumber)) {
    return {
      ...record,
      accountNumber: null,
      invalid: {
        field: 'settings.wppAccountNumber',
        message: 'settings.wppAccountNumber is not a WPP session id',
      },
    };
  }
  if (STALE_ACCOUNT_NUMBERS.has(wppAccountNumber)) {
    return {
      ...record,
      invalid: {
        field: 'settings.wppAccountNumber',
        message: `settings.wppAccountNumber is the stale placeholder "${wppAccountNumber}"`,
      },
    };
  }
  return record;
}

function invalid(id: string, field: string, message: string): SessionRecord {
  return {
    integrationId: id,
    accountNumber: null,
    name: DEFAULT_NAME,
    apiKeyMasked: null,
    isPrimary: false,
    createdAt: null,
    invalid: { field, message },
  };
}

/** An issue as words; `secret` fields (settings may hold keys) name the wrong value's type, never the value. */
function issueText(issue: z.core.$ZodIssue, secret = false): string {
  if (issue.code === 'invalid_type' && secret && issue.input !== undefined) {
    const input = issue.input;
    return `should be ${issue.expected}, got ${input === null ? 'null' : Array.isArray(input) ? 'an array' : typeof input}`;
  }
  if (issue.code === 'invalid_type') {
    return issue.input === undefined
      ? 'is missing'
      : `should be ${issue.expected}, got ${describeValue(issue.input)}`;
  }
  return issue.message;
}

function cleanName(name: string | null | undefined): string {
  const trimmed = (name ?? '').trim();
  if (trimmed === '') return DEFAULT_NAME;
  return trimmed.length > MAX_NAME_LENGTH ? `${trimmed.slice(0, MAX_NAME_LENGTH)}…` : trimmed;
}

function compareDates(a: string | null, b: string | null): number {
  const ta = a === null ? Number.POSITIVE_INFINITY : Date.parse(a);
  const tb = b === null ? Number.POSITIVE_INFINITY : Date.parse(b);
  const na = Number.isNaN(ta) ? Number.POSITIVE_INFINITY : ta;
  const nb = Number.isNaN(tb) ? Number.POSITIVE_INFINITY : tb;
  return na === nb ? 0 : na < nb ? -1 : 1;
}

/** A short, secret-free description of a value for error messages. */
export function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'string') {
    if (value.trim() === '') return 'an empty body';
    // Scrubbed before it is cut: a key cut in half no longer looks like one.
    return value.trim().startsWith('<') ? 'an HTML page' : `text "${scrubSecrets(value).slice(0, 40)}"`;
  }
  return typeof value === 'object' ? 'an object' : `${typeof value} ${String(value)}`;
}

// Settings keys that hold secrets in the user's rows (`wppApiKey`, `wppJwtToken`, …), and the row's webhook key.
const SECRET_KEY = /key|token|secret|jwt|password/i;

/**
 * Adds every secret of raw rows (a table read: `settings` values whose key names a key, token or secret, and
 * `webhook_key`) to `into`, so an adapter can scrub them from texts it hands out. Ignores anything else.
 */
export function collectSecrets(rows: unknown, into: Set<string>): void {
  if (!Array.isArray(rows)) return;
  for (const row of rows) {
    if (typeof row !== 'object' || row === null) continue;
    const { settings, webhook_key } = row as Record<string, unknown>;
    if (typeof webhook_key === 'string') into.add(webhook_key);
    if (typeof settings !== 'object' || settings === null) continue;
    for (const [key, value] of Object.entries(settings)) {
      if (SECRET_KEY.test(key) && typeof value === 'string' && !isMaskedPlaceholder(value)) into.add(value);
    }
  }
}
