import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { PANEL_TIMINGS } from '../src/config.js';
import { advance, badge, cardOf, cards, MODES, renderPanel, simulated } from './harness.js';

// Item 5 of issue 16: the panel's background re-check period, and what it costs.
describe.each(MODES)("the panel's background re-check (%s)", (_mode, strict) => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('a number dropped on the platform turns "Не в сети" within 30 s, with nobody clicking', async () => {
    const backend = simulated({ sessions: [{ state: 'connected' }] });
    renderPanel({ backend, strict, timings: PANEL_TIMINGS });
    await advance(300);
    expect(badge(cardOf('0000000000001'))).toBe('🟢 Подключено');
    backend.drop('0000000000001');
    await advance(30_000);
    expect(badge(cardOf('0000000000001'))).toBe('📵 Не в сети');
  });

  it('costs 40 status requests a minute for 20 connected numbers', async () => {
    const backend = simulated({
      sessions: Array.from({ length: 20 }, () => ({ state: 'connected' as const })),
    });
    renderPanel({ backend, strict, timings: PANEL_TIMINGS });
    await advance(2_000);
    expect(cards()).toHaveLength(20);
    const afterLoad = backend.stats().calls.getStatus;
    expect(afterLoad).toBe(20);
    await advance(60_000);
    expect(backend.stats().calls.getStatus - afterLoad).toBe(40);
  });
});
