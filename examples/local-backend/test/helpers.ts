import { createClient, type SupabaseClient, type SupabaseClientOptions } from '@supabase/supabase-js';
import WebSocket from 'ws';
import type { LocalBackend } from '../src/index.js';

type RealtimeTransport = NonNullable<NonNullable<SupabaseClientOptions<'public'>['realtime']>['transport']>;

/** A raw HTTP answer. */
export interface Answer {
  status: number;
  headers: Headers;
  /** Parsed JSON when the body is JSON, else the text. */
  body: unknown;
  text: string;
}

/**
 * One raw request to the backend (no supabase-js), to check exact statuses and bodies. It carries the backend's
 * anon key as `apikey`, as supabase-js does, unless `apikey` says otherwise (`null`: none).
 */
export async function call(
  backend: { url: string; anonKey?: string },
  method: string,
  path: string,
  options: {
    token?: string | null;
    apikey?: string | null;
    body?: unknown;
    rawBody?: string | Uint8Array<ArrayBuffer>;
    headers?: Record<string, string>;
  } = {},
): Promise<Answer> {
  const headers: Record<string, string> = {};
  const apikey = options.apikey === undefined ? backend.anonKey : options.apikey;
  if (apikey) headers.apikey = apikey;
  Object.assign(headers, options.headers);
  if (options.token) headers.Authorization = `Bearer ${options.token}`;
  let body: string | Uint8Array<ArrayBuffer> | undefined;
  if (options.rawBody !== undefined) body = options.rawBody;
  else if (options.body !== undefined) body = JSON.stringify(options.body);
  if (body !== undefined && !Object.keys(headers).some((key) => key.toLowerCase() === 'content-type')) {
    headers['Content-Type'] = 'application/json';
  }
  const response = await fetch(`${backend.url}${path}`, { method, headers, body });
  const text = await response.text();
  let parsed: unknown = text;
  try {
    parsed = JSON.parse(text);
  } catch {
    // not JSON: keep the text
  }
  return { status: response.status, headers: response.headers, body: parsed, text };
}

/** A supabase-js client signed in with a user token, as the admin panel builds it. */
export function supabaseFor(url: string, anonKey: string, token: string): SupabaseClient {
  return createClient(url, anonKey, {
    accessToken: async () => token,
    auth: { persistSession: false, autoRefreshToken: false },
    // supabase-js needs a WebSocket transport on Node 20, even when realtime is never used.
    realtime: { transport: WebSocket as unknown as RealtimeTransport },
  });
}

/** The two seeded organizations of a backend, A first. */
export function orgs(backend: LocalBackend) {
  const a = backend.organizations.find((org) => org.name === 'Академия А');
  const b = backend.organizations.find((org) => org.name === 'Академия Б');
  if (!a || !b) throw new Error('seeded organizations missing');
  return { a, b };
}

/** Creates a new number for an organization over HTTP; returns the wpp-create body. */
export async function createNumber(backend: { url: string; anonKey: string }, token: string) {
  const answer = await call(backend, 'POST', '/functions/v1/wpp-create', { token, body: { add_new: true } });
  if (answer.status !== 200) throw new Error(`wpp-create failed: ${answer.status} ${answer.text}`);
  return answer.body as {
    success: true;
    session: string;
    apiKey: string;
    status: string;
    qrcode?: string;
    integration_id: string;
  };
}

/** The full API key of a row, read as postgres (what never may leave the adapter). */
export async function fullApiKey(backend: LocalBackend, integrationId: string): Promise<string> {
  const { rows } = await backend.db.query<{ key: string }>(
    `select settings ->> 'wppApiKey' as key from public.messenger_integrations where id = $1`,
    [integrationId],
  );
  const key = rows[0]?.key;
  if (!key) throw new Error(`no key for ${integrationId}`);
  return key;
}
