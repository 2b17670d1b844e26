/**
 * The whole story of issue #5 in a real Chromium: the built admin panel against the local backend (a child
 * process over a fresh data folder), steps 1–10, a backend restart and a fault run. Steps share one page and
 * run in order; once a step fails, the later ones fail at once with "not run" (never skipped, never passed).
 */
import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { BrowserContext, Locator, Page, Request } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type BackendProcess,
  type BrowserHandle,
  ConsoleWatch,
  decodeQrPng,
  devCall,
  findChromium,
  type IntegrationRow,
  launchBrowser,
  makeTempDir,
  type Organization,
  PANEL_DIST,
  removeTempDirs,
  SCREENSHOT_DIR,
  type StaticServer,
  serveStatic,
  shoot,
  startBackend,
} from './harness.js';

const CHROMIUM = findChromium();
const REQUIRED = process.env.REQUIRE_E2E === '1';

if (!CHROMIUM) {
  const line = REQUIRED
    ? 'E2E FAILED: chromium not found and REQUIRE_E2E=1 — install it with apt-get install chromium'
    : 'E2E SKIPPED: chromium not found — install it with apt-get install chromium (browser tests NOT run)';
  console.error(`\n${'!'.repeat(100)}\n${line}\n${'!'.repeat(100)}\n`);
}

// Declared only when it must fail, so a run with Chromium shows no "skipped" line for it.
if (!CHROMIUM && REQUIRED) {
  describe('browser required (REQUIRE_E2E=1)', () => {
    it('finds Chromium at /usr/bin/chromium or on PATH', () => {
      expect.fail(
        'chromium not found: install it with `apt-get install chromium` (never download a browser)',
      );
    });
  });
}

// ---------------------------------------------------------------------------------------------------------------

/** Fast polls for the whole run; the QR deadline is shortened only where a step needs it to pass. */
const BASE_TIMINGS = { qrPoll: 300, poll: 300, recheck: 0 };
/** The panel's QR deadline in steps 5–6: long enough to check the QR, short enough to watch it expire. */
const SHORT_QR_TIMEOUT = 10_000;
const UI_TIMEOUT = 15_000;
const FAILURE_DIR = fileURLToPath(new URL('./test-results', import.meta.url));
/** Browser messages for HTTP errors the fault run provokes on purpose (never page errors). */
const INJECTED_HTTP_ERRORS = [/Failed to load resource: the server responded with a status of 5\d\d/];

describe.runIf(CHROMIUM !== null)('the whole story in Chromium', () => {
  let backend: BackendProcess;
  let panel: StaticServer;
  let browser: BrowserHandle;
  let page: Page;
  let watch: ConsoleWatch;
  let orgA: Organization;
  let orgB: Organization;
  let dataDir: string;
  const requests: { at: number; method: string; url: string; body: string | null }[] = [];
  const inFlight = new Set<Request>();
  const statusCallsInFlight = () =>
    [...inFlight].filter((r) => r.url().includes('/functions/v1/wpp-status')).length;

  // Shared between steps.
  let first: { id: string; number: string };
  let second: { id: string; number: string };

  let brokenAt: string | null = null;
  let problemsSeen = 0;
  /** One step of the story; after a failure, the later steps fail fast instead of waiting for timeouts. */
  const step = (name: string, fn: () => Promise<void>) =>
    it(name, async () => {
      if (brokenAt) throw new Error(`not run: the earlier step "${brokenAt}" failed`);
      try {
        await fn();
        const fresh = watch.unexpected.slice(problemsSeen);
        problemsSeen = watch.unexpected.length;
        expect(fresh, `console/page errors the app did not expect:\n${watch.describe()}`).toEqual([]);
      } catch (error) {
        brokenAt = name;
        // What the page showed when the step failed (test-results/ is git-ignored).
        await page
          ?.screenshot({
            path: join(FAILURE_DIR, `${name.replace(/[^\p{L}\p{N}]+/gu, '-')}.png`),
            fullPage: true,
          })
          .catch(() => undefined);
        throw error;
      }
    });

  /** The panel's address for `org` with the run's timings; `extra` adds some, `null` drops one (the panel's own). */
  const url = (org: Organization, extra: Record<string, number | null> = {}) => {
    const params = new URLSearchParams({ org: org.id });
    for (const [key, value] of Object.entries({ ...BASE_TIMINGS, ...extra })) {
      if (value !== null) params.set(key, String(value));
    }
    return `${panel.url}/?${params}`;
  };

  const listWpp = async (org: Organization): Promise<IntegrationRow[]> => {
    const { integrations } = await devCall<{ integrations: IntegrationRow[] }>(
      backend,
      'GET',
      '/functions/v1/messenger-integrations',
      undefined,
      org.token,
    );
    return integrations.filter((row) => row.provider === 'wpp');
  };

  /** Waits until the organization has a WPP row not in `known`; returns it. */
  const newRow = async (org: Organization, known: string[]): Promise<{ id: string; number: string }> => {
    let found: IntegrationRow | undefined;
    await expect
      .poll(
        async () => {
          found = (await listWpp(org)).find((row) => !known.includes(row.id));
          return found?.settings.wppAccountNumber ?? null;
        },
        { timeout: UI_TIMEOUT },
      )
      .not.toBeNull();
    return { id: found!.id, number: found!.settings.wppAccountNumber! };
  };

  const card = (number: string): Locator => page.locator(`article[aria-label$=" ${number}"]`);
  const badgeOf = (number: string): Locator => card(number).getByTestId('status-badge');
  const qrDialog = (): Locator => page.getByRole('dialog', { name: 'Подключение WhatsApp' });
  const confirmDialog = (): Locator => page.getByRole('dialog', { name: 'Отключение WhatsApp' });
  const button = (scope: Page | Locator, name: string): Locator =>
    scope.getByRole('button', { name, exact: true });
  /** The panel's one live region, and the short visible confirmation of a finished action. */
  const announcer = (): Locator => page.getByTestId('announcer');
  const notice = (): Locator => page.getByTestId('notice');

  /**
   * Decodes the QR the page draws (a screenshot of `[data-testid="qr"]`, read with jsQR) and waits until it is the
   * payload the platform issued for `integrationId`. Returns the decoded text.
   */
  const expectDrawnQr = async (org: Organization, integrationId: string): Promise<string> => {
    const qr = qrDialog().getByTestId('qr');
    await expect.poll(() => qr.isVisible(), { timeout: UI_TIMEOUT }).toBe(true);
    let decoded: string | null = null;
    let issued: string | null = null;
    try {
      await expect
        .poll(
          async () => {
            decoded = decodeQrPng(await qr.screenshot({ animations: 'disabled' }));
            ({ qr: issued } = await devCall<{ qr: string | null }>(
              backend,
              'GET',
              `/dev/qr?integration_id=${integrationId}`,
              undefined,
              org.token,
            ));
            return decoded !== null && decoded === issued;
          },
          { timeout: UI_TIMEOUT },
        )
        .toBe(true);
    } catch {
      throw new Error(
        `the drawn QR must decode to the payload the platform issued: decoded ${JSON.stringify(decoded)}, issued ${JSON.stringify(issued)}`,
      );
    }
    return decoded!;
  };

  const scan = (org: Organization, integrationId: string) =>
    devCall(backend, 'POST', '/dev/scan', { integration_id: integrationId }, org.token);

  const setFaults = (faults: {
    errorRate?: number;
    malformedRate?: number;
    latencyMs?: number;
    timeoutRate?: number;
    seed?: number;
  }) => devCall(backend, 'POST', '/dev/faults', faults, orgA.token);

  /** Platform timing is per organization: both get it. */
  const configureBoth = async (config: Record<string, number>) => {
    for (const org of [orgA, orgB]) await devCall(backend, 'POST', '/dev/config', config, org.token);
  };

  // The "Демо" menu of the panel: what a newcomer uses instead of curl.
  const demoMenu = (): Locator => page.getByRole('region', { name: 'Демо: имитация платформы WPP' });
  const openDemo = async (): Promise<void> => {
    const toggle = button(page, 'Демо');
    await expect.poll(() => toggle.isVisible(), { timeout: UI_TIMEOUT }).toBe(true);
    if ((await toggle.getAttribute('aria-expanded')) !== 'true') await toggle.click();
    await expect.poll(() => demoMenu().isVisible(), { timeout: UI_TIMEOUT }).toBe(true);
  };
  /** Presses a button of the menu and waits until it is done (its buttons are enabled again). */
  const pressInDemo = async (name: string): Promise<void> => {
    await openDemo();
    await button(demoMenu(), name).click();
    await expect.poll(() => button(demoMenu(), name).isEnabled(), { timeout: UI_TIMEOUT }).toBe(true);
  };
  /** Chooses a fault preset in the menu; waits until the menu shows it chosen and the backend has it. */
  const demoFaults = async (name: string, expected: Record<string, number>): Promise<void> => {
    await pressInDemo(name);
    await expect
      .poll(() => button(demoMenu(), name).getAttribute('aria-pressed'), { timeout: UI_TIMEOUT })
      .toBe('true');
    const { faults } = await devCall<{ faults: Record<string, number> }>(
      backend,
      'GET',
      '/dev/faults',
      undefined,
      orgA.token,
    );
    expect(faults).toMatchObject({
      errorRate: 0,
      latencyMs: 0,
      timeoutRate: 0,
      malformedRate: 0,
      ...expected,
    });
  };
  /** Takes a number offline or back through the menu. */
  const demoNumber = async (integrationId: string, name: 'Снять с сети' | 'Вернуть в сеть') => {
    await openDemo();
    await demoMenu().getByRole('combobox', { name: 'Номер' }).selectOption(integrationId);
    await pressInDemo(name);
  };
  const closeDemo = async (): Promise<void> => {
    await button(demoMenu(), 'Без сбоев').focus();
    await page.keyboard.press('Escape');
    await expect.poll(() => demoMenu().count(), { timeout: UI_TIMEOUT }).toBe(0);
    await expect
      .poll(() => button(page, 'Демо').evaluate((el) => el === document.activeElement), {
        timeout: UI_TIMEOUT,
      })
      .toBe(true);
  };

  /** Presses Tab (at most `max` times) until `target` has the focus; fails when it never gets there. */
  const tabTo = async (target: Locator, max = 30): Promise<void> => {
    for (let i = 0; i < max; i++) {
      if (await target.evaluate((el) => el === document.activeElement).catch(() => false)) return;
      await page.keyboard.press('Tab');
    }
    await expect
      .poll(() => target.evaluate((el) => el === document.activeElement), {
        timeout: UI_TIMEOUT,
        message: `Tab reaches ${target}`,
      })
      .toBe(true);
  };
  const focusIsInside = (scope: Locator) => scope.evaluate((el) => el.contains(document.activeElement));

  const statusCallsFor = (integrationId: string, since: number) =>
    requests.filter(
      (r) =>
        r.at >= since && r.url.includes('/functions/v1/wpp-status') && (r.body ?? '').includes(integrationId),
    ).length;

  const listCalls = (since: number) =>
    requests.filter(
      (r) => r.at >= since && r.method === 'GET' && r.url.includes('/functions/v1/messenger-integrations'),
    ).length;

  /** A new tab that logs its requests (for "was wpp-status called") and waits at most UI_TIMEOUT per action. */
  const openPage = async (context: BrowserContext = browser.context): Promise<Page> => {
    const tab = await context.newPage();
    tab.setDefaultTimeout(UI_TIMEOUT);
    tab.on('request', (req: Request) => {
      requests.push({ at: Date.now(), method: req.method(), url: req.url(), body: req.postData() });
      inFlight.add(req);
    });
    tab.on('requestfinished', (req: Request) => inFlight.delete(req));
    tab.on('requestfailed', (req: Request) => inFlight.delete(req));
    return tab;
  };

  /**
   * Runs `fn` with `page` set to a tab whose clock the test moves (installed before the page loads), in a browser of
   * its own. Playwright's clock belongs to the whole context: installed or paused from a tab of the main browser, it
   * also freezes the main page's timers (its confirmations never went) and every page loaded after.
   */
  const withClockPage = async (fn: () => Promise<void>): Promise<void> => {
    const own = await launchBrowser(CHROMIUM!);
    watch.watch(own.context);
    const mainPage = page;
    try {
      page = await openPage(own.context);
      await page.clock.install();
      await fn();
    } finally {
      page = mainPage;
      await own.close();
    }
  };

  beforeAll(async () => {
    if (!existsSync(join(PANEL_DIST, 'index.html'))) {
      throw new Error(
        `the panel is not built: run npm run build -w @wpp-sessions/admin-panel (${PANEL_DIST})`,
      );
    }
    for (const file of readdirSync(SCREENSHOT_DIR)) {
      if (file.endsWith('.png')) rmSync(join(SCREENSHOT_DIR, file));
    }
    dataDir = makeTempDir('wpp-e2e-data-');
    // The panel's server hands the running backend's session to the panel's own pages, as npm start does.
    panel = await serveStatic(PANEL_DIST, () =>
      backend ? { url: backend.url, anonKey: backend.anonKey, organizations: backend.organizations } : null,
    );
    [backend, browser] = await Promise.all([
      startBackend({ dataDir, allowedOrigins: [panel.url] }),
      launchBrowser(CHROMIUM!),
    ]);
    [orgA, orgB] = backend.organizations as [Organization, Organization];
    expect(orgA && orgB, 'the local backend seeds two organizations').toBeTruthy();
    // The platform keeps its QRs still and alive for long: what expires in step 6 is the panel's own deadline.
    await configureBoth({ qrRotateMs: 600_000, qrExpireMs: 600_000 });
    watch = new ConsoleWatch(browser.context);
    page = await openPage();
  });

  afterAll(async () => {
    await browser?.close();
    await panel?.close();
    await backend?.stop();
    removeTempDirs();
  });

  step('1. an empty organization offers "Подключить WhatsApp"', async () => {
    await page.goto(url(orgA));
    await expect
      .poll(() => button(page, 'Подключить WhatsApp').isVisible(), { timeout: UI_TIMEOUT })
      .toBe(true);
    await expect.poll(() => page.locator('article').count(), { timeout: UI_TIMEOUT }).toBe(0);
    await shoot(page, '01-empty');
  });

  step(
    '2. "Подключить WhatsApp" shows a scannable QR carrying the issued payload, and follows its rotation',
    async () => {
      await button(page, 'Подключить WhatsApp').click();
      await expect.poll(() => qrDialog().isVisible(), { timeout: UI_TIMEOUT }).toBe(true);
      first = await newRow(orgA, []);
      const payload = await expectDrawnQr(orgA, first.id);
      expect(payload.length).toBeGreaterThan(0);
      await expect
        .poll(() => qrDialog().getByTestId('qr').getAttribute('data-kind'), { timeout: UI_TIMEOUT })
        .toBe('text');
      await shoot(page, '02-qr');
      // The platform rotates its QR: the drawn one follows (and is still the issued one).
      await devCall(backend, 'POST', '/dev/config', { qrRotateMs: 1_000 }, orgA.token);
      try {
        await expect
          .poll(async () => decodeQrPng(await qrDialog().getByTestId('qr').screenshot()), {
            timeout: UI_TIMEOUT,
          })
          .not.toBe(payload);
        await expectDrawnQr(orgA, first.id);
      } finally {
        await devCall(backend, 'POST', '/dev/config', { qrRotateMs: 600_000 }, orgA.token);
      }
      await expectDrawnQr(orgA, first.id);
    },
  );

  step('3. a scan through /dev/ turns the card "🟢 Подключено" without a reload', async () => {
    await page.evaluate(() => {
      (window as unknown as { __e2eNoReload: boolean }).__e2eNoReload = true;
    });
    await scan(orgA, first.id);
    await expect
      .poll(() => qrDialog().textContent(), { timeout: UI_TIMEOUT })
      .toContain('WhatsApp подключён');
    // Issue 16 item 6: the finished action is announced and shown.
    await expect
      .poll(() => announcer().textContent(), { timeout: UI_TIMEOUT })
      .toBe(`WhatsApp подключён: WhatsApp (WPP) ${first.number}`);
    await shoot(page, '03-connected-dialog');
    await button(qrDialog(), 'Готово').click();
    await expect.poll(() => qrDialog().count(), { timeout: UI_TIMEOUT }).toBe(0);
    await expect
      .poll(() => badgeOf(first.number).textContent(), { timeout: UI_TIMEOUT })
      .toContain('🟢 Подключено');
    await expect
      .poll(() => page.evaluate(() => (window as unknown as { __e2eNoReload?: boolean }).__e2eNoReload), {
        timeout: UI_TIMEOUT,
      })
      .toBe(true);
    await shoot(page, '04-connected');
  });

  step(
    '4. after a reload the session is listed from the database, checked again, still connected',
    async () => {
      const since = Date.now();
      await page.reload();
      await expect
        .poll(() => badgeOf(first.number).textContent(), { timeout: UI_TIMEOUT })
        .toContain('🟢 Подключено');
      expect(
        statusCallsFor(first.id, since),
        'a wpp-status call for this integration after the reload',
      ).toBeGreaterThan(0);
      await expect
        .poll(() => card(first.number).getByTestId('checked-ago').textContent(), { timeout: UI_TIMEOUT })
        .toMatch(/проверено/);
      // The rows come through the app's own list hook: one list request for the load, none from the library.
      expect(listCalls(since), 'list requests for one load').toBe(1);
      await shoot(page, '05-after-reload');
      // "Обновить статусы": the hook's refetch (one list request) and a fresh status check of every number.
      const clicked = Date.now();
      await button(page, 'Обновить статусы').click();
      await expect.poll(() => statusCallsFor(first.id, clicked), { timeout: UI_TIMEOUT }).toBeGreaterThan(0);
      await expect
        .poll(() => page.getByRole('button', { name: 'Обновить статусы' }).isEnabled(), {
          timeout: UI_TIMEOUT,
        })
        .toBe(true);
      expect(listCalls(clicked), 'list requests for one refresh').toBe(1);
      // Issue 16 item 4: the refresh shows its count and says when it is done, on this fast local backend too.
      await expect
        .poll(() => page.getByTestId('refresh-progress').textContent(), { timeout: UI_TIMEOUT })
        .toBe('Проверено 1 из 1');
      await expect
        .poll(() => announcer().textContent(), { timeout: UI_TIMEOUT })
        .toBe('Статусы обновлены: проверено 1 из 1');
      await expect.poll(() => notice().textContent(), { timeout: UI_TIMEOUT }).toContain('Статусы обновлены');
      await shoot(page, '05-refreshed');
    },
  );

  step(
    '5. "Подключить ещё один WhatsApp" shows the second QR while the first card stays connected',
    async () => {
      await page.goto(url(orgA, { qrTimeout: SHORT_QR_TIMEOUT }));
      await expect
        .poll(() => badgeOf(first.number).textContent(), { timeout: UI_TIMEOUT })
        .toContain('🟢 Подключено');
      await button(page, 'Подключить ещё один WhatsApp').click();
      await expect.poll(() => qrDialog().isVisible(), { timeout: UI_TIMEOUT }).toBe(true);
      second = await newRow(orgA, [first.id]);
      expect(second.number).not.toBe(first.number);
      const payload = await expectDrawnQr(orgA, second.id);
      const { qr: firstQr } = await devCall<{ qr: string | null }>(
        backend,
        'GET',
        `/dev/qr?integration_id=${first.id}`,
        undefined,
        orgA.token,
      );
      expect(payload).not.toBe(firstQr);
      await expect
        .poll(() => badgeOf(first.number).textContent(), { timeout: UI_TIMEOUT })
        .toContain('🟢 Подключено');
      await shoot(page, '06-second-qr');
    },
  );

  step(
    '6. the second QR expires: the panel says so, a new QR is taken and scanned: two connected',
    async () => {
      await expect
        .poll(() => qrDialog().textContent(), { timeout: SHORT_QR_TIMEOUT + UI_TIMEOUT })
        .toContain('Срок действия QR-кода истёк');
      await expect
        .poll(() => qrDialog().getByTestId('qr').count(), {
          timeout: UI_TIMEOUT,
          message: 'no stale QR next to the expiry note',
        })
        .toBe(0);
      await expect
        .poll(() => badgeOf(first.number).textContent(), { timeout: UI_TIMEOUT })
        .toContain('🟢 Подключено');
      await shoot(page, '07-qr-expired');
      await button(qrDialog(), 'Получить новый QR').click();
      await expectDrawnQr(orgA, second.id);
      // This time through the dialog's own demo button (POST /dev/scan from the page).
      await button(qrDialog(), 'Сканировать (симуляция)').click();
      await expect
        .poll(() => qrDialog().textContent(), { timeout: UI_TIMEOUT })
        .toContain('WhatsApp подключён');
      await button(qrDialog(), 'Готово').click();
      await expect
        .poll(() => badgeOf(second.number).textContent(), { timeout: UI_TIMEOUT })
        .toContain('🟢 Подключено');
      await expect
        .poll(() => badgeOf(first.number).textContent(), { timeout: UI_TIMEOUT })
        .toContain('🟢 Подключено');
      await expect.poll(() => page.locator('article').count(), { timeout: UI_TIMEOUT }).toBe(2);
      await shoot(page, '08-two-connected');
    },
  );

  /** The buttons of a card, by their accessible names (the rename button has its own label). */
  const cardButtons = (number: string) =>
    card(number)
      .getByRole('button')
      .evaluateAll((buttons) => buttons.map((b) => b.getAttribute('aria-label') ?? b.textContent?.trim()));

  step(
    '6b. issue 16 item 3: a number added and never scanned says so; a new QR and removal take one click each',
    async () => {
      await button(page, 'Подключить ещё один WhatsApp').click();
      await expect.poll(() => qrDialog().isVisible(), { timeout: UI_TIMEOUT }).toBe(true);
      const third = await newRow(orgA, [first.id, second.id]);
      await expectDrawnQr(orgA, third.id);
      await expect
        .poll(() => qrDialog().textContent(), { timeout: SHORT_QR_TIMEOUT + UI_TIMEOUT })
        .toContain('Срок действия QR-кода истёк, номер не подключён.');
      await expect
        .poll(() => button(qrDialog(), 'Удалить номер').isVisible(), { timeout: UI_TIMEOUT })
        .toBe(true);
      await button(qrDialog(), 'Закрыть').click();
      await expect.poll(() => qrDialog().count(), { timeout: UI_TIMEOUT }).toBe(0);
      await expect
        .poll(() => badgeOf(third.number).textContent(), { timeout: UI_TIMEOUT })
        .toContain('⌛ QR не отсканирован');
      await expect
        .poll(() => card(third.number).textContent(), { timeout: UI_TIMEOUT })
        .toContain('Номер так и не подключили: QR-код истёк');
      await expect
        .poll(() => cardButtons(third.number), { timeout: UI_TIMEOUT })
        .toEqual(['Переименовать «WhatsApp (WPP)»', 'Показать новый QR', 'Удалить номер']);
      await expect.poll(() => notice().count(), { timeout: UI_TIMEOUT }).toBe(0);
      await shoot(page, '07b-never-linked');

      // A new QR in one click: the dialog opens on it.
      await button(card(third.number), 'Показать новый QR').click();
      await expectDrawnQr(orgA, third.id);
      await expect
        .poll(() => qrDialog().textContent(), { timeout: SHORT_QR_TIMEOUT + UI_TIMEOUT })
        .toContain('Срок действия QR-кода истёк');
      await button(qrDialog(), 'Закрыть').click();
      await expect.poll(() => qrDialog().count(), { timeout: UI_TIMEOUT }).toBe(0);

      // Removal in one click: no confirmation dialog, the card and the row are gone.
      await button(card(third.number), 'Удалить номер').click();
      await expect.poll(() => confirmDialog().count(), { timeout: UI_TIMEOUT }).toBe(0);
      await expect.poll(() => card(third.number).count(), { timeout: UI_TIMEOUT }).toBe(0);
      await expect
        .poll(() => announcer().textContent(), { timeout: UI_TIMEOUT })
        .toBe(`Номер удалён: WhatsApp (WPP) ${third.number}`);
      await expect
        .poll(async () => (await listWpp(orgA)).map((row) => row.id).sort(), { timeout: UI_TIMEOUT })
        .toEqual([first.id, second.id].sort());
      await expect
        .poll(() => badgeOf(first.number).textContent(), { timeout: UI_TIMEOUT })
        .toContain('🟢 Подключено');
    },
  );

  step(
    '6c. issue 16 item 1: each card has its own name, renamed in place by keyboard; it stays after a reload',
    async () => {
      await expect
        .poll(() => card(first.number).getByRole('heading', { level: 3 }).textContent(), {
          timeout: UI_TIMEOUT,
        })
        .toContain('WhatsApp (WPP)');
      await expect
        .poll(() => card(first.number).textContent(), { timeout: UI_TIMEOUT })
        .toContain(`Session: ${first.number}`);
      const rename = card(first.number).getByRole('button', { name: /^Переименовать/ });
      const input = card(first.number).getByRole('textbox', { name: 'Название номера' });
      // Escape cancels: nothing sent, the old name stays.
      const opened = Date.now();
      await tabTo(rename);
      await page.keyboard.press('Enter');
      await expect
        .poll(() => input.evaluate((el) => el === document.activeElement), { timeout: UI_TIMEOUT })
        .toBe(true);
      await page.keyboard.type('Не сохранять');
      await page.keyboard.press('Escape');
      await expect.poll(() => input.count(), { timeout: UI_TIMEOUT }).toBe(0);
      await expect
        .poll(() => rename.evaluate((el) => el === document.activeElement), { timeout: UI_TIMEOUT })
        .toBe(true);
      await expect
        .poll(() => card(first.number).getByRole('heading', { level: 3 }).textContent(), {
          timeout: UI_TIMEOUT,
        })
        .toContain('WhatsApp (WPP)');
      const renames = () =>
        requests.filter(
          (r) =>
            r.at >= opened && r.method === 'PUT' && r.url.includes('/functions/v1/messenger-integrations'),
        ).length;
      expect(renames(), 'Escape sends no rename').toBe(0);

      // An empty name is refused in Russian, then Enter saves the new one.
      await page.keyboard.press('Enter');
      await expect.poll(() => input.isVisible(), { timeout: UI_TIMEOUT }).toBe(true);
      await page.keyboard.press('Delete');
      await page.keyboard.press('Enter');
      await expect
        .poll(() => card(first.number).getByTestId('rename-error').textContent(), { timeout: UI_TIMEOUT })
        .toBe('Введите название: оно не может быть пустым.');
      await page.keyboard.type('Отдел продаж');
      await expect
        .poll(() => card(first.number).getByTestId('rename-error').count(), { timeout: UI_TIMEOUT })
        .toBe(0);
      // The picture shows the input, not step 6b's confirmation over it.
      await expect.poll(() => notice().count(), { timeout: UI_TIMEOUT }).toBe(0);
      await shoot(page, '08a-renaming');
      await page.keyboard.press('Enter');
      await expect
        .poll(() => card(first.number).getByRole('heading', { level: 3 }).textContent(), {
          timeout: UI_TIMEOUT,
        })
        .toContain('Отдел продаж');
      await expect
        .poll(async () => (await listWpp(orgA)).find((row) => row.id === first.id)?.name, {
          timeout: UI_TIMEOUT,
        })
        .toBe('Отдел продаж');
      expect(renames(), 'one rename request').toBe(1);
      await expect
        .poll(() => announcer().textContent(), { timeout: UI_TIMEOUT })
        .toBe('Номер переименован: «Отдел продаж»');
      await expect
        .poll(() => card(first.number).getAttribute('aria-label'), { timeout: UI_TIMEOUT })
        .toBe(`Отдел продаж ${first.number}`);
      await expect.poll(() => notice().count(), { timeout: UI_TIMEOUT }).toBe(0);
      await shoot(page, '08b-renamed');
      await page.reload();
      await expect
        .poll(() => card(first.number).getByRole('heading', { level: 3 }).textContent(), {
          timeout: UI_TIMEOUT,
        })
        .toContain('Отдел продаж');
      await expect
        .poll(() => card(second.number).getByRole('heading', { level: 3 }).textContent(), {
          timeout: UI_TIMEOUT,
        })
        .toContain('WhatsApp (WPP)');
    },
  );

  step(
    '7. the "Демо" menu takes a number offline ("📵 Не в сети"), brings it back, and offline again',
    async () => {
      await demoNumber(second.id, 'Снять с сети');
      await expect
        .poll(() => badgeOf(second.number).textContent(), { timeout: UI_TIMEOUT })
        .toContain('📵 Не в сети');
      await expect
        .poll(() => badgeOf(first.number).textContent(), { timeout: UI_TIMEOUT })
        .toContain('🟢 Подключено');
      await demoNumber(second.id, 'Вернуть в сеть');
      await expect
        .poll(() => badgeOf(second.number).textContent(), { timeout: UI_TIMEOUT })
        .toContain('🟢 Подключено');
      await expect
        .poll(() => demoMenu().getByRole('status').textContent(), { timeout: UI_TIMEOUT })
        .toContain('номер снова в сети');
      await shoot(page, '09-demo-menu');
      await demoNumber(second.id, 'Снять с сети');
      await expect
        .poll(() => badgeOf(second.number).textContent(), { timeout: UI_TIMEOUT })
        .toContain('📵 Не в сети');
      await closeDemo();
      await expect
        .poll(() => badgeOf(first.number).textContent(), { timeout: UI_TIMEOUT })
        .toContain('🟢 Подключено');
      // Issue 16 item 8: a Russian sentence first; the platform's own words only under "Подробности".
      const note = card(second.number).getByTestId('session-note');
      await expect
        .poll(() => note.textContent(), { timeout: UI_TIMEOUT })
        .toMatch(/^Номер не в сети: телефон отвязан от WhatsApp/);
      await expect
        .poll(() => note.locator('small').textContent(), { timeout: UI_TIMEOUT })
        .toMatch(/^Подробности: /);
      await expect
        .poll(async () => (await note.textContent())?.indexOf('Подробности') ?? -1, { timeout: UI_TIMEOUT })
        .toBeGreaterThan(0);
      await shoot(page, '09-offline');
    },
  );

  step(
    '7a. issue 16 item 2: each situation its own words and next actions; never "Отключено" by "Отключить"',
    async () => {
      await expect
        .poll(() => cardButtons(second.number), { timeout: UI_TIMEOUT })
        .toEqual(['Переименовать «WhatsApp (WPP)»', 'Показать новый QR', 'Проверить', 'Отключить']);
      await expect
        .poll(() => cardButtons(first.number), { timeout: UI_TIMEOUT })
        .toEqual(['Переименовать «Отдел продаж»', 'Проверить', 'Отключить']);
      // "Проверить" asks the platform again, and the card still says why it is offline.
      const checked = Date.now();
      await button(card(second.number), 'Проверить').click();
      await expect.poll(() => statusCallsFor(second.id, checked), { timeout: UI_TIMEOUT }).toBeGreaterThan(0);
      await expect
        .poll(() => badgeOf(second.number).textContent(), { timeout: UI_TIMEOUT })
        .toContain('📵 Не в сети');
      // A new QR for the saved number, cancelled unscanned: its own words, and the same next actions.
      await button(card(second.number), 'Показать новый QR').click();
      await expect.poll(() => qrDialog().getByTestId('qr').isVisible(), { timeout: UI_TIMEOUT }).toBe(true);
      await button(qrDialog(), 'Отмена').click();
      await expect.poll(() => qrDialog().count(), { timeout: UI_TIMEOUT }).toBe(0);
      await expect
        .poll(() => badgeOf(second.number).textContent(), { timeout: UI_TIMEOUT })
        .toContain('✋ Подключение отменено');
      await expect
        .poll(() => cardButtons(second.number), { timeout: UI_TIMEOUT })
        .toEqual(['Переименовать «WhatsApp (WPP)»', 'Показать новый QR', 'Проверить', 'Отключить']);
      await expect
        .poll(async () => (await page.getByTestId('status-badge').allTextContents()).join(' '), {
          timeout: UI_TIMEOUT,
        })
        .not.toContain('Отключено');
      await expect.poll(() => notice().count(), { timeout: UI_TIMEOUT }).toBe(0);
      await shoot(page, '09-cancelled');
    },
  );

  step(
    '7c. issue 16 item 5: with the panel\'s own 30 s re-check a dropped number turns "Не в сети" unattended',
    async () => {
      // On the panel's own timings (no ?recheck), with a clock the test moves.
      await withClockPage(async () => {
        await page.goto(url(orgA, { recheck: null }));
        await expect
          .poll(() => badgeOf(first.number).textContent(), { timeout: UI_TIMEOUT })
          .toContain('🟢 Подключено');
        // The page's clock stops now, less than 30 s after the load's check: only the test moves it on.
        await page.clock.pauseAt((await page.evaluate(() => Date.now())) + 200);
        await devCall(backend, 'POST', '/dev/drop', { integration_id: first.id }, orgA.token);
        const since = Date.now();
        await page.clock.runFor(30_000);
        await expect
          .poll(() => badgeOf(first.number).textContent(), { timeout: UI_TIMEOUT })
          .toContain('📵 Не в сети');
        expect(statusCallsFor(first.id, since), 'one re-check in those 30 s').toBe(1);
      }).finally(() => devCall(backend, 'POST', '/dev/online', { integration_id: first.id }, orgA.token));
      await button(card(first.number), 'Проверить').click();
      await expect
        .poll(() => badgeOf(first.number).textContent(), { timeout: UI_TIMEOUT })
        .toContain('🟢 Подключено');
    },
  );

  step(
    '7b. phone (375 px): one-line title, nothing sideways, even buttons; list, QR and confirmation',
    async () => {
      await page.setViewportSize({ width: 375, height: 812 });
      try {
        await expect
          .poll(() => badgeOf(first.number).textContent(), { timeout: UI_TIMEOUT })
          .toContain('🟢 Подключено');
        // Nothing wider than the screen, and "WhatsApp (WPP)" on one line.
        await expect
          .poll(() => page.evaluate(() => document.documentElement.scrollWidth), { timeout: UI_TIMEOUT })
          .toBeLessThanOrEqual(375);
        await expect
          .poll(async () => (await page.locator('#wpp-panel-title').boundingBox())?.height ?? 999, {
            timeout: UI_TIMEOUT,
          })
          .toBeLessThan(40);
        // A card's buttons: inside the card, each on one line (no taller than the others), and every row of them
        // filled from the card's left edge to its right (no ragged, uneven stack).
        const layout = () =>
          card(second.number).evaluate((el) => {
            const actions = el.querySelector('.actions')!.getBoundingClientRect();
            const buttons = [...el.querySelectorAll('.actions .btn')].map((b) => b.getBoundingClientRect());
            const rows = new Map<number, DOMRect[]>();
            for (const b of buttons) rows.set(Math.round(b.top), [...(rows.get(Math.round(b.top)) ?? []), b]);
            return {
              count: buttons.length,
              oneLine: buttons.every((b) => b.height <= 42),
              rowsFilled: [...rows.values()].every(
                (row) =>
                  Math.abs(Math.min(...row.map((b) => b.left)) - actions.left) <= 1 &&
                  Math.abs(Math.max(...row.map((b) => b.right)) - actions.right) <= 1,
              ),
            };
          });
        await expect
          .poll(layout, { timeout: UI_TIMEOUT })
          .toEqual({ count: expect.any(Number), oneLine: true, rowsFilled: true });
        expect((await layout()).count).toBeGreaterThan(1);
        // The pictures show the layout, not a confirmation toast of an earlier step over it.
        await expect.poll(() => notice().count(), { timeout: UI_TIMEOUT }).toBe(0);
        await shoot(page, 'phone-list');

        await button(page, 'Подключить ещё один WhatsApp').click();
        await expect.poll(() => qrDialog().getByTestId('qr').isVisible(), { timeout: UI_TIMEOUT }).toBe(true);
        await expect
          .poll(() => page.evaluate(() => document.documentElement.scrollWidth), { timeout: UI_TIMEOUT })
          .toBeLessThanOrEqual(375);
        await expect.poll(() => notice().count(), { timeout: UI_TIMEOUT }).toBe(0);
        await shoot(page, 'phone-qr');
        await button(qrDialog(), 'Отмена').click();
        await expect.poll(() => qrDialog().count(), { timeout: UI_TIMEOUT }).toBe(0);
        await expect
          .poll(() => announcer().textContent(), { timeout: UI_TIMEOUT })
          .toBe('Подключение нового номера отменено');
        await expect.poll(() => page.locator('article').count(), { timeout: UI_TIMEOUT }).toBe(2);
        await expect.poll(async () => (await listWpp(orgA)).length, { timeout: UI_TIMEOUT }).toBe(2);

        await button(card(second.number), 'Отключить').click();
        await expect.poll(() => confirmDialog().isVisible(), { timeout: UI_TIMEOUT }).toBe(true);
        await expect.poll(() => notice().count(), { timeout: UI_TIMEOUT }).toBe(0);
        await shoot(page, 'phone-disconnect-confirm');
        await button(confirmDialog(), 'Отмена').click();
        await expect.poll(() => confirmDialog().count(), { timeout: UI_TIMEOUT }).toBe(0);
      } finally {
        await page.setViewportSize({ width: 900, height: 700 });
      }
    },
  );

  step('8. disconnect: confirm, pending, gone; still gone after a reload', async () => {
    // Slow enough to see the pending state, through the "Демо" menu (before the modal dialog covers the page).
    await demoFaults('Медленно (+1,5 с)', { latencyMs: 1_500 });
    await closeDemo();
    try {
      await button(card(second.number), 'Отключить').click();
      await expect.poll(() => confirmDialog().isVisible(), { timeout: UI_TIMEOUT }).toBe(true);
      await expect
        .poll(() => confirmDialog().textContent(), { timeout: UI_TIMEOUT })
        .toContain(`Номер «WhatsApp (WPP)» (Session: ${second.number}) будет отключён`);
      await shoot(page, '10-disconnect-confirm');
      await button(confirmDialog(), 'Отключить').click();
      await expect
        .poll(() => confirmDialog().textContent(), { timeout: UI_TIMEOUT })
        .toContain('Отключение…');
      await shoot(page, '11-disconnecting');
      await expect.poll(() => card(second.number).count(), { timeout: UI_TIMEOUT }).toBe(0);
      await expect.poll(() => confirmDialog().count(), { timeout: UI_TIMEOUT }).toBe(0);
      // Issue 16 item 6: the finished disconnect is announced (not left at "Отключение…") and shown.
      await expect
        .poll(() => announcer().textContent(), { timeout: UI_TIMEOUT })
        .toBe(`WhatsApp (WPP) ${second.number}: отключён и убран из списка`);
      await expect.poll(() => notice().textContent(), { timeout: UI_TIMEOUT }).toContain('отключён');
      await shoot(page, '11-disconnected-notice');
      await demoFaults('Без сбоев', {});
      await closeDemo();
    } finally {
      await setFaults({});
    }
    expect((await listWpp(orgA)).map((row) => row.id)).toEqual([first.id]);
    await page.reload();
    await expect
      .poll(() => badgeOf(first.number).textContent(), { timeout: UI_TIMEOUT })
      .toContain('🟢 Подключено');
    await expect.poll(() => card(second.number).count(), { timeout: UI_TIMEOUT }).toBe(0);
    await expect.poll(() => page.locator('article').count(), { timeout: UI_TIMEOUT }).toBe(1);
    await shoot(page, '12-after-disconnect-reload');
  });

  step('9. the other organization sees none of these sessions', async () => {
    await page.goto(url(orgB));
    await expect
      .poll(() => button(page, 'Подключить WhatsApp').isVisible(), { timeout: UI_TIMEOUT })
      .toBe(true);
    await expect.poll(() => page.locator('article').count(), { timeout: UI_TIMEOUT }).toBe(0);
    await expect.poll(() => page.getByRole('combobox').inputValue(), { timeout: UI_TIMEOUT }).toBe(orgB.id);
    expect(await listWpp(orgB)).toEqual([]);
    await shoot(page, '13-other-organization');
  });

  step(
    '9b. issue 15: on a reload, the card shows the saved status, unconfirmed, until its live check answers',
    async () => {
      // Status checks are held at the browser until the saved status has been seen on the card.
      let release = () => {};
      const held = new Promise<void>((resolve) => {
        release = resolve;
      });
      await page.route('**/functions/v1/wpp-status', async (route) => {
        await held;
        await route.continue();
      });
      try {
        await page.goto(url(orgA));
        const saved = card(first.number).getByTestId('last-known');
        await expect
          .poll(() => saved.textContent(), { timeout: UI_TIMEOUT })
          .toMatch(/^последний известный: подключено · (только что|\d+ мин назад)$/);
        await expect
          .poll(() => badgeOf(first.number).textContent(), { timeout: UI_TIMEOUT })
          .toContain('⏳ Проверка…');
        await shoot(page, '13b-last-known');
        release();
        await expect
          .poll(() => badgeOf(first.number).textContent(), { timeout: UI_TIMEOUT })
          .toContain('🟢 Подключено');
        await expect.poll(() => saved.count(), { timeout: UI_TIMEOUT }).toBe(0);
      } finally {
        release();
        await page.unroute('**/functions/v1/wpp-status');
      }
    },
  );

  step(
    'restart: the backend process restarts on the same data folder, the session is still listed',
    async () => {
      const port = backend.port;
      await backend.stop();
      // Issue 16 item 6: the backend unreachable: the panel says so and offers a retry (no page reload needed).
      const alert = page.getByRole('alert').filter({ hasText: 'Не удалось загрузить подключения' });
      await watch.allowing([/ERR_CONNECTION_REFUSED/], async () => {
        await page.goto(url(orgA));
        await expect
          .poll(() => alert.textContent(), { timeout: UI_TIMEOUT })
          .toContain('Нет связи с сервером');
        await expect
          .poll(() => button(alert, 'Попробовать снова').isVisible(), { timeout: UI_TIMEOUT })
          .toBe(true);
        await shoot(page, '14-backend-unreachable');
      });
      backend = await startBackend({ dataDir, port, allowedOrigins: [panel.url] });
      await configureBoth({ qrRotateMs: 600_000, qrExpireMs: 600_000 });
      await button(alert, 'Попробовать снова').click();
      await expect
        .poll(() => badgeOf(first.number).textContent(), { timeout: UI_TIMEOUT })
        .toContain('🟢 Подключено');
      await expect.poll(() => alert.count(), { timeout: UI_TIMEOUT }).toBe(0);
      await expect
        .poll(() => notice().textContent(), { timeout: UI_TIMEOUT })
        .toContain('Связь восстановлена: подключения загружены');
      await expect.poll(() => page.locator('article').count(), { timeout: UI_TIMEOUT }).toBe(1);
      await shoot(page, '14-after-restart');
      await page.reload();
      await expect
        .poll(() => badgeOf(first.number).textContent(), { timeout: UI_TIMEOUT })
        .toContain('🟢 Подключено');
    },
  );

  step('faults: errors and latency show reasons, "Попробовать снова" recovers', async () => {
    // A tab with a clock the test can pause.
    await withClockPage(async () => {
      await page.goto(url(orgA));
      await expect
        .poll(() => badgeOf(first.number).textContent(), { timeout: UI_TIMEOUT })
        .toContain('🟢 Подключено');
      try {
        await faultRun();
      } catch (error) {
        await page
          .screenshot({ path: join(FAILURE_DIR, 'fault-run.png'), fullPage: true })
          .catch(() => undefined);
        throw error;
      }
    });
  });

  /** The fault run proper, on the current `page`. */
  const faultRun = () =>
    watch.allowing(INJECTED_HTTP_ERRORS, async () => {
      // The list fails: the panel says why and offers a retry, keeping the card it had. (Faults through the
      // "Демо" menu; the malformed answers below have no button there.)
      await demoFaults('Ошибка сервера', { errorRate: 1 });
      await closeDemo();
      await button(page, 'Обновить статусы').click();
      const alert = page.getByRole('alert').filter({ hasText: 'Не удалось загрузить подключения' });
      await expect.poll(() => alert.isVisible(), { timeout: UI_TIMEOUT }).toBe(true);
      await expect
        .poll(() => alert.textContent(), { timeout: UI_TIMEOUT })
        .toMatch(/Ошибка сервера: .*Injected fault/);
      await shoot(page, '15-fault-list-error');
      await demoFaults('Медленно (+1,5 с)', { latencyMs: 1_500 });
      await closeDemo();
      await button(alert, 'Попробовать снова').click();
      await expect.poll(() => alert.count(), { timeout: UI_TIMEOUT }).toBe(0);
      await expect
        .poll(() => badgeOf(first.number).textContent(), { timeout: UI_TIMEOUT })
        .toContain('🟢 Подключено');

      // A status check fails: the card shows the reason, and retries by itself after a delay. The page's clock is
      // paused once the error shows, so no automatic retry can run before the admin's "Попробовать снова".
      await demoFaults('Ошибка сервера', { errorRate: 1 });
      await closeDemo();
      const checkedAt = Date.now();
      await button(card(first.number), 'Проверить').click();
      // Two automatic retries first (1 s, 2 s), so the countdown shows a few seconds on the screenshot.
      await expect
        .poll(() => statusCallsFor(first.id, checkedAt), { timeout: UI_TIMEOUT })
        .toBeGreaterThanOrEqual(3);
      await expect
        .poll(() => badgeOf(first.number).textContent(), { timeout: UI_TIMEOUT })
        .toContain('⚠️ Ошибка сервера');
      // (The jump may fire a retry that is due within it: that one fails too, and is waited for below.)
      await page.clock.pauseAt((await page.evaluate(() => Date.now())) + 500);
      await expect
        .poll(
          async () => ({ inFlight: statusCallsInFlight(), badge: await badgeOf(first.number).textContent() }),
          {
            timeout: UI_TIMEOUT,
          },
        )
        .toEqual({ inFlight: 0, badge: expect.stringContaining('⚠️ Ошибка сервера') });
      const reason = card(first.number).getByTestId('session-error');
      // The admin's words, the retry countdown and the backend's own words.
      await expect
        .poll(() => reason.textContent(), { timeout: UI_TIMEOUT })
        .toMatch(/^(?=.*Ошибка сервера)(?=.*Повтор через)(?=.*Injected fault)/s);
      await shoot(page, '16-fault-card-error');
      await setFaults({ latencyMs: 800 });
      const retriedAt = Date.now();
      await button(card(first.number), 'Попробовать снова').click();
      // The slow answer keeps the card in "checking" meanwhile, then it is connected again.
      await expect
        .poll(() => badgeOf(first.number).textContent(), { timeout: UI_TIMEOUT })
        .toContain('⏳ Проверка…');
      await expect
        .poll(() => badgeOf(first.number).textContent(), { timeout: UI_TIMEOUT })
        .toContain('🟢 Подключено');
      await page.clock.resume();
      expect(statusCallsFor(first.id, retriedAt), 'the retry called wpp-status').toBe(1);
      await expect
        .poll(() => reason.count(), { timeout: UI_TIMEOUT, message: 'no stale reason after recovery' })
        .toBe(0);

      // Malformed answers with status 200 (seed 1: a gateway's HTML page; seed 5: JSON cut in half): a reason
      // that says so, then recovery once the backend is well again.
      for (const seed of [1, 5]) {
        await setFaults({ malformedRate: 1, seed });
        await button(card(first.number), 'Проверить').click();
        await expect
          .poll(() => badgeOf(first.number).textContent(), { timeout: UI_TIMEOUT })
          .toContain('⚠️ Непонятный ответ сервера');
        await expect
          .poll(() => reason.textContent(), { timeout: UI_TIMEOUT, message: `seed ${seed}` })
          .toMatch(/Непонятный ответ сервера/);
        await setFaults({});
        await expect
          .poll(() => badgeOf(first.number).textContent(), { timeout: UI_TIMEOUT })
          .toContain('🟢 Подключено');
      }
      await shoot(page, '17-fault-recovered');
    });

  step('10a. keyboard only: Tab + Enter opens the QR, Escape cancels', async () => {
    await page.goto(url(orgB));
    const connect = button(page, 'Подключить WhatsApp');
    await expect.poll(() => connect.isVisible(), { timeout: UI_TIMEOUT }).toBe(true);
    await tabTo(connect);
    await page.keyboard.press('Enter');
    await expect.poll(() => qrDialog().isVisible(), { timeout: UI_TIMEOUT }).toBe(true);
    const row = await newRow(orgB, []);
    await expectDrawnQr(orgB, row.id);
    await expect
      .poll(() => focusIsInside(qrDialog()), { timeout: UI_TIMEOUT, message: 'focus moved into the dialog' })
      .toBe(true);
    for (let i = 0; i < 5; i++) {
      await page.keyboard.press('Tab');
      await expect
        .poll(() => focusIsInside(qrDialog()), {
          timeout: UI_TIMEOUT,
          message: 'Tab stays inside the dialog',
        })
        .toBe(true);
    }
    await shoot(page, '18-keyboard-qr');
    await page.keyboard.press('Escape');
    await expect.poll(() => qrDialog().count(), { timeout: UI_TIMEOUT }).toBe(0);
    await expect
      .poll(() => page.evaluate(() => document.activeElement !== document.body), {
        timeout: UI_TIMEOUT,
        message: 'focus returned to the page',
      })
      .toBe(true);
    // Escape cancelled the new number: its row is gone, no orphan card after a reload.
    await expect.poll(() => listWpp(orgB), { timeout: UI_TIMEOUT }).toEqual([]);
    await expect.poll(() => page.locator('article').count(), { timeout: UI_TIMEOUT }).toBe(0);
  });

  step('10b. keyboard only: Tab + Enter asks to disconnect, Escape keeps, Enter confirms', async () => {
    await page.goto(url(orgA));
    await expect
      .poll(() => badgeOf(first.number).textContent(), { timeout: UI_TIMEOUT })
      .toContain('🟢 Подключено');
    const disconnect = button(card(first.number), 'Отключить');
    await tabTo(disconnect);
    await page.keyboard.press('Enter');
    await expect.poll(() => confirmDialog().isVisible(), { timeout: UI_TIMEOUT }).toBe(true);
    await expect
      .poll(() => focusIsInside(confirmDialog()), {
        timeout: UI_TIMEOUT,
        message: 'focus moved into the confirmation',
      })
      .toBe(true);
    await page.keyboard.press('Escape');
    await expect.poll(() => confirmDialog().count(), { timeout: UI_TIMEOUT }).toBe(0);
    await expect
      .poll(() => badgeOf(first.number).textContent(), { timeout: UI_TIMEOUT })
      .toContain('🟢 Подключено');

    await tabTo(disconnect);
    await page.keyboard.press('Enter');
    await expect.poll(() => confirmDialog().isVisible(), { timeout: UI_TIMEOUT }).toBe(true);
    await tabTo(button(confirmDialog(), 'Отключить'), 5);
    await shoot(page, '19-keyboard-confirm');
    await page.keyboard.press('Enter');
    await expect.poll(() => card(first.number).count(), { timeout: UI_TIMEOUT }).toBe(0);
    await expect
      .poll(() => button(page, 'Подключить WhatsApp').isVisible(), { timeout: UI_TIMEOUT })
      .toBe(true);
    expect(await listWpp(orgA)).toEqual([]);
    await shoot(page, '20-keyboard-disconnected');
  });

  step(
    "11. ?inspect: the inspector is sent both machines' events; without it, its code is never fetched",
    async () => {
      const assets = join(PANEL_DIST, 'assets');
      // Every chunk that holds the inspector (a build folder can keep an earlier build's files beside the current
      // ones: turbo restores cached outputs without emptying it).
      const chunks = readdirSync(assets).filter(
        (file) =>
          file.endsWith('.js') && readFileSync(join(assets, file), 'utf8').includes('xstateinspector'),
      );
      expect(chunks, 'the inspector is a chunk of its own').not.toEqual([]);
      const isInspector = (address: string) => chunks.some((chunk) => address.includes(chunk));
      const main = readdirSync(assets).filter((file) => /^index-.*\.js$/.test(file));
      for (const file of main)
        expect(readFileSync(join(assets, file), 'utf8')).not.toContain('xstateinspector');
      expect(
        requests.filter((r) => isInspector(r.url)),
        'no page without ?inspect fetched it',
      ).toEqual([]);

      const mainPage = page;
      page = await openPage();
      try {
        // The inspector's window is stately.ai (no network here): a stub records what the page sends it.
        await page.addInitScript(() => {
          const seen: { opened: string[]; messages: unknown[] } = { opened: [], messages: [] };
          (window as unknown as { __inspector: typeof seen }).__inspector = seen;
          window.open = ((target: string | URL) => {
            seen.opened.push(String(target));
            setTimeout(() => window.postMessage({ type: '@statelyai.connected' }, '*'), 0);
            return { postMessage: (message: unknown) => seen.messages.push(message) } as unknown as Window;
          }) as typeof window.open;
        });
        await page.goto(`${url(orgA)}&inspect`);
        await expect
          .poll(() => button(page, 'Подключить WhatsApp').isVisible(), { timeout: UI_TIMEOUT })
          .toBe(true);
        await button(page, 'Подключить WhatsApp').click();
        await expect.poll(() => qrDialog().getByTestId('qr').isVisible(), { timeout: UI_TIMEOUT }).toBe(true);
        const received = () =>
          page.evaluate(() => {
            const seen = (window as unknown as { __inspector: { opened: string[]; messages: unknown[] } })
              .__inspector;
            const messages = seen.messages as {
              type: string;
              event?: { type?: string };
              definition?: string;
            }[];
            return {
              opened: seen.opened,
              events: [
                ...new Set(messages.filter((m) => m.type === '@xstate.event').map((m) => m.event?.type)),
              ],
              machines: [
                ...new Set(
                  messages
                    .filter((m) => m.type === '@xstate.actor')
                    .map((m) => (JSON.parse(m.definition ?? '{}') as { id?: string }).id),
                ),
              ],
            };
          });
        await expect.poll(received, { timeout: UI_TIMEOUT }).toMatchObject({
          opened: ['https://stately.ai/inspect'],
          events: expect.arrayContaining(['sessions.rows', 'sessions.connectNew', 'session.requestStarted']),
          machines: expect.arrayContaining(['sessions', 'session']),
        });
        expect(
          requests.some((r) => isInspector(r.url)),
          'fetched with ?inspect',
        ).toBe(true);
        await page.keyboard.press('Escape');
        await expect.poll(() => qrDialog().count(), { timeout: UI_TIMEOUT }).toBe(0);
        await expect.poll(() => listWpp(orgA), { timeout: UI_TIMEOUT }).toEqual([]);
      } finally {
        await page.close();
        page = mainPage;
      }
    },
  );

  step('no console error or page error the app did not expect, in the whole run', async () => {
    expect(watch.unexpected, watch.describe()).toEqual([]);
  });
});
