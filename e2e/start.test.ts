import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, expect, it } from 'vitest';

// `npm start`'s own static server for the panel (scripts/start.mjs), driven as a user would. Before its fix, a
// malformed escape in a URL threw inside the request handler and took the whole `npm start` (backend too) down.
// Issue 11: the panel's server hands the backend's tokens to the panel's own pages only, and the backend answers
// the panel's origin and no other.
const ROOT = resolve(import.meta.dirname, '..');
const dataDir = mkdtempSync(join(tmpdir(), 'wpp-start-'));
let child: ChildProcess | null = null;

afterAll(() => {
  if (child?.pid) process.kill(-child.pid, 'SIGTERM');
  rmSync(dataDir, { recursive: true, force: true });
});

function freePort(): Promise<number> {
  return new Promise((done) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => done(port));
    });
  });
}

it('npm start serves the panel, survives a malformed URL, and hands tokens to its own pages only', async () => {
  const [port, panelPort] = [await freePort(), await freePort()];
  child = spawn(process.execPath, ['scripts/start.mjs'], {
    cwd: ROOT,
    detached: true,
    env: { ...process.env, PORT: String(port), PANEL_PORT: String(panelPort), DATA_DIR: dataDir },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  await new Promise<void>((ready, fail) => {
    let out = '';
    child!.stdout!.on('data', (chunk) => {
      out += chunk;
      if (out.includes('Ctrl-C')) ready();
    });
    child!.on('exit', (code) => fail(new Error(`start.mjs exited with ${code}: ${out}`)));
  });
  const panel = `http://127.0.0.1:${panelPort}`;
  expect((await fetch(`${panel}/%E0`)).status).toBe(400);
  const page = await fetch(`${panel}/`);
  expect(page.status).toBe(200);
  expect(await page.text()).toContain('<html lang="ru">');

  // The session, as the panel's own page reads it (same origin), names the backend and its tokens.
  const session = await fetch(`${panel}/__local-backend/session`, {
    headers: { 'Sec-Fetch-Site': 'same-origin', 'Sec-Fetch-Dest': 'empty' },
  });
  expect(session.status).toBe(200);
  expect(session.headers.get('access-control-allow-origin')).toBeNull();
  const { url, anonKey, organizations } = (await session.json()) as {
    url: string;
    anonKey: string;
    organizations: Array<{ token: string }>;
  };
  expect(url).toBe(`http://127.0.0.1:${port}`);
  expect(organizations).toHaveLength(2);
  // A foreign page cannot have it: cross-site fetch, a <script src>, another Origin, a rebinding Host.
  for (const headers of <Array<Record<string, string>>>[
    { 'Sec-Fetch-Site': 'cross-site', 'Sec-Fetch-Dest': 'empty' },
    { 'Sec-Fetch-Site': 'same-origin', 'Sec-Fetch-Dest': 'script' },
    { Origin: 'https://evil.example' },
  ]) {
    const refused = await fetch(`${panel}/__local-backend/session`, { headers });
    expect({ headers, status: refused.status }).toEqual({ headers, status: 403 });
    expect(await refused.text()).not.toContain(organizations[0]!.token);
  }
  const rebound = await getWithHost(`${panel}/__local-backend/session`, `evil.example:${panelPort}`);
  expect(rebound.status).toBe(403);
  expect(rebound.body).not.toContain(organizations[0]!.token);

  // The backend: the anon key on every call; the panel's origin allowed, another refused.
  expect((await fetch(`${url}/`)).status).toBe(401);
  const fromPanel = await fetch(`${url}/`, { headers: { apikey: anonKey, Origin: panel } });
  expect(fromPanel.status).toBe(200);
  expect(fromPanel.headers.get('access-control-allow-origin')).toBe(panel);
  const foreign = await fetch(`${url}/`, { headers: { apikey: anonKey, Origin: 'https://evil.example' } });
  expect(foreign.status).toBe(403);
  expect(foreign.headers.get('access-control-allow-origin')).toBeNull();
});

/** A GET with any Host header (fetch does not let us set it). */
function getWithHost(target: string, host: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(target, { headers: { Host: host } }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk) => {
        body += chunk;
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end();
  });
}
