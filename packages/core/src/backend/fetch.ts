import type { SupabaseClient } from '@supabase/supabase-js';
import { createSupabaseBackend, type SupabaseBackendOptions } from '../supabase/supabase.backend.js';
import { errorText } from '../supabase/supabase.responses.js';
import { errorCodeForStatus, WppError } from './backend.errors.js';
import type { WppBackend } from './backend.port.js';
import { describeValue } from './records.js';

/**
 * A `fetch`-like function: `globalThis.fetch`, or the app's own helper as long as it answers a `Response` (or
 * something with `ok`, `status` and `text()`), passes `signal` on and does not throw on HTTP errors.
 */
export type FetchLike = (
  url: string,
  init: { method: string; headers: Record<string, string>; body?: string; signal: AbortSignal },
) => Promise<Pick<Response, 'ok' | 'status' | 'text'>>;

/** Options of `createFetchBackend`. */
export interface FetchBackendOptions
  extends Pick<SupabaseBackendOptions, 'listFunction' | 'functions' | 'forceStatus'> {
  /** Where the functions live, without a trailing slash: `${SUPABASE_URL}/functions/v1`. */
  url: string;
  /**
   * Headers of every request (`Authorization: Bearer <access token>`, `apikey: <anon key>`), or a function that
   * returns them before each request, so a refreshed token is used. `Content-Type` is set for JSON bodies.
   */
  headers?: Record<string, string> | (() => Record<string, string> | Promise<Record<string, string>>);
  /** The `fetch` to send with. It must not retry by itself: `wpp-create` must be sent once. @default globalThis.fetch */
  fetch?: FetchLike;
}

/**
 * A `WppBackend` over any `fetch`, for the user's `messenger-integrations` and `wpp-*` functions without
 * supabase-js: the same calls, answers, validation and error codes as `createSupabaseBackend` (it is that adapter,
 * with `fetch` as its transport). Every request carries `signal`; nothing is retried here (the machines own
 * retries, and `create` is sent exactly once). Texts are scrubbed of keys and JWTs, as every backend's are again by
 * `createSessionsMachine`.
 *
 * @example
 * ```ts
 * import { createWppSessions } from '@wpp-sessions/core';
 * import { createFetchBackend } from '@wpp-sessions/core/fetch';
 *
 * const backend = createFetchBackend({
 *   url: 'https://api.example.com/functions/v1',
 *   headers: async () => ({ Authorization: `Bearer ${await getAccessToken()}`, apikey: ANON_KEY }),
 * });
 * const actor = createWppSessions(backend).start();
 * ```
 */
export function createFetchBackend(options: FetchBackendOptions): WppBackend {
  if (typeof options.url !== 'string' || options.url === '') {
    throw new TypeError(
      'createFetchBackend: options.url is required, e.g. "https://<project>.supabase.co/functions/v1"',
    );
  }
  const base = options.url.replace(/\/+$/, '');
  const send: FetchLike = options.fetch ?? ((url, init) => globalThis.fetch(url, init));
  const headersOf = async (): Promise<Record<string, string>> =>
    typeof options.headers === 'function' ? await options.headers() : { ...options.headers };

  // The part of supabase-js's `functions.invoke` the Supabase adapter uses: `{ data }` for a 2xx (JSON, or the raw
  // text for the adapter to refuse), `{ error }` shaped as supabase-js's HTTP and parse errors, a throw for a
  // failed request. The adapter then reads answers exactly as it reads supabase-js's.
  async function invoke(
    name: string,
    init: { method: string; body?: Record<string, unknown>; signal: AbortSignal },
  ): Promise<{ data: unknown; error: unknown }> {
    const headers = await headersOf();
    if (init.body !== undefined) headers['Content-Type'] = 'application/json';
    const response = await send(`${base}/${name}`, {
      method: init.method,
      headers,
      ...(init.body !== undefined && { body: JSON.stringify(init.body) }),
      signal: init.signal,
    });
    const text = await response.text();
    if (!response.ok) {
      const context = new Response(text, { status: response.status });
      return { data: null, error: { name: 'FunctionsHttpError', context } };
    }
    if (text.trim() === '') return { data: '', error: null };
    try {
      return { data: JSON.parse(text), error: null };
    } catch (error) {
      // Text that starts like JSON is a broken JSON answer; anything else (HTML, plain text) is named by the adapter.
      if (!/^\s*[[{]/.test(text)) return { data: text, error: null };
      return { data: null, error: error instanceof SyntaxError ? error : new SyntaxError(String(error)) };
    }
  }

  const client = { functions: { invoke } };
  // Only `functions.invoke` is reached: `source: 'table'` (the one path that uses `from`) is never set here.
  return createSupabaseBackend(client as unknown as SupabaseClient, {
    source: 'function',
    ...(options.listFunction !== undefined && { listFunction: options.listFunction }),
    ...(options.functions !== undefined && { functions: options.functions }),
    ...(options.forceStatus !== undefined && { forceStatus: options.forceStatus }),
  });
}

/**
 * Reads a `fetch` answer of any endpoint as JSON, or throws the `WppError` the answer stands for: an HTTP error is
 * its code (`errorCodeForStatus`) with the body's reason (`{ error }`, `{ error: { message } }` or `{ message }`);
 * a 2xx body that is empty, HTML, plain text or broken JSON is `bad_response`, naming what came. For a backend of
 * your own over `fetch`; `name` starts every message.
 *
 * @example
 * ```ts
 * const response = await fetch(`${base}/wpp-status`, { method: 'POST', headers, body, signal });
 * const body = await readResponse('wpp-status', response); // 401 → WppError('unauthorized', 'wpp-status failed (HTTP 401): Invalid token')
 * ```
 */
export async function readResponse(
  name: string,
  response: Pick<Response, 'ok' | 'status' | 'text'>,
): Promise<unknown> {
  const text = await response.text();
  let body: unknown;
  let parsed = true;
  try {
    body = JSON.parse(text);
  } catch {
    parsed = false;
  }
  if (!response.ok) {
    const reason = parsed ? errorText(body) : text.trim() === '' ? 'empty body' : describeValue(text);
    throw new WppError(
      errorCodeForStatus(response.status),
      `${name} failed (HTTP ${response.status}): ${reason ?? 'no reason given'}`,
    );
  }
  if (parsed) return body;
  if (/^\s*[[{]/.test(text))
    throw new WppError('bad_response', `${name} answered with a body that is not valid JSON`);
  throw new WppError('bad_response', `${name} answered with ${describeValue(text)} instead of JSON`);
}

/**
 * What a `fetch` that threw stands for: the caller's abort reason when `signal` is aborted (pass it on untouched:
 * the machine left the state that asked), else a retryable `network` error naming `name`.
 *
 * @example
 * ```ts
 * let response: Response;
 * try {
 *   response = await fetch(url, { signal });
 * } catch (error) {
 *   throw requestFailure('wpp-status', error, signal);
 * }
 * ```
 */
export function requestFailure(name: string, error: unknown, signal: AbortSignal): unknown {
  if (signal.aborted) return signal.reason;
  const message = error instanceof Error ? error.message : String(error);
  return new WppError('network', `${name}: ${message || 'request failed'}`, { cause: error });
}
