/**
 * Checks of a dialog (an Ant Design modal or drawer) reached through an action: opened by a click,
 * left to settle, checked by axe-core at 360 and at 1366 px with the dialog open, photographed, and
 * closed again. Used by test/browser/accessibility-dialogs*.browser.spec.ts.
 */
import type { Page } from '../../../apps/console/node_modules/playwright-core';
import { seriousViolations } from './axe';
import { DESKTOP, PHONE, screenshots, settled } from './browser';

/** Resolves once no element shown is in an enter, appear or leave animation (a modal fading in reads pale to axe). */
export async function still(page: Page): Promise<void> {
  await settled(page);
  // A string: evaluated in the page, where the Node type check knows no DOM.
  await page.waitForFunction(`![...document.querySelectorAll('[class]')].some((e) => e.getClientRects().length > 0 && [...e.classList].some((c) => /-(appear|enter|leave)(-(active|prepare|start))?$/.test(c)))`);
}

/**
 * Opens the dialog with `open`, waits for the element `testId` in it, and returns what axe-core
 * finds serious or critical on the page with the dialog open, at 360 and at 1366 px wide, one line
 * per element at fault. Photographs it (artifacts/a11y-dialog-<name>-*.png) and closes it with Esc,
 * unless `keepOpen`.
 */
export async function dialogProblems(
  page: Page,
  name: string,
  open: () => Promise<void>,
  testId: string,
  options: { keepOpen?: boolean; ready?: () => Promise<void> } = {},
): Promise<string[]> {
  await page.setViewportSize(PHONE);
  await open();
  const inside = page.getByTestId(testId);
  await inside.waitFor({ state: 'visible' });
  await options.ready?.();
  const found: string[] = [];
  for (const viewport of [PHONE, DESKTOP]) {
    await page.setViewportSize(viewport);
    await still(page);
    for (const v of await seriousViolations(page)) {
      for (const target of v.nodes) found.push(`${name} @ ${viewport.width}px: ${v.id} (${v.impact}, ${v.help}) at ${target}`);
    }
  }
  await screenshots(page, `a11y-dialog-${name}`);
  if (!options.keepOpen) {
    await page.keyboard.press('Escape');
    await inside.waitFor({ state: 'hidden' });
    await still(page);
  }
  return found;
}

/** Fails with every problem found, so that the message says what to fix. */
export function expectNone(found: string[]): void {
  if (found.length) throw new Error(`axe-core finds ${found.length} serious or critical violations with the dialog open:\n${found.join('\n')}`);
}
