import { act, fireEvent, render, screen, within } from '@testing-library/react';
import type { WppBackend } from '@wpp-sessions/react';
import { StrictMode } from 'react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { IntegrationsPanel } from '../src/App.js';
import { advance, badge, button, cardOf, hasButton, MODES, simulated } from './harness.js';

type Simulated = ReturnType<typeof simulated>;

/** The panel as `App` runs it: rows from the app's TanStack query, the rename wired to the backend. */
function renderOnRows(backend: Simulated | WppBackend, rows: Simulated, strict: boolean) {
  const tree = (
    <IntegrationsPanel
      backend={backend}
      fetchIntegrations={async () => rows.savedRows()}
      scan={null}
      timings={{ recheckInterval: 0 }}
      inspect={undefined}
    />
  );
  return render(strict ? <StrictMode>{tree}</StrictMode> : tree);
}

const renameButton = (card: HTMLElement) => within(card).getByRole('button', { name: /^Переименовать/ });
const nameInput = (card: HTMLElement) =>
  within(card).getByRole<HTMLInputElement>('textbox', { name: 'Название номера' });
const title = (card: HTMLElement) => within(card).getByRole('heading', { level: 3 }).textContent;

describe.each(MODES)('renaming a number in place (%s)', (_mode, strict) => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('each card is titled by its own name, the session number under it', async () => {
    const backend = simulated({
      sessions: [
        { state: 'connected', name: 'Отдел продаж' },
        { state: 'connected', name: 'Поддержка' },
      ],
    });
    renderOnRows(backend, backend, strict);
    await advance(300);
    const sales = cardOf('0000000000001');
    expect(title(sales)).toBe('Отдел продажосновной');
    expect(title(cardOf('0000000000002'))).toBe('Поддержка');
    expect(within(sales).getByText('Session:', { exact: false }).textContent).toBe('Session: 0000000000001');
  });

  it('Enter saves: progress shown, the list re-read, the new name on the card, the focus back on the button', async () => {
    const backend = simulated({ sessions: [{ state: 'connected' }] });
    renderOnRows(backend, backend, strict);
    await advance(300);
    const card = cardOf('0000000000001');
    fireEvent.click(renameButton(card));
    const input = nameInput(card);
    expect(document.activeElement).toBe(input);
    expect(input.value).toBe('WhatsApp (WPP)');
    fireEvent.change(input, { target: { value: '  Ресепшн  ' } });
    const listsBefore = backend.stats().calls.listSessions;
    fireEvent.keyDown(input, { key: 'Enter' });
    expect(within(card).getByText('Сохранение…')).toBeTruthy();
    expect(input.readOnly).toBe(true);
    await advance(300);
    const renamed = cardOf('0000000000001');
    expect(title(renamed)).toBe('Ресепшносновной');
    expect(renamed.getAttribute('aria-label')).toBe('Ресепшн 0000000000001');
    expect(within(renamed).queryByRole('textbox')).toBeNull();
    expect(document.activeElement).toBe(renameButton(renamed));
    expect(backend.stats().calls.rename).toBe(1);
    expect(backend.savedRows()[0]!.name).toBe('Ресепшн');
    expect(backend.stats().calls.listSessions).toBe(listsBefore); // the rows came from the app's query
    expect(screen.getByTestId('announcer').textContent).toBe('Номер переименован: «Ресепшн»');
    // Not re-checked: the badge stays as it was.
    expect(badge(renamed)).toBe('🟢 Подключено');
    expect(backend.stats().calls.getStatus).toBe(1);
  });

  it('leaving the input saves; Escape cancels without a request', async () => {
    const backend = simulated({ sessions: [{ state: 'connected' }] });
    renderOnRows(backend, backend, strict);
    await advance(300);
    const card = cardOf('0000000000001');
    fireEvent.click(renameButton(card));
    fireEvent.change(nameInput(card), { target: { value: 'Не сохранять' } });
    fireEvent.keyDown(nameInput(card), { key: 'Escape' });
    await advance(0);
    expect(title(card)).toBe('WhatsApp (WPP)основной');
    expect(document.activeElement).toBe(renameButton(card));
    expect(backend.stats().calls.rename).toBe(0);

    fireEvent.click(renameButton(card));
    fireEvent.change(nameInput(card), { target: { value: 'Склад' } });
    fireEvent.blur(nameInput(card));
    await advance(300);
    expect(title(cardOf('0000000000001'))).toBe('Складосновной');
    expect(backend.stats().calls.rename).toBe(1);
  });

  it('an unchanged name closes the input without a request', async () => {
    const backend = simulated({ sessions: [{ state: 'connected' }] });
    renderOnRows(backend, backend, strict);
    await advance(300);
    const card = cardOf('0000000000001');
    fireEvent.click(renameButton(card));
    fireEvent.keyDown(nameInput(card), { key: 'Enter' });
    await advance(0);
    expect(within(card).queryByRole('textbox')).toBeNull();
    expect(backend.stats().calls.rename).toBe(0);
  });

  it('says in Russian what is wrong with a name, and sends nothing', async () => {
    const backend = simulated({ sessions: [{ state: 'connected' }] });
    renderOnRows(backend, backend, strict);
    await advance(300);
    const card = cardOf('0000000000001');
    fireEvent.click(renameButton(card));
    fireEvent.change(nameInput(card), { target: { value: '   ' } });
    fireEvent.keyDown(nameInput(card), { key: 'Enter' });
    expect(within(card).getByTestId('rename-error').textContent).toBe(
      'Введите название: оно не может быть пустым.',
    );
    expect(nameInput(card).getAttribute('aria-invalid')).toBe('true');
    fireEvent.change(nameInput(card), { target: { value: 'я'.repeat(101) } });
    fireEvent.keyDown(nameInput(card), { key: 'Enter' });
    expect(within(card).getByTestId('rename-error').textContent).toBe(
      'Название слишком длинное: не больше 100 символов.',
    );
    await advance(300);
    expect(backend.stats().calls.rename).toBe(0);
  });

  it('a name problem goes once the admin types again: never a refusal next to a name it does not describe', async () => {
    const backend = simulated({ sessions: [{ state: 'connected' }] });
    renderOnRows(backend, backend, strict);
    await advance(300);
    const card = cardOf('0000000000001');
    fireEvent.click(renameButton(card));
    fireEvent.change(nameInput(card), { target: { value: '' } });
    fireEvent.keyDown(nameInput(card), { key: 'Enter' });
    expect(within(card).getByTestId('rename-error').textContent).toBe(
      'Введите название: оно не может быть пустым.',
    );
    fireEvent.change(nameInput(card), { target: { value: 'Отдел продаж' } });
    expect(within(card).queryByTestId('rename-error')).toBeNull();
    expect(nameInput(card).getAttribute('aria-invalid')).toBe('false');
    expect(within(card).getByText('Enter — сохранить, Esc — отмена')).toBeTruthy();
  });

  it('a refused rename is said in Russian (the backend words under "Подробности"); the input stays', async () => {
    let refusing = true;
    const backend = simulated({
      sessions: [{ state: 'connected' }],
      fault: (operation) =>
        refusing && operation === 'rename'
          ? { kind: 'error', code: 'forbidden', message: 'new row violates row-level security policy' }
          : null,
    });
    renderOnRows(backend, backend, strict);
    await advance(300);
    const card = cardOf('0000000000001');
    fireEvent.click(renameButton(card));
    fireEvent.change(nameInput(card), { target: { value: 'Бухгалтерия' } });
    fireEvent.keyDown(nameInput(card), { key: 'Enter' });
    await advance(200);
    const error = within(card).getByTestId('rename-error');
    expect(error.getAttribute('role')).toBe('alert');
    expect(error.textContent).toMatch(/^Не удалось переименовать\. Нет доступа: /);
    expect(error.textContent).toContain('Подробности: new row violates row-level security policy');
    expect(nameInput(card).value).toBe('Бухгалтерия');
    expect(nameInput(card).readOnly).toBe(false);
    expect(document.activeElement).toBe(nameInput(card));

    refusing = false;
    fireEvent.keyDown(nameInput(card), { key: 'Enter' });
    await advance(300);
    expect(title(cardOf('0000000000001'))).toBe('Бухгалтерияосновной');
  });

  it('has no rename button when the backend cannot rename', async () => {
    const backend = simulated({ sessions: [{ state: 'connected' }] });
    const { rename: _rename, ...withoutRename } = backend;
    renderOnRows(withoutRename as WppBackend, backend, strict);
    await advance(300);
    const card = cardOf('0000000000001');
    expect(hasButton(/^Переименовать/, card)).toBe(false);
    expect(title(card)).toBe('WhatsApp (WPP)основной');
    await act(async () => {});
    expect(button('Отключить', card)).toBeTruthy();
  });
});
