/**
 * Every page of the console, for every role of the demo and for the public, in a real browser against
 * the real embedded app with the demo seed: each page is opened, left to settle, and checked by
 * axe-core (WCAG 2.1 A and AA rules) at 360 px and at 1366 px wide; nothing serious or critical may be
 * found. Each page is photographed at 360, 768 and 1366 px under test/browser/artifacts/a11y-*.
 * Detail pages (a need, a team, a need's donation disclosure, an organization's disclosure, a
 * donation's audit trace) are opened with ids the demo data gives through the API.
 */
import type { Page } from '../../apps/console/node_modules/playwright-core';
import { seriousViolations } from './support/axe';
import { DESKTOP, newPage, PHONE, Running, screenshots, settled, signIn, startConsole } from './support/browser';
import { actAs, TestActor } from '../support/embedded-app';

let running: Running;

/** Ids of the demo data the detail pages are opened with. */
interface DemoIds {
  /** A need of 三排镇 its coordinator may still revise. */
  need: string;
  /** A team the 广州市社会组织联合会 (the demo hub) leads. */
  team: string;
  /** A need whose donations 广州市慈善会 disclosed. */
  disclosedNeed: string;
  /** A donation flow (its audit trace). */
  flow: string;
}
let ids: DemoIds;

const CHARITY = 'org-gz-charity';
const HUB = 'org-gz-federation';

async function demoIds(): Promise<DemoIds> {
  const http = running.app.http();
  const as = (actor: TestActor) => actAs(running.app, actor);
  const coordinator = await as({ id: 'cadre-a11y', role: 'coordinator', scope: '441826105' });
  const needs = (await http.get('/api/needs?page=1&pageSize=100').set(coordinator).expect(200)).body as { items: Array<{ id: string; status: string }> };
  const need = needs.items.find((n) => ['published', 'partially_committed'].includes(n.status)) ?? needs.items[0];
  const hub = await as({ id: 'staff-a11y-hub', role: 'hub', organizationId: HUB });
  const teams = (await http.get(`/api/teams?organizationId=${HUB}&pageSize=100`).set(hub).expect(200)).body as { items: Array<{ id: string; leadOrganizationId: string }> };
  const team = teams.items.find((tm) => tm.leadOrganizationId === HUB) ?? teams.items[0];
  const disclosure = (await http.get(`/api/disclosure/organizations/${CHARITY}`).expect(200)).body as { projects: Array<{ kind: string; id: string }> };
  const disclosedNeed = disclosure.projects.find((p) => p.kind === 'need');
  const auditor = await as({ id: 'auditor-a11y', role: 'auditor', scope: '44' });
  const flows = (await http.get('/api/donations?page=1&pageSize=20').set(auditor).expect(200)).body as { items: Array<{ id: string }> };
  const found = { need: need?.id, team: team?.id, disclosedNeed: disclosedNeed?.id, flow: flows.items[0]?.id };
  // The demo seed gives one of each: say which is missing rather than open a page with "undefined".
  expect(Object.entries(found).filter(([, id]) => !id)).toEqual([]);
  return found as DemoIds;
}

beforeAll(async () => {
  running = await startConsole();
  ids = await demoIds();
});

afterAll(async () => {
  await running?.close();
});

/** A page to check: a name for the report and the screenshots, and its path (given the demo's ids). */
type Visit = [name: string, path: (ids: DemoIds) => string];

const disclosure: Visit[] = [
  ['disclosure', () => '/disclosure'],
  ['disclosure-organization', () => `/disclosure/organizations/${CHARITY}`],
  ['disclosure-need', (d) => `/disclosure/needs/${d.disclosedNeed}`],
];
const needs: Visit[] = [
  ['needs', () => '/needs'],
  ['need-detail', (d) => `/needs/${d.need}`],
];
const organizationDesk: Visit[] = [
  ['recommended', () => '/recommended'],
  ['my-commitments', () => '/my/commitments'],
  ['my-donations', () => '/my/donations'],
  ['push-feed', () => '/push'],
  ['notices', () => '/notices'],
  ['my-pairings', () => '/my/pairings'],
];
const teams: Visit[] = [
  ['teams', () => '/teams'],
  ['team-detail', (d) => `/teams/${d.team}`],
];
const bureau: Visit[] = ['dashboard', 'pairings', 'coverage', 'reports', 'standing'].map((tab) => [`bureau-${tab}`, () => `/bureau?tab=${tab}`]);
const audit: Visit[] = [
  ['audit-flows', () => '/audit'],
  ['audit-balances', () => '/audit?tab=balances'],
  ['audit-anomalies', () => '/audit?tab=anomalies'],
  ['audit-trace', (d) => `/audit/flows/${d.flow}`],
];

/** Every role of the demo (its account on the sign-in page), and the public, with the pages each reaches. */
const ROLES: Array<{ role: string; account: string | null; pages: Visit[] }> = [
  { role: 'public', account: null, pages: [['sign-in', () => '/'], ...disclosure] },
  {
    role: 'coordinator',
    account: 'coordinator',
    pages: [['mine', () => '/mine'], ...needs, ['new-need', () => '/needs/new'], ['revise-need', (d) => `/needs/${d.need}/revise`], ...disclosure],
  },
  { role: 'organization', account: 'org-staff', pages: [...organizationDesk, ...needs, ...teams, ...disclosure] },
  { role: 'hub', account: 'hub-admin', pages: [...organizationDesk, ...needs, ...teams, ['new-team', () => '/teams/new'], ...disclosure] },
  { role: 'bureau', account: 'bureau', pages: [...bureau, ...needs, ...teams, ...audit, ...disclosure] },
  { role: 'auditor', account: 'auditor', pages: [...audit, ...needs, ...disclosure] },
  { role: 'admin', account: 'admin', pages: [...needs, ...bureau, ...teams, ...audit, ...disclosure] },
];

/** Waits for the page's content: a heading (or the sign-in card, or a "not found"), and no skeleton or spinner left. */
async function content(page: Page): Promise<void> {
  await page.locator('main h1, main h2, main h3, main h4, main [data-testid="login"], main .ant-result').first().waitFor();
  await settled(page);
}

/** What axe-core finds serious or critical on the page at `width`, one readable line per element at fault. */
async function problems(page: Page, where: string, viewport: typeof DESKTOP): Promise<string[]> {
  await page.setViewportSize(viewport);
  await settled(page);
  const found = await seriousViolations(page);
  return found.flatMap((v) => v.nodes.map((target) => `${where} @ ${viewport.width}px: ${v.id} (${v.impact}, ${v.help}) at ${target}`));
}

for (const { role, account, pages } of ROLES) {
  describe(`every page the ${role} reaches`, () => {
    let page: Page;

    beforeAll(async () => {
      ({ page } = await newPage(running, DESKTOP));
      if (account) await signIn(page, account);
    });

    afterAll(async () => {
      await page?.context().close();
    });

    for (const [name, path] of pages) {
      it(`${name}: nothing serious for axe-core at 360 and 1366 px`, async () => {
        const where = `${role} ${path(ids)}`;
        await page.setViewportSize(DESKTOP);
        await page.goto(path(ids));
        await content(page);
        const found = [...(await problems(page, where, DESKTOP)), ...(await problems(page, where, PHONE))];
        await screenshots(page, `a11y-${role}-${name}`);
        if (found.length) throw new Error(`axe-core finds ${found.length} serious or critical violations:\n${found.join('\n')}`);
      });
    }
  });
}
