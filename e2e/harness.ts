/**
 * The browser-run harness: the local backend as a child process (its own process group, fresh data folder),
 * the built admin panel on a tiny static server, Debian's Chromium through playwright-core, and a watch on
 * console errors and page errors. Everything binds to 127.0.0.1 on free ports and is torn down at the end,
 * also when the test process dies (`process.on('exit')`).
 */
import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { accessSync, constants, mkdirSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import jsQR from 'jsqr';
import { type BrowserContext, type ConsoleMessage, chromium, type Page } from 'playwright-core';
import { PNG } from 'pngjs';
import { type LocalBackendSession, type StaticServer, startStaticServer } from '../scripts/static-server.mjs';

export type { LocalBackendSession, StaticServer };

/** Absolute path of the repository root. */
export const REPO_ROOT = resolve(fileURLToPath(new URL('..', import.meta.url)));
/** Where the built panel lives (`npm run build -w @wpp-sessions/admin-panel`). */
export const PANEL_DIST = join(REPO_ROOT, 'examples/admin-panel/dist');
/**
 * Where step screenshots are written: `docs/screenshots` (committed) with `UPDATE_SCREENSHOTS=1`, else a temporary
 * folder, so an ordinary test run leaves the work tree as it was.
 */
export const SCREENSHOT_DIR = process.env.UPDATE_SCREENSHOTS
  ? join(REPO_ROOT, 'docs/screenshots')
  : join(tmpdir(), 'wpp-sessions-e2e-screenshots');
mkdirSync(SCREENSHOT_DIR, { recursive: true });

/** Flags from TOOLCHAIN.md §8: no sandbox, no GPU, no background traffic. */
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

// ---------------------------------------------------------------------------------------------------------------
// Cleanup on any exit: kill every child process group we started and remove temp folders.

const liveGroups = new Set<number>();
const tempDirs = new Set<string>();
let exitHookInstalled = false;

function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.on('exit', () => {
    for (const pid of liveGroups) {
      try {
        process.kill(-pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
    for (const dir of tempDirs) rmSync(dir, { recursive: true, force: true });
  });
}

/**
 * A fresh, empty temp folder that is removed when the process exits.
 *
 * @example
 * const dataDir = makeTempDir('wpp-e2e-data-');
 */
export function makeTempDir(prefix: string): string {
  installExitHook();
  const dir = mkdtempSync(join(tmpdir(), prefix));
  tempDirs.add(dir);
  return dir;
}

/**
 * Removes the temp folders made by {@link makeTempDir} now (the exit hook is only the fallback: a test worker
 * may be ended without an `exit` event).
 *
 * @example
 * afterAll(() => removeTempDirs());
 */
export function removeTempDirs(): void {
  for (const dir of tempDirs) rmSync(dir, { recursive: true, force: true });
  tempDirs.clear();
}

// ---------------------------------------------------------------------------------------------------------------
// Chromium

/**
 * Finds Debian's Chromium: `/usr/bin/chromium`, else `chromium` on PATH. `CHROMIUM_PATH`, when set, replaces both
 * (point it at a missing file to try the "no browser" path). Never downloads anything.
 *
 * @example
 * const exe = findChromium(); // '/usr/bin/chromium' or null
 */
export function findChromium(): string | null {
  const candidates: string[] = [];
  if (process.env.CHROMIUM_PATH !== undefined) candidates.push(process.env.CHROMIUM_PATH);
  else {
    candidates.push('/usr/bin/chromium');
    for (const dir of (process.env.PATH ?? '').split(delimiter))
      if (dir) candidates.push(join(dir, 'chromium'));
  }
  for (const file of candidates) {
    try {
      accessSync(file, constants.X_OK);
      if (statSync(file).isFile()) return file;
    } catch {
      // not here
    }
  }
  return null;
}

/** A launched browser with one context (fresh profile) at the screenshot viewport. */
export interface BrowserHandle {
  context: BrowserContext;
  close(): Promise<void>;
}

/**
 * Launches Chromium headless with the TOOLCHAIN flags, a fresh user-data-dir and a 900×700 viewport at
 * device scale 1 (small screenshots).
 *
 * @example
 * const { context, close } = await launchBrowser('/usr/bin/chromium');
 * const page = await context.newPage();
 * await close();
 */
export async function launchBrowser(executablePath: string): Promise<BrowserHandle> {
  const profile = makeTempDir('wpp-e2e-profile-');
  const context = await chromium.launchPersistentContext(profile, {
    executablePath,
    headless: true,
    args: CHROMIUM_ARGS,
    viewport: { width: 900, height: 700 },
    deviceScaleFactor: 1,
    locale: 'ru-RU',
    reducedMotion: 'reduce',
  });
  return {
    context,
    async close() {
      await context.close().catch(() => undefined);
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

// ---------------------------------------------------------------------------------------------------------------
// Console and page errors

/** One console error or uncaught page error seen in the browser. */
export interface BrowserProblem {
  kind: 'console' | 'pageerror';
  text: string;
  url: string;
}

/**
 * Collects console errors and uncaught page errors from every page of a context. Errors matching a pattern
 * registered with {@link ConsoleWatch.allow} (for the duration of a step that provokes them) are counted as
 * expected; everything else is "unexpected" and fails the run.
 *
 * @example
 * const watch = new ConsoleWatch(context);
 * await watch.allowing([/status of 503/], async () => { ... });
 * expect(watch.unexpected).toEqual([]);
 */
export class ConsoleWatch {
  readonly unexpected: BrowserProblem[] = [];
  readonly expected: BrowserProblem[] = [];
  private allowed: RegExp[] = [];

  constructor(context: BrowserContext) {
    this.watch(context);
  }

  /** Watches one more context (e.g. a browser of its own for a step that moves the clock). */
  watch(context: BrowserContext): void {
    const attach = (page: Page): void => {
      page.on('console', (msg: ConsoleMessage) => {
        if (msg.type() === 'error') this.record({ kind: 'console', text: msg.text(), url: page.url() });
      });
      page.on('pageerror', (err: Error) => {
        this.record({ kind: 'pageerror', text: `${err.name}: ${err.message}`, url: page.url() });
      });
    };
    for (const page of context.pages()) attach(page);
    context.on('page', attach);
  }

  private record(problem: BrowserProblem): void {
    const isAllowed = problem.kind === 'console' && this.allowed.some((re) => re.test(problem.text));
    (isAllowed ? this.expected : this.unexpected).push(problem);
  }

  /** Runs `fn` with extra console-error patterns treated as expected (page errors never are). */
  async allowing<T>(patterns: RegExp[], fn: () => Promise<T>): Promise<T> {
    const before = this.allowed;
    this.allowed = [...before, ...patterns];
    try {
      return await fn();
    } finally {
      this.allowed = before;
    }
  }

  /** A readable list of the unexpected problems, for assertion messages. */
  describe(): string {
    return this.unexpected.map((p) => `[${p.kind}] ${p.text} (at ${p.url})`).join('\n');
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Static server for the built panel

/**
 * Serves the built panel with `npm start`'s own static server (scripts/static-server.mjs) on a free port. `session`
 * names the local backend the panel's pages get (read at each request, so a restarted backend is picked up).
 *
 * @example
 * const panel = await serveStatic(PANEL_DIST, () => backend);
 * await page.goto(`${panel.url}/?org=${orgA.id}`);
 * await panel.close();
 */
export function serveStatic(
  root: string,
  session: () => LocalBackendSession | null = () => null,
): Promise<StaticServer> {
  return startStaticServer(root, 0, { session });
}

// ---------------------------------------------------------------------------------------------------------------
// Local backend as a child process

/** One organization of the local backend, with its bearer token. */
export interface Organization {
  id: string;
  name: string;
  token: string;
}

/** A running local backend child process. */
export interface BackendProcess {
  url: string;
  port: number;
  anonKey: string;
  organizations: Organization[];
  dataDir: string;
  pid: number;
  /** SIGTERM to the process group (the child closes the DB cleanly), SIGKILL after 10 s. */
  stop(): Promise<void>;
  /** Everything the child wrote to stdout/stderr so far (for failure messages). */
  output(): string;
}

const CHILD_ENTRY = fileURLToPath(new URL('./backend-child.ts', import.meta.url));

/**
 * Starts `examples/local-backend` in a child process (its own process group) on `port` (0 = free port) over
 * `dataDir`, allowing `allowedOrigins` (the panel's), and waits until it prints its address. Restart = `stop()` then `startBackend` with the same port
 * and folder.
 *
 * @example
 * const backend = await startBackend({ dataDir: makeTempDir('wpp-e2e-data-'), allowedOrigins: [panel.url] });
 * const [orgA] = backend.organizations;
 * await backend.stop();
 */
export async function startBackend(options: {
  dataDir: string;
  port?: number;
  /** Browser origins the backend lets call (the panel's). */
  allowedOrigins?: string[];
  readyTimeoutMs?: number;
}): Promise<BackendProcess> {
  installExitHook();
  const { dataDir, port = 0, allowedOrigins = [], readyTimeoutMs = 60_000 } = options;
  const child: ChildProcessWithoutNullStreams = spawn(process.execPath, ['--import', 'tsx', CHILD_ENTRY], {
    cwd: REPO_ROOT,
    detached: true,
    env: {
      ...process.env,
      E2E_PORT: String(port),
      E2E_DATA_DIR: dataDir,
      E2E_ALLOWED_ORIGINS: allowedOrigins.join(','),
      NODE_ENV: 'test',
    },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  const pid = child.pid;
  if (pid === undefined) throw new Error('could not spawn the local backend');
  liveGroups.add(pid);
  let out = '';
  child.stdout.setEncoding('utf8');
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (chunk: string) => {
    out += chunk;
  });
  const exited = new Promise<number | null>((ok) => {
    child.once('exit', (code) => {
      liveGroups.delete(pid);
      ok(code);
    });
  });

  const ready = await new Promise<{ url: string; anonKey: string; organizations: Organization[] }>(
    (ok, fail) => {
      const timer = setTimeout(() => {
        fail(new Error(`local backend did not start within ${readyTimeoutMs} ms:\n${out.slice(-3000)}`));
      }, readyTimeoutMs);
      child.stdout.on('data', (chunk: string) => {
        out += chunk;
        const line = out.split('\n').find((l) => l.startsWith('E2E_BACKEND_READY '));
        if (line) {
          clearTimeout(timer);
          ok(JSON.parse(line.slice('E2E_BACKEND_READY '.length)));
        }
      });
      void exited.then((code) => {
        clearTimeout(timer);
        fail(new Error(`local backend exited (code ${code}) before it was ready:\n${out.slice(-3000)}`));
      });
    },
  );

  return {
    ...ready,
    url: ready.url.replace(/\/$/, ''),
    port: Number(new URL(ready.url).port),
    dataDir,
    pid,
    output: () => out,
    async stop() {
      if (!liveGroups.has(pid)) return;
      try {
        process.kill(-pid, 'SIGTERM');
      } catch {
        return;
      }
      const killer = setTimeout(() => {
        try {
          process.kill(-pid, 'SIGKILL');
        } catch {
          // gone
        }
      }, 10_000);
      await exited;
      clearTimeout(killer);
    },
  };
}

// ---------------------------------------------------------------------------------------------------------------
// Dev endpoints of the local backend

/**
 * Calls a `/dev/*` endpoint of the local backend (with its anon key and the organization's token: every dev route
 * acts inside the token's organization) and returns its JSON; throws with the body on non-2xx.
 *
 * @example
 * await devCall(backend, 'POST', '/dev/scan', { integration_id: id }, orgA.token);
 * const { qr } = await devCall<{ qr: string }>(backend, 'GET', `/dev/qr?integration_id=${id}`, undefined, orgA.token);
 */
export async function devCall<T = unknown>(
  backend: Pick<BackendProcess, 'url' | 'anonKey'>,
  method: 'GET' | 'POST',
  path: string,
  body?: unknown,
  token?: string,
): Promise<T> {
  const headers: Record<string, string> = { apikey: backend.anonKey };
  if (token) headers.authorization = `Bearer ${token}`;
  if (body !== undefined) headers['content-type'] = 'application/json';
  const res = await fetch(`${backend.url}${path}`, {
    method,
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`${method} ${path} → ${res.status}: ${text}`);
  return (text ? JSON.parse(text) : null) as T;
}

// ---------------------------------------------------------------------------------------------------------------
// QR decoding and screenshots

/**
 * Decodes a QR code from a PNG (e.g. a screenshot of the QR element) with jsQR; null when nothing decodes.
 *
 * @example
 * const text = decodeQrPng(await page.locator('[data-testid="qr"]').screenshot());
 */
export function decodeQrPng(png: Buffer): string | null {
  const image = PNG.sync.read(png);
  const pixels = new Uint8ClampedArray(image.data.buffer, image.data.byteOffset, image.data.byteLength);
  return jsQR(pixels, image.width, image.height)?.data ?? null;
}

/**
 * Screenshot into `docs/screenshots/<name>.png`; returns the path. The whole page when no dialog is open (two
 * cards are taller than the viewport), else the viewport, where the modal sits.
 *
 * @example
 * await shoot(page, '01-empty');
 */
export async function shoot(page: Page, name: string): Promise<string> {
  const path = join(SCREENSHOT_DIR, `${name}.png`);
  const fullPage = (await page.locator('[role="dialog"]').count()) === 0;
  await page.screenshot({ path, fullPage, animations: 'disabled', caret: 'hide' });
  return path;
}

/** A `messenger_integrations` row as the browser runs read it back from the local backend. */
export interface IntegrationRow {
  id: string;
  provider: string;
  name: string;
  settings: { wppAccountNumber?: string };
}
