// @vitest-environment happy-dom
import { act, cleanup, fireEvent, render, screen, within } from '@testing-library/react';
import type { QrValue, WppBackend } from '@wpp-sessions/core';
import { normalizeQr } from '@wpp-sessions/core/normalize';
import { createSimulatedBackend } from '@wpp-sessions/core/testing';
import { WppSessionsProvider } from '@wpp-sessions/react';
import { StrictMode } from 'react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { InspectionEvent } from 'xstate';
import { WppConnectPanel } from '../../examples/admin-panel/src/panel/WppConnectPanel.js';
import { report } from '../support/report.js';
import { findString } from '../support/secrets.js';

// The admin panel's WppConnectPanel, rendered in happy-dom over the simulated backend (whose rows hold full API keys):
// the DOM and every inspection event stay free of keys, names with HTML render as text, and the only <img> a QR
// becomes is a PNG data URL.

const HTML_NAME = '<img src=x onerror="window.__pwned=1">';
const SCRIPT_NAME = '<script>window.__pwned=2</script>';
const PNG =
  'data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==';
const isSecret = (text: string) => text.includes('secret') || /wppk_\d/.test(text);

async function advance(ms: number) {
  await act(() => vi.advanceTimersByTimeAsync(ms));
}

function renderPanel(backend: WppBackend, strict: boolean, events: InspectionEvent[]) {
  const tree = (
    <WppSessionsProvider backend={backend} inspect={(event: InspectionEvent) => events.push(event)}>
      <WppConnectPanel />
    </WppSessionsProvider>
  );
  return render(strict ? <StrictMode>{tree}</StrictMode> : tree);
}

function imagesOnPage(): string[] {
  return [...document.querySelectorAll('img')].map((img) => img.getAttribute('src') ?? '');
}

describe.each([
  ['StrictMode', true],
  ['plain', false],
])('the admin panel (%s)', (mode, strict) => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    cleanup();
    vi.useRealTimers();
  });

  it('shows no full API key in the DOM or any inspection event, and names with HTML as text', async (context) => {
    const backend = createSimulatedBackend({
      latency: 50,
      qrExpireMs: 600_000,
      sessions: [
        { state: 'connected', name: HTML_NAME },
        { state: 'offline', name: SCRIPT_NAME },
        { state: 'qr', name: 'Ресепшн' },
      ],
    });
    const events: InspectionEvent[] = [];
    renderPanel(backend, strict, events);
    await advance(500);
    expect(screen.getAllByRole('article')).toHaveLength(3);

    // Names with HTML are text: the literal characters are on screen and no element came from them.
    expect(screen.getAllByText(HTML_NAME).length).toBeGreaterThan(0);
    expect(screen.getAllByText(SCRIPT_NAME).length).toBeGreaterThan(0);
    expect(document.querySelector('img[src="x"]')).toBeNull();
    expect(document.querySelector('script')).toBeNull();
    expect((window as unknown as { __pwned?: number }).__pwned).toBeUndefined();

    // Add a number, show its QR, scan it, re-check everything.
    fireEvent.click(screen.getByRole('button', { name: 'Подключить ещё один WhatsApp' }));
    await advance(300);
    const dialog = screen.getByRole('dialog');
    expect(within(dialog).getByTestId('qr').querySelector('svg')).not.toBeNull();
    for (const integrationId of [
      '00000000-0000-4000-8000-000000000003',
      '00000000-0000-4000-8000-000000000004',
    ]) {
      backend.scan(integrationId);
    }
    await advance(2_500);
    fireEvent.click(screen.getByRole('button', { name: /Обновить статусы/ }));
    await advance(1_000);

    const html = document.body.innerHTML;
    expect(html).toMatch(/•{4}cret/);
    expect(isSecret(html)).toBe(false);
    expect(imagesOnPage().every((src) => src.startsWith('data:image/png;base64,'))).toBe(true);
    expect(events.length).toBeGreaterThan(50);
    const leak = events.map((event, index) => findString(event, isSecret, `events[${index}]`)).find(Boolean);
    expect(leak ?? null).toBeNull();
    report(context, {
      section: 'Secrets and input safety',
      command: 'npx vitest run --root reliability test/panel.test.tsx',
      invariant: `the admin panel’s WppConnectPanel (${mode}, happy-dom, simulated backend with full keys, hydrate + connect new + scan + refresh; ${events.length} inspection events): no full API key in the DOM or any inspection event; names with HTML render as text (no element, no script run)`,
    });
  });

  it('draws a text QR as a QR code and only a PNG data URL as an <img>', async (context) => {
    const simulated = createSimulatedBackend({ latency: 50 });
    let next: unknown = PNG;
    const backend: WppBackend = {
      ...simulated,
      // As an adapter does: whatever the backend sent goes through normalizeQr.
      create: async (params, signal) => {
        const created = await simulated.create(params, signal);
        return { ...created, status: { status: 'qr_issued', qr: normalizeQr(next) as QrValue } };
      },
      getStatus: async (ref, signal) => {
        const status = await simulated.getStatus(ref, signal);
        return status.status === 'qr_issued'
          ? { status: 'qr_issued', qr: normalizeQr(next) as QrValue }
          : status;
      },
    };
    renderPanel(backend, strict, []);
    await advance(200);
    fireEvent.click(screen.getByRole('button', { name: 'Подключить WhatsApp' }));
    await advance(200);
    expect(imagesOnPage()).toEqual([PNG]);
    next = '2@AbC,dEf,gHi';
    await advance(2_200);
    expect(imagesOnPage()).toEqual([]);
    expect(within(screen.getByRole('dialog')).getByTestId('qr').querySelector('svg')).not.toBeNull();
    // Markup that normalizeQr lets through as a text payload is encoded into the QR, never parsed as HTML.
    next = '<img src=x onerror="window.__pwned=3">';
    await advance(2_200);
    expect(imagesOnPage()).toEqual([]);
    expect(within(screen.getByRole('dialog')).getByTestId('qr').querySelector('svg')).not.toBeNull();
    expect((window as unknown as { __pwned?: number }).__pwned).toBeUndefined();
    report(context, {
      section: 'Secrets and input safety',
      command: 'npx vitest run --root reliability test/panel.test.tsx',
      invariant: `the admin panel (${mode}) renders a PNG data URL QR as <img> and a text QR (markup included) as an SVG QR code; no other <img> appears, no markup runs`,
    });
  });
});
