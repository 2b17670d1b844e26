import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startLocalBackend } from './server/server.js';

// `npm run backend`: PORT (default 54321) and DATA_DIR (default examples/local-backend/.data); ALLOWED_ORIGINS and
// PANEL_ORIGIN (comma-separated origins a browser page may call from; `npm start` sets PANEL_ORIGIN); JWT_SECRET.
// With PRINT_SESSION=json (what `npm start` uses) it prints one `session <json>` line instead of the token lines.
const packageDir = fileURLToPath(new URL('..', import.meta.url));

function numberFromEnv(name: string, min = 0): number | undefined {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return undefined;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min) {
    console.error(`local-backend: ${name} must be an integer of at least ${min}, got "${raw}"`);
    process.exit(2);
  }
  return value;
}

function originsFromEnv(...names: string[]): string[] {
  return names.flatMap((name) =>
    (process.env[name] ?? '')
      .split(',')
      .map((origin) => origin.trim())
      .filter((origin) => origin !== ''),
  );
}

const port = numberFromEnv('PORT') ?? 54321;
const dataDir = process.env.DATA_DIR ? path.resolve(process.env.DATA_DIR) : path.join(packageDir, '.data');

try {
  const backend = await startLocalBackend({
    port,
    dataDir,
    qrRotateMs: numberFromEnv('QR_ROTATE_MS', 1),
    qrExpireMs: numberFromEnv('QR_EXPIRE_MS', 1),
    startDelayMs: numberFromEnv('START_DELAY_MS'),
    qrWaitMs: numberFromEnv('QR_WAIT_MS'),
    jwtSecret: process.env.JWT_SECRET || undefined,
    allowedOrigins: originsFromEnv('PANEL_ORIGIN', 'ALLOWED_ORIGINS'),
  });
  if (process.env.PRINT_SESSION === 'json') {
    const { url, anonKey, organizations } = backend;
    const session = {
      url,
      anonKey,
      organizations: organizations.map(({ id, name, token }) => ({ id, name, token })),
    };
    console.log(`session ${JSON.stringify(session)}`);
  } else {
    console.log(`apikey ${backend.anonKey}`);
    for (const org of backend.organizations) console.log(`token ${org.name}: ${org.token}`);
    const origins = backend.allowedOrigins.join(', ') || 'none (set ALLOWED_ORIGINS)';
    console.log(`browser origins allowed: ${origins}`);
  }
  console.log(`ready ${backend.url}`);
  let stopping = false;
  const stop = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    backend.close().then(
      () => process.exit(0),
      (error: unknown) => {
        console.error(`local-backend: failed to stop after ${signal}`, error);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
} catch (error) {
  console.error(`local-backend: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
}
