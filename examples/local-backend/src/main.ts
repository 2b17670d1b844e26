import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startLocalBackend } from './server/server.js';

// `npm run backend`: PORT (default 54321) and DATA_DIR (default examples/local-backend/.data).
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
  });
  console.log(`ready ${backend.url}`);
  for (const org of backend.organizations) console.log(`token ${org.name}: ${org.token}`);
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
