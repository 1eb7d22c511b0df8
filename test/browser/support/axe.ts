import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';
import type { Page } from '../../../apps/console/node_modules/playwright-core';

/** axe-core is a dev dependency of the console package (apps/console/node_modules), as playwright-core is. */
const consoleRequire = createRequire(join(resolve(__dirname, '..', '..', '..'), 'apps', 'console', 'package.json'));
const AXE = consoleRequire.resolve('axe-core/axe.min.js');

export interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: string[];
}

/**
 * The serious and critical accessibility violations axe-core finds on the page as it is now
 * (WCAG 2.1 A and AA rules), each with the selectors of the elements at fault.
 */
export async function seriousViolations(page: Page, within?: string): Promise<AxeViolation[]> {
  if (!(await page.evaluate("typeof window.axe !== 'undefined'"))) await page.addScriptTag({ path: AXE });
  const context = JSON.stringify(within ?? 'body');
  // A string: evaluated in the page, where the Node type check knows no DOM.
  const found = (await page.evaluate(`window.axe.run(document.querySelector(${context}), { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] }, resultTypes: ['violations'] })
    .then((r) => r.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.map((n) => n.target.join(' ')).slice(0, 5) })))`)) as AxeViolation[];
  return found.filter((v) => v.impact === 'serious' || v.impact === 'critical');
}

/** Fails with the list of what axe-core found, so that the message says what to fix. */
export async function expectNoSeriousViolations(page: Page, label: string, within?: string): Promise<void> {
  const violations = await seriousViolations(page, within);
  expect({ label, violations }).toEqual({ label, violations: [] });
}
