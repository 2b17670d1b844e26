import type { IncomingHttpHeaders } from 'node:http';
import { verifyToken } from '../auth/auth.js';
import { CORS_HEADERS, json, parseJsonBody, type Reply } from './http.js';

// What Supabase's API gateway does in front of a project, plus the guards a server on a developer's loopback
// needs against the pages of their open browser: a Host check (DNS rebinding), an Origin allowlist (CORS), the
// `apikey` on every route, and a refusal of bytes Postgres cannot store. See the README's "Security" section.

/**
 * Normalizes an origin the way browsers write the `Origin` header (`scheme://host[:port]`, no path). Throws on
 * something that is not an http(s) origin; `null` (sandboxed frames, `file:`) is never an allowed origin.
 *
 * @example
 * ```ts
 * normalizeOrigin('http://127.0.0.1:5173/'); // 'http://127.0.0.1:5173'
 * normalizeOrigin('*');                      // throws
 * ```
 */
export function normalizeOrigin(value: string): string {
  let url: URL;
  try {
    url = new URL(value.trim());
  } catch {
    throw new Error(`not an origin: "${value}" (write it as http://host:port)`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new Error(`not an http(s) origin: "${value}"`);
  }
  return url.origin;
}

/**
 * The CORS headers of an answer to an allowed origin: that origin (never `*`), `Vary: Origin`, and the headers and
 * methods supabase-js uses.
 *
 * @example
 * ```ts
 * corsHeaders('http://127.0.0.1:5173')['Access-Control-Allow-Origin']; // 'http://127.0.0.1:5173'
 * ```
 */
export function corsHeaders(origin: string): Record<string, string> {
  return { ...CORS_HEADERS, 'Access-Control-Allow-Origin': origin, Vary: 'Origin' };
}

/**
 * The `Host` values a loopback server on `port` answers: `127.0.0.1:<port>` and `localhost:<port>`. Anything else
 * means the browser reached 127.0.0.1 under a foreign name (DNS rebinding) and is refused.
 *
 * @example
 * ```ts
 * loopbackHosts(54321).has('localhost:54321'); // true
 * ```
 */
export function loopbackHosts(port: number): ReadonlySet<string> {
  return new Set([`127.0.0.1:${port}`, `localhost:${port}`]);
}

function header(headers: IncomingHttpHeaders, name: string): string | null {
  const value = headers[name];
  const first = Array.isArray(value) ? value[0] : value;
  return first === undefined ? null : first;
}

/** The outcome of the Host and Origin checks: a refusal, or the CORS headers to answer with. */
export type OriginCheck = { refusal: Reply } | { cors: Record<string, string> };

/**
 * Checks `Host` (a loopback name with the server's port) and `Origin` (absent, or one of `allowedOrigins`). A
 * request without `Origin` is not a cross-origin browser request (curl, Node, a same-origin GET), unless the
 * browser marked it `Sec-Fetch-Site: cross-site` (e.g. a `<script src>` or `<img>` of a foreign page): refused.
 * Refusals are `403 { message }` without any CORS header, so the browser shows the foreign page nothing.
 *
 * @example
 * ```ts
 * const check = checkHostAndOrigin(req.headers, 54321, new Set(['http://127.0.0.1:5173']));
 * if ('refusal' in check) return check.refusal;
 * ```
 */
export function checkHostAndOrigin(
  headers: IncomingHttpHeaders,
  port: number,
  allowedOrigins: ReadonlySet<string>,
): OriginCheck {
  const host = (header(headers, 'host') ?? '').toLowerCase();
  if (!loopbackHosts(port).has(host)) {
    return {
      refusal: json(403, {
        message: `Host not allowed: "${host}". The local backend answers only 127.0.0.1:${port} and localhost:${port}`,
      }),
    };
  }
  const origin = header(headers, 'origin');
  if (origin !== null) {
    if (!allowedOrigins.has(origin)) {
      return {
        refusal: json(403, {
          message: `Origin not allowed: ${origin}. Add it to ALLOWED_ORIGINS (or the allowedOrigins option)`,
        }),
      };
    }
    return { cors: corsHeaders(origin) };
  }
  if (header(headers, 'sec-fetch-site') === 'cross-site') {
    return { refusal: json(403, { message: 'Cross-site request without an allowed Origin' }) };
  }
  return { cors: {} };
}

/**
 * Checks the `apikey` header (or `?apikey=`, as Supabase's gateway also accepts) on every route: it must be this
 * server's anon key (a valid, unexpired token with role `anon`). Returns the gateway's `401 { message }`, or
 * `null` when the key is good.
 *
 * @example
 * ```ts
 * const refusal = await checkApiKey(secret, req.headers, url.searchParams);
 * if (refusal) return refusal;
 * ```
 */
export async function checkApiKey(
  secret: string,
  headers: IncomingHttpHeaders,
  query: URLSearchParams,
): Promise<Reply | null> {
  const key = header(headers, 'apikey') ?? query.get('apikey');
  if (key === null || key.trim() === '') return json(401, { message: 'No API key found in request' });
  const result = await verifyToken(secret, key.trim());
  if (result.kind !== 'ok' || result.claims.role !== 'anon') return json(401, { message: 'Invalid API key' });
  return null;
}

function hasNul(value: unknown): boolean {
  if (typeof value === 'string') return value.includes('\u0000');
  if (Array.isArray(value)) return value.some(hasNul);
  if (typeof value === 'object' && value !== null) {
    return Object.entries(value).some(([key, inner]) => key.includes('\u0000') || hasNul(inner));
  }
  return false;
}

/**
 * Finds input Postgres would refuse or silently change: a NUL byte (raw or `%00` in the URL, raw or `\u0000` in
 * a JSON body) or a query string whose percent-escapes are malformed or not UTF-8. Returns what is wrong, or
 * `null`. (A body that is not UTF-8 is caught while it is read.)
 *
 * @example
 * ```ts
 * findBadInput('/functions/v1/wpp-qr?session=a%00b', ''); // 'NUL bytes (\u0000) are not accepted in the URL'
 * findBadInput('/rest/v1/messenger_integrations?select=*', ''); // null
 * ```
 */
export function findBadInput(rawUrl: string, bodyText: string): string | null {
  if (rawUrl.includes('\u0000') || /%00/i.test(rawUrl))
    return 'NUL bytes (\\u0000) are not accepted in the URL';
  const query = rawUrl.includes('?') ? rawUrl.slice(rawUrl.indexOf('?') + 1) : '';
  for (const part of query.split(/[&=]/)) {
    try {
      decodeURIComponent(part.replace(/\+/g, ' '));
    } catch {
      return 'The query string has a malformed percent-escape or bytes that are not UTF-8';
    }
  }
  if (bodyText.includes('\u0000') || hasNul(parseJsonBody(bodyText))) {
    return 'NUL bytes (\\u0000) are not accepted in the body';
  }
  return null;
}

/**
 * A 400 for bad input in the envelope of the route family: PostgREST's `{code, details, hint, message}` under
 * `/rest/v1/`, `{success:false, error}` for the functions (`{error}` for `wpp-disconnect` and `/dev/`), else
 * `{message}` as the gateway.
 *
 * @example
 * ```ts
 * badInput('/rest/v1/messenger_integrations', 'NUL bytes …'); // 400 { code: 'PGRST100', … }
 * ```
 */
export function badInput(pathname: string, message: string): Reply {
  if (pathname.startsWith('/rest/v1')) {
    return json(400, { code: 'PGRST100', details: null, hint: null, message });
  }
  if (pathname === '/functions/v1/wpp-disconnect' || pathname.startsWith('/dev/')) {
    return json(400, { error: message });
  }
  if (pathname.startsWith('/functions/v1/')) return json(400, { success: false, error: message });
  return json(400, { message });
}
