import { fireEvent, screen, within } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { advance, badge, button, cardOf, MODES, renderPanel, simulated } from './harness.js';

// Counts the renders of each card's body through its badge: a card re-renders its StatusBadge every time.
const renders = vi.hoisted(() => ({ bySituation: {} as Record<string, number> }));
vi.mock('../src/panel/StatusBadge.js', async (importOriginal) => {
  const original = await importOriginal<typeof import('../src/panel/StatusBadge.js')>();
  return {
    ...original,
    StatusBadge: (props: Parameters<typeof original.StatusBadge>[0]) => {
      const key = props.situation.situation;
      renders.bySituation[key] = (renders.bySituation[key] ?? 0) + 1;
      return original.StatusBadge(props);
    },
  };
});

const total = () => Object.values(renders.bySituation).reduce((sum, n) => sum + n, 0);

describe.each(MODES)('render counts (%s)', (_mode, strict) => {
  beforeEach(() => {
    vi.useFakeTimers();
    renders.bySituation = {};
  });
  afterEach(() => vi.useRealTimers());

  it('the clock tick updates "проверено N с назад" without re-rendering the cards', async () => {
    const backend = simulated({ sessions: [{ state: 'connected' }, { state: 'offline' }] });
    renderPanel({ backend, strict, timings: { recheckInterval: 0 } });
    await advance(300);
    const card = cardOf('0000000000001');
    expect(badge(card)).toBe('🟢 Подключено');
    const ago = within(card).getByTestId('checked-ago');
    const before = total();
    expect(before).toBeGreaterThan(0);

    await advance(10_000);
    expect(ago.textContent).toMatch(/^проверено (9|10) с назад$/);
    expect(total()).toBe(before);
  });

  it('a card with a retry countdown does not re-render on the tick either', async () => {
    const backend = simulated({
      sessions: [{ state: 'connected' }],
      fault: (operation) => (operation === 'getStatus' ? { kind: 'error', code: 'server' } : null),
    });
    renderPanel({ backend, strict, timings: { retryBaseDelay: 40_000, retryMaxDelay: 40_000 } });
    await advance(300);
    const card = cardOf('0000000000001');
    const error = within(card).getByTestId('session-error');
    expect(error.textContent).toMatch(/Повтор через 0:[234]\d/);
    const shown = error.textContent;
    const before = total();
    await advance(3_000);
    expect(error.textContent).not.toBe(shown);
    expect(total()).toBe(before);
  });

  it("one card's change does not re-render the other cards", async () => {
    const backend = simulated({
      sessions: [{ state: 'connected' }, { state: 'connected' }],
      fault: (operation, ref) =>
        operation === 'getStatus' && ref?.accountNumber === '0000000000001'
          ? { kind: 'error', code: 'forbidden', message: 'RLS' }
          : null,
    });
    renderPanel({ backend, strict, timings: { recheckInterval: 0 } });
    await advance(300);
    expect(badge(cardOf('0000000000001'))).toBe('⚠️ Нет доступа');
    const errorRenders = renders.bySituation.error ?? 0;
    expect(errorRenders).toBeGreaterThan(0);
    backend.drop('0000000000002');
    fireEvent.click(button('Проверить', cardOf('0000000000002')));
    await advance(300);
    expect(badge(cardOf('0000000000002'))).toBe('📵 Не в сети');
    // Card 2 rendered again (disconnected); card 1, the only one in error, did not.
    expect(renders.bySituation.offline).toBeGreaterThan(0);
    expect(renders.bySituation.error).toBe(errorRenders);
    expect(screen.getByTestId('announcer').textContent).toContain('Не в сети');
  });
});
