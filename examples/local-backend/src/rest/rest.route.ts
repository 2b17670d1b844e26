import { bearerToken, verifyToken } from '../auth/auth.js';
import { asRequest } from '../db/database.js';
import { json, type Reply } from '../http/http.js';
import type { AppContext, Incoming } from '../server/context.js';
import { buildSelectSql, type PostgrestFailure, parsePostgrestQuery, unsupported } from './postgrest.js';

/**
 * The tables served under `/rest/v1/`, with their real columns: `messenger_integrations` (the core's table source)
 * and `whatsapp_sessions` (its `lastKnown`).
 */
export const REST_TABLES = {
  messenger_integrations: (ctx: AppContext) => ctx.integrationColumns,
  whatsapp_sessions: (ctx: AppContext) => ctx.sessionColumns,
} as const satisfies Record<string, (ctx: AppContext) => readonly string[]>;

const SERVED = Object.keys(REST_TABLES)
  .map((table) => `GET /rest/v1/${table}`)
  .join(', ');

function fail(failure: PostgrestFailure): Reply {
  return json(failure.status, failure.body);
}

/**
 * Answers `/rest/v1/<path>` the way PostgREST would for the subset the core's adapter uses: `GET
 * /rest/v1/messenger_integrations` or `/rest/v1/whatsapp_sessions` with `select`, `col=eq.value`, `order`, `limit`, `offset`, as the token's
 * role with its claims (RLS scopes the rows; secrets are not masked, like the real table). Anything else gets a
 * PostgREST-style error, never a silent ignore.
 *
 * @example
 * ```ts
 * const reply = await handleRest(ctx, 'messenger_integrations', incoming);
 * ```
 */
export async function handleRest(ctx: AppContext, path: string, req: Incoming): Promise<Reply> {
  // Like the Supabase gateway: the Authorization header, else the apikey header, names the role.
  const token = bearerToken(req.headers.authorization) ?? headerValue(req.headers.apikey);
  const auth = await verifyToken(ctx.jwtSecret, token);
  if (auth.kind === 'missing') {
    return json(401, {
      code: 'PGRST301',
      details: null,
      hint: 'No `apikey` request header or url param was found.',
      message: 'No API key found in request',
    });
  }
  if (auth.kind === 'invalid') {
    return json(401, {
      code: auth.reason === 'expired' ? 'PGRST303' : 'PGRST301',
      details: null,
      hint: null,
      message: auth.message,
    });
  }
  if (!Object.hasOwn(REST_TABLES, path)) {
    return fail(
      unsupported(
        path.startsWith('rpc/')
          ? `Function ${path.slice(4)} is not served by the local backend`
          : `Table ${path || '(none)'} is not served by the local backend`,
        `only ${SERVED}`,
      ),
    );
  }
  const table = path as keyof typeof REST_TABLES;
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    return fail(unsupported(`${req.method} is not served by the local backend`, `only ${SERVED}`));
  }
  if (req.method === 'HEAD') {
    return fail(unsupported('HEAD (count) requests are not served by the local backend', 'only GET'));
  }
  const profile = headerValue(req.headers['accept-profile']);
  if (profile !== null && profile !== 'public') {
    return json(406, {
      code: 'PGRST106',
      details: null,
      hint: null,
      message: 'The schema must be one of the following: public',
    });
  }
  const prefer = headerValue(req.headers.prefer);
  if (prefer !== null && prefer.trim() !== '') {
    return fail(
      unsupported(`Prefer: ${prefer} is not served by the local backend`, 'no Prefer options on reads'),
    );
  }
  const accept = (headerValue(req.headers.accept) ?? '*/*').toLowerCase();
  const wantsObject = accept.includes('application/vnd.pgrst.object+json');
  if (accept.includes('nulls=stripped') || (!wantsObject && !/\*\/\*|application\/json/.test(accept))) {
    return json(406, {
      code: 'PGRST107',
      details: null,
      hint: null,
      message: `None of these media types are available: ${accept}`,
    });
  }
  const query = parsePostgrestQuery(req.url.searchParams, table, REST_TABLES[table](ctx));
  if ('status' in query) return fail(query);
  const { sql, params } = buildSelectSql(table, query);
  let result: { body: string; total: number };
  try {
    result = await asRequest(ctx.db, auth.claims, async (tx) => {
      const { rows } = await tx.query<{ body: string; total: number }>(sql, params);
      return rows[0] ?? { body: '[]', total: 0 };
    });
  } catch (error) {
    const pg = error as { code?: string; message?: string; detail?: string; hint?: string };
    // PostgREST answers "permission denied" with 401 for anon and 403 for a signed-in role.
    const status =
      pg.code === '42501' ? (auth.claims.role === 'anon' ? 401 : 403) : pg.code?.startsWith('22') ? 400 : 500;
    return json(status, {
      code: pg.code ?? 'PGRST000',
      details: pg.detail ?? null,
      hint: pg.hint ?? null,
      message: pg.message ?? String(error),
    });
  }
  const start = query.offset ?? 0;
  const range = result.total === 0 ? '*/*' : `${start}-${start + result.total - 1}/*`;
  if (wantsObject) {
    if (result.total !== 1) {
      return json(406, {
        code: 'PGRST116',
        details: `The result contains ${result.total} rows`,
        hint: null,
        message: 'Cannot coerce the result to a single JSON object',
      });
    }
    const rows = JSON.parse(result.body) as unknown[];
    return {
      status: 200,
      text: JSON.stringify(rows[0]),
      contentType: 'application/vnd.pgrst.object+json; charset=utf-8',
      headers: { 'Content-Range': range },
    };
  }
  return { status: 200, text: result.body, headers: { 'Content-Range': range } };
}

function headerValue(value: string | string[] | undefined): string | null {
  const first = Array.isArray(value) ? value[0] : value;
  return first === undefined ? null : first;
}
