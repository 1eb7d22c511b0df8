/**
 * The console in English, in a real browser against the real embedded app with the demo seed: each
 * role's main pages are opened with English chosen (the language switch's `shecun.lang`) on a 360 px
 * phone, then seen at 768 px (a tablet) and 1366 px (a desktop), each time checked by axe-core (WCAG
 * 2.1 A and AA rules) and measured: the page may not be wider than the screen, and no button, tab,
 * switch or form label may have text wider than its box (cut off, or spilling out of it), and no text
 * of a chart may be drawn over another. English words are longer than the Chinese they stand for.
 * Pages are photographed under test/browser/artifacts/a11y-en-*.
 */
import type { Page } from '../../apps/console/node_modules/playwright-core';
import { actAs, futureDate, TestActor } from '../support/embedded-app';
import { seriousViolations } from './support/axe';
import { DESKTOP, newPage, PHONE, Running, screenshots, settled, signIn, startConsole, TABLET } from './support/browser';
import { still } from './support/dialogs';

let running: Running;
let ids: { need: string; team: string; flow: string };
/** A need of 三排镇 published for these checks, nobody's offer on it yet. */
let freshNeed: string;

const HUB = 'org-gz-federation';

beforeAll(async () => {
  running = await startConsole();
  const http = running.app.http();
  const as = (actor: TestActor) => actAs(running.app, actor);
  const needs = (await http.get('/api/needs?page=1&pageSize=100').set(await as({ id: 'cadre-a11y-en', role: 'coordinator', scope: '441826105' })).expect(200)).body as { items: Array<{ id: string; status: string }> };
  const need = needs.items.find((n) => ['published', 'partially_committed'].includes(n.status)) ?? needs.items[0];
  const teams = (await http.get(`/api/teams?organizationId=${HUB}&pageSize=100`).set(await as({ id: 'staff-a11y-en', role: 'hub', organizationId: HUB })).expect(200)).body as { items: Array<{ id: string; leadOrganizationId: string }> };
  const team = teams.items.find((tm) => tm.leadOrganizationId === HUB) ?? teams.items[0];
  const flows = (await http.get('/api/donations?page=1&pageSize=20').set(await as({ id: 'auditor-a11y-en', role: 'auditor', scope: '44' })).expect(200)).body as { items: Array<{ id: string }> };
  const found = { need: need?.id, team: team?.id, flow: flows.items[0]?.id };
  expect(Object.entries(found).filter(([, id]) => !id)).toEqual([]);
  ids = found as typeof ids;
  const villages = (await http.get('/api/regions/441826105').expect(200)).body.children as Array<{ code: string }>;
  const posted = await http.post('/api/needs').set(await as({ id: 'cadre-a11y-en', role: 'coordinator', scope: '441826105' })).send({
    villageCode: villages[1].code, title: '村小图书角书架', description: '村小图书角缺少书架', category: 'education', dueDate: futureDate(60), publish: true,
    lineItems: [{ kind: 'goods', description: '书架', unit: '个', quantity: 4 }, { kind: 'funds', description: '图书采购资金', unit: '分', quantity: 500_000 }],
  }).expect(201);
  freshNeed = posted.body.needId as string;
  await running.app.projections.waitFor(posted.body.position);
});

afterAll(async () => {
  await running?.close();
});

type Visit = [name: string, path: () => string];

const ROLES: Array<{ role: string; account: string | null; pages: Visit[] }> = [
  { role: 'public', account: null, pages: [['sign-in', () => '/'], ['disclosure', () => '/disclosure'], ['disclosure-organization', () => '/disclosure/organizations/org-gz-charity']] },
  {
    role: 'coordinator',
    account: 'coordinator',
    pages: [['mine', () => '/mine'], ['needs', () => '/needs'], ['need-detail', () => `/needs/${ids.need}`], ['new-need', () => '/needs/new'], ['revise-need', () => `/needs/${freshNeed}/revise`]],
  },
  {
    role: 'organization',
    account: 'org-staff',
    pages: [['recommended', () => '/recommended'], ['my-commitments', () => '/my/commitments'], ['my-donations', () => '/my/donations'], ['push-feed', () => '/push'], ['notices', () => '/notices'], ['my-pairings', () => '/my/pairings'], ['need-detail', () => `/needs/${ids.need}`]],
  },
  { role: 'hub', account: 'hub-admin', pages: [['teams', () => '/teams'], ['team-detail', () => `/teams/${ids.team}`], ['new-team', () => '/teams/new']] },
  { role: 'bureau', account: 'bureau', pages: ['dashboard', 'pairings', 'coverage', 'reports', 'standing'].map((tab): Visit => [`bureau-${tab}`, () => `/bureau?tab=${tab}`]) },
  { role: 'auditor', account: 'auditor', pages: [['audit-flows', () => '/audit'], ['audit-balances', () => '/audit?tab=balances'], ['audit-anomalies', () => '/audit?tab=anomalies'], ['audit-trace', () => `/audit/flows/${ids.flow}`]] },
  { role: 'admin', account: 'admin', pages: [['needs', () => '/needs'], ['bureau-standing', () => '/bureau?tab=standing']] },
];

/** What is too wide on the page: the page itself, or a control whose text does not fit its box. */
const OVERFLOW = `(() => {
  const found = [];
  const root = document.documentElement;
  if (root.scrollWidth > innerWidth) found.push('the page is ' + root.scrollWidth + ' px wide on a ' + innerWidth + ' px screen');
  const controls = 'button, a.ant-btn, .ant-tabs-tab-btn, .ant-form-item-label > label, .ant-segmented-item-label, .ant-radio-button-wrapper, .ant-descriptions-item-label';
  for (const el of document.querySelectorAll(controls)) {
    const box = el.getBoundingClientRect();
    if (box.width === 0 || box.height === 0) continue;
    const text = (el.innerText || el.getAttribute('aria-label') || '').trim().replace(/\\s+/g, ' ');
    if (el.scrollWidth > el.clientWidth + 1) found.push((el.getAttribute('data-testid') || el.className.toString().split(' ')[0] || el.tagName) + ' "' + text + '": text ' + el.scrollWidth + ' px in a box of ' + el.clientWidth + ' px');
    else if (box.right > innerWidth + 1 && !el.closest('.ant-table-content, .ant-table-body, .ant-tabs-nav-wrap, .ant-segmented')) found.push((el.getAttribute('data-testid') || el.tagName) + ' "' + text + '": ends at ' + Math.round(box.right) + ' px, past the screen');
  }
  // In a chart, no text drawn over another (a legend wrapped onto a second line lands on the plot).
  for (const svg of document.querySelectorAll('[data-testid$="-chart"] svg')) {
    const texts = [...svg.querySelectorAll('text')].map((el) => ({ text: el.textContent.trim(), box: el.getBoundingClientRect() })).filter((x) => x.text && x.box.width > 0);
    for (let i = 0; i < texts.length; i++) for (let j = i + 1; j < texts.length; j++) {
      const a = texts[i].box, b = texts[j].box;
      if (Math.min(a.right, b.right) - Math.max(a.left, b.left) > 1 && Math.min(a.bottom, b.bottom) - Math.max(a.top, b.top) > 1) found.push(svg.closest('[data-testid$="-chart"]').getAttribute('data-testid') + ': "' + texts[i].text + '" drawn over "' + texts[j].text + '"');
    }
  }
  return found;
})()`;

/** What axe-core finds serious or critical and what is too wide, on the page as it is, one line each. */
async function problems(page: Page, where: string): Promise<string[]> {
  const found = (await seriousViolations(page)).flatMap((v) => v.nodes.map((target) => `${where}: ${v.id} (${v.impact}, ${v.help}) at ${target}`));
  found.push(...((await page.evaluate(OVERFLOW)) as string[]).map((what) => `${where}: ${what}`));
  return found;
}

/** Waits for the page's content: a heading (or the sign-in card, or a "not found"), and no skeleton or spinner left. */
async function content(page: Page): Promise<void> {
  await page.locator('main h1, main h2, main h3, main h4, main [data-testid="login"], main .ant-result').first().waitFor();
  await settled(page);
}

for (const { role, account, pages } of ROLES) {
  describe(`the ${role}’s pages in English on a 360 px phone, a tablet and a desktop`, () => {
    let page: Page;

    beforeAll(async () => {
      ({ page } = await newPage(running, PHONE));
      // English chosen on an earlier visit, as the language switch keeps it.
      await page.context().addInitScript("localStorage.setItem('shecun.lang', 'en')");
      if (account) await signIn(page, account);
    });

    afterAll(async () => {
      await page?.context().close();
    });

    for (const [name, path] of pages) {
      it(`${name}: nothing serious for axe-core, nothing cut off or wider than the screen, at 360, 768 and 1366 px`, async () => {
        await page.setViewportSize(PHONE);
        await page.goto(path());
        await content(page);
        expect(await page.evaluate('document.documentElement.lang')).toBe('en');
        const found = await problems(page, `${role} ${path()} (en, 360 px)`);
        // And on a tablet and a desktop screen: a menu or a table laid out for those has its own long words.
        for (const screen of [TABLET, DESKTOP]) {
          await page.setViewportSize(screen);
          await settled(page);
          found.push(...(await problems(page, `${role} ${path()} (en, ${screen.width} px)`)));
        }
        await screenshots(page, `a11y-en-${role}-${name}`);
        if (found.length) throw new Error(`${found.length} problems in English:\n${found.join('\n')}`);
      });
    }
  });
}

/** Dialogs in English on the phone: their titles and buttons are among the longest words of the console. */
describe('dialogs in English on a 360 px phone', () => {
  const DIALOGS: Array<{ account: string; name: string; path: () => string; button: string; dialog: string }> = [
    { account: 'org-staff', name: 'commit', path: () => `/needs/${freshNeed}`, button: 'take-need', dialog: 'commit-dialog' },
    { account: 'org-staff', name: 'propose-pairing', path: () => '/my/pairings', button: 'propose-pairing', dialog: 'propose-pairing-dialog' },
    { account: 'coordinator', name: 'withdraw-need', path: () => `/needs/${freshNeed}`, button: 'withdraw-need', dialog: 'withdrawNeed-dialog' },
    { account: 'hub-admin', name: 'invite', path: () => `/teams/${ids.team}`, button: 'invite-member', dialog: 'invite-dialog' },
    { account: 'bureau', name: 'list-abnormal', path: () => '/bureau?tab=standing', button: 'list-abnormal', dialog: 'list-abnormal-dialog' },
  ];
  for (const { account, name, path, button, dialog } of DIALOGS) {
    it(`${name}: nothing serious for axe-core, nothing cut off or wider than the screen`, async () => {
      const { context, page } = await newPage(running, PHONE);
      await context.addInitScript("localStorage.setItem('shecun.lang', 'en')");
      await signIn(page, account);
      await page.goto(path());
      await content(page);
      await page.getByTestId(button).click();
      await page.getByTestId(dialog).waitFor();
      await still(page);
      const found = await problems(page, `${account} ${name} dialog (en, 360 px)`);
      await screenshots(page, `a11y-en-dialog-${name}`);
      await context.close();
      if (found.length) throw new Error(`${found.length} problems in English at 360 px:\n${found.join('\n')}`);
    });
  }
});
