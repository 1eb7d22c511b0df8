/**
 * The console's header on a common laptop screen (1366 × 768), in a real browser against the real
 * embedded app with the demo seed: for the hub's admin (the longest menu: an organization's pages
 * and the teams) and for every other role, in Chinese and in English, the brand, each menu entry,
 * the account button and the language switch each keep a box of their own — none overlaps
 * another, and none runs past the window's edge; axe-core finds nothing serious in the header.
 */
import type { Page } from '../../apps/console/node_modules/playwright-core';
import { expectNoSeriousViolations } from './support/axe';
import { ARTIFACTS, DESKTOP, newPage, Running, settled, signIn, startConsole } from './support/browser';

let running: Running;

beforeAll(async () => {
  running = await startConsole();
});

afterAll(async () => {
  await running?.close();
});

interface Box {
  name: string;
  left: number;
  top: number;
  right: number;
  bottom: number;
}

/** The header's parts as drawn: the brand, every menu entry, the account button and the language switch. */
async function headerBoxes(page: Page): Promise<{ boxes: Box[]; width: number }> {
  // A string: evaluated in the page, where the Node type check knows no DOM.
  return page.evaluate(`(() => {
    const parts = [
      ['brand', document.querySelector('.app-header .brand')],
      ...[...document.querySelectorAll('.app-header .app-nav a')].map((a) => ['menu ' + a.textContent, a]),
      ['account', document.querySelector('[data-testid="user-menu"]')],
      ['language', document.querySelector('[data-testid="lang-switch"]')],
    ];
    const boxes = parts.filter(([, el]) => el).map(([name, el]) => {
      const r = el.getBoundingClientRect();
      return { name, left: r.left, top: r.top, right: r.right, bottom: r.bottom };
    });
    return { boxes, width: document.documentElement.clientWidth };
  })()`);
}

const overlap = (a: Box, b: Box) => Math.min(a.right, b.right) - Math.max(a.left, b.left) > 0.5 && Math.min(a.bottom, b.bottom) - Math.max(a.top, b.top) > 0.5;

async function expectHeaderClear(page: Page, label: string) {
  const { boxes, width } = await headerBoxes(page);
  const problems: string[] = [];
  for (let i = 0; i < boxes.length; i++) {
    if (boxes[i].right > width + 0.5 || boxes[i].left < -0.5) problems.push(`${boxes[i].name} runs past the window (${Math.round(boxes[i].left)}–${Math.round(boxes[i].right)} of ${width})`);
    for (let j = i + 1; j < boxes.length; j++) if (overlap(boxes[i], boxes[j])) problems.push(`${boxes[i].name} overlaps ${boxes[j].name}`);
  }
  if (problems.length) await page.screenshot({ path: `${ARTIFACTS}/header-overlap-${label}.png` });
  expect({ label, problems }).toEqual({ label, problems: [] });
}

describe('the header at 1366 × 768', () => {
  for (const [account, path] of [
    ['hub-admin', '/recommended'],
    ['org-staff', '/recommended'],
    ['coordinator', '/mine'],
    ['bureau', '/bureau'],
    ['auditor', '/audit'],
    ['admin', '/needs'],
  ] as const) {
    it(`keeps every part of the header clear of the others for ${account}, in Chinese and in English`, async () => {
      const { page, context } = await newPage(running, DESKTOP);
      await signIn(page, account);
      await page.goto(path);
      await settled(page);
      await expectHeaderClear(page, `${account}-zh`);
      await expectNoSeriousViolations(page, `${account}: the header`, '.app-header');
      await page.screenshot({ path: `${ARTIFACTS}/50-header-${account}-desktop.png`, clip: { x: 0, y: 0, width: DESKTOP.width, height: 160 } });
      await page.getByText('EN', { exact: true }).click();
      await page.getByTestId('lang-switch').locator('.ant-segmented-item-selected').getByText('EN').waitFor();
      await settled(page);
      await expectHeaderClear(page, `${account}-en`);
      await context.close();
    });
  }
});
