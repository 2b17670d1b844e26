import { closeSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import type { PGlite } from '@electric-sql/pglite';
import { anonToken, signToken, userToken } from '../auth/auth.js';
import { checkSecret, dataDirSecret, randomSecret } from '../auth/secret.js';
import { createDatabase } from '../db/database.js';
import { handleDev } from '../dev/dev.route.js';
import { handleFunction, isFunctionName } from '../functions/functions.route.js';
import { authenticate, WPP_STYLE } from '../functions/integrations.js';
import { createFaultBook, malformedReply } from '../http/faults.js';
import { badInput, checkApiKey, checkHostAndOrigin, findBadInput, normalizeOrigin } from '../http/gateway.js';
import {
  BodyNotUtf8Error,
  BodyTooLargeError,
  json,
  type Reply,
  readBody,
  send,
  sleep,
} from '../http/http.js';
import {
  createPlatformStore,
  DEFAULT_PLATFORM_CONFIG,
  type PlatformStore,
} from '../platform/platform.store.js';
import { handleRest } from '../rest/rest.route.js';
import type { AppContext, DevOrganization, Incoming, RequestStats } from './context.js';

/** Options of `startLocalBackend`. */
export interface LocalBackendOptions {
  /** Port on 127.0.0.1; `0` picks a free one. @default 0 */
  port?: number;
  /** Where PGlite keeps its files; `null` keeps the database in memory. @default null */
  dataDir?: string | null;
  /**
   * An already open database (from `createDatabase`), e.g. one shared by a test file; `close()` leaves it open.
   * When given, `dataDir` is ignored.
   */
  database?: PGlite;
  /** QR rotation period of the simulated platform (ms). @default 20_000 */
  qrRotateMs?: number;
  /** How long the QR phase lasts before the number goes offline unscanned (ms). @default 60_000 */
  qrExpireMs?: number;
  /** How long the platform takes to issue the first QR after a start (ms). @default 800 */
  startDelayMs?: number;
  /** How long `wpp-create` / `wpp-start` wait for a QR before answering (`wpp-start` then gives 408) (ms). @default 5_000 */
  qrWaitMs?: number;
  /**
   * The HS256 secret of all tokens (at least 32 characters; the public Supabase development secret is refused).
   * @default a random secret kept in `<dataDir>/jwt-secret` (mode 0600), or a new one per process in memory
   */
  jwtSecret?: string;
  /**
   * Browser origins allowed to call, e.g. the panel's `http://127.0.0.1:5173` (exact origins, never `*`). A request
   * with any other `Origin` is refused with 403, its preflight too. @default [] (no browser page may call)
   */
  allowedOrigins?: readonly string[];
  /** The platform's clock, for tests that move time by hand. @default Date.now */
  now?: () => number;
  /** Suppress warnings on stderr. @default false */
  quiet?: boolean;
}

/** A running local backend. */
export interface LocalBackend {
  /** `http://127.0.0.1:<port>`: the Supabase URL to give supabase-js. */
  url: string;
  port: number;
  /** The anon key (role `anon`), supabase-js's second argument; every request must carry it as `apikey`. */
  anonKey: string;
  /** The browser origins allowed to call (normalized). */
  allowedOrigins: readonly string[];
  /** The seeded organizations with their admin's dev token. */
  organizations: DevOrganization[];
  /** The simulated WPP platform behind the functions. */
  platform: PlatformStore;
  /** The database (queries here run as `postgres` and bypass RLS). */
  db: PGlite;
  /**
   * Signs a token with this server's secret (tests: tokens with other claims or times), without handing out the
   * secret itself.
   */
  signToken(
    claims: Record<string, unknown>,
    times?: { issuedAt?: number; expiresAt?: number },
  ): Promise<string>;
  /** Requests answered so far, by route; `resetStats()` zeroes them. */
  stats: RequestStats;
  resetStats(): void;
  /** Stops the server and closes the database it opened. */
  close(): Promise<void>;
}

/**
 * Starts the local stand-in for the user's Supabase project on 127.0.0.1: the `messenger-integrations` and
 * `wpp-*` edge functions, `GET /rest/v1/messenger_integrations` and `whatsapp_sessions`, and `/dev/` routes, over PGlite with
 * row-level security and the simulated WPP platform. The port is bound first, so a busy port fails before the
 * data folder is touched; the data folder is locked against a second server.
 *
 * @example
 * ```ts
 * const backend = await startLocalBackend({ port: 0, dataDir: null, startDelayMs: 0 });
 * const supabase = createClient(backend.url, backend.anonKey, {
 *   accessToken: async () => backend.organizations[0]!.token,
 * });
 * // …
 * await backend.close();
 * ```
 */
export async function startLocalBackend(options: LocalBackendOptions = {}): Promise<LocalBackend> {
  if (options.jwtSecret !== undefined) checkSecret(options.jwtSecret);
  const allowedOrigins = new Set((options.allowedOrigins ?? []).map(normalizeOrigin));
  const server = createServer();
  await listen(server, options.port ?? 0);
  const port = (server.address() as AddressInfo).port;
  const url = `http://127.0.0.1:${port}`;

  const ownsDatabase = options.database === undefined;
  const dataDir = options.database ? null : (options.dataDir ?? null);
  let unlock: () => void = () => undefined;
  let db: PGlite;
  let jwtSecret: string;
  try {
    if (dataDir !== null) unlock = lockDataDir(dataDir);
    db = options.database ?? (await createDatabase(dataDir));
    // After PGlite made the folder, so its first start finds it empty.
    jwtSecret = options.jwtSecret ?? (dataDir !== null ? dataDirSecret(dataDir) : randomSecret());
  } catch (error) {
    unlock();
    await closeServer(server);
    throw error;
  }

  const platform = createPlatformStore(
    db,
    {
      qrRotateMs: options.qrRotateMs ?? DEFAULT_PLATFORM_CONFIG.qrRotateMs,
      qrExpireMs: options.qrExpireMs ?? DEFAULT_PLATFORM_CONFIG.qrExpireMs,
      startDelayMs: options.startDelayMs ?? DEFAULT_PLATFORM_CONFIG.startDelayMs,
    },
    options.now,
  );
  const ctx: AppContext = {
    db,
    platform,
    jwtSecret,
    anonKey: await anonToken(jwtSecret),
    organizations: await seededOrganizations(db, jwtSecret),
    integrationColumns: await tableColumns(db, 'messenger_integrations'),
    sessionColumns: await tableColumns(db, 'whatsapp_sessions'),
    port,
    allowedOrigins,
    qrWaitMs: options.qrWaitMs ?? 5_000,
    qrWaitByOrganization: new Map(),
    faults: createFaultBook(),
    stats: { total: 0, byRoute: {} },
  };

  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    handle(ctx, req, res).catch((error: unknown) => {
      if (!options.quiet) console.error('local-backend: unhandled error', error);
      send(req, res, json(500, { success: false, error: 'Internal error' }));
    });
  });

  let closed: Promise<void> | null = null;
  return {
    url,
    port,
    anonKey: ctx.anonKey,
    allowedOrigins: [...allowedOrigins],
    organizations: ctx.organizations,
    platform,
    db,
    signToken: (claims, times) => signToken(jwtSecret, claims, times),
    get stats() {
      return ctx.stats;
    },
    resetStats() {
      ctx.stats = { total: 0, byRoute: {} };
    },
    close() {
      closed ??= (async () => {
        await closeServer(server);
        if (ownsDatabase) await db.close();
        unlock();
      })();
      return closed;
    },
  };
}

async function handle(ctx: AppContext, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const method = (req.method ?? 'GET').toUpperCase();
  const rawUrl = req.url ?? '/';
  const url = new URL(rawUrl, 'http://127.0.0.1');
  const pathname = url.pathname.replace(/\/+$/, '') || '/';
  const routeKey = `${method} ${pathname}`;
  ctx.stats.total += 1;
  ctx.stats.byRoute[routeKey] = (ctx.stats.byRoute[routeKey] ?? 0) + 1;

  // The gateway, in order: Host (DNS rebinding), Origin (CORS), preflight, apikey, input Postgres would refuse.
  const check = checkHostAndOrigin(req.headers, ctx.port, ctx.allowedOrigins);
  if ('refusal' in check) {
    send(req, res, check.refusal);
    return;
  }
  const { cors } = check;
  if (method === 'OPTIONS') {
    res.writeHead(200, { ...cors, 'Content-Type': 'text/plain; charset=utf-8' });
    res.end('ok');
    return;
  }
  let bodyText: string;
  try {
    bodyText = await readBody(req);
  } catch (error) {
    if (error instanceof BodyTooLargeError) {
      send(req, res, json(413, { success: false, error: 'Request body too large' }), cors);
      return;
    }
    if (error instanceof BodyNotUtf8Error) {
      send(req, res, badInput(pathname, 'The request body is not valid UTF-8'), cors);
      return;
    }
    throw error;
  }
  const keyRefusal = await checkApiKey(ctx.jwtSecret, req.headers, url.searchParams);
  if (keyRefusal) {
    send(req, res, keyRefusal, cors);
    return;
  }
  const bad = findBadInput(rawUrl, bodyText);
  if (bad !== null) {
    send(req, res, badInput(pathname, bad), cors);
    return;
  }
  // The gateway consumes `?apikey=`; PostgREST would read it as a column filter.
  url.searchParams.delete('apikey');
  const incoming: Incoming = { method, url, headers: req.headers, bodyText };
  send(req, res, await route(ctx, pathname, incoming), cors);
}

/**
 * The organization of a function call's token, for its faults; `null` when the token does not name one (the
 * function then answers 401 or 404 itself, unfaulted).
 */
async function callerOrganization(ctx: AppContext, req: Incoming): Promise<string | null> {
  const caller = await authenticate(ctx, req, WPP_STYLE);
  return 'status' in caller ? null : caller.organizationId;
}

async function route(ctx: AppContext, pathname: string, req: Incoming): Promise<Reply> {
  if (pathname.startsWith('/functions/v1/')) {
    const name = safeDecode(pathname.slice('/functions/v1/'.length));
    if (name === null || !isFunctionName(name))
      return json(404, { success: false, error: 'Function not found' });
    const organizationId = ctx.faults.any() ? await callerOrganization(ctx, req) : null;
    const fault = organizationId === null ? null : ctx.faults.of(organizationId).draw();
    if (fault && fault.latencyMs > 0) await sleep(fault.latencyMs);
    if (fault?.before) return fault.before;
    const reply = await handleFunction(ctx, name, req);
    return fault?.malformed ? malformedReply(fault.malformed, reply) : reply;
  }
  if (pathname === '/rest/v1' || pathname.startsWith('/rest/v1/')) {
    const table = safeDecode(pathname.slice('/rest/v1/'.length));
    if (table === null) {
      return json(400, {
        code: 'PGRST100',
        details: null,
        hint: null,
        message: 'Malformed percent-escape in path',
      });
    }
    return handleRest(ctx, table, req);
  }
  if (pathname.startsWith('/dev/')) return handleDev(ctx, pathname.slice('/dev/'.length), req);
  if (pathname === '/' && req.method === 'GET') {
    return json(200, { name: 'wpp-sessions local backend', ok: true });
  }
  return json(404, { error: `Not found: ${req.method} ${pathname}` });
}

async function seededOrganizations(db: PGlite, secret: string): Promise<DevOrganization[]> {
  const { rows } = await db.query<{ id: string; name: string; user_id: string; email: string | null }>(
    `select distinct on (o.name, o.id) o.id, o.name, p.id as user_id, p.email
       from public.organizations o
       join public.profiles p on p.organization_id = o.id
       join public.user_roles r on r.user_id = p.id and r.role = 'admin'
      order by o.name, o.id, p.created_at, p.id`,
  );
  return Promise.all(
    rows.map(async (row) => ({
      id: row.id,
      name: row.name,
      userId: row.user_id,
      token: await userToken(secret, { id: row.user_id, email: row.email }),
    })),
  );
}

async function tableColumns(db: PGlite, table: string): Promise<string[]> {
  const { rows } = await db.query<{ column_name: string }>(
    `select column_name from information_schema.columns
      where table_schema = 'public' and table_name = $1 order by ordinal_position`,
    [table],
  );
  return rows.map((row) => row.column_name);
}

function listen(server: Server, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const onError = (error: NodeJS.ErrnoException) => {
      reject(
        error.code === 'EADDRINUSE'
          ? new Error(`Port ${port} on 127.0.0.1 is already in use: stop what uses it, or set PORT`)
          : error,
      );
    };
    server.once('error', onError);
    server.listen(port, '127.0.0.1', () => {
      server.off('error', onError);
      resolve();
    });
  });
}

function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
}

/** Takes `<dataDir>.lock` (holding our pid); a lock whose process is gone is taken over. */
function lockDataDir(dataDir: string): () => void {
  const lockPath = `${path.resolve(dataDir)}.lock`;
  for (let attempt = 0; attempt < 2; attempt += 1) {
    try {
      const fd = openSync(lockPath, 'wx');
      writeSync(fd, String(process.pid));
      closeSync(fd);
      return () => rmSync(lockPath, { force: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const pid = Number(readFileSync(lockPath, 'utf8').trim());
      if (Number.isInteger(pid) && pid > 0 && (pid === process.pid || isAlive(pid))) {
        throw new Error(`The data folder ${dataDir} is in use by process ${pid} (lock ${lockPath})`);
      }
      rmSync(lockPath, { force: true });
    }
  }
  throw new Error(`Could not lock the data folder ${dataDir}`);
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** `decodeURIComponent`, or `null` for a malformed escape (which must be a 4xx, not a 500). */
function safeDecode(text: string): string | null {
  try {
    return decodeURIComponent(text);
  } catch {
    return null;
  }
}
