/**
 * The bureau's desk in a real browser, against the real embedded app with the demo seed: 清远's
 * bureau staff confirm a proposed pairing (结对), look at the pairing coverage of key villages as a
 * chart and drill from the province down to a city, list an organization as abnormal (活动异常名录)
 * with its grounds and restore it. Pages are photographed at phone, tablet and desktop size under test/browser/artifacts/.
 */
import type { Page } from '../../apps/console/node_modules/playwright-core';
import { bootstrapAdministrator } from '@shecun/identity';
import { actAs, futureDate, staffOf } from '../support/embedded-app';
import { registerOrganizations } from '../support/organizations';
import { expectNoSeriousViolations } from './support/axe';
import { ARTIFACTS, choose, DESKTOP, newPage, Running, screenshots, sees, settled, signIn, startConsole } from './support/browser';

const PAIRING_ORG = 'org-web-qy-volunteers';
const PAIRING_ORG_NAME = '清远市连南瑶族自治县青年志愿者协会';
const LISTED_ORG = 'org-web-qy-listed';
const LISTED_ORG_NAME = '清远市清城区乡村振兴促进会';
const REASON = '未按规定报送 2025 年度工作报告';

let running: Running;
let pairingId: string;

beforeAll(async () => {
  running = await startConsole();
  const t = running.app;
  await registerOrganizations(t, [
    { id: PAIRING_ORG, name: PAIRING_ORG_NAME, homeDivisionCode: '441826', categories: ['volunteer', 'education'] },
    { id: LISTED_ORG, name: LISTED_ORG_NAME, homeDivisionCode: '441802', categories: ['industry'] },
  ]);
  const proposed = await t.http().post('/api/pairings').set(await actAs(t, staffOf(PAIRING_ORG))).send({
    organizationId: PAIRING_ORG, targetCode: '441826105201', startDate: futureDate(0), endDate: futureDate(730), categories: ['volunteer', 'education'], note: '每月两次到村开展课后辅导',
  }).expect(201);
  pairingId = proposed.body.pairingId ?? proposed.body.pairing?.id ?? proposed.body.id;
  await t.projections.waitFor(await t.store.headPosition());
});

afterAll(async () => {
  await running?.close();
});

describe('the bureau desk in the console', () => {
  let bureau: Page;

  it('confirms a proposed pairing', async () => {
    ({ page: bureau } = await newPage(running, DESKTOP));
    const page = bureau;
    await signIn(page, 'bureau');
    await page.waitForURL(/\/bureau/);
    await page.getByTestId('bureau-tabs').getByText('待确认结对').click();
    const card = page.getByTestId('proposed-pairings').locator('.need-card').filter({ hasText: PAIRING_ORG_NAME });
    await card.getByText('每月两次到村开展课后辅导').waitFor();
    await settled(page);
    await screenshots(page, '40-bureau-pairings');
    await card.getByTestId('confirm-pairing').click();
    // Read your writes: the list fetched again after the command waits for the command's position.
    const confirmed = page.waitForResponse((r) => r.request().method() === 'POST' && r.url().includes('/confirm'));
    const reloaded = page.waitForRequest((r) => r.method() === 'GET' && r.url().includes('/api/pairings?status=proposed'));
    await page.getByTestId('confirm-pairing-dialog-submit').click();
    const position = (await confirmed).headers()['x-position'];
    expect(position).toMatch(/^\d+$/);
    expect((await reloaded).headers()['x-min-position']).toBe(position);
    await card.waitFor({ state: 'detached' });
    const { body } = await running.app.http().get(`/api/pairings?organizationId=${PAIRING_ORG}`).expect(200);
    expect(body.items.map((p: { status: string }) => p.status)).toEqual(['active']);
    if (pairingId) expect(body.items[0].id).toBe(pairingId);
  });

  it('shows the pairing coverage of key villages and drills from the province into a city', async () => {
    const page = bureau;
    await page.goto('/bureau?tab=coverage');
    // 清远's bureau starts at its city: its counties, 连南 among them.
    await page.getByTestId('coverage-chart').locator('svg text').filter({ hasText: '连南瑶族自治县' }).first().waitFor();
    const total = (await running.app.http().get('/api/pairings/coverage?division=4418').expect(200)).body.total;
    await page.getByTestId('coverage-total').getByText(`${total.coveredVillages}/${total.keyVillages} 个重点村有生效的结对`).waitFor();
    await settled(page);
    await screenshots(page, '41-bureau-coverage');

    await page.getByTestId('coverage-crumb-44').click();
    await page.getByTestId('coverage-chart').locator('svg text').filter({ hasText: '梅州市' }).first().waitFor();
    await settled(page);
    await screenshots(page, '42-bureau-coverage-province');
    // A click on a city's bar opens that city's counties.
    const bars = page.getByTestId('coverage-chart').locator('svg path[fill="#389e0d"], svg path[fill="#d4a106"], svg path[fill="#cf1322"]');
    await bars.first().waitFor();
    await bars.first().click();
    await page.waitForURL(/coverage=44\d\d(&|$)/);
    const city = new URL(page.url()).searchParams.get('coverage')!;
    const { name } = (await running.app.http().get(`/api/regions/${city}`).expect(200)).body;
    await page.locator('.ant-breadcrumb').getByText(name).waitFor();
    await page.getByTestId('coverage-chart').locator('svg text').first().waitFor();

    // By keyboard: Tab to 广东省 in the breadcrumb and Enter, then Tab on to the chart, an arrow key to a city, Enter.
    await page.getByTestId('coverage-crumb-44').focus();
    await page.keyboard.press('Enter');
    await page.waitForURL(/coverage=44(&|$)/);
    await page.getByTestId('coverage-chart').locator('svg text').filter({ hasText: '梅州市' }).first().waitFor();
    await settled(page);
    await expectNoSeriousViolations(page, 'pairing coverage');
    let reached = false;
    for (let i = 0; i < 10 && !reached; i++) {
      await page.keyboard.press('Tab');
      reached = await page.evaluate("document.activeElement?.getAttribute('data-testid') === 'coverage-chart'");
    }
    expect(reached).toBe(true);
    await page.keyboard.press('ArrowDown');
    const reading = (await page.getByTestId('coverage-chart-current').textContent())!;
    expect(reading).toMatch(/^.+市：(\d+%|无数据)（\d+\/\d+ 个重点村有生效的结对）$/);
    await page.keyboard.press('Enter');
    await page.waitForURL(/coverage=44\d\d(&|$)/);
    const reached2 = (await running.app.http().get(`/api/regions/${new URL(page.url()).searchParams.get('coverage')}`).expect(200)).body.name;
    expect(reading.startsWith(reached2)).toBe(true);
  });

  it('lists an organization as abnormal with its grounds, and restores it', async () => {
    const page = bureau;
    await page.goto('/bureau?tab=standing');
    await page.getByTestId('list-abnormal').click();
    await choose(page, 'abnormal-organization', LISTED_ORG_NAME);
    await page.getByTestId('list-abnormal-dialog-submit').click();
    await sees(page, '请填写原因'); // the grounds are required
    await page.getByTestId('list-abnormal-dialog').locator('textarea').fill(REASON);
    await page.getByTestId('list-abnormal-dialog-submit').click();
    const row = page.getByTestId('abnormal-organizations').locator('tr').filter({ hasText: LISTED_ORG_NAME });
    await row.getByText(REASON).waitFor();
    expect((await running.app.http().get(`/api/organizations/${LISTED_ORG}`).expect(200)).body.standing).toBe('abnormal');
    await settled(page);
    await screenshots(page, '43-bureau-abnormal');
    await page.getByTestId(`restore-${LISTED_ORG}`).click();
    await page.getByTestId('restore-dialog-submit').click();
    await sees(page, '请填写原因'); // the grounds are required
    await page.getByTestId('restore-dialog').locator('textarea').fill('已补报 2025 年度工作报告');
    await page.getByTestId('restore-dialog-submit').click();
    await row.waitFor({ state: 'detached' });
    const org = (await running.app.http().get(`/api/organizations/${LISTED_ORG}`).expect(200)).body;
    expect(org.standing).toBe('normal');
    await page.waitForFunction("document.querySelectorAll('.ant-message-notice').length === 0"); // the success messages have gone
    await page.getByText('EN', { exact: true }).click();
    await sees(page, 'Abnormal standing');
    await settled(page);
    await screenshots(page, '44-bureau-abnormal-english');
    await page.getByText('中文', { exact: true }).click();
  });

  it('watches the match and conversion rates from the city down to a county, and lists the needs behind a figure', async () => {
    const page = bureau;
    const doc = (await running.app.http().get('/api/docs-json').expect(200)).body as { paths: Record<string, unknown> };
    if (!doc.paths['/api/dashboard/figures']) {
      // Without the monitoring context's API the desk shows no dashboard tab at all.
      await page.goto('/bureau');
      await page.getByTestId('bureau-tabs').getByText('待确认结对').waitFor();
      expect(await page.getByTestId('bureau-tabs').getByText('对接成效').count()).toBe(0);
      return;
    }
    const headers = await actAs(running.app, { id: 'bureau-qy-dashboard', role: 'bureau', scope: '4418' });
    const summary = (await running.app.http().get('/api/dashboard/summary?region=4418&period=month').set(headers).expect(200)).body;
    await page.goto('/bureau');
    const kpis = page.getByTestId('kpis');
    await kpis.getByTestId('kpi-published').getByText(String(summary.total.needs.published), { exact: true }).waitFor();
    await page.getByTestId('region-chart').locator('svg text').filter({ hasText: '连南瑶族自治县' }).first().waitFor();
    await page.getByTestId('time-chart').locator('svg').waitFor();
    await settled(page);
    await screenshots(page, '45-bureau-dashboard');

    // A county's bar opens that county, by town.
    const bar = page.getByTestId('region-chart').locator('svg path[fill="#1d4f91"]').first();
    await bar.click();
    await page.waitForURL(/region=4418\d\d/);
    const county = new URL(page.url()).searchParams.get('region')!;
    const { name } = (await running.app.http().get(`/api/regions/${county}`).expect(200)).body;
    await page.locator('.ant-breadcrumb').getByText(name).waitFor();
    await page.getByTestId('rates-by-region').getByText('各镇（街道）对接成功率与转化率').waitFor();

    // The figure's needs, one click away.
    await page.getByTestId('dashboard-crumb-4418').click();
    await page.getByTestId('kpi-published').click();
    const drawer = page.getByTestId('drill-down');
    await drawer.getByText(`共 ${summary.total.needs.published} 条`).waitFor();
    await settled(page);
    await screenshots(page, '46-bureau-dashboard-needs');
  });

  it('reads the rates with their values, tells 0% from 无数据, and drills down by keyboard, in the chart and in its table', async () => {
    const page = bureau;
    const doc = (await running.app.http().get('/api/docs-json').expect(200)).body as { paths: Record<string, unknown> };
    if (!doc.paths['/api/dashboard/figures']) return; // no dashboard without the monitoring context (see above)
    const headers = await actAs(running.app, { id: 'bureau-qy-dashboard', role: 'bureau', scope: '4418' });
    const figures = (await running.app.http().get('/api/dashboard/figures?region=4418&period=month&level=county').set(headers).expect(200)).body;
    // The counties as the chart orders them (most needs first), with their rates as the bars read them.
    const counties = new Map<string, { code: string; name: string; published: number; matched: number; fulfilled: number }>();
    for (const row of figures.rows) {
      const c = counties.get(row.region.code) ?? { code: row.region.code, name: row.region.name, published: 0, matched: 0, fulfilled: 0 };
      c.published += row.published;
      c.matched += row.matched;
      c.fulfilled += row.fulfilled;
      counties.set(row.region.code, c);
    }
    const ordered = [...counties.values()].sort((a, b) => b.published - a.published);
    const rate = (a: number, b: number) => (b > 0 ? `${Math.round((a / b) * 100)}%` : '无数据');
    const labels = ordered.flatMap((c) => [rate(c.matched, c.published), rate(c.fulfilled, c.matched)]);
    expect(labels.length).toBeGreaterThan(0);

    await page.goto('/bureau');
    const chart = page.getByTestId('region-chart');
    await chart.locator('svg text').filter({ hasText: ordered[0].name }).first().waitFor();
    await settled(page);
    // Every bar carries its value; a county with nothing to count reads 无数据, not 0%.
    const drawn = await chart.locator('svg text').allTextContents();
    for (const label of new Set(labels)) expect(drawn).toContain(label);
    expect(drawn.filter((text) => text === '无数据').length).toBe(labels.filter((l) => l === '无数据').length);
    await expectNoSeriousViolations(page, 'bureau dashboard, charts');

    // Tab reaches the chart; the arrow keys go through the counties, Enter opens one.
    await page.getByTestId('dashboard-view').getByText('图表').click();
    let reached = false;
    for (let i = 0; i < 20 && !reached; i++) {
      await page.keyboard.press('Tab');
      reached = await page.evaluate("document.activeElement?.getAttribute('data-testid') === 'region-chart'");
    }
    expect(reached).toBe(true);
    await page.keyboard.press('ArrowRight');
    await page.getByTestId('region-chart-current').getByText(`${ordered[0].name}：发布 ${ordered[0].published}`).waitFor();
    if (ordered.length > 1) {
      await page.keyboard.press('ArrowRight');
      await page.getByTestId('region-chart-current').getByText(ordered[1].name).waitFor();
      await page.keyboard.press('ArrowLeft');
    }
    await page.getByTestId('region-chart-current').getByText(ordered[0].name).waitFor();
    await page.screenshot({ path: `${ARTIFACTS}/46a-bureau-dashboard-keyboard-desktop.png` });
    await page.keyboard.press('Enter');
    await page.waitForURL(new RegExp(`region=${ordered[0].code}(&|$)`));
    await page.getByTestId('rates-by-region').getByText('各镇（街道）对接成功率与转化率').waitFor();

    // The same figures as a table; a county's name is a button that Space opens.
    await page.getByTestId('dashboard-crumb-4418').click();
    await page.getByTestId('dashboard-view').getByText('表格').click();
    const table = page.getByTestId('region-table');
    await table.getByText(ordered[0].name).waitFor();
    expect(await table.locator('tbody tr.ant-table-row').count()).toBe(ordered.length);
    const first = table.locator('tbody tr.ant-table-row').first();
    const cells = await first.locator('td').allTextContents();
    expect(cells).toEqual([ordered[0].name, String(ordered[0].published), String(ordered[0].matched), String(ordered[0].fulfilled), labels[0], labels[1]]);
    await page.getByTestId('period-table').waitFor();
    await settled(page);
    await expectNoSeriousViolations(page, 'bureau dashboard, tables');
    await screenshots(page, '46b-bureau-dashboard-table');
    await page.getByTestId(`region-row-${ordered[0].code}`).focus();
    await page.keyboard.press('Space');
    await page.waitForURL(new RegExp(`region=${ordered[0].code}(&|$)`));
    expect(new URL(page.url()).searchParams.get('view')).toBe('table');
  });
});

describe('the first administrator in the console', () => {
  it('signs in with the one-time password, is asked for a password of their own at once, then works', async () => {
    const made = await bootstrapAdministrator(running.app.store, { username: 'web-first-admin' });
    await running.app.projections.waitFor(await running.app.store.headPosition());
    const { page } = await newPage(running, DESKTOP);
    await page.goto('/');
    await page.getByTestId('login-username').fill('web-first-admin');
    await page.getByTestId('login-password').fill(made.oneTimePassword!);
    await page.getByTestId('login-submit').click();
    await page.getByTestId('initial-password').getByText('这是一次性密码').waitFor();
    await page.getByTestId('new-password').fill('the admin chose this');
    await page.getByTestId('confirm-password').fill('not the same one');
    await page.getByTestId('set-password').click();
    await page.getByTestId('initial-password').getByText('两次输入的新密码不一致').waitFor();
    await page.getByTestId('confirm-password').fill('the admin chose this');
    await settled(page);
    await screenshots(page, '47-first-admin-password');
    await page.getByTestId('set-password').click();
    await page.getByTestId('user-menu').waitFor();
    // Signed in with the new password: the one-time one no longer works.
    await running.app.http().post('/api/auth/login').send({ username: 'web-first-admin', password: made.oneTimePassword }).expect(401);
    await running.app.http().post('/api/auth/login').send({ username: 'web-first-admin', password: 'the admin chose this' }).expect(200);
    await page.context().close();
  });
});
