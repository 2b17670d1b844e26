import type { IncomingMessage, ServerResponse } from 'node:http';

/**
 * The CORS headers of an answer to an allowed origin (`corsHeaders` in `gateway.ts` adds
 * `Access-Control-Allow-Origin`): the headers of the user's edge functions, widened by those supabase-js adds to
 * PostgREST reads (`accept-profile`, `content-profile`, `prefer`, and `x-retry-count` on postgrest-js's automatic
 * retries), so a browser's preflight from the panel passes for every route.
 */
export const CORS_HEADERS: Readonly<Record<string, string>> = {
  'Access-Control-Allow-Headers':
    'authorization, x-client-info, apikey, content-type, accept-profile, content-profile, prefer, x-retry-count',
  'Access-Control-Allow-Methods': 'GET, POST, PUT, PATCH, DELETE, OPTIONS',
  'Access-Control-Expose-Headers': 'content-range, content-profile',
};

/** A response before it is written: a JSON value, or raw text with its content type. */
export interface Reply {
  status: number;
  /** A JSON value; ignored when `text` is set. */
  body?: unknown;
  /** A raw body (used for PostgREST bodies built by Postgres and for injected malformed answers). */
  text?: string;
  /** @default 'application/json' */
  contentType?: string;
  headers?: Record<string, string>;
}

/**
 * A JSON reply.
 *
 * @example
 * ```ts
 * return json(404, { success: false, error: 'WPP integration not found' });
 * ```
 */
export function json(status: number, body: unknown, headers?: Record<string, string>): Reply {
  return headers === undefined ? { status, body } : { status, body, headers };
}

/** The largest request body accepted (bytes). */
export const MAX_BODY_BYTES = 1_000_000;

/** Thrown by `readBody` for a body over `MAX_BODY_BYTES`. */
export class BodyTooLargeError extends Error {
  override readonly name = 'BodyTooLargeError';
}

/** Thrown by `readBody` for a body that is not valid UTF-8. */
export class BodyNotUtf8Error extends Error {
  override readonly name = 'BodyNotUtf8Error';
}

/**
 * Reads a request body as UTF-8 text, refusing more than `MAX_BODY_BYTES` (`BodyTooLargeError`) and bytes that
 * are not UTF-8 (`BodyNotUtf8Error`: decoding them silently into U+FFFD would store something the client never
 * sent).
 *
 * @example
 * ```ts
 * const text = await readBody(req); // '' when there is none
 * ```
 */
export async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const buffer = chunk as Buffer;
    size += buffer.length;
    if (size > MAX_BODY_BYTES) throw new BodyTooLargeError(`request body over ${MAX_BODY_BYTES} bytes`);
    chunks.push(buffer);
  }
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(Buffer.concat(chunks));
  } catch {
    throw new BodyNotUtf8Error('request body is not valid UTF-8');
  }
}

/**
 * Parses a JSON body: `{}` when empty, `undefined` when it is not JSON.
 *
 * @example
 * ```ts
 * parseJsonBody('{"add_new":true}'); // { add_new: true }
 * parseJsonBody('{oops');            // undefined
 * ```
 */
export function parseJsonBody(text: string): unknown {
  if (text.trim() === '') return {};
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

/**
 * Writes a reply with the given CORS headers (none for a caller without an allowed `Origin`). A `HEAD` request
 * gets the headers only.
 *
 * @example
 * ```ts
 * send(req, res, json(200, { ok: true }), corsHeaders('http://127.0.0.1:5173'));
 * ```
 */
export function send(
  req: IncomingMessage,
  res: ServerResponse,
  reply: Reply,
  cors: Readonly<Record<string, string>> = {},
): void {
  const text = reply.text ?? (reply.body === undefined ? '' : JSON.stringify(reply.body));
  const headers: Record<string, string> = {
    ...cors,
    'Content-Type': reply.contentType ?? 'application/json; charset=utf-8',
    ...reply.headers,
  };
  if (res.headersSent) return;
  res.writeHead(reply.status, { ...headers, 'Content-Length': String(Buffer.byteLength(text)) });
  res.end(req.method === 'HEAD' ? undefined : text);
}

/**
 * A promise that resolves after `ms`.
 *
 * @example
 * ```ts
 * await sleep(50);
 * ```
 */
export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
