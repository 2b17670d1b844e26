#!/usr/bin/env node
// `npm start`: the local backend (examples/local-backend) and the built admin panel (examples/admin-panel/dist),
// both on 127.0.0.1. Ctrl-C (or SIGTERM) stops both.
//
// Env: PORT (backend, default 54321), PANEL_PORT (default 5173), DATA_DIR (default examples/local-backend/.data),
// PANEL_DIST (default examples/admin-panel/dist). QR_ROTATE_MS, QR_EXPIRE_MS, START_DELAY_MS, ALLOWED_ORIGINS pass
// to the backend. The backend allows the panel's own origin (PANEL_ORIGIN); the panel's server hands the tokens to
// the panel's own pages only (GET /__local-backend/session, see static-server.mjs).
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startStaticServer } from './static-server.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const backendDir = path.join(root, 'examples', 'local-backend');
const backendPort = portFromEnv('PORT', 54321);
const panelPort = portFromEnv('PANEL_PORT', 5173);
const dataDir = path.resolve(root, textFromEnv('DATA_DIR') || path.join(backendDir, '.data'));
const distDir = path.resolve(
  root,
  textFromEnv('PANEL_DIST') || path.join(root, 'examples', 'admin-panel', 'dist'),
);
/** The origins the panel is served on: the backend allows exactly these (plus ALLOWED_ORIGINS). */
const panelOrigins = [`http://127.0.0.1:${panelPort}`, `http://localhost:${panelPort}`];

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

/**
 * Spawns the backend in its own process group and resolves with its session (`{ url, anonKey, organizations }`, from
 * its `session <json>` line) once it prints `ready <url>`.
 */
function startBackend() {
  const tsx = path.join(root, 'node_modules', '.bin', 'tsx');
  if (!existsSync(tsx)) fail('node_modules/.bin/tsx is missing: run `npm install` first');
  const child = spawn(tsx, ['--tsconfig', 'tsconfig.run.json', 'src/main.ts'], {
    cwd: backendDir,
    env: {
      ...process.env,
      PORT: String(backendPort),
      DATA_DIR: dataDir,
      PANEL_ORIGIN: panelOrigins.join(','),
      PRINT_SESSION: 'json',
    },
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const ready = new Promise((resolve, reject) => {
    let buffer = '';
    let session = null;
    const timer = setTimeout(() => reject(new Error('the backend did not get ready within 60 s')), 60_000);
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk) => {
      buffer += chunk;
      let newline = buffer.indexOf('\n');
      while (newline >= 0) {
        const line = buffer.slice(0, newline).trim();
        buffer = buffer.slice(newline + 1);
        const match = /^ready (\S+)$/.exec(line);
        if (line.startsWith('session ')) {
          session = JSON.parse(line.slice('session '.length));
        } else if (match) {
          clearTimeout(timer);
          if (session === null) reject(new Error('the backend printed no session line'));
          else resolve(session);
        } else if (line !== '') {
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

  let session;
  try {
    session = await backend.ready;
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
    panel = await startStaticServer(distDir, panelPort, { session: () => session });
  } catch (error) {
    console.error(`npm start: the panel server failed: ${error.message}`);
    await stop(1);
    return;
  }

  const panelUrl = `http://127.0.0.1:${panelPort}/`;
  const { url: backendUrl, organizations } = session;
  console.log('');
  console.log('wpp-sessions is running');
  const shownData = dataDir.startsWith(root + path.sep) ? path.relative(root, dataDir) : dataDir;
  console.log(`  backend  ${backendUrl}   (data: ${shownData})`);
  console.log(`  panel    ${panelUrl}`);
  for (const org of organizations) console.log(`  panel as ${org.name}: ${panelUrl}?org=${org.id}`);
  console.log('Ctrl-C stops both.');
}

main().catch((error) => {
  console.error(`npm start: ${error?.stack ?? error}`);
  process.exit(1);
});
