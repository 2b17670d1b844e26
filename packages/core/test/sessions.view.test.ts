import { afterEach, beforeEach, expect, it, vi } from 'vitest';
import { createWppSessions, sessionsView } from '../src/index.js';
import { createSimulatedBackend } from '../src/testing.js';

beforeEach(() => vi.useFakeTimers());
afterEach(() => vi.useRealTimers());

it('emits a collection snapshot when a create settles, so list views stop saying "creating"', async () => {
  const backend = createSimulatedBackend({ latency: 100 });
  const actor = createWppSessions(backend).start();
  await vi.advanceTimersByTimeAsync(100);
  const seen: boolean[] = [];
  actor.subscribe((snapshot) => seen.push(sessionsView(snapshot).isCreating));
  actor.send({ type: 'sessions.connectNew' });
  expect(seen.at(-1)).toBe(true);
  await vi.advanceTimersByTimeAsync(100);
  expect(backend.stats().calls.create).toBe(1);
  expect(seen.at(-1)).toBe(false);
  actor.stop();
});
