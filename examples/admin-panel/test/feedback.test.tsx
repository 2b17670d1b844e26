import { fireEvent, screen, within } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { NOTICE_MS } from '../src/panel/announcer.js';
import { advance, button, cardOf, cards, MODES, qrDialog, renderPanel, simulated } from './harness.js';

const announced = () => screen.getByTestId('announcer').textContent;
const notice = () => screen.queryByTestId('notice')?.textContent?.trim() ?? null;
const progress = () => screen.queryByTestId('refresh-progress')?.textContent ?? null;

// Issue 16, items 4 and 6: every refresh shows its progress and ends with an announcement; every finished action
// is announced through the one live region and shown for a few seconds.
describe.each(MODES)('panel feedback (%s)', (_mode, strict) => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  describe('"Обновить статусы"', () => {
    it('shows "Проверено N из M" while it runs, spins, and announces the result', async () => {
      const backend = simulated({
        sessions: [{ state: 'connected' }, { state: 'connected' }, { state: 'connected' }],
        // The second number answers later than the others: the count moves in steps.
        latency: (operation, ref) =>
          operation === 'getStatus' && ref?.accountNumber === '0000000000002' ? 500 : 100,
      });
      renderPanel({ backend, strict, timings: { recheckInterval: 0 } });
      await advance(1_000);
      expect(progress()).toBeNull();
      const refresh = button('Обновить статусы');
      fireEvent.click(refresh);
      expect(refresh.disabled).toBe(true);
      expect(refresh.querySelector('svg')?.getAttribute('class')).toContain('spin');
      expect(progress()).toBe('Загрузка списка…');
      await advance(100); // the list
      expect(progress()).toBe('Проверено 0 из 3…');
      await advance(100); // two quick checks
      expect(progress()).toBe('Проверено 2 из 3…');
      expect(refresh.disabled).toBe(true);
      expect(announced()).not.toContain('Статусы обновлены');
      await advance(400); // the slow one
      expect(progress()).toBe('Проверено 3 из 3');
      expect(refresh.disabled).toBe(false);
      expect(refresh.querySelector('svg')?.getAttribute('class') ?? '').not.toContain('spin');
      expect(announced()).toBe('Статусы обновлены: проверено 3 из 3');
      expect(notice()).toBe('Статусы обновлены: проверено 3 из 3');
      await advance(NOTICE_MS);
      expect(progress()).toBeNull();
      expect(notice()).toBeNull();
    });

    it('is visible on a backend that answers at once, every time it is pressed', async () => {
      const backend = simulated({
        sessions: [{ state: 'connected' }, { state: 'connected' }],
        latency: 0,
      });
      renderPanel({ backend, strict, timings: { recheckInterval: 0 } });
      await advance(10);
      for (const _ of [1, 2]) {
        fireEvent.click(button('Обновить статусы'));
        await advance(10);
        expect(progress()).toBe('Проверено 2 из 2');
        expect(announced()).toBe('Статусы обновлены: проверено 2 из 2');
        await advance(NOTICE_MS);
        expect(progress()).toBeNull();
        screen.getByTestId('announcer').textContent = '';
      }
      expect(backend.stats().calls.listSessions).toBe(3);
    });

    it('counts a number whose check failed, and says so', async () => {
      let failing = false;
      const backend = simulated({
        sessions: [{ state: 'connected' }, { state: 'connected' }],
        fault: (operation, ref) =>
          failing && operation === 'getStatus' && ref?.accountNumber === '0000000000001'
            ? { kind: 'error', code: 'forbidden', message: 'RLS' }
            : null,
      });
      renderPanel({ backend, strict, timings: { recheckInterval: 0, retryAttempts: 0 } });
      await advance(300);
      failing = true;
      fireEvent.click(button('Обновить статусы'));
      await advance(300);
      expect(progress()).toBe('Проверено 1 из 2, с ошибкой: 1');
      expect(announced()).toBe('Статусы обновлены: проверено 1 из 2, не удалось проверить: 1');
      expect(button('Обновить статусы').disabled).toBe(false);
    });

    it('a failed list ends the run without a success message (the alert says why)', async () => {
      let failing = false;
      const backend = simulated({
        sessions: [{ state: 'connected' }],
        fault: (operation) =>
          failing && operation === 'listSessions' ? { kind: 'error', code: 'server', message: 'down' } : null,
      });
      renderPanel({ backend, strict, timings: { recheckInterval: 0 } });
      await advance(300);
      failing = true;
      fireEvent.click(button('Обновить статусы'));
      await advance(300);
      expect(screen.getByRole('alert').textContent).toContain('Не удалось загрузить подключения');
      expect(progress()).toBeNull();
      expect(announced()).not.toContain('Статусы обновлены');
      expect(button('Обновить статусы').disabled).toBe(false);
    });
  });

  describe('finished actions', () => {
    it('a disconnect that went through is announced and shown, then the confirmation goes', async () => {
      const backend = simulated({ sessions: [{ state: 'connected' }, { state: 'connected' }] });
      renderPanel({ backend, strict });
      await advance(300);
      fireEvent.click(button('Отключить', cardOf('0000000000001')));
      fireEvent.click(button('Отключить', screen.getByRole('dialog', { name: 'Отключение WhatsApp' })));
      expect(announced()).toContain('Отключение…');
      await advance(100);
      expect(cards()).toHaveLength(1);
      expect(announced()).toBe('WhatsApp (WPP) 0000000000001: отключён и убран из списка');
      expect(notice()).toBe('WhatsApp (WPP) 0000000000001: отключён и убран из списка');
      // Not a second live region: the announcer is the only one.
      expect(screen.getByTestId('notice').closest('[aria-live], [role="status"], [role="alert"]')).toBeNull();
      await advance(NOTICE_MS);
      expect(notice()).toBeNull();
    });

    it('a number that connects is announced; cancelling a new one is too', async () => {
      const backend = simulated();
      renderPanel({ backend, strict });
      await advance(100);
      fireEvent.click(button('Подключить WhatsApp'));
      await advance(200);
      fireEvent.click(button('Сканировать (симуляция)', qrDialog()!));
      await advance(200);
      expect(announced()).toBe('WhatsApp подключён: WhatsApp (WPP) 0000000000001');
      expect(notice()).toContain('WhatsApp подключён');
      fireEvent.click(button('Готово', qrDialog()!));

      fireEvent.click(button('Подключить ещё один WhatsApp'));
      await advance(200);
      fireEvent.click(button('Отмена', qrDialog()!));
      await advance(300);
      expect(cards()).toHaveLength(1);
      expect(announced()).toBe('Подключение нового номера отменено');
      expect(notice()).toBe('Подключение нового номера отменено');
    });

    it('removing a number whose QR expired unscanned is announced as a removal, not a cancelled connection', async () => {
      const backend = simulated({ sessions: [{ state: 'connected' }] });
      renderPanel({ backend, strict, timings: { qrTimeout: 5_000 } });
      await advance(300);
      fireEvent.click(button('Подключить ещё один WhatsApp'));
      await advance(5_100);
      fireEvent.click(button('Закрыть', qrDialog()!));
      await advance(NOTICE_MS);
      fireEvent.click(button('Удалить номер', cardOf('0000000000002')));
      await advance(200);
      expect(cards()).toHaveLength(1);
      expect(announced()).toBe('Номер удалён: WhatsApp (WPP) 0000000000002');
      expect(notice()).toBe('Номер удалён: WhatsApp (WPP) 0000000000002');
    });

    it('a QR that expires is announced with what to do', async () => {
      const backend = simulated({ sessions: [{ state: 'qr' }] });
      renderPanel({ backend, strict, timings: { qrTimeout: 5_000 } });
      await advance(200);
      await advance(5_000);
      expect(announced()).toBe(
        'WhatsApp (WPP) 0000000000001: срок действия QR-кода истёк, можно получить новый',
      );
      expect(notice()).toContain('срок действия QR-кода истёк');
    });

    it('the backend unreachable: "Попробовать снова" loads the list, and that is announced', async () => {
      let down = true;
      const backend = simulated({
        sessions: [{ state: 'connected' }],
        fault: (operation) =>
          down && operation === 'listSessions'
            ? { kind: 'error', code: 'network', message: 'Failed to fetch' }
            : null,
      });
      renderPanel({ backend, strict, timings: { retryAttempts: 0 } });
      await advance(100);
      const alert = screen.getByRole('alert');
      expect(alert.textContent).toContain('Нет связи с сервером');
      down = false;
      fireEvent.click(within(alert).getByRole('button', { name: 'Попробовать снова' }));
      await advance(100); // the list; the number's check follows
      expect(cards()).toHaveLength(1);
      expect(screen.queryByRole('alert')).toBeNull();
      expect(announced()).toBe('Связь восстановлена: подключения загружены');
      expect(notice()).toBe('Связь восстановлена: подключения загружены');
      await advance(200);
      expect(notice()).toBe('Связь восстановлена: подключения загружены');
    });
  });
});
