import { fireEvent, screen } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { advance, button, cardOf, cards, MODES, qrDialog, renderPanel, simulated } from './harness.js';

describe.each(MODES)('keyboard and focus (%s)', (_mode, strict) => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('Escape closes the disconnect dialog and focus returns to its opener', async () => {
    const backend = simulated({ sessions: [{ state: 'connected' }] });
    renderPanel({ backend, strict });
    await advance(300);
    const opener = button('Отключить', cardOf('0000000000001'));
    opener.focus();
    fireEvent.click(opener);
    const dialog = screen.getByRole('dialog', { name: 'Отключение WhatsApp' });
    expect(document.activeElement).toBe(button('Отмена', dialog));
    fireEvent.keyDown(document.activeElement!, { key: 'Escape' });
    await advance(0);
    expect(screen.queryByRole('dialog')).toBeNull();
    expect(document.activeElement).toBe(opener);
    expect(backend.stats().calls.disconnect).toBe(0);
  });

  it('Escape still closes the dialog after a mousedown on the backdrop', async () => {
    const backend = simulated({ sessions: [{ state: 'connected' }] });
    renderPanel({ backend, strict });
    await advance(300);
    const opener = button('Отключить', cardOf('0000000000001'));
    opener.focus();
    fireEvent.click(opener);
    const dialog = screen.getByRole('dialog', { name: 'Отключение WhatsApp' });
    const overlay = dialog.parentElement!;
    // A mousedown on the backdrop keeps the focus inside (its default, moving focus to <body>, is prevented).
    expect(fireEvent.mouseDown(overlay)).toBe(false);
    expect(dialog.contains(document.activeElement)).toBe(true);
    // A mousedown inside the dialog keeps its default (text can still be selected).
    expect(fireEvent.mouseDown(dialog.querySelector('p')!)).toBe(true);

    // Even with the focus on <body> (as after such a click in a browser), Escape closes it.
    (document.activeElement as HTMLElement).blur();
    expect(document.activeElement).toBe(document.body);
    fireEvent.keyDown(document.body, { key: 'Escape' });
    await advance(0);
    expect(screen.queryByRole('dialog')).toBeNull();
    expect(document.activeElement).toBe(opener);
    expect(backend.stats().calls.disconnect).toBe(0);
  });

  it('Tab from <body> goes back into the open dialog', async () => {
    const backend = simulated();
    renderPanel({ backend, strict });
    await advance(100);
    fireEvent.click(button('Подключить WhatsApp'));
    await advance(100);
    const dialog = qrDialog()!;
    (document.activeElement as HTMLElement).blur();
    fireEvent.keyDown(document.body, { key: 'Tab' });
    expect(dialog.contains(document.activeElement)).toBe(true);
    expect(document.activeElement).not.toBe(dialog);
  });

  it('Escape on a failed creation only closes the dialog; the card keeps "Убрать"', async () => {
    const backend = simulated({
      fault: (operation) =>
        operation === 'create' ? { kind: 'error', code: 'server', message: 'Upstream 502' } : null,
    });
    renderPanel({ backend, strict });
    await advance(100);
    fireEvent.click(button('Подключить WhatsApp'));
    await advance(100);
    fireEvent.keyDown(document.activeElement!, { key: 'Escape' });
    await advance(300);
    expect(qrDialog()).toBeNull();
    expect(cards()).toHaveLength(1);
    expect(button('Убрать', cards()[0]!)).toBeTruthy();
  });

  it('Escape on the QR dialog cancels the new number', async () => {
    const backend = simulated();
    renderPanel({ backend, strict });
    await advance(100);
    const opener = button('Подключить WhatsApp');
    opener.focus();
    fireEvent.click(opener);
    await advance(100);
    expect(qrDialog()).not.toBeNull();
    fireEvent.keyDown(document.activeElement!, { key: 'Escape' });
    await advance(300);
    expect(qrDialog()).toBeNull();
    expect(cards()).toHaveLength(0);
    expect(backend.stats().calls.disconnect).toBe(1);
    expect(document.activeElement).toBe(button('Подключить WhatsApp'));
  });

  it('Escape on a connected QR dialog only closes it', async () => {
    const backend = simulated();
    renderPanel({ backend, strict });
    await advance(100);
    fireEvent.click(button('Подключить WhatsApp'));
    await advance(100);
    fireEvent.click(button('Сканировать (симуляция)'));
    await advance(200);
    expect(qrDialog()!.textContent).toContain('WhatsApp подключён');
    fireEvent.keyDown(document.activeElement!, { key: 'Escape' });
    await advance(0);
    expect(qrDialog()).toBeNull();
    expect(cards()).toHaveLength(1);
    expect(backend.stats().calls.disconnect).toBe(0);
  });

  it('Tab and Shift+Tab stay inside the dialog', async () => {
    const backend = simulated();
    renderPanel({ backend, strict });
    await advance(100);
    fireEvent.click(button('Подключить WhatsApp'));
    await advance(100);
    const dialog = qrDialog()!;
    const scan = button('Сканировать (симуляция)', dialog);
    const cancel = button('Отмена', dialog);
    expect(document.activeElement).toBe(cancel); // kept through the content change

    fireEvent.keyDown(cancel, { key: 'Tab' });
    expect(document.activeElement).toBe(scan);
    fireEvent.keyDown(scan, { key: 'Tab', shiftKey: true });
    expect(document.activeElement).toBe(cancel);

    // Focus that escapes (a click on the page behind) is pulled back in.
    button('Подключить ещё один WhatsApp').focus();
    expect(dialog.contains(document.activeElement)).toBe(true);
  });
});
