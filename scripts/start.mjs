#!/usr/bin/env node
// `npm start`: the local backend (examples/local-backend) and the built admin panel (examples/admin-panel/dist),
// both on 127.0.0.1. Ctrl-C (or SIGTERM) stops both.
//
// Env: PORT (backend, default 54321), PANEL_PORT (default 5173), DATA_DIR (default examples/local-backend/.data),
// PANEL_DIST (default examples/admin-panel/dist). QR_ROTATE_MS, QR_EXPIRE_MS, START_DELAY_MS pass to the backend.
import { spawn } from 'node:child_process';
import { createReadStream, existsSync, statSync } from 'node:fs';
import { createServer } from 'node:http';
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const backendDir = path.join(root, 'examples', 'local-backend');
const backendPort = portFromEnv('PORT', 54321);
const panelPort = portFromEnv('PANEL_PORT', 5173);
const dataDir = path.resolve(root, textFromEnv('DATA_DIR') || path.join(backendDir, '.data'));
const distDir = path.resolve(
  root,
  textFromEnv('PANEL_DIST') || path.join(root, 'examples', 'admin-panel', 'dist'),
);
const DEFAULT_BACKEND = 'http://127.0.0.1:54321';

// These variables only shape this local run, never a turbo task's output.
function textFromEnv(name) {
  return process.env[name] ?? '';
}

function portFromEnv(name, fallback) {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const port = Number(raw);
  if (!Number.isInteger(port) || port < 1 || port > 65535)
    fail(`${name} must be a port number, got "${raw}"`);
  return port;
}

function fail(message) {
  console.error(`npm start: ${message}`);
  process.exit(1);
}

/** Resolves when the port can be bound on 127.0.0.1, rejects with a clear message when it is busy. */
function checkPortFree(port, what, envName) {
  return new Promise((resolve, reject) => {
    const probe = net.createServer();
    probe.once('error', (error) => {
      reject(
        new Error(
          error.code === 'EADDRINUSE'
            ? `port ${port} (${what}) on 127.0.0.1 is busy. Is another \`npm start\` running? Stop it, or set ${envName}=<free port>.`
            : `cannot bind port ${port} (${what}): ${error.message}`,
        ),
      );
    });
    probe.listen(port, '127.0.0.1', () => probe.close(() => resolve()));
  });
}

const MIME = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.map': 'application/json; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
};

/** A tiny static server for the built panel: files from dist, index.html for every other GET (SPA). */
function startPanel() {
  const server = createServer((req, res) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { Allow: 'GET, HEAD' }).end();
      return;
    }
    let pathname;
    try {
      pathname = decodeURIComponent(new URL(req.url ?? '/', 'http://127.0.0.1').pathname);
    } catch {
      // A malformed escape (e.g. /%E0) is the client's mistake, not a reason for the whole server to exit.
      res.writeHead(400).end();
      return;
    }
    let file = path.resolve(distDir, `.${pathname}`);
    if (!file.startsWith(distDir + path.sep) && file !== distDir) {
      res.writeHead(403).end();
      return;
    }
    if (!existsSync(file) || statSync(file).isDirectory()) {
      const index = path.join(file, 'index.html');
      file = existsSync(index) ? index : path.join(distDir, 'index.html');
    }
    const type = MIME[path.extname(file)] ?? 'application/octet-stream';
    // Hashed assets can be cached; index.html must not be, so a rebuild shows at once.
    const cache = file.includes(`${path.sep}assets${path.sep}`)
      ? 'public, max-age=31536000, immutable'
      : 'no-cache';
    res.writeHead(200, { 'Content-Type': type, 'Cache-Control': cache });
    if (req.method === 'HEAD') res.end();
    else
      createReadStream(file)
        .on('error', () => res.destroy()) // e.g. a file removed by a rebuild meanwhile
        .pipe(res);
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(panelPort, '127.0.0.1', () => resolve(server));
  });
}

/** Spawns the backend in its own process group and resolves with its URL once it prints `ready <url>`. */
function startBackend() {
  const tsx = path.join(root, 'node_modules', '.bin', 'tsx');
  if (!existsSync(tsx)) fail('node_modules/.bin/tsx is missing: run `npm install` first');
  const child = spawn(tsx, ['--tsconfig', 'tsconfig.run.json', 'src/main.ts'], {
    cwd: backendDir,
    env: { ...process.env, PORT: String(backendPort), DATA_DIR: dataDir },
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const ready = new Promise((resolve, reject) => {
    let buffer = '';
    const timer = setTimeout(() => reject(new Error('the backend did not get ready within 60 s')), 60_000);
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk) => {
      buffer += chunk;
      let newline = buffer.indexOf('\n');
      while (newline >= 0) {
        const line = buffer.slice(0, newline).trim();
        buffer = buffer.slice(newline + 1);
        const match = /^ready (\S+)$/.exec(line);
        if (match) {
          clearTimeout(timer);
          resolve(match[1]);
        } else if (line !== '' && !line.startsWith('token ')) {
          console.log(`[backend] ${line}`);
        }
        newline = buffer.indexOf('\n');
      }
    });
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (chunk) => process.stderr.write(`[backend] ${chunk}`));
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`the backend exited (${signal ?? `code ${code}`}) before it was ready`));
    });
  });
  return { child, ready };
}

function killGroup(child, signal) {
  if (child.exitCode !== null || child.signalCode !== null) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    // already gone
  }
}

async function main() {
  if (!existsSync(path.join(distDir, 'index.html'))) {
    fail(
      `the admin panel is not built (${path.relative(root, distDir)}/index.html is missing). ` +
        'Run `npm start` from the repository root (it builds first) or `npm run build -w @wpp-sessions/admin-panel`.',
    );
  }
  try {
    await checkPortFree(backendPort, 'backend', 'PORT');
    await checkPortFree(panelPort, 'admin panel', 'PANEL_PORT');
  } catch (error) {
    fail(error.message);
  }

  const backend = startBackend();
  let panel = null;
  let stopping = false;

  const stop = async (code) => {
    if (stopping) return;
    stopping = true;
    panel?.close();
    panel?.closeAllConnections();
    if (backend.child.exitCode === null && backend.child.signalCode === null) {
      const exited = new Promise((resolve) => backend.child.once('exit', resolve));
      killGroup(backend.child, 'SIGTERM');
      const timer = setTimeout(() => killGroup(backend.child, 'SIGKILL'), 5_000);
      await exited;
      clearTimeout(timer);
    }
    process.exit(code);
  };
  process.on('SIGINT', () => stop(0));
  process.on('SIGTERM', () => stop(0));
  process.on('exit', () => killGroup(backend.child, 'SIGKILL'));

  let backendUrl;
  try {
    backendUrl = await backend.ready;
  } catch (error) {
    console.error(`npm start: ${error.message}`);
    await stop(1);
    return;
  }
  backend.child.once('exit', (code, signal) => {
    if (stopping) return;
    console.error(`npm start: the backend stopped (${signal ?? `code ${code}`}); stopping the panel too.`);
    stop(1);
  });

  try {
    panel = await startPanel();
  } catch (error) {
    console.error(`npm start: the panel server failed: ${error.message}`);
    await stop(1);
    return;
  }

  const panelUrl = `http://127.0.0.1:${panelPort}/`;
  const withBackend = (params) => {
    const query = new URLSearchParams(params);
    if (backendUrl !== DEFAULT_BACKEND) query.set('backend', backendUrl);
    const text = query.toString();
    return text ? `${panelUrl}?${text}` : panelUrl;
  };
  let organizations = [];
  try {
    const response = await fetch(`${backendUrl}/dev/tokens`);
    organizations = (await response.json()).organizations ?? [];
  } catch (error) {
    console.error(
      `npm start: could not read the organizations from ${backendUrl}/dev/tokens: ${error.message}`,
    );
  }

  console.log('');
  console.log('wpp-sessions is running');
  const shownData = dataDir.startsWith(root + path.sep) ? path.relative(root, dataDir) : dataDir;
  console.log(`  backend  ${backendUrl}   (data: ${shownData})`);
  console.log(`  panel    ${withBackend({})}`);
  for (const org of organizations) console.log(`  panel as ${org.name}: ${withBackend({ org: org.id })}`);
  console.log('Ctrl-C stops both.');
}

main().catch((error) => {
  console.error(`npm start: ${error?.stack ?? error}`);
  process.exit(1);
});
