import { act, fireEvent, render, screen, within } from '@testing-library/react';
import { StrictMode } from 'react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { App } from '../src/App.js';
import { localBackend } from '../src/backend.js';
import type { PanelConfig } from '../src/config.js';
import { advance, button, cards, hasButton, MODES, qrDialog } from './harness.js';

const BASE = 'http://127.0.0.1:54399';
const TOKENS = {
  url: BASE,
  anonKey: 'anon-key',
  organizations: [
    { id: 'org-a', name: 'Академия A', token: 'token-a' },
    { id: 'org-b', name: 'Академия B', token: 'token-b' },
  ],
};

interface Seen {
  url: string;
  method: string;
  headers: Headers;
  body: string | null;
}

/**
 * A fetch that answers the panel server's session (same origin) and an empty messenger-integrations list, and
 * records every request.
 */
function fakeLocalBackend() {
  const seen: Seen[] = [];
  const fetchMock = vi.fn(async (input: RequestInfo | URL, init?: RequestInit) => {
    const request = new Request(input, init);
    seen.push({
      url: request.url,
      method: request.method,
      headers: request.headers,
      body: init?.body ? String(init.body) : null,
    });
    const json = (status: number, body: unknown) =>
      new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json' } });
    if (request.url === new URL('/__local-backend/session', window.location.href).href)
      return json(200, TOKENS);
    if (request.url.startsWith(`${BASE}/functions/v1/messenger-integrations`)) {
      return json(200, { success: true, integrations: [] });
    }
    if (request.url === `${BASE}/dev/scan`) return json(200, { ok: true, status: 'connected' });
    if (request.url === `${BASE}/dev/faults`) {
      const faults = { errorRate: 0, latencyMs: 0, timeoutRate: 0, malformedRate: 0, seed: null };
      return json(200, { faults: { ...faults, ...(init?.body ? JSON.parse(String(init.body)) : {}) } });
    }
    if (request.url === `${BASE}/dev/config`) {
      return json(200, {
        config: { qrRotateMs: 20_000, qrExpireMs: 60_000, startDelayMs: 800, qrWaitMs: 5_000 },
      });
    }
    return json(404, { error: `not faked: ${request.url}` });
  });
  vi.stubGlobal('fetch', fetchMock);
  return { seen };
}

function renderApp(config: PanelConfig, strict: boolean) {
  return render(
    strict ? (
      <StrictMode>
        <App config={config} />
      </StrictMode>
    ) : (
      <App config={config} />
    ),
  );
}

describe.each(MODES)('App (%s)', (_mode, strict) => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => {
    vi.useRealTimers();
    vi.unstubAllGlobals();
  });

  it('?backend=sim runs the simulated backend with a connected and an offline number and a scan button', async () => {
    renderApp({ mode: 'sim', timings: {}, inspect: false }, strict);
    await advance(700);
    expect(cards().map((card) => within(card).getByTestId('status-badge').textContent?.trim())).toEqual([
      '🟢 Подключено',
      '📵 Не в сети',
    ]);
    fireEvent.click(button('Подключить ещё один WhatsApp'));
    await advance(400);
    fireEvent.click(button('Сканировать (симуляция)', qrDialog()!));
    await advance(700);
    expect(qrDialog()!.textContent).toContain('WhatsApp подключён');
  });

  it('with VITE_SUPABASE_* talks to that project and shows its refusal', async () => {
    const seen: string[] = [];
    vi.stubGlobal(
      'fetch',
      vi.fn(async (input: RequestInfo | URL, init?: RequestInit) => {
        const request = new Request(input, init);
        seen.push(`${request.method} ${request.url} apikey=${request.headers.get('apikey')}`);
        return new Response(JSON.stringify({ success: false, error: 'Invalid JWT' }), {
          status: 401,
          headers: { 'Content-Type': 'application/json' },
        });
      }),
    );
    renderApp({ mode: 'supabase', url: BASE, anonKey: 'project-anon', timings: {}, inspect: false }, strict);
    await advance(50);
    // The list from that project with its anon key (core may also read the last known statuses there).
    expect(seen).toContain(
      `GET ${BASE}/functions/v1/messenger-integrations?messenger_type=whatsapp apikey=project-anon`,
    );
    expect(
      seen.filter(
        (request) => !request.startsWith(`GET ${BASE}/`) || !request.endsWith(' apikey=project-anon'),
      ),
    ).toEqual([]);
    const alert = screen.getByRole('alert');
    expect(alert.textContent).toContain('Нужно войти заново');
    expect(within(alert).getByRole('button', { name: 'Попробовать снова' })).toBeTruthy();
    expect(screen.queryByRole('combobox')).toBeNull();
  });

  it('says to run npm start when the panel’s server gives no local backend session', async () => {
    vi.stubGlobal(
      'fetch',
      vi.fn(async () => {
        throw new TypeError('Failed to fetch');
      }),
    );
    renderApp({ mode: 'local', organizationId: null, timings: {}, inspect: false }, strict);
    expect(screen.getByRole('status').textContent).toContain('Подключение к локальному бэкенду…');
    await advance(0);
    const alert = screen.getByRole('alert');
    expect(alert.textContent).toContain('Сервер панели недоступен');
    expect(alert.textContent).toContain('npm start');
  });

  it('"Попробовать снова" asks the panel\'s server again once it was unreachable, without a page reload', async () => {
    let down = true;
    const { seen } = fakeLocalBackend();
    const answer = globalThis.fetch;
    vi.stubGlobal(
      'fetch',
      vi.fn(async (input: RequestInfo | URL, init?: RequestInit) => {
        if (down) throw new TypeError('Failed to fetch');
        return answer(input, init);
      }),
    );
    renderApp({ mode: 'local', organizationId: null, timings: {}, inspect: false }, strict);
    await advance(0);
    const alert = screen.getByRole('alert');
    expect(alert.textContent).toContain('Сервер панели недоступен');
    down = false;
    fireEvent.click(within(alert).getByRole('button', { name: 'Попробовать снова' }));
    for (let i = 0; i < 20 && !hasButton('Подключить WhatsApp'); i += 1) await advance(50);
    expect(screen.queryByRole('alert')).toBeNull();
    expect(hasButton('Подключить WhatsApp')).toBe(true);
    expect(seen.some((request) => request.url.includes('/functions/v1/messenger-integrations'))).toBe(true);
  });

  it('signs in to the local backend with the chosen organization token and switches organizations', async () => {
    const { seen } = fakeLocalBackend();
    renderApp({ mode: 'local', organizationId: 'org-b', timings: {}, inspect: false }, strict);
    // The rows come through the app's query (TanStack notifies on its own timer): wait for the empty panel.
    for (let i = 0; i < 20 && !hasButton('Подключить WhatsApp'); i += 1) await advance(50);
    const select = screen.getByRole<HTMLSelectElement>('combobox', { name: /Организация/ });
    expect(select.value).toBe('org-b');
    expect(
      within(select)
        .getAllByRole('option')
        .map((o) => o.textContent),
    ).toEqual(['Академия A', 'Академия B']);
    expect(button('Подключить WhatsApp')).toBeTruthy();

    const lists = () => seen.filter((r) => r.url.includes('/functions/v1/messenger-integrations'));
    expect(lists()).toHaveLength(1);
    expect(lists()[0]!.headers.get('authorization')).toBe('Bearer token-b');
    expect(lists()[0]!.headers.get('apikey')).toBe('anon-key');

    await act(async () => {
      fireEvent.change(select, { target: { value: 'org-a' } });
    });
    for (let i = 0; i < 20 && lists().length < 2; i += 1) await advance(50);
    expect(lists()).toHaveLength(2);
    expect(lists()[1]!.headers.get('authorization')).toBe('Bearer token-a');
    expect(new URL(window.location.href).searchParams.get('org')).toBe('org-a');
  });
});

describe.each(MODES)('the "Демо" menu (%s)', (_mode, strict) => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => {
    vi.useRealTimers();
    vi.unstubAllGlobals();
  });

  it('shows only against the local backend, opens by keyboard, sets the organization’s faults, closes on Escape', async () => {
    const { seen } = fakeLocalBackend();
    renderApp({ mode: 'local', organizationId: 'org-b', timings: {}, inspect: false }, strict);
    await advance(50);
    const toggle = button('Демо');
    expect(toggle.getAttribute('aria-expanded')).toBe('false');
    await act(async () => {
      fireEvent.click(toggle);
    });
    await advance(10);
    expect(toggle.getAttribute('aria-expanded')).toBe('true');
    expect(button('Без сбоев').getAttribute('aria-pressed')).toBe('true');
    await act(async () => {
      fireEvent.click(button('Ошибка сервера'));
    });
    await advance(10);
    const post = seen.find((r) => r.url === `${BASE}/dev/faults` && r.method === 'POST')!;
    expect(JSON.parse(post.body!)).toEqual({ errorRate: 1 });
    expect(post.headers.get('authorization')).toBe('Bearer token-b');
    expect(post.headers.get('apikey')).toBe('anon-key');
    expect(button('Ошибка сервера').getAttribute('aria-pressed')).toBe('true');
    expect(screen.getAllByRole('status').some((s) => s.textContent?.includes('ошибка сервера'))).toBe(true);
    button('Ошибка сервера').focus();
    await act(async () => {
      fireEvent.keyDown(document.activeElement!, { key: 'Escape' });
    });
    expect(toggle.getAttribute('aria-expanded')).toBe('false');
    expect(document.activeElement).toBe(toggle);
  });

  it('is not there for the simulated backend or a real project', async () => {
    renderApp({ mode: 'sim', timings: {}, inspect: false }, strict);
    await advance(700);
    expect(screen.queryByRole('button', { name: 'Демо' })).toBeNull();
  });
});

describe('localBackend scan', () => {
  afterEach(() => vi.unstubAllGlobals());

  it('posts the integration id to /dev/scan with the organization token', async () => {
    const { seen } = fakeLocalBackend();
    const { scan } = localBackend(BASE, 'anon-key', TOKENS.organizations[0]!);
    await scan('6f0e7c1e-0000-4000-8000-000000000001');
    const request = seen.find((r) => r.url === `${BASE}/dev/scan`)!;
    expect(request.method).toBe('POST');
    expect(request.headers.get('authorization')).toBe('Bearer token-a');
    expect(request.headers.get('apikey')).toBe('anon-key');
    expect(JSON.parse(request.body!)).toEqual({ integration_id: '6f0e7c1e-0000-4000-8000-000000000001' });
  });

  it('reports the backend error of a failed scan', async () => {
    vi.stubGlobal(
      'fetch',
      vi.fn(
        async () =>
          new Response(JSON.stringify({ error: 'No QR to scan: the number is connected' }), { status: 409 }),
      ),
    );
    const { scan } = localBackend(BASE, 'anon-key', TOKENS.organizations[0]!);
    await expect(scan('6f0e7c1e-0000-4000-8000-000000000001')).rejects.toThrow('No QR to scan');
  });
});
