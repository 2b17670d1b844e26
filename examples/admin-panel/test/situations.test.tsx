import { fireEvent, screen, within } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  advance,
  badge,
  button,
  cardOf,
  cards,
  hasButton,
  MODES,
  qrDialog,
  renderPanel,
  simulated,
} from './harness.js';

const buttonsOf = (card: HTMLElement) =>
  within(card)
    .queryAllByRole('button')
    .filter((b) => !b.getAttribute('aria-label')?.startsWith('Переименовать'))
    .map((b) => b.textContent?.trim());

describe.each(MODES)('situations on the cards (%s)', (_mode, strict) => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('each situation has its own words and its next actions; no "Отключено" next to "Отключить"', async () => {
    const backend = simulated({ sessions: [{ state: 'connected' }, { state: 'offline' }, { state: 'qr' }] });
    renderPanel({ backend, strict, timings: { recheckInterval: 0, retryAttempts: 0 } });
    await advance(300);
    fireEvent.click(button('Подключить ещё один WhatsApp'));
    await advance(100);
    fireEvent.click(button('Отмена', qrDialog()!)); // cancelled while new: removed, not a card
    await advance(300);
    expect(cards()).toHaveLength(3);

    const connected = cardOf('0000000000001');
    const offline = cardOf('0000000000002');
    const waiting = cardOf('0000000000003');
    expect(badge(connected)).toBe('🟢 Подключено');
    expect(buttonsOf(connected)).toEqual(['Проверить', 'Отключить']);
    expect(badge(offline)).toBe('📵 Не в сети');
    expect(buttonsOf(offline)).toEqual(['Показать новый QR', 'Проверить', 'Отключить']);
    expect(badge(waiting)).toBe('📷 Ожидает сканирования QR');
    expect(buttonsOf(waiting)).toEqual(['Показать QR', 'Проверить', 'Отключить']);
    for (const card of cards()) expect(badge(card)).not.toContain('Отключено');

    // The QR of a saved number cancelled: its own words, a new QR, a check, and the confirmed disconnect.
    fireEvent.click(button('Показать QR', waiting));
    fireEvent.click(button('Отмена', qrDialog()!));
    await advance(0);
    expect(badge(waiting)).toBe('✋ Подключение отменено');
    expect(waiting.textContent).toContain('Подключение по QR-коду отменено, номер не подключён.');
    expect(buttonsOf(waiting)).toEqual(['Показать новый QR', 'Проверить', 'Отключить']);
  });

  it('an error says its kind on the badge and offers "Попробовать снова"; keyboard reaches every action', async () => {
    let failing = true;
    const backend = simulated({
      sessions: [{ state: 'connected' }],
      fault: (operation) =>
        failing && operation === 'getStatus' ? { kind: 'error', code: 'rate_limited', message: '429' } : null,
    });
    renderPanel({ backend, strict, timings: { retryAttempts: 0 } });
    await advance(300);
    const card = cardOf('0000000000001');
    expect(badge(card)).toBe('⚠️ Слишком много запросов');
    expect(within(card).getByTestId('session-error').textContent).toContain(
      'Слишком много запросов: подождите немного и попробуйте снова.',
    );
    expect(buttonsOf(card)).toEqual(['Попробовать снова', 'Отключить']);
    failing = false;
    const retry = button('Попробовать снова', card);
    retry.focus();
    expect(document.activeElement).toBe(retry);
    fireEvent.click(retry); // a real <button>: Enter and Space click it
    await advance(200);
    expect(badge(card)).toBe('🟢 Подключено');
  });

  it('a failed disconnect reads "Не удалось отключить" on the card, and "Попробовать снова" repeats it', async () => {
    let failing = true;
    const backend = simulated({
      sessions: [{ state: 'connected' }, { state: 'connected' }],
      fault: (operation) =>
        failing && operation === 'disconnect'
          ? { kind: 'error', code: 'server', message: 'Upstream 502' }
          : null,
    });
    renderPanel({ backend, strict });
    await advance(300);
    const card = cardOf('0000000000001');
    fireEvent.click(button('Отключить', card));
    const dialog = screen.getByRole('dialog', { name: 'Отключение WhatsApp' });
    fireEvent.click(button('Отключить', dialog));
    await advance(200);
    fireEvent.keyDown(dialog, { key: 'Escape' });
    await advance(0);
    expect(badge(card)).toBe('⚠️ Не удалось отключить');
    failing = false;
    fireEvent.click(button('Попробовать снова', card));
    await advance(200);
    expect(cards()).toHaveLength(1);
    expect(backend.stats().calls.disconnect).toBe(2);
  });

  it('a number added here whose QR expired unscanned says so and offers a new QR or removal, one step each', async () => {
    const backend = simulated({ sessions: [{ state: 'connected' }] });
    renderPanel({ backend, strict, timings: { qrTimeout: 5_000 } });
    await advance(300);
    fireEvent.click(button('Подключить ещё один WhatsApp'));
    await advance(5_100);
    const dialog = qrDialog()!;
    expect(dialog.textContent).toContain('Срок действия QR-кода истёк, номер не подключён.');
    expect(hasButton('Удалить номер', dialog)).toBe(true);
    fireEvent.click(button('Закрыть', dialog));
    await advance(0);

    const card = cardOf('0000000000002');
    expect(badge(card)).toBe('⌛ QR не отсканирован');
    // The phone icon takes the badge's colour (amber here), not the red of a number that is off.
    expect(card.querySelector('svg.card-icon')?.getAttribute('class')).toContain('card-icon-warning');
    expect(card.textContent).toContain('Номер так и не подключили: QR-код истёк');
    expect(buttonsOf(card)).toEqual(['Показать новый QR', 'Удалить номер']);

    // A new QR: one click, the dialog shows it.
    fireEvent.click(button('Показать новый QR', card));
    await advance(100);
    expect(within(qrDialog()!).getByTestId('qr')).toBeTruthy();
    await advance(5_000);
    fireEvent.click(button('Закрыть', qrDialog()!));
    await advance(0);

    // Removal: one click, no confirmation dialog; the card goes and the focus lands on the heading.
    fireEvent.click(button('Удалить номер', card));
    expect(screen.queryByRole('dialog')).toBeNull();
    expect(badge(card)).toBe('⏳ Удаление…');
    await advance(200);
    expect(cards()).toHaveLength(1);
    expect(backend.stats().calls.disconnect).toBe(1);
    expect(backend.savedRows()).toHaveLength(1);
    expect(document.activeElement?.id).toBe('wpp-panel-title');
  });

  it('the QR dialog removes a never-linked number in one step too', async () => {
    const backend = simulated();
    renderPanel({ backend, strict, timings: { qrTimeout: 5_000 } });
    await advance(100);
    fireEvent.click(button('Подключить WhatsApp'));
    await advance(5_100);
    fireEvent.click(button('Удалить номер', qrDialog()!));
    await advance(200);
    expect(qrDialog()).toBeNull();
    expect(cards()).toHaveLength(0);
    expect(backend.savedRows()).toHaveLength(0);
  });

  it('a saved number (maybe linked before) whose new QR expired keeps the confirmation', async () => {
    const backend = simulated({ sessions: [{ state: 'qr' }] });
    renderPanel({ backend, strict, timings: { qrTimeout: 5_000 } });
    await advance(5_300);
    const card = cardOf('0000000000001');
    expect(badge(card)).toBe('⌛ QR-код истёк');
    expect(buttonsOf(card)).toEqual(['Показать новый QR', 'Проверить', 'Отключить']);
    fireEvent.click(button('Отключить', card));
    expect(screen.getByRole('dialog', { name: 'Отключение WhatsApp' })).toBeTruthy();
    expect(backend.stats().calls.disconnect).toBe(0);
  });
});
