import { within } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { advance, badge, cardOf, cards, MODES, renderPanel, simulated } from './harness.js';

// Issue 15, part 1: each card shows the number's saved status at once, unconfirmed, until its live check answers.
describe.each(MODES)('the last known status on the cards (%s)', (_mode, strict) => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('shows "последний известный" with its age beside "Проверка…", then the live status alone', async () => {
    const backend = simulated({
      latency: 100,
      // 12 numbers through 6 slots: the second half waits a round for its live check.
      sessions: Array.from({ length: 12 }, () => ({ state: 'connected' as const })),
      lastKnown: { ageMs: 5 * 60_000, stale: (_account, index) => index === 11 },
    });
    renderPanel({ backend, strict });
    await advance(110);
    expect(cards()).toHaveLength(12);
    const last = cardOf('0000000000012');
    expect(badge(last)).toBe('⏳ Проверка…');
    expect(within(last).getByTestId('last-known').textContent).toBe(
      'последний известный: отключено · 5 мин назад',
    );
    expect(within(cardOf('0000000000007')).getByTestId('last-known').textContent).toBe(
      'последний известный: подключено · 5 мин назад',
    );
    await advance(300);
    for (const card of cards()) {
      expect(badge(card)).toBe('🟢 Подключено');
      expect(within(card).queryByTestId('last-known')).toBeNull();
    }
  });

  it('says nothing of a number without a saved status: "ещё не проверено", as before', async () => {
    const backend = simulated({
      latency: 100,
      sessions: Array.from({ length: 8 }, () => ({ state: 'connected' as const })),
      lastKnown: { missing: 1 },
    });
    renderPanel({ backend, strict });
    await advance(110);
    const waiting = cardOf('0000000000008');
    expect(badge(waiting)).toBe('⏳ Проверка…');
    expect(within(waiting).queryByTestId('last-known')).toBeNull();
    expect(within(waiting).getByTestId('checked-ago').textContent).toBe('ещё не проверено');
  });
});
