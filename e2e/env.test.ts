import { expect, it } from 'vitest';

// turbo runs tasks in strict env mode and drops variables it is not told about: CI once set REQUIRE_E2E=1 and the
// browser run never saw it (a missing Chromium would have skipped instead of failing). turbo.json passes it through.
it.runIf(process.env.CI === 'true')(
  'under CI the browser run is required (REQUIRE_E2E reaches the tests)',
  () => {
    expect(process.env.REQUIRE_E2E).toBe('1');
  },
);
