import { createWppSessions, sessionsView, sessionView, WppError } from '@wpp-sessions/core';
import { normalizeQr, parseSessionList } from '@wpp-sessions/core/normalize';
import { createScriptedBackend, createSimulatedBackend } from '@wpp-sessions/core/testing';
import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createOutcomePlayer, SECRET_MARKER } from '../support/outcome.player.js';
import { createProbe } from '../support/probe.js';
import { report } from '../support/report.js';
import { findString } from '../support/secrets.js';
import { createWatcher } from '../support/watcher.js';

const SECTION = 'Secrets and input safety' as const;
const COMMAND = 'npx vitest run --root reliability test/secrets.test.ts';
const PNG_1PX =
  'data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==';

function rejection(raw: unknown): WppError {
  try {
    const value = normalizeQr(raw);
    throw new Error(`accepted as ${JSON.stringify(value)?.slice(0, 80)}`);
  } catch (error) {
    if (!(error instanceof WppError)) throw error;
    return error;
  }
}

describe('QR values: only PNG data URLs become images; anything hostile is refused with a clear error', () => {
  it.each([
    ['javascript: URL', 'javascript:alert(document.cookie)', /scheme "javascript:"/],
    ['javascript: URL with spaces and capitals', '  JavaScript:alert(1)', /scheme/],
    ['vbscript: URL', 'vbscript:msgbox(1)', /scheme/],
    ['HTML data URL', 'data:text/html,<script>alert(1)</script>', /scheme "data:"/],
    ['SVG data URL (base64)', 'data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+', /scheme "data:"/],
    ['SVG data URL (plain)', 'data:image/svg+xml,<svg onload=alert(1)>', /scheme "data:"/],
    ['JPEG data URL', 'data:image/jpeg;base64,/9j/4AAQSkZJRg==', /scheme "data:"/],
    ['file: URL', 'file:///etc/passwd', /scheme "file:"/],
    [
      'PNG prefix around non-PNG data',
      'data:image/png;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+',
      /not a base64 PNG/,
    ],
    ['PNG prefix with markup appended', `${PNG_1PX}"><script>alert(1)</script>`, /not a base64 PNG/],
    ['oversized PNG', `data:image/png;base64,iVBORw0KGgo${'A'.repeat(300_000)}`, /too large/],
    ['oversized text payload', `2@${'x'.repeat(2_100)}`, /too long \(2102 > 2048/],
    ['control characters', '2@abc\u0000def', /characters a QR code does not carry/],
    ['non-ASCII payload', '2@abc,дэф', /characters a QR code does not carry/],
    ['an object', { qr: 'x' }, /QR must be text, got object/],
    ['a number', 42, /QR must be text, got number/],
    ['an array', ['2@a'], /QR must be text, got array/],
  ])('%s is refused', (_name, raw, message) => {
    const error = rejection(raw);
    expect(error.code).toBe('invalid_qr');
    expect(error.message).toMatch(message);
  });

  it.each([
    ['an SVG element', '<svg onload=alert(1)>'],
    [
      'an HTML page (a gateway error in the QR field)',
      '<!DOCTYPE html><html><body>502 Bad Gateway</body></html>',
    ],
    ['an img tag', '<img src=x onerror=alert(1)>'],
  ])('markup is never an image: %s is refused or kept as a text payload to encode', (_name, raw) => {
    let value: ReturnType<typeof normalizeQr> = null;
    try {
      value = normalizeQr(raw);
    } catch (error) {
      expect(error).toBeInstanceOf(WppError);
      expect((error as WppError).code).toBe('invalid_qr');
      return;
    }
    // Accepted today as a payload that the panel encodes into a QR code (see the open finding in the report);
    // it is never an image and never HTML.
    expect(value).toEqual({ kind: 'text', value: raw });
  });

  it('keeps a WhatsApp payload as text and a PNG data URL (or bare PNG base64) as an image', (context) => {
    expect(normalizeQr('2@AbC,dEf,gHi')).toEqual({ kind: 'text', value: '2@AbC,dEf,gHi' });
    expect(normalizeQr(PNG_1PX)).toEqual({ kind: 'image', src: PNG_1PX });
    expect(normalizeQr(PNG_1PX.slice('data:image/png;base64,'.length))).toEqual({
      kind: 'image',
      src: PNG_1PX,
    });
    expect(normalizeQr(null)).toBeNull();
    expect(normalizeQr('')).toBeNull();
    report(context, {
      section: SECTION,
      command: COMMAND,
      invariant:
        'normalizeQr refuses, with a WppError `invalid_qr` that names the reason: javascript:/vbscript:/file: URLs, HTML/SVG/JPEG data URLs, a PNG prefix around non-PNG or markup, PNGs over 300,000 characters, text over 2048, control and non-ASCII characters, non-text values',
      note: 'Open finding (core, `backend/qr.ts`, not this workspace’s to change): raw markup such as `<!DOCTYPE html>…502 Bad Gateway…` or `<svg onload=…>` is accepted as a *text* payload. It is safe (the panel encodes it into a QR code, never renders it, as the panel test shows), but a gateway error page in the QR field then shows as a valid-looking QR instead of an error, although qr.ts’s own comment says markup means a broken answer.',
    });
  });

  it('property: any input gives null, a printable text payload ≤ 2048, a base64 PNG image, or a clear WppError', (context) => {
    const prefixes = fc.constantFrom(
      '',
      '2@',
      'data:image/png;base64,',
      'data:image/png;base64,iVBORw0KGgo',
      'iVBORw0KGgo',
      'data:image/svg+xml;base64,',
      'data:text/html,',
      'javascript:',
      ' JAVASCRIPT:',
      '<',
    );
    const bodies = fc.oneof(
      fc.string({ maxLength: 60 }),
      fc.string({ unit: 'binary', maxLength: 30 }),
      fc.base64String({ maxLength: 80 }),
      fc.integer({ min: 2_000, max: 2_100 }).map((n) => 'a'.repeat(n)),
    );
    let images = 0;
    let texts = 0;
    let refused = 0;
    fc.assert(
      fc.property(
        fc.oneof(
          fc.tuple(prefixes, bodies).map(([p, b]) => p + b),
          fc.anything(),
        ),
        (raw) => {
          let value: ReturnType<typeof normalizeQr>;
          try {
            value = normalizeQr(raw);
          } catch (error) {
            refused += 1;
            expect(error).toBeInstanceOf(WppError);
            expect((error as WppError).code).toBe('invalid_qr');
            expect((error as WppError).message.trim().length).toBeGreaterThan(10);
            return;
          }
          if (value === null) return;
          if (value.kind === 'image') {
            images += 1;
            expect(value.src).toMatch(/^data:image\/png;base64,iVBORw0KGgo[A-Za-z0-9+/]*={0,2}$/);
            expect(value.src.length).toBeLessThanOrEqual(300_000);
          } else {
            texts += 1;
            expect(value.kind).toBe('text');
            expect(value.value.length).toBeLessThanOrEqual(2_048);
            expect(value.value).toMatch(/^[\x20-\x7E]+$/);
            expect(value.value).not.toMatch(/^\s*[a-z]+script:/i);
            expect(value.value).not.toMatch(/^\s*data:/i);
          }
        },
      ),
      { numRuns: 5_000 },
    );
    expect(images).toBeGreaterThan(0);
    expect(texts).toBeGreaterThan(0);
    expect(refused).toBeGreaterThan(0);
    report(context, {
      section: SECTION,
      command: COMMAND,
      invariant:
        'normalizeQr, 5,000 random inputs: only `data:image/png;base64,` PNGs become images; text payloads are printable and ≤ 2048 characters; everything else is refused with a WppError `invalid_qr` and a message',
    });
  });
});

describe('names and secrets in views and inspection events', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('an oversized QR from the backend turns the session into an error that says why', async (context) => {
    const player = createOutcomePlayer({
      rows: [{ name: 'A', primary: true, shape: 'ok' }],
      outcomes: [
        { kind: 'ok', word: 'connected', qr: null, latency: 0 },
        { kind: 'ok', word: 'qr_issued', qr: `2@${'x'.repeat(5_000)}`, latency: 0 },
      ],
    });
    const scripted = createScriptedBackend({ respond: player.respond });
    const actor = createWppSessions(scripted.backend, { timings: { retryAttempts: 0 } }).start();
    await vi.advanceTimersByTimeAsync(10);
    const id = actor.getSnapshot().context.ids[0]!;
    const view = sessionView(actor.getSnapshot().context.refs[id]!.getSnapshot());
    expect(view.status).toBe('error');
    expect(view.error).toEqual({
      code: 'invalid_qr',
      message: 'QR payload is too long (5002 > 2048 characters)',
      retryable: true,
    });
    expect(view.qr).toBeNull();
    actor.stop();
    report(context, {
      section: SECTION,
      command: COMMAND,
      invariant:
        'a QR payload above 2048 characters never reaches the view: the session shows `invalid_qr` with the size',
    });
  });

  it('names with HTML stay the same plain text in every view, whatever the name', (context) => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.constantFrom(
            '<img src=x onerror=alert(1)>',
            '<script>alert("x")</script>',
            '"><svg onload=alert(1)>',
            '&lt;b&gt;escaped&lt;/b&gt;',
          ),
          fc.string({ maxLength: 250 }),
        ),
        (name) => {
          const [record] = parseSessionList([
            {
              id: '00000000-0000-4000-8000-000000000001',
              provider: 'wpp',
              name,
              settings: { wppApiKey: `wppk_${SECRET_MARKER}_0123456789`, wppAccountNumber: '0000000000001' },
            },
          ]);
          const trimmed = name.trim();
          const expected =
            trimmed === '' ? 'WhatsApp (WPP)' : trimmed.length > 200 ? `${trimmed.slice(0, 200)}…` : trimmed;
          expect(record!.name).toBe(expected);
          expect(JSON.stringify(record)).not.toContain(SECRET_MARKER);
        },
      ),
      { numRuns: 1_000 },
    );
    report(context, {
      section: SECTION,
      command: COMMAND,
      invariant:
        'a name is handed to views as the same text (trimmed, ≤ 200 characters), never parsed, escaped or dropped, for 1,000 random and hostile names',
    });
  });

  it('a collecting inspect sees a whole run: no full API key in any event, snapshot or view', async (context) => {
    const backend = createSimulatedBackend({
      latency: 50,
      sessions: [
        { state: 'connected', name: '<img src=x onerror=alert(1)>' },
        { state: 'qr', name: 'QR' },
        { state: 'offline', name: 'Off' },
      ],
      rawRows: [
        {
          id: '00000000-0000-4000-8000-0000000000ff',
          provider: 'wpp',
          name: 'broken',
          settings: { wppApiKey: 'wppk_0000000000099_deadbeefsecret' },
        },
      ],
    });
    const probe = createProbe(backend);
    const isSecret = (text: string) => text.includes('secret') || /wppk_\d/.test(text);
    const watcher = createWatcher({
      timings: { ...(await import('@wpp-sessions/core')).DEFAULT_TIMINGS },
      probe,
      secret: isSecret,
    });
    const events: unknown[] = [];
    const actor = createWppSessions(probe.backend, {
      inspect: (event) => {
        events.push(event);
        watcher.inspect(event);
      },
    });
    watcher.attach(actor);
    actor.start();
    await vi.advanceTimersByTimeAsync(500);
    watcher.admin(() => actor.send({ type: 'sessions.connectNew' }));
    await vi.advanceTimersByTimeAsync(500);
    const { ids, refs } = actor.getSnapshot().context;
    for (const id of ids) {
      const ref = refs[id]!;
      const integrationId = ref.getSnapshot().context.record?.integrationId;
      if (integrationId) backend.scan(integrationId);
      watcher.admin(() => {
        ref.send({ type: 'session.check' });
        ref.send({ type: 'session.refreshQr' });
      });
    }
    await vi.advanceTimersByTimeAsync(5_000);
    watcher.admin(() => {
      refs[ids[ids.length - 1]!]!.send({ type: 'session.disconnect' });
      actor.send({ type: 'sessions.refresh' });
    });
    await vi.advanceTimersByTimeAsync(130_000);
    const views = actor
      .getSnapshot()
      .context.ids.map((id) => sessionView(actor.getSnapshot().context.refs[id]!.getSnapshot()));
    actor.stop();

    expect(events.length).toBeGreaterThan(100);
    expect(watcher.figures().leaks).toBe(0);
    expect(watcher.violations()).toEqual([]);
    expect(findString(views, isSecret)).toBeNull();
    expect(findString(sessionsView(actor.getSnapshot()), isSecret)).toBeNull();
    // The masked key is there, so the check above looked at the right field.
    expect(views.some((view) => /•{4}cret$/.test(view.apiKeyMasked ?? ''))).toBe(true);
    // Every HTML name is the same text in the view.
    expect(views.map((view) => view.name)).toContain('<img src=x onerror=alert(1)>');
    report(context, {
      section: SECTION,
      command: COMMAND,
      invariant: `a collecting \`inspect\` over a whole run (hydrate, create, scan, check, QR refresh, disconnect, refresh, QR expiry; ${events.length} events): no full API key in any inspection event, snapshot or view`,
    });
  });
});
