import { mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { createRequire } from 'node:module';
import { AddressInfo } from 'node:net';
import { join, resolve } from 'node:path';
import type { Browser, BrowserContext, Page, Request } from '../../../apps/console/node_modules/playwright-core';
import { seedDemo } from '../../../apps/standalone/src/seed/demo-seed';
import { removeDir, startEmbeddedApp, testAppConfig, TestApp } from '../../support/embedded-app';

const ROOT = resolve(__dirname, '..', '..', '..');
export const ARTIFACTS = join(ROOT, 'test', 'browser', 'artifacts');

/** playwright-core is a dev dependency of the console package (apps/console/node_modules). */
const consoleRequire = createRequire(join(ROOT, 'apps', 'console', 'package.json'));
const { chromium } = consoleRequire('playwright-core') as typeof import('../../../apps/console/node_modules/playwright-core');

export const DESKTOP = { width: 1366, height: 768 };
/** A tablet held upright. */
export const TABLET = { width: 768, height: 1024 };
/** The narrowest phone in common use (360 px wide). */
export const PHONE = { width: 360, height: 800 };

export interface Running {
  app: TestApp;
  url: string;
  browser: Browser;
  close: () => Promise<void>;
}

/** The real embedded app with the demo seed, listening on a free port, and a headless Chromium. */
export async function startConsole(): Promise<Running> {
  // Needs are pushed to organizations as in production (the e2e default leaves the dispatcher off).
  const dataDir = mkdtempSync(join(tmpdir(), 'shecun-browser-'));
  const app = await startEmbeddedApp(dataDir, testAppConfig(dataDir, { pushDispatch: true }));
  // Whatever fails from here on closes the app first: an app left running keeps Jest from exiting.
  const closeApp = async () => {
    await app.close().catch(() => undefined);
    removeDir(app.dataDir);
  };
  let port: number;
  let browser: Browser;
  try {
    await seedDemo(app.app);
    await app.app.listen(0, '127.0.0.1');
    port = (app.app.getHttpServer().address() as AddressInfo).port;
    // launch() gives Chromium a fresh, temporary --user-data-dir of its own and removes it on close.
    browser = await chromium.launch({
      executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
      headless: true,
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    });
  } catch (error) {
    await closeApp();
    throw error;
  }
  mkdirSync(ARTIFACTS, { recursive: true });
  return {
    app,
    url: `http://127.0.0.1:${port}`,
    browser,
    close: async () => {
      await browser.close().catch(() => undefined);
      await closeApp();
    },
  };
}

export async function newPage(running: Running, viewport = DESKTOP): Promise<{ context: BrowserContext; page: Page }> {
  // A browser in Guangdong: dates and times read in China time, as the API's calendar dates are.
  const context = await running.browser.newContext({ viewport, locale: 'zh-CN', timezoneId: 'Asia/Shanghai', baseURL: running.url, deviceScaleFactor: 1 });
  const page = await context.newPage();
  page.setDefaultTimeout(20_000);
  // Requests in flight, but for event streams (the push feed's stays open while the page does).
  const open = new Set<Request>();
  inFlight.set(page, open);
  page.on('request', (request) => {
    if (request.headers()['accept'] !== 'text/event-stream') open.add(request);
  });
  page.on('requestfinished', (request) => open.delete(request));
  page.on('requestfailed', (request) => open.delete(request));
  return { context, page };
}

const inFlight = new WeakMap<Page, Set<Request>>();

/** Resolves once the page has had no request in flight (event streams aside) for half a second. */
async function networkQuiet(page: Page): Promise<void> {
  const open = inFlight.get(page);
  if (!open) return page.waitForLoadState('networkidle');
  const deadline = Date.now() + 20_000;
  let quietSince = Date.now();
  while (Date.now() - quietSince < 500) {
    if (Date.now() > deadline) throw new Error(`the page kept ${open.size} requests in flight for 20 s: ${[...open].map((r) => r.url()).join(', ')}`);
    await page.waitForTimeout(50);
    if (open.size > 0) quietSince = Date.now();
  }
}

/** Signs in with one of the demo seed's accounts (its button on the sign-in page) and waits for the console. */
export async function signIn(page: Page, account: string): Promise<void> {
  await page.goto('/');
  await page.getByTestId(`demo-${account}`).click();
  await page.getByTestId('user-menu').waitFor();
}

/** Waits until `text` is visible on the page. */
export async function sees(page: Page, text: string | RegExp): Promise<void> {
  await page.getByText(text).first().waitFor({ state: 'visible' });
}

/** Waits for the page to settle: no skeletons or spinners left. */
export async function settled(page: Page): Promise<void> {
  await networkQuiet(page);
  // A string: evaluated in the page, where the Node type check knows no DOM.
  await page.waitForFunction(`!document.querySelector('.ant-skeleton, .ant-spin-spinning, .ant-select-arrow-loading')`);
  await page.waitForTimeout(250);
}

/**
 * A full-page screenshot at phone, tablet and desktop size (360, 768 and 1366 px wide):
 * artifacts/<name>-phone.png, -tablet.png and -desktop.png.
 */
export async function screenshots(page: Page, name: string): Promise<void> {
  const original = page.viewportSize() ?? DESKTOP;
  for (const [size, viewport] of [
    ['phone', PHONE],
    ['tablet', TABLET],
    ['desktop', DESKTOP],
  ] as const) {
    await page.setViewportSize(viewport);
    await page.evaluate('window.scrollTo(0, 0)');
    await settled(page);
    // A full page at three sizes is heavy work for a busy machine: a longer wait than an action's,
    // and animations stopped so that a spinner does not keep the capture waiting for a still frame.
    await page.screenshot({ path: join(ARTIFACTS, `${name}-${size}.png`), fullPage: true, animations: 'disabled', timeout: 60_000 });
  }
  await page.setViewportSize(original);
  await settled(page);
}

/** Picks `label` in the antd Select found by `testId` (typing to search where it can). */
export async function choose(page: Page, testId: string, label: string): Promise<void> {
  const select = page.getByTestId(testId);
  await select.click();
  const search = select.locator('input');
  if (await search.count()) await search.fill(label).catch(() => undefined);
  await page.locator('.ant-select-dropdown:not(.ant-select-dropdown-hidden) .ant-select-item-option').filter({ hasText: label }).first().click();
}
