import { findChromium } from './harness.js';

/**
 * Says loudly, before any test runs, whether the browser run will happen: a skipped browser run must never be
 * mistaken for a passed one. Under `REQUIRE_E2E=1` the missing browser fails the suite (see scenario.test.ts).
 */
export default function setup(): void {
  const exe = findChromium();
  const required = process.env.REQUIRE_E2E === '1';
  if (exe) {
    process.stdout.write(`e2e: using Chromium at ${exe}${required ? ' (REQUIRE_E2E=1)' : ''}\n`);
    return;
  }
  const bar = '!'.repeat(100);
  process.stderr.write(
    `\n${bar}\n${
      required
        ? 'E2E FAILED: chromium not found and REQUIRE_E2E=1 — install it with apt-get install chromium'
        : 'E2E SKIPPED: chromium not found — install it with apt-get install chromium (browser tests NOT run)'
    }\n${bar}\n\n`,
  );
}
