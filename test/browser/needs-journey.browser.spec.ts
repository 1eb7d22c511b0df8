/**
 * The needs journey in a real browser, against the real embedded app with the demo seed: a village
 * coordinator posts a need from a phone, an organization takes part of it (接单), the coordinator
 * accepts, the organization records the delivery with evidence, the coordinator confirms it and the
 * need shows as fulfilled. Every main page is photographed at phone, tablet and desktop size under
 * test/browser/artifacts/. The sign-in page the journey starts from: needs-journey.sign-in.browser.spec.ts.
 */
import type { Page } from '../../apps/console/node_modules/playwright-core';
import { actAs } from '../support/embedded-app';
import { ARTIFACTS, choose, DESKTOP, newPage, PHONE, Running, screenshots, sees, settled, startConsole } from './support/browser';
import { expectOneScore, journeyReads, pct, signIn, TownFigures, TOWN } from './support/needs-journey';

const TITLE = '瑶寨小学图书角与修缮';

let running: Running;

beforeAll(async () => {
  running = await startConsole();
});

afterAll(async () => {
  await running?.close();
});

const { needJson, hasDashboard, townFigures } = journeyReads(() => running);

describe('the needs journey in the console', () => {
  let needId: string;
  let coordinator: Page;
  let organization: Page;
  let bureau: Page | undefined;
  let before: TownFigures | undefined;
  let flowId: string | undefined;

  it('the bureau reads the town’s figures before the journey', async () => {
    expect(await hasDashboard()).toBe(true); // the embedded app has the monitoring context
    before = await townFigures();
    ({ page: bureau } = await newPage(running, DESKTOP));
    await signIn(bureau, 'bureau');
    await bureau.goto(`/bureau?region=${TOWN}`);
    await bureau.getByTestId('kpi-published').getByText(String(before.published), { exact: true }).waitFor();
  });

  it('an organization lands on its recommended needs, with the reasons, and says which needs it wants pushed', async () => {
    ({ page: organization } = await newPage(running, DESKTOP));
    const page = organization;
    await signIn(page, 'org-staff');
    await page.waitForURL(/\/recommended/);
    await page.getByTestId('recommended-needs').locator('.recommended-card').first().waitFor();
    await page.getByTestId('recommended-reasons').first().getByText('服务领域', { exact: true }).waitFor();
    await settled(page);
    await screenshots(page, '04a-recommended-needs');

    await page.goto('/push?tab=settings');
    await choose(page, 'push-categories', '教育帮扶');
    await page.keyboard.press('Escape');
    await page.getByTestId('push-minimum-score').fill('20');
    await page.getByTestId('push-save').click();
    await sees(page, '已保存');
    await settled(page);
    await screenshots(page, '04b-push-settings');
  });

  it('the organization proposes a pairing with a village of the town (千社扶百村)', async () => {
    const page = organization;
    await page.goto('/my/pairings');
    await page.getByTestId('propose-pairing').click();
    const villages = (await running.app.http().get(`/api/regions/${TOWN}`).expect(200)).body.children as Array<{ code: string; name: string }>;
    // A village the charity is not paired with yet (the demo pairs it with some of 三排镇's).
    const mine = (await running.app.http().get('/api/pairings?organizationId=org-gz-charity&pageSize=100').expect(200)).body.items as Array<{ targetCode: string; status: string }>;
    const paired = new Set(mine.filter((p) => p.status === 'active' || p.status === 'proposed').map((p) => p.targetCode));
    const village = villages.find((v) => !paired.has(v.code))!;
    const dialog = page.getByTestId('propose-pairing-dialog');
    await choose(page, 'region-city', '清远市');
    await choose(page, 'region-county', '连南瑶族自治县');
    await choose(page, 'region-town', '三排镇');
    await choose(page, 'region-village', village.name);
    await choose(page, 'pairing-categories', '教育帮扶');
    await page.keyboard.press('Escape');
    await dialog.locator('textarea').fill('每学期捐建一个图书角');
    await page.getByTestId('propose-pairing-dialog-submit').click();
    const card = page.getByTestId('my-pairings').locator('.need-card').filter({ hasText: village.name });
    await card.getByTestId('pairing-status').filter({ hasText: '待确认' }).waitFor();
    await settled(page);
    await screenshots(page, '04e-my-pairings');
    const { body } = await running.app.http().get('/api/pairings?organizationId=org-gz-charity&status=proposed').expect(200);
    expect(body.items.map((p: { targetCode: string }) => p.targetCode)).toContain(village.code);
  });

  it('a coordinator posts a need from a phone: funds typed in yuan, goods with a unit', async () => {
    ({ page: coordinator } = await newPage(running, PHONE));
    const page = coordinator;
    await signIn(page, 'coordinator');
    await sees(page, '待我处理');
    await settled(page);
    await screenshots(page, '02-coordinator-my-needs');

    await page.getByTestId('post-need').click();
    await sees(page, '所在村（社区）');
    // The progress counts the three parts that must be filled; the fourth is said to be optional.
    await page.getByTestId('form-progress-text').getByText('必填 0/3 部分已完成，第 4 部分选填').waitFor();
    // The coordinator's scope (三排镇) fixes city, county and town: only the village is left to choose.
    const villages = (await running.app.http().get('/api/regions/441826105').expect(200)).body.children as Array<{ code: string; name: string }>;
    await choose(page, 'region-village', villages[0].name);
    await page.getByTestId('need-title-input').fill(TITLE);
    await choose(page, 'need-category', '教育帮扶');
    await page.getByTestId('need-description').fill('村小图书角缺少书架和图书，校舍屋顶漏水需修缮。');
    await page.getByTestId('item-desc-0').fill('儿童图书');
    await page.getByTestId('item-quantity-0').fill('300');
    await page.getByTestId('item-unit-0').fill('册');
    await page.getByTestId('add-line-item').click();
    await choose(page, 'item-kind-1', '资金');
    await page.getByTestId('item-desc-1').fill('屋顶修缮资金');
    await page.getByTestId('item-quantity-1').fill('12345.67');
    await page.getByTestId('form-progress-text').getByText('必填 3/3 部分已完成，第 4 部分选填').waitFor();
    await screenshots(page, '03-post-need-form');

    await page.getByTestId('publish-now').click();
    await page.getByTestId('need-title').filter({ hasText: TITLE }).waitFor();
    needId = page.url().split('/needs/')[1];
    await sees(page, '已发布');
    const need = await needJson(needId);
    expect(need.status).toBe('published');
    expect(need.lineItems.map((li) => [li.kind, li.quantity, li.unit])).toEqual([
      ['goods', 300, '册'],
      ['funds', 1234567, '分'],
    ]);
    await sees(page, '¥12,345.67');
  });

  it('the need is pushed to the organization and recommended to it with the reasons', async () => {
    const page = organization;
    await page.goto('/push');
    // The push dispatcher scores the new need for every organization and pushes it once.
    await page.getByTestId(`feed-${needId}`).waitFor({ timeout: 60_000 });
    await page.getByTestId(`feed-${needId}`).getByText('新发布').waitFor();
    await settled(page);
    await screenshots(page, '04c-push-feed');

    await page.goto(`/recommended?city=4418&county=441826&town=${TOWN}&category=education`);
    const card = page.getByTestId(`recommended-${needId}`);
    await card.getByText(TITLE).waitFor();
    await card.getByTestId('recommended-reasons').getByText('地域距离').waitFor();
    await expectOneScore(card);
    await settled(page);
    await screenshots(page, '04d-recommended-for-the-need');
  });

  it('an organization finds the need, reads its history and takes an order for part of it', async () => {
    const page = organization;
    await page.goto('/needs');
    await sees(page, '需求大厅');
    await choose(page, 'filter-category', '教育帮扶');
    await page.getByText(TITLE).first().waitFor();
    await settled(page);
    await screenshots(page, '04-needs-list');

    await page.getByText(TITLE).first().click();
    await sees(page, '事件记录');
    await page.getByTestId('history').getByText('发布需求').first().waitFor();
    await screenshots(page, '05-need-detail-organization');

    await page.getByTestId('take-need').click();
    await page.getByTestId('commit-as').filter({ hasText: '广州市慈善会' }).waitFor();
    await page.getByTestId('all-L1').click();
    // More than the need lacks is said, next to the field, and what was typed stays as typed.
    await page.getByTestId('qty-L2').fill('20000');
    await page.getByTestId('commit-dialog-submit').click();
    await page.getByTestId('commit-dialog').getByText(/^超过上限：最多 .*12,345\.67，已填 .*20,000\.00$/).waitFor();
    expect(await page.getByTestId('qty-L2').inputValue()).toBe('20000.00');
    await page.getByTestId('qty-L2').fill('5000');
    await page.screenshot({ path: `${ARTIFACTS}/06-commit-dialog-desktop.png` });
    await page.getByTestId('commit-dialog-submit').click();
    await sees(page, '操作成功');
    const card = page.getByTestId('commitment-org-gz-charity');
    await card.getByText('待确认').first().waitFor();
    const need = await needJson(needId);
    expect(need.status).toBe('published'); // an offer awaits the coordinator: nothing accepted yet
  });

  it('the coordinator accepts the offer from their tasks', async () => {
    const page = coordinator;
    await page.goto('/mine');
    const task = page.getByTestId('task-offer').filter({ hasText: TITLE });
    await task.getByText('广州市慈善会 接单').waitFor();
    await task.getByTestId('task-accept').click();
    await page.getByTestId('accept-dialog-submit').click();
    await sees(page, '操作成功');
    await page.getByTestId('task-offer').filter({ hasText: TITLE }).waitFor({ state: 'detached' });
    const need = await needJson(needId);
    expect(need.status).toBe('partially_committed');
    expect(need.lineItems.map((li) => li.lacking)).toEqual([0, 1234567 - 500000]);
  });

  it('a revision the rules refuse is explained in Chinese and keeps what was typed', async () => {
    const page = coordinator;
    await page.goto(`/needs/${needId}`);
    await page.getByTestId('revise-need').click();
    await page.getByTestId('item-quantity-0').fill('100');
    await page.getByTestId('revise-reason').fill('学生人数减少');
    await page.getByTestId('save-revision').click();
    const alert = page.getByTestId('error-alert');
    await alert.getByText('不能少于已接单的 300').waitFor().catch(async (e) => {
      await page.screenshot({ path: `${ARTIFACTS}/debug-revise.png`, fullPage: true });
      throw new Error(`${e}\nalert: ${await alert.textContent().catch(() => '')}`);
    });
    expect(await alert.textContent()).toContain('您填写的内容已保留');
    expect(await page.getByTestId('revise-reason').inputValue()).toBe('学生人数减少');
    expect(await page.getByTestId('item-quantity-0').inputValue()).toBe('100');
    await screenshots(page, '07-revise-refused');
    expect((await needJson(needId)).lineItems[0].quantity).toBe(300);
  });

  it('when the sign-in runs out mid-form, it returns over the page and nothing typed is lost', async () => {
    const page = coordinator;
    // The server answers this submit as it answers an expired token, and the session cannot be
    // renewed (it ended): the sign-in returns over the page.
    const expired = (route: import('../../apps/console/node_modules/playwright-core').Route) =>
      route.fulfill({ status: 401, contentType: 'application/problem+json', body: JSON.stringify({ status: 401, title: 'Unauthorized', detail: '登录已过期 (token expired)' }) });
    await page.route(`**/api/needs/${needId}/revise`, expired, { times: 1 });
    await page.route('**/api/auth/refresh', expired, { times: 1 });
    await page.getByTestId('item-quantity-0').fill('320');
    await page.getByTestId('save-revision').click();
    await page.getByTestId('login').getByText('登录已失效').waitFor();
    await screenshots(page, '08-sign-in-again');
    await page.getByTestId('login-password').fill('shecun-demo');
    await page.getByTestId('login-submit').click();
    await page.getByTestId('login').waitFor({ state: 'detached' });
    expect(await page.getByTestId('revise-reason').inputValue()).toBe('学生人数减少');
    expect(await page.getByTestId('item-quantity-0').inputValue()).toBe('320');
    await page.getByTestId('revise-reason').fill('增加图书 20 册');
    await page.getByTestId('save-revision').click();
    await page.getByTestId('history').getByText('修改需求').waitFor();
    expect((await needJson(needId)).lineItems[0].quantity).toBe(320);
  });

  it('a revision on a need someone else changed meanwhile is refused in Chinese; the latest version loads and can be revised', async () => {
    const page = coordinator;
    await page.goto(`/needs/${needId}`);
    await page.getByTestId('revise-need').click();
    await page.getByTestId('revise-reason').fill('我的修改');
    // Another coordinator of the village revises the need while this form is open.
    const { body: current } = await running.app.http().get(`/api/needs/${needId}`).set(await actAs(running.app, { id: 'test-auditor', role: 'auditor', scope: '44' })).expect(200);
    const colleague = await actAs(running.app, { id: 'test-colleague', role: 'coordinator', scope: current.villageCode });
    await running.app.http().post(`/api/needs/${needId}/revise`).set(colleague).set('If-Match', `"${current.revision}"`).send({ title: `${TITLE}（同事已改）`, reason: '同事补充标题' }).expect(200);
    await page.getByTestId('save-revision').click();
    const alert = page.getByTestId('error-alert');
    await alert.getByText('有人修改了这条需求').waitFor();
    expect(await alert.textContent()).toContain('内容已被修改');
    await screenshots(page, '08b-revise-stale');
    await page.getByTestId('reload-need').click();
    await page.getByTestId('error-alert').waitFor({ state: 'detached' });
    await page.getByTestId('revise-reason').fill('核对同事的修改后补充');
    await page.getByTestId('save-revision').click();
    await page.waitForURL(new RegExp(`/needs/${needId}$`));
    // Both revisions are in the stream, the second made on the colleague's: nothing was overwritten.
    const revised = (await running.app.store.readStream(`need-${needId}`)).filter((e) => e.type === 'NeedRevised').slice(-2) as Array<{ data: { title: string; reason: string } }>;
    expect(revised.map((e) => [e.data.title, e.data.reason])).toEqual([
      [`${TITLE}（同事已改）`, '同事补充标题'],
      [`${TITLE}（同事已改）`, '核对同事的修改后补充'],
    ]);
  });

  it('the organization records the delivery with evidence', async () => {
    const page = organization;
    await page.goto('/my/commitments');
    await page.getByTestId('my-commitments').getByText(TITLE).waitFor();
    await page.getByTestId('my-commitments').getByText('已接受').first().waitFor();
    await settled(page);
    await screenshots(page, '09-my-commitments');
    await page.getByTestId('my-commitments').getByText(TITLE).click();
    await page.getByTestId('record-delivery').click();
    await page.getByTestId('all-L1').click();
    await page.getByTestId('all-L2').click();
    await page.getByTestId('evidence-ref-0').fill('photos/2026/yaozhai-library-handover.jpg');
    await screenshots(page, '10-delivery-dialog');
    await page.getByTestId('deliver-dialog-submit').click();
    await sees(page, '操作成功');
    await page.getByTestId('delivery').getByText('待确认').waitFor();
  });

  it('the coordinator confirms the delivery and the need, which then shows as fulfilled', async () => {
    const page = coordinator;
    await page.goto('/mine');
    const task = page.getByTestId('task-delivery').filter({ hasText: TITLE });
    await task.getByText('广州市慈善会 登记交付').waitFor();
    await task.getByTestId('task-confirm').click();
    await page.getByTestId('confirm-dialog-submit').click();
    await task.waitFor({ state: 'detached' });
    const fulfil = page.getByTestId('task-fulfil').filter({ hasText: TITLE });
    await fulfil.getByTestId('task-fulfil-need').click();
    await page.getByTestId('fulfil-dialog-submit').click();
    // Done when the task is gone (a success message of the previous step may still be showing).
    await fulfil.waitFor({ state: 'detached' });

    await page.goto(`/needs/${needId}`);
    await page.getByTestId('need-title').filter({ hasText: TITLE }).waitFor();
    expect(await page.getByTestId('need-status').first().textContent()).toBe('已完成');
    await page.getByTestId('history').getByText('确认完成').waitFor();
    await screenshots(page, '11-need-fulfilled');
    expect((await needJson(needId)).status).toBe('fulfilled');

    await page.getByText('EN', { exact: true }).click();
    await page.getByTestId('need-status').first().filter({ hasText: 'Fulfilled' }).waitFor();
    await sees(page, 'History');
    await screenshots(page, '12-need-fulfilled-english');
    await page.getByText('中文', { exact: true }).click();
  });

  it('the bureau sees the town’s figures move: one more need published, matched and fulfilled', async () => {
    expect(bureau && before).toBeTruthy();
    await running.app.projections.waitFor(await running.app.store.headPosition());
    const after = await townFigures();
    const start = before!;
    expect([after.published, after.matched, after.fulfilled]).toEqual([start.published + 1, start.matched + 1, start.fulfilled + 1]);
    const page = bureau!;
    await page.goto(`/bureau?region=${TOWN}`);
    const kpis = page.getByTestId('kpis');
    await kpis.getByTestId('kpi-published').getByText(String(after.published), { exact: true }).waitFor();
    await kpis.getByTestId('kpi-match-rate').getByText(pct(after.matchRate), { exact: true }).waitFor();
    await kpis.getByTestId('kpi-conversion-rate').getByText(pct(after.conversionRate), { exact: true }).waitFor();
    // The figure's needs, one click away: the journey's need is among the fulfilled.
    await kpis.getByTestId('kpi-conversion-rate').click();
    await page.getByTestId('drill-down').getByText(TITLE).waitFor();
    await settled(page);
    await screenshots(page, '13-bureau-town-after');
  });

  it('the money behind it: the organization reports using a donation for the need, and the coordinator confirms the use from the phone', async () => {
    expect('/api/donations' in ((await running.app.http().get('/api/docs-json').expect(200)).body as { paths: Record<string, unknown> }).paths).toBe(true);
    const t = running.app;
    const today = new Date(Date.now() + 8 * 3_600_000).toISOString().slice(0, 10);
    const federation = await actAs(t, { id: 'staff-federation-journey', role: 'hub', organizationId: 'org-gz-federation' });
    const charity = await actAs(t, { id: 'staff-charity-journey', role: 'organization', organizationId: 'org-gz-charity' });
    const pledged = await t.http().post('/api/donations').set(federation).send({
      donorKind: 'organization', donorOrganizationId: 'org-gz-federation', recipientKind: 'organization', recipientId: 'org-gz-charity', resourceKind: 'money', amount: 1_234_567, note: '瑶寨小学图书角与修缮',
    }).expect(201);
    flowId = pledged.body.flowId;
    await t.http().post(`/api/donations/${flowId}/receive`).set(charity).send({ receiptNumber: 'GZ-2026-0917', amount: 1_234_567, receivedOn: today }).expect(200);
    const allocation = await t.http().post(`/api/donations/${flowId}/allocations`).set(charity).send({ targetKind: 'need', needId, amount: 1_234_567 }).expect(201);
    await t.http().post(`/api/donations/${flowId}/uses`).set(charity).send({
      allocationId: allocation.body.allocationId, needId, amount: 1_234_567, usedOn: today, evidence: [{ kind: 'invoice', ref: '44011234 No.00998877', amountFen: 1_234_567 }],
    }).expect(201);
    await t.projections.waitFor(await t.store.headPosition());

    const page = coordinator;
    await page.goto('/mine');
    const uses = page.getByTestId('donation-uses');
    const task = uses.locator('.task').filter({ hasText: TITLE });
    await task.getByText('¥12,345.67', { exact: false }).waitFor();
    await task.getByText('44011234 No.00998877', { exact: false }).waitFor();
    await settled(page);
    await screenshots(page, '14-coordinator-donation-to-confirm');
    await task.getByTestId('confirm-use').click();
    await page.getByTestId('confirm-use-dialog').getByText('瑶寨小学图书角与修缮', { exact: false }).waitFor();
    await page.getByTestId('confirm-use-dialog-submit').click();
    await task.waitFor({ state: 'detached' });
    const flow = (await t.http().get(`/api/donations/${flowId}`).set(charity).expect(200)).body;
    expect(flow.uses.map((u: { confirmedAt: string | null }) => !!u.confirmedAt)).toEqual([true]);
  });

  it('the auditor finds the donation by the organization and traces it from the donor to the village’s confirmed use', async () => {
    expect(flowId).toBeDefined();
    const { page } = await newPage(running, DESKTOP);
    await signIn(page, 'auditor');
    await page.waitForURL(/\/audit/);
    await page.getByTestId('search-by').getByText('社会组织').click();
    await choose(page, 'search-organization', '广州市慈善会');
    await page.getByTestId(`trace-${flowId}`).click();
    await page.waitForURL(new RegExp(`/audit/flows/${flowId}`));
    const sankey = page.getByTestId('sankey').locator('svg text');
    for (const text of ['广州市社会组织联合会', '广州市慈善会', TITLE]) await sankey.filter({ hasText: text }).first().waitFor();
    await page.getByTestId(`hop-${flowId}`).getByText('GZ-2026-0917').waitFor();
    await page.getByTestId(`hop-${flowId}`).getByText('受益村确认').waitFor();
    await settled(page);
    await screenshots(page, '15-auditor-traces-the-journey');

    // The 15-minute access token runs out while the auditor reads: the next read is refused once,
    // the console renews the session with its refresh token and reads again; no sign-in is asked for.
    const refreshed: number[] = [];
    page.on('response', (response) => response.url().endsWith('/api/auth/refresh') && refreshed.push(response.status()));
    await page.route(`**/api/donations/${flowId}/trace**`, (route) =>
      route.fulfill({ status: 401, contentType: 'application/problem+json', body: JSON.stringify({ status: 401, title: 'Unauthorized', detail: '登录凭证无效：已过期 (invalid token: expired)' }) }),
      { times: 1 },
    );
    await page.reload();
    await page.getByTestId(`hop-${flowId}`).getByText('GZ-2026-0917').waitFor();
    expect(refreshed).toEqual([200]);
    expect(await page.getByTestId('login').count()).toBe(0);
    // Signing out ends the session on the server: the old token no longer reads anything.
    const token = await page.evaluate(() => JSON.parse((globalThis as unknown as { localStorage: { getItem(key: string): string | null } }).localStorage.getItem('shecun.session') ?? '{}').accessToken as string);
    await page.context().close();
    const logout = await fetch(`${running.url}/api/auth/logout`, { method: 'POST', headers: { Authorization: `Bearer ${token}` } });
    expect(logout.status).toBe(200);
    expect((await fetch(`${running.url}/api/auth/me`, { headers: { Authorization: `Bearer ${token}` } })).status).toBe(401);
  });
});
