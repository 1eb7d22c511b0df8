/**
 * What the needs journey (test/browser/needs-journey*.browser.spec.ts) shares: the API reads the
 * journey checks the console against (and signing in with a demo account, from ./browser).
 */
import type { Locator } from '../../../apps/console/node_modules/playwright-core';
import { actAs } from '../../support/embedded-app';
import { Running } from './browser';

export { signIn } from './browser';

export interface NeedJson {
  id: string;
  status: string;
  lineItems: Array<{ id: string; kind: string; quantity: number; unit: string; lacking: number; delivered: number }>;
}

/** 三排镇, the demo coordinator's town, in the demo bureau's city (清远). */
export const TOWN = '441826105';

export interface TownFigures {
  published: number;
  matched: number;
  fulfilled: number;
  matchRate: number | null;
  conversionRate: number | null;
}

/** The API reads of the journey, on the console `running()` gives (started in the spec's beforeAll). */
export function journeyReads(running: () => Running) {
  return {
    /** The need as the API has it, read by a province-wide auditor. */
    needJson: async (id: string): Promise<NeedJson> =>
      (await running().app.http().get(`/api/needs/${id}`).set(await actAs(running().app, { id: 'test-auditor', role: 'auditor', scope: '44' })).expect(200)).body,

    hasDashboard: async () => '/api/dashboard/summary' in ((await running().app.http().get('/api/docs-json').expect(200)).body as { paths: Record<string, unknown> }).paths,

    /** The town's need figures as the dashboard API gives them to the bureau. */
    townFigures: async (): Promise<TownFigures> =>
      (await running().app.http().get(`/api/dashboard/summary?region=${TOWN}&period=month`).set(await actAs(running().app, { id: 'bureau-journey', role: 'bureau', scope: '4418' })).expect(200)).body.total.needs,
  };
}

export const pct = (v: number | null) => (v === null ? '—' : `${Math.round(v * 100)}%`);

/**
 * One score, written one way on a recommended need's card: the priority badge is the match score
 * plus the fairness bonus, and every figure on it has at most one decimal.
 */
export async function expectOneScore(card: Locator) {
  const oneDecimal = /^\d+(\.\d)?$/;
  const badge = await card.locator('.recommended-score-value').innerText();
  const match = (await card.getByText(/^匹配度 /).innerText()).replace('匹配度 ', '');
  const fairnessTag = card.getByText(/^公平性 \+/);
  const fairness = (await fairnessTag.count()) > 0 ? (await fairnessTag.innerText()).replace('公平性 +', '') : '0';
  for (const figure of [badge, match, fairness]) expect(figure).toMatch(oneDecimal);
  expect(Math.abs(Number(badge) - Number(match) - Number(fairness))).toBeLessThanOrEqual(0.11);
  for (const points of await card.locator('.score-factor-points').allInnerTexts()) expect(points).toMatch(/^\+?\d+(\.\d)?(\/\d+)?$/);
}
