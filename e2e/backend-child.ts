/**
 * Child-process entry for the e2e harness: starts the local backend on `E2E_PORT` (0 = any free port) with the
 * data folder `E2E_DATA_DIR` and the browser origins `E2E_ALLOWED_ORIGINS` (comma-separated), prints one `E2E_BACKEND_READY <json>` line, and closes the backend cleanly on
 * SIGTERM/SIGINT so the embedded Postgres is flushed before a restart reuses the same folder.
 *
 * Run by {@link startBackend} in `harness.ts` as `node --import tsx e2e/backend-child.ts`.
 */
import { startLocalBackend } from '../examples/local-backend/src/index.js';

const port = Number(process.env.E2E_PORT ?? '0');
const dataDir = process.env.E2E_DATA_DIR || null;
const allowedOrigins = (process.env.E2E_ALLOWED_ORIGINS ?? '').split(',').filter((origin) => origin !== '');

const backend = await startLocalBackend({ port, dataDir, allowedOrigins, quiet: true });
process.stdout.write(
  `E2E_BACKEND_READY ${JSON.stringify({
    url: backend.url,
    anonKey: backend.anonKey,
    organizations: backend.organizations,
  })}\n`,
);

let closing = false;
const shutdown = async (): Promise<void> => {
  if (closing) return;
  closing = true;
  try {
    await backend.close();
  } finally {
    process.exit(0);
  }
};
process.on('SIGTERM', () => void shutdown());
process.on('SIGINT', () => void shutdown());
// The harness owns this process: if it goes away, so do we.
process.stdin.on('end', () => void shutdown());
process.stdin.resume();
