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

describe.each(MODES)('WppConnectPanel (%s)', (_mode, strict) => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  describe("the seed's state table", () => {
    const buttonNames = () => screen.queryAllByRole('button').map((b) => b.textContent?.trim());

    it('loading shows a spinner', async () => {
      renderPanel({ backend: simulated({ sessions: [{ state: 'connected' }] }), strict });
      expect(screen.getByText(/Загрузка подключений…/).closest('[role="status"]')).not.toBeNull();
      expect(cards()).toHaveLength(0);
      expect(buttonNames()).toEqual([]);
      await advance(100);
      expect(screen.queryByText('Загрузка подключений…')).toBeNull();
    });

    it('no sessions shows "Подключить WhatsApp" and nothing else to do', async () => {
      renderPanel({ backend: simulated(), strict });
      await advance(100);
      expect(cards()).toHaveLength(0);
      expect(screen.queryByText(/Загрузка подключений/)).toBeNull();
      expect(buttonNames()).toEqual(['Подключить WhatsApp']);
    });

    it('sessions show their cards and "Подключить ещё один WhatsApp"', async () => {
      renderPanel({
        backend: simulated({ sessions: [{ state: 'connected' }, { state: 'offline' }] }),
        strict,
      });
      await advance(300);
      expect(cards()).toHaveLength(2);
      expect(screen.queryByText(/Загрузка подключений/)).toBeNull();
      expect(button('Подключить ещё один WhatsApp')).toBeTruthy();
      expect(hasButton('Подключить WhatsApp')).toBe(false);
      expect(screen.queryByRole('dialog')).toBeNull();
    });

    it('a new connection shows its QR in a dialog', async () => {
      renderPanel({ backend: simulated({ sessions: [{ state: 'connected' }] }), strict });
      await advance(300);
      fireEvent.click(button('Подключить ещё один WhatsApp'));
      const dialog = qrDialog()!;
      expect(dialog.getAttribute('aria-modal')).toBe('true');
      expect(dialog.textContent).toContain('Создание подключения…');
      await advance(100);
      expect(within(dialog).getByTestId('qr').querySelector('svg')).not.toBeNull();
      // The QR is drawn once, in the dialog only.
      expect(screen.getAllByTestId('qr')).toHaveLength(1);
    });
  });

  it('cards show name, status words, session id, masked key, check age and only the allowed actions', async () => {
    const backend = simulated({
      sessions: [
        { state: 'connected', name: 'Продажи' },
        { state: 'offline', name: 'Поддержка' },
      ],
    });
    renderPanel({ backend, strict });
    await advance(100);
    const sales = cardOf('0000000000001');
    expect(sales.getAttribute('aria-label')).toBe('Продажи 0000000000001');
    expect(badge(sales)).toBe('⏳ Проверка…');
    expect(within(sales).getByTestId('checked-ago').textContent).toBe('ещё не проверено');

    await advance(100);
    const support = cardOf('0000000000002');
    expect(badge(sales)).toBe('🟢 Подключено');
    expect(badge(support)).toBe('📵 Не в сети');
    expect(within(sales).getByText('0000000000001').tagName).toBe('CODE');
    expect(within(sales).getByText(/^•+[^•]{0,4}$/).tagName).toBe('CODE'); // the core's mask
    expect(within(sales).getByTestId('checked-ago').textContent).toBe('проверено только что');
    // Checked at 200 ms; the shared clock starts with its first reader (this "проверено", at 200 ms) and ticks
    // every second from then: at 6200 ms it is 6.0 s.
    await advance(6_000);
    expect(within(sales).getByTestId('checked-ago').textContent).toBe('проверено 6 с назад');
    expect(sales.textContent).not.toMatch(/проверено:\s*проверено/i); // said once, not "Проверено: проверено …"

    expect(hasButton('Отключить', sales)).toBe(true);
    expect(hasButton('Показать новый QR', sales)).toBe(false);
    expect(hasButton('Попробовать снова', sales)).toBe(false);
    expect(hasButton('Показать новый QR', support)).toBe(true);
    expect(hasButton('Отключить', support)).toBe(true);
    // A Russian sentence first; the backend's words only as the detail.
    expect(support.textContent).toContain(
      'Номер не в сети: телефон отвязан от WhatsApp или платформа потеряла сессию. Подробности: Account is offline',
    );
    expect(document.body.innerHTML).not.toContain('secret');
  });

  it('adds a number: QR, waiting, countdown, simulated scan, connected, closed', async () => {
    const backend = simulated();
    renderPanel({ backend, strict, timings: { qrTimeout: 120_000 } });
    await advance(100);
    const opener = button('Подключить WhatsApp');
    opener.focus();
    fireEvent.click(opener);
    const dialog = qrDialog()!;
    expect(dialog.contains(document.activeElement)).toBe(true);
    await advance(100);
    expect(dialog.textContent).toContain('Ожидание сканирования…');
    expect(within(dialog).getByTestId('qr-countdown').textContent).toBe('QR-код действует ещё 2:00');
    // The countdown changes every second and the QR is a picture: a live region around them would make a screen
    // reader speak every tick. Only the status line is live.
    const liveAround = (el: Element) => el.closest('[aria-live], [role="status"], [role="alert"]');
    expect(liveAround(within(dialog).getByTestId('qr-countdown'))).toBeNull();
    expect(liveAround(within(dialog).getByRole('img'))).toBeNull();
    expect(liveAround(within(dialog).getByText('Ожидание сканирования…'))).not.toBeNull();
    await advance(15_000);
    expect(within(dialog).getByTestId('qr-countdown').textContent).toMatch(/QR-код действует ещё 1:4\d/);
    expect(badge(cards()[0]!)).toBe('📷 Ожидает сканирования QR');

    fireEvent.click(button('Сканировать (симуляция)', dialog));
    await advance(200);
    expect(dialog.textContent).toContain('WhatsApp подключён (Session 0000000000001)');
    expect(badge(cardOf('0000000000001'))).toBe('🟢 Подключено');
    // The finished action, said once (it replaces the card's own "…: Подключено" in the same commit) and shown.
    expect(screen.getByTestId('announcer').textContent).toBe(
      'WhatsApp подключён: WhatsApp (WPP) 0000000000001',
    );
    expect(screen.getByTestId('notice').textContent).toContain('WhatsApp подключён');

    fireEvent.click(button('Готово', dialog));
    await advance(0);
    expect(qrDialog()).toBeNull();
    expect(document.activeElement?.textContent).toContain('Подключить ещё один WhatsApp');
    expect(backend.stats().calls.create).toBe(1);
  });

  it('an expired QR says so and offers a new one', async () => {
    const backend = simulated();
    renderPanel({ backend, strict, timings: { qrTimeout: 5_000 } });
    await advance(100);
    fireEvent.click(button('Подключить WhatsApp'));
    await advance(100);
    const dialog = qrDialog()!;
    await advance(5_000);
    expect(dialog.textContent).toContain('Срок действия QR-кода истёк');
    expect(within(dialog).queryByTestId('qr')).toBeNull();
    expect(dialog.textContent).not.toContain('Ожидание сканирования…');

    fireEvent.click(button('Получить новый QR', dialog));
    await advance(100);
    expect(within(dialog).getByTestId('qr')).toBeTruthy();
    expect(backend.stats().calls.start).toBe(1);
  });

  it('a saved number whose QR expired says so on its card and offers a new QR', async () => {
    const backend = simulated({ sessions: [{ state: 'qr' }] });
    renderPanel({ backend, strict, timings: { qrTimeout: 5_000 } });
    await advance(200);
    const card = cardOf('0000000000001');
    expect(badge(card)).toBe('📷 Ожидает сканирования QR');
    expect(hasButton('Показать QR', card)).toBe(true);
    await advance(5_000);
    expect(badge(card)).toBe('⌛ QR-код истёк');
    expect(card.textContent).toContain('Срок действия QR-кода истёк');

    fireEvent.click(button('Показать новый QR', card));
    const dialog = qrDialog()!;
    await advance(100);
    expect(within(dialog).getByTestId('qr')).toBeTruthy();
  });

  it('"Отмена" cancels the new number', async () => {
    const backend = simulated({ sessions: [{ state: 'connected' }] });
    renderPanel({ backend, strict });
    await advance(300);
    fireEvent.click(button('Подключить ещё один WhatsApp'));
    await advance(100);
    fireEvent.click(button('Отмена', qrDialog()!));
    await advance(300);
    expect(qrDialog()).toBeNull();
    expect(cards()).toHaveLength(1);
    expect(backend.stats().calls.disconnect).toBe(1);
  });

  it('disconnect asks first, shows a pending state, then the card is gone', async () => {
    const backend = simulated({ sessions: [{ state: 'connected' }, { state: 'connected' }] });
    renderPanel({ backend, strict });
    await advance(300);
    const card = cardOf('0000000000001');

    fireEvent.click(button('Отключить', card));
    let dialog = screen.getByRole('dialog', { name: 'Отключение WhatsApp' });
    fireEvent.click(button('Отмена', dialog));
    expect(screen.queryByRole('dialog')).toBeNull();
    expect(backend.stats().calls.disconnect).toBe(0);

    fireEvent.click(button('Отключить', card));
    dialog = screen.getByRole('dialog', { name: 'Отключение WhatsApp' });
    fireEvent.click(button('Отключить', dialog));
    expect(dialog.textContent).toContain('Отключение…');
    expect(button('Отключение…', dialog).disabled).toBe(true);
    expect(badge(card)).toBe('⏳ Отключение…');
    expect(button('Отключение…', card).disabled).toBe(true);

    await advance(100);
    expect(screen.queryByRole('dialog')).toBeNull();
    expect(cards()).toHaveLength(1);
    expect(backend.stats().calls.disconnect).toBe(1);
    await advance(0);
    expect(document.activeElement?.id).toBe('wpp-panel-title');
  });

  it('the disconnect confirmation names the number by its own name and session', async () => {
    const backend = simulated({
      sessions: [
        { state: 'connected', name: 'Отдел продаж' },
        { state: 'connected', name: 'Бухгалтерия' },
      ],
    });
    renderPanel({ backend, strict });
    await advance(300);
    fireEvent.click(button('Отключить', cardOf('0000000000002')));
    const dialog = screen.getByRole('dialog', { name: 'Отключение WhatsApp' });
    expect(dialog.textContent).toContain('Номер «Бухгалтерия» (Session: 0000000000002) будет отключён');
    expect(dialog.textContent).not.toContain('Отдел продаж');
  });

  it('a failed disconnect shows its reason in the dialog and can be retried', async () => {
    let failing = true;
    const backend = simulated({
      sessions: [{ state: 'connected' }],
      fault: (operation) =>
        failing && operation === 'disconnect'
          ? { kind: 'error', code: 'timeout', message: 'HTTP 504' }
          : null,
    });
    renderPanel({ backend, strict });
    await advance(300);
    fireEvent.click(button('Отключить', cardOf('0000000000001')));
    const dialog = screen.getByRole('dialog', { name: 'Отключение WhatsApp' });
    fireEvent.click(button('Отключить', dialog));
    await advance(100);
    const alert = within(dialog).getByRole('alert');
    expect(alert.textContent).toContain('Не удалось отключить. Сервер не ответил вовремя.');
    expect(alert.textContent).toContain('Подробности: HTTP 504');
    failing = false;
    fireEvent.click(button('Попробовать снова', dialog));
    await advance(100);
    expect(cards()).toHaveLength(0);
    expect(button('Подключить WhatsApp')).toBeTruthy();
  });

  it('a disconnect the backend refuses keeps the number; removing only its row takes a warned second step', async () => {
    const backend = simulated({
      sessions: [{ state: 'connected' }],
      fault: (operation) =>
        operation === 'disconnect'
          ? { kind: 'error', code: 'server', message: 'upstream stop failed' }
          : null,
    });
    renderPanel({ backend, strict });
    await advance(300);
    fireEvent.click(button('Отключить', cardOf('0000000000001')));
    const dialog = screen.getByRole('dialog', { name: 'Отключение WhatsApp' });
    fireEvent.click(button('Отключить', dialog));
    await advance(100);
    expect(within(dialog).getByRole('alert').textContent).toContain('Не удалось отключить. Ошибка сервера');
    // Nothing was deleted behind the admin's back: the number is still listed.
    expect(cards()).toHaveLength(1);
    expect(backend.stats().calls.forget).toBe(0);
    fireEvent.click(button('Удалить только запись…', dialog));
    expect(within(dialog).getAllByRole('alert').at(-1)!.textContent).toMatch(
      /только из панели.*может продолжать работать/,
    );
    expect(backend.stats().calls.forget).toBe(0);
    fireEvent.click(button('Удалить запись', dialog));
    await advance(100);
    expect(backend.stats().calls.forget).toBe(1);
    expect(cards()).toHaveLength(0);
  });

  it('a sole number whose key went invalid offers "Пересоздать", asks first, then shows the new QR', async () => {
    let keyInvalid = true;
    const backend = simulated({
      sessions: [{ state: 'connected' }],
      fault: (operation) =>
        keyInvalid && operation === 'getStatus'
          ? {
              kind: 'error',
              code: 'server',
              message:
                'INVALID_API_KEY: API key expired or invalid. Use force_recreate to generate new session.',
            }
          : null,
    });
    renderPanel({ backend, strict, timings: { retryAttempts: 0 } });
    await advance(300);
    const card = cardOf('0000000000001');
    keyInvalid = false;
    fireEvent.click(button('Пересоздать', card));
    const dialog = screen.getByRole('dialog', { name: 'Пересоздание подключения' });
    expect(dialog.textContent).toMatch(/новый ключ для этого же номера/);
    expect(backend.stats().calls.create).toBe(0);
    fireEvent.click(button('Пересоздать', dialog));
    await advance(300);
    expect(backend.stats().calls.create).toBe(1);
    expect(qrDialog()).not.toBeNull();
    // The same number, with a new key: still one card, one saved row.
    expect(cards()).toHaveLength(1);
    expect(backend.savedRows()).toHaveLength(1);
  });

  it('"Обновить статусы" re-checks every session', async () => {
    const backend = simulated({ sessions: [{ state: 'connected' }, { state: 'connected' }] });
    renderPanel({ backend, strict, timings: { recheckInterval: 0 } });
    await advance(300);
    expect(backend.stats().calls.getStatus).toBe(2);
    backend.drop('0000000000002');
    fireEvent.click(button('Обновить статусы'));
    await advance(300);
    expect(backend.stats().calls.listSessions).toBe(2);
    expect(backend.stats().calls.getStatus).toBe(4);
    expect(badge(cardOf('0000000000001'))).toBe('🟢 Подключено');
    expect(badge(cardOf('0000000000002'))).toBe('📵 Не в сети');
  });

  it('a list error shows the reason and "Попробовать снова"', async () => {
    let failing = true;
    const backend = simulated({
      sessions: [{ state: 'connected' }],
      fault: (operation) =>
        failing && operation === 'listSessions'
          ? { kind: 'error', code: 'unauthorized', message: 'JWT expired' }
          : null,
    });
    renderPanel({ backend, strict });
    await advance(100);
    const alert = screen.getByRole('alert');
    expect(alert.textContent).toContain('Не удалось загрузить подключения. Нужно войти заново:');
    expect(alert.textContent).toContain('Подробности: JWT expired');
    failing = false;
    fireEvent.click(button('Попробовать снова', alert));
    await advance(300);
    expect(cards()).toHaveLength(1);
    expect(screen.queryByRole('alert')).toBeNull();
  });

  it('a session error shows its reason and retries', async () => {
    let failing = true;
    const backend = simulated({
      sessions: [{ state: 'connected' }],
      fault: (operation) =>
        failing && operation === 'getStatus' ? { kind: 'error', code: 'forbidden', message: 'RLS' } : null,
    });
    renderPanel({ backend, strict });
    await advance(300);
    const card = cardOf('0000000000001');
    expect(badge(card)).toBe('⚠️ Нет доступа');
    expect(within(card).getByTestId('session-error').textContent).toBe(
      'Нет доступа: у вашей учётной записи нет прав на это действие. Подробности: RLS',
    );
    failing = false;
    fireEvent.click(button('Попробовать снова', card));
    await advance(100);
    expect(badge(card)).toBe('🟢 Подключено');
  });

  it('an unusable saved row is shown as an error naming the field, and can only be removed', async () => {
    const backend = simulated({
      rawRows: [
        {
          id: '11111111-1111-4111-8111-111111111111',
          organization_id: '00000000-0000-4000-8000-0000000000aa',
          messenger_type: 'whatsapp',
          provider: 'wpp',
          name: 'Старый номер',
          is_active: true,
          settings: { wppApiKey: 'abcdefghijklmnop' },
        },
      ],
    });
    renderPanel({ backend, strict });
    await advance(300);
    const card = screen.getByRole('article', { name: 'Старый номер' });
    expect(badge(card)).toBe('⚠️ Запись повреждена');
    const error = within(card).getByTestId('session-error');
    expect(error.textContent).toContain('Запись интеграции повреждена: нет поля settings.wppAccountNumber.');
    expect(error.textContent).toContain('Подробности: settings.wppAccountNumber is missing');
    expect(
      within(card)
        .getAllByRole('button')
        .map((b) => b.textContent?.trim()),
    ).toEqual(['Отключить']);
  });

  it('a session whose status check failed can still be disconnected from the dialog', async () => {
    const backend = simulated({
      sessions: [{ state: 'connected' }],
      fault: (operation) =>
        operation === 'getStatus' ? { kind: 'error', code: 'forbidden', message: 'RLS' } : null,
    });
    renderPanel({ backend, strict });
    await advance(300);
    const card = cardOf('0000000000001');
    expect(badge(card)).toBe('⚠️ Нет доступа');
    fireEvent.click(button('Отключить', card));
    const dialog = screen.getByRole('dialog', { name: 'Отключение WhatsApp' });
    // Nothing was sent yet: no "failed to disconnect", and the main button disconnects (not a re-check).
    expect(dialog.textContent).not.toContain('Не удалось отключить');
    expect(hasButton('Попробовать снова', dialog)).toBe(false);
    const confirm = button('Отключить', dialog);
    expect(confirm.disabled).toBe(false);
    fireEvent.click(confirm);
    expect(dialog.textContent).toContain('Отключение…');
    await advance(100);
    expect(backend.stats().calls.disconnect).toBe(1);
    expect(screen.queryByRole('dialog')).toBeNull();
    expect(cards()).toHaveLength(0);
  });

  it('an unusable saved row can be removed from the disconnect dialog', async () => {
    const backend = simulated({
      rawRows: [
        {
          id: '11111111-1111-4111-8111-111111111111',
          organization_id: '00000000-0000-4000-8000-0000000000aa',
          messenger_type: 'whatsapp',
          provider: 'wpp',
          name: 'Старый номер',
          is_active: true,
          settings: { wppApiKey: 'abcdefghijklmnop' },
        },
      ],
    });
    renderPanel({ backend, strict });
    await advance(300);
    fireEvent.click(button('Отключить', screen.getByRole('article', { name: 'Старый номер' })));
    const dialog = screen.getByRole('dialog', { name: 'Отключение WhatsApp' });
    expect(dialog.textContent).not.toContain('Не удалось отключить');
    const confirm = button('Отключить', dialog);
    expect(confirm.disabled).toBe(false);
    fireEvent.click(confirm);
    await advance(100);
    expect(backend.stats().calls.disconnect).toBe(1);
    expect(screen.queryByRole('dialog')).toBeNull();
    expect(cards()).toHaveLength(0);
    expect(button('Подключить WhatsApp')).toBeTruthy();
  });

  it('a failed disconnect of a session whose check had failed shows the disconnect failure, then retries it', async () => {
    let disconnectFails = true;
    const backend = simulated({
      sessions: [{ state: 'connected' }],
      fault: (operation) =>
        operation === 'getStatus'
          ? { kind: 'error', code: 'forbidden', message: 'RLS' }
          : operation === 'disconnect' && disconnectFails
            ? { kind: 'error', code: 'server', message: 'HTTP 502' }
            : null,
    });
    renderPanel({ backend, strict });
    await advance(300);
    fireEvent.click(button('Отключить', cardOf('0000000000001')));
    const dialog = screen.getByRole('dialog', { name: 'Отключение WhatsApp' });
    fireEvent.click(button('Отключить', dialog));
    await advance(100);
    expect(within(dialog).getByRole('alert').textContent).toContain('Не удалось отключить');
    expect(within(dialog).getByRole('alert').textContent).toContain('HTTP 502');
    disconnectFails = false;
    fireEvent.click(button('Попробовать снова', dialog));
    await advance(100);
    expect(backend.stats().calls.disconnect).toBe(2);
    expect(cards()).toHaveLength(0);
  });

  it('a failed creation offers "Убрать" in the dialog and on the card, and "Закрыть"; nothing creates by itself', async () => {
    const backend = simulated({
      fault: (operation) =>
        operation === 'create' ? { kind: 'error', code: 'server', message: 'Upstream 502' } : null,
    });
    renderPanel({ backend, strict });
    await advance(100);
    fireEvent.click(button('Подключить WhatsApp'));
    await advance(100);
    const dialog = qrDialog()!;
    expect(dialog.textContent).toContain('Ошибка сервера');
    expect(dialog.textContent).toContain('Upstream 502');
    // One alert, not nested in a polite region (that would read it twice).
    const alert = within(dialog).getByRole('alert');
    expect(alert.textContent).toContain('Ошибка сервера');
    expect(alert.parentElement!.closest('[aria-live], [role="status"], [role="alert"]')).toBeNull();
    expect(hasButton('Убрать', dialog)).toBe(true);
    expect(hasButton('Отмена', dialog)).toBe(false);
    // The core says a failed create cannot be retried (its outcome is unknown): no button sends another one.
    expect(hasButton('Попробовать снова')).toBe(false);
    // Focus lands on the harmless "Закрыть", not on "Убрать".
    expect(document.activeElement).toBe(button('Закрыть', dialog));
    await advance(60_000);
    expect(backend.stats().calls.create).toBe(1);

    // "Закрыть" only closes: the failed number stays as a card that can be removed.
    fireEvent.click(button('Закрыть', dialog));
    await advance(0);
    expect(qrDialog()).toBeNull();
    const card = cards()[0]!;
    expect(badge(card)).toBe('⚠️ Не удалось создать');
    fireEvent.click(button('Убрать', card));
    await advance(300);
    expect(cards()).toHaveLength(0);
    expect(button('Подключить WhatsApp')).toBeTruthy();
    expect(backend.stats().calls.create).toBe(1);
  });

  it('"Убрать" in the dialog removes a failed creation', async () => {
    const backend = simulated({
      sessions: [{ state: 'connected' }],
      fault: (operation) =>
        operation === 'create' ? { kind: 'error', code: 'timeout', message: 'HTTP 504' } : null,
    });
    renderPanel({ backend, strict });
    await advance(300);
    fireEvent.click(button('Подключить ещё один WhatsApp'));
    await advance(100);
    fireEvent.click(button('Убрать', qrDialog()!));
    await advance(300);
    expect(qrDialog()).toBeNull();
    expect(cards()).toHaveLength(1);
    expect(backend.stats().calls.create).toBe(1);
    expect(backend.stats().calls.disconnect).toBe(0);
  });

  it('errors read in Russian by their code, the backend words only as a small detail', async () => {
    const backend = simulated({
      sessions: [{ state: 'connected' }, { state: 'connected' }],
      fault: (operation, ref) =>
        operation !== 'getStatus'
          ? null
          : ref?.accountNumber === '0000000000001'
            ? { kind: 'hang' }
            : { kind: 'error', code: 'forbidden', message: 'new row violates row-level security policy' },
    });
    renderPanel({ backend, strict, timings: { checkTimeout: 5_000, retryAttempts: 0 } });
    await advance(5_300);
    const hung = cardOf('0000000000001');
    expect(badge(hung)).toBe('⚠️ Сервер не отвечает');
    expect(hung.textContent).toContain('Превышено время ожидания');
    expect(hung.textContent).not.toContain('The status did not settle in time');
    const refused = cardOf('0000000000002');
    const error = within(refused).getByTestId('session-error');
    expect(error.textContent).toContain('Нет доступа');
    const detail = within(error).getByText(/^Подробности:/);
    expect(detail.textContent).toBe('Подробности: new row violates row-level security policy');
    expect(detail.tagName).toBe('SMALL');
  });

  it('a disconnected card says why in Russian first; the backend words only under "Подробности"', async () => {
    const backend = simulated({ sessions: [{ state: 'offline' }, { state: 'offline' }] });
    const getStatus = backend.getStatus;
    const withDetail = {
      ...backend,
      getStatus: async (...args: Parameters<typeof getStatus>) => {
        const result = await getStatus(...args);
        if (result.status !== 'disconnected') return result;
        return args[0].accountNumber === '0000000000001'
          ? { status: 'disconnected' as const, detail: 'wppApiKey or wppAccountNumber not configured' }
          : { status: 'disconnected' as const };
      },
    };
    renderPanel({ backend: withDetail, strict });
    await advance(300);
    const configured = cardOf('0000000000001');
    expect(badge(configured)).toBe('⚙️ Не настроено');
    const note = within(configured).getByText(/Интеграция не настроена/);
    expect(note.textContent).toMatch(
      /^Интеграция не настроена: в записи нет ключа API или номера сессии\. Подробности: wppApiKey or wppAccountNumber not configured$/,
    );
    expect(within(note).getByText(/^Подробности:/).tagName).toBe('SMALL');
    expect(configured.textContent).not.toContain('Номер не в сети');
    // "Account is offline" (and no words at all): the Russian reason; the English only as the detail.
    const offline = cardOf('0000000000002').textContent!;
    expect(offline).toContain('Номер не в сети');
    expect(offline).not.toContain('Платформа сообщает');
  });

  it('failing sessions on load raise no alert each: card errors are text, one polite announcer', async () => {
    const backend = simulated({
      sessions: [{ state: 'connected' }, { state: 'connected' }, { state: 'connected' }],
      fault: (operation) =>
        operation === 'getStatus' ? { kind: 'error', code: 'forbidden', message: 'RLS' } : null,
    });
    renderPanel({ backend, strict });
    await advance(300);
    expect(cards().map(badge)).toEqual(['⚠️ Нет доступа', '⚠️ Нет доступа', '⚠️ Нет доступа']);
    expect(screen.queryAllByRole('alert')).toHaveLength(0);
    for (const card of cards())
      expect(within(card).getByTestId('session-error').textContent).toContain('Нет доступа');
    const live = document.querySelectorAll('[aria-live], [role="alert"], [role="status"], [role="log"]');
    expect(Array.from(live).map((el) => el.getAttribute('data-testid'))).toEqual(['announcer']);
    expect(screen.getByTestId('announcer').textContent).toContain('Нет доступа');
  });

  it('draws an image QR with <img>', async () => {
    const png =
      'data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==';
    const backend = simulated();
    const getStatus = backend.getStatus;
    const withImages = {
      ...backend,
      getStatus: async (...args: Parameters<typeof getStatus>) => {
        const result = await getStatus(...args);
        return result.status === 'qr_issued'
          ? { status: 'qr_issued' as const, qr: { kind: 'image' as const, src: png } }
          : result;
      },
      create: async (...args: Parameters<typeof backend.create>) => {
        const result = await backend.create(...args);
        return {
          ...result,
          status: { status: 'qr_issued' as const, qr: { kind: 'image' as const, src: png } },
        };
      },
    };
    renderPanel({ backend: withImages, strict, withScan: false });
    await advance(100);
    fireEvent.click(button('Подключить WhatsApp'));
    await advance(100);
    const qr = within(qrDialog()!).getByTestId('qr');
    expect(qr.querySelector('img')?.getAttribute('src')).toBe(png);
    expect(qr.querySelector('svg')).toBeNull();
    expect(hasButton('Сканировать (симуляция)')).toBe(false);
  });
});
