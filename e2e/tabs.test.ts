/**
 * One poller per browser (issue 15, part 2) in a real Chromium: two pages of one browser context on the panel for
 * one organization share one set of status checks, and when the leading page closes mid-QR the other page carries
 * the QR on and finishes the scan; when the leading page is hidden while another is visible, the visible one leads.
 * Its own local backend, panel server and browser, as scenario.test.ts has.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type BackendProcess,
  type BrowserHandle,
  ConsoleWatch,
  devCall,
  findChromium,
  type IntegrationRow,
  launchBrowser,
  makeTempDir,
  type Organization,
  PANEL_DIST,
  removeTempDirs,
  type StaticServer,
  serveStatic,
  startBackend,
} from './harness.js';

const CHROMIUM = findChromium();
/** Re-checks every 3 s: 20 rounds a minute, so "one round" is small beside the count. */
const RECHECK = 3_000;
const WINDOW = 60_000;
const UI_TIMEOUT = 15_000;
/** The other page takes over within this after the leader's page closes. */
const TAKEOVER = 2_000;
const NUMBERS = 2;

describe.runIf(CHROMIUM !== null)('two tabs of one organization in Chromium', () => {
  let backend: BackendProcess;
  let panel: StaticServer;
  let browser: BrowserHandle;
  let watch: ConsoleWatch;
  let org: Organization;
  let leader: Page;
  let follower: Page;
  /** Status requests each page sent (POST /functions/v1/wpp-status). */
  const statusRequests = new Map<Page, number>();
  let oneTab = 0;

  const url = () =>
    `${panel.url}/?${new URLSearchParams({ org: org.id, recheck: String(RECHECK), qrPoll: '300', poll: '300' })}`;
  const openPage = async (): Promise<Page> => {
    const page = await browser.context.newPage();
    statusRequests.set(page, 0);
    page.on('request', (request) => {
      if (request.method() === 'POST' && request.url().includes('/functions/v1/wpp-status')) {
        statusRequests.set(page, (statusRequests.get(page) ?? 0) + 1);
      }
    });
    await page.goto(url());
    return page;
  };
  const resetCounts = () => {
    for (const page of statusRequests.keys()) statusRequests.set(page, 0);
  };
  const total = () => [...statusRequests.values()].reduce((sum, n) => sum + n, 0);
  const badges = (page: Page): Locator => page.getByTestId('status-badge');
  const connectedCards = (page: Page) =>
    badges(page).evaluateAll(
      (nodes) => nodes.filter((node) => node.textContent?.includes('Подключено')).length,
    );
  const qrDialog = (page: Page): Locator => page.getByRole('dialog', { name: 'Подключение WhatsApp' });
  const dialogStatus = (page: Page) =>
    qrDialog(page)
      .getByTestId('qr-dialog-state')
      .getAttribute('data-status', { timeout: 500 })
      .catch(() => null);
  const listWpp = async (): Promise<IntegrationRow[]> => {
    const { integrations } = await devCall<{ integrations: IntegrationRow[] }>(
      backend,
      'GET',
      '/functions/v1/messenger-integrations',
      undefined,
      org.token,
    );
    return integrations.filter((row) => row.provider === 'wpp');
  };
  /** The Page Visibility API as a hidden (or shown) tab reports it: Playwright's pages are all visible. */
  const setHidden = (page: Page, hidden: boolean) =>
    page.evaluate((value) => {
      Object.defineProperty(document, 'visibilityState', {
        configurable: true,
        get: () => (value ? 'hidden' : 'visible'),
      });
      Object.defineProperty(document, 'hidden', { configurable: true, get: () => value });
      document.dispatchEvent(new Event('visibilitychange'));
    }, hidden);
  const scan = (integrationId: string) =>
    devCall(backend, 'POST', '/dev/scan', { integration_id: integrationId }, org.token);

  beforeAll(async () => {
    if (!existsSync(join(PANEL_DIST, 'index.html'))) {
      throw new Error(
        `the panel is not built: run npm run build -w @wpp-sessions/admin-panel (${PANEL_DIST})`,
      );
    }
    const dataDir = makeTempDir('wpp-e2e-tabs-data-');
    panel = await serveStatic(PANEL_DIST, () =>
      backend ? { url: backend.url, anonKey: backend.anonKey, organizations: backend.organizations } : null,
    );
    [backend, browser] = await Promise.all([
      startBackend({ dataDir, allowedOrigins: [panel.url] }),
      launchBrowser(CHROMIUM!),
    ]);
    org = backend.organizations[0]!;
    // QRs stay still and alive: what the test watches is the panel's, not the platform's clock.
    await devCall(backend, 'POST', '/dev/config', { qrRotateMs: 600_000, qrExpireMs: 600_000 }, org.token);
    // Two linked numbers to re-check.
    for (let i = 0; i < NUMBERS; i++) {
      await devCall(backend, 'POST', '/functions/v1/wpp-create', i === 0 ? {} : { add_new: true }, org.token);
    }
    for (const row of await listWpp()) await scan(row.id);
    watch = new ConsoleWatch(browser.context);
  });

  afterAll(async () => {
    await browser?.close();
    await panel?.close();
    await backend?.stop();
    removeTempDirs();
  });

  it('one tab alone: counts its status requests over 60 s', async () => {
    leader = await openPage();
    await expect.poll(() => connectedCards(leader), { timeout: UI_TIMEOUT }).toBe(NUMBERS);
    resetCounts();
    await leader.waitForTimeout(WINDOW);
    oneTab = total();
    // About one check per number per re-check interval.
    expect(oneTab).toBeGreaterThanOrEqual(NUMBERS * (WINDOW / RECHECK - 2));
    expect(watch.unexpected, watch.describe()).toEqual([]);
  });

  it("a second tab shows the same statuses and adds no status requests (one tab's ± one round)", async () => {
    follower = await openPage();
    await expect.poll(() => connectedCards(follower), { timeout: UI_TIMEOUT }).toBe(NUMBERS);
    resetCounts();
    await follower.waitForTimeout(WINDOW);
    const two = total();
    console.info(
      `status requests over 60 s: one tab ${oneTab}, two tabs ${two} (follower ${statusRequests.get(follower)})`,
    );
    expect(Math.abs(two - oneTab), `one tab: ${oneTab}, two tabs: ${two}`).toBeLessThanOrEqual(NUMBERS);
    // The follower sends none of its own: it shows the leader's.
    expect(statusRequests.get(follower)).toBe(0);
    expect(await connectedCards(follower)).toBe(NUMBERS);
    expect(watch.unexpected, watch.describe()).toEqual([]);
  });

  it('the leader closes mid-QR: the other tab keeps the QR and finishes the scan', async () => {
    const known = (await listWpp()).map((row) => row.id);
    await leader.getByRole('button', { name: 'Подключить ещё один WhatsApp', exact: true }).click();
    // The QR shows in both pages.
    await expect.poll(() => dialogStatus(leader), { timeout: UI_TIMEOUT }).toBe('qr_issued');
    await expect.poll(() => dialogStatus(follower), { timeout: UI_TIMEOUT }).toBe('qr_issued');
    await expect
      .poll(() => qrDialog(follower).getByTestId('qr').isVisible(), { timeout: UI_TIMEOUT })
      .toBe(true);
    let added: IntegrationRow | undefined;
    await expect
      .poll(
        async () => {
          added = (await listWpp()).find((row) => !known.includes(row.id));
          return added?.id ?? null;
        },
        { timeout: UI_TIMEOUT },
      )
      .not.toBeNull();

    await leader.close();
    // Within 2 s the other page runs the collection and shows the same QR phase (its dialog stayed, or came back).
    await expect.poll(() => dialogStatus(follower), { timeout: TAKEOVER, interval: 100 }).toBe('qr_issued');
    await expect
      .poll(() => qrDialog(follower).getByTestId('qr').isVisible(), { timeout: TAKEOVER })
      .toBe(true);
    resetCounts();
    // It polls the QR itself now.
    await expect.poll(() => statusRequests.get(follower), { timeout: UI_TIMEOUT }).toBeGreaterThan(0);

    await scan(added!.id);
    await expect.poll(() => dialogStatus(follower), { timeout: UI_TIMEOUT }).toBe('connected');
    await expect.poll(() => connectedCards(follower), { timeout: UI_TIMEOUT }).toBe(NUMBERS + 1);
    expect(watch.unexpected, watch.describe()).toEqual([]);
  });

  it('the leading page is hidden while another is visible: the visible one leads within 2 s', async () => {
    // `follower` leads now; a new page follows it.
    const third = await openPage();
    await expect.poll(() => connectedCards(third), { timeout: UI_TIMEOUT }).toBe(NUMBERS + 1);
    resetCounts();
    await setHidden(follower, true);
    // The visible page lists and checks every number itself.
    await expect
      .poll(() => statusRequests.get(third), { timeout: TAKEOVER, interval: 100 })
      .toBeGreaterThanOrEqual(NUMBERS + 1);
    resetCounts();
    // Two rounds of re-checks, all from the visible page.
    await expect
      .poll(() => statusRequests.get(third), { timeout: UI_TIMEOUT })
      .toBeGreaterThanOrEqual(2 * (NUMBERS + 1));
    expect(statusRequests.get(follower)).toBe(0);
    // Shown again, the page that stepped down stays a follower.
    await setHidden(follower, false);
    resetCounts();
    await expect
      .poll(() => statusRequests.get(third), { timeout: UI_TIMEOUT })
      .toBeGreaterThanOrEqual(2 * (NUMBERS + 1));
    expect(statusRequests.get(follower)).toBe(0);
    await expect.poll(() => connectedCards(follower), { timeout: UI_TIMEOUT }).toBe(NUMBERS + 1);
    expect(watch.unexpected, watch.describe()).toEqual([]);
  });
});
