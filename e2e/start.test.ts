import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, expect, it } from 'vitest';

// `npm start`'s own static server for the panel (scripts/start.mjs), driven as a user would. Before its fix, a
// malformed escape in a URL threw inside the request handler and took the whole `npm start` (backend too) down.
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

it('npm start serves the panel and survives a malformed URL', async () => {
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
  expect((await fetch(`http://127.0.0.1:${port}/`)).status).toBe(200);
});
