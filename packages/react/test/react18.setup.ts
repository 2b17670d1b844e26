import { version } from 'react';
import { version as domVersion } from 'react-dom';
import { beforeAll, expect } from 'vitest';

// The react18 project must really run React 18: a broken alias would silently test React 19 twice.
beforeAll(() => {
  expect(version).toBe('18.3.1');
  expect(domVersion).toBe('18.3.1');
});
