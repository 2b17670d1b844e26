import { act } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { advance, MODES, renderWithProvider, SessionsProbe, simulated } from './harness.js';

let state: DocumentVisibilityState = 'visible';

function setVisibility(next: DocumentVisibilityState) {
  state = next;
  act(() => {
    document.dispatchEvent(new Event('visibilitychange'));
  });
}

describe.each(MODES)('a hidden page (%s)', (_mode, strict) => {
  beforeEach(() => {
    vi.useFakeTimers();
    state = 'visible';
    Object.defineProperty(document, 'visibilityState', { configurable: true, get: () => state });
  });
  afterEach(() => {
    vi.useRealTimers();
    Reflect.deleteProperty(document, 'visibilityState');
  });

  it('stays quiet while hidden and checks once when shown again', async () => {
    const backend = simulated({ sessions: [{ state: 'connected' }, { state: 'connected' }] });
    renderWithProvider(<SessionsProbe />, { backend, strict, timings: { recheckInterval: 1_000 } });
    await advance(300);
    expect(backend.stats().calls.getStatus).toBe(2);
    setVisibility('hidden');
    await advance(10_000);
    expect(backend.stats().calls.getStatus).toBe(2);
    setVisibility('visible');
    await advance(150);
    expect(backend.stats().calls.getStatus).toBe(4);
    await advance(1_200);
    expect(backend.stats().calls.getStatus).toBe(6); // background re-checks resumed
  });
});
