/**
 * The needs journey in a real browser, against the real embedded app with the demo seed: a village
 * coordinator posts a need from a phone, an organization takes part of it (接单), the coordinator
 * accepts, the organization records the delivery with evidence, the coordinator confirms it and the
 * need shows as fulfilled. Every main page is photographed at desktop and phone size under
 * test/browser/artifacts/.
 */
import type { Page } from '../../apps/console/node_modules/playwright-core';
import { actAs } from '../support/embedded-app';
import { ARTIFACTS, choose, DESKTOP, newPage, PHONE, Running, screenshots, sees, settled, startConsole } from './support/browser';

const TITLE = '瑶寨小学图书角与修缮';

let running: Running;

beforeAll(async () => {
  running = await startConsole();
});

afterAll(async () => {
  await running?.close();
});

async function signIn(page: Page, account: string) {
  await page.goto('/');
  await page.getByTestId(`demo-${account}`).click();
  await page.getByTestId('user-menu').waitFor();
}

interface NeedJson {
  id: string;
  status: string;
  lineItems: Array<{ id: string; kind: string; quantity: number; unit: string; lacking: number; delivered: number }>;
}

/** The need as the API has it, read by a province-wide auditor. */
const needJson = async (id: string): Promise<NeedJson> =>
  (await running.app.http().get(`/api/needs/${id}`).set(await actAs(running.app, { id: 'test-auditor', role: 'auditor', scope: '44' })).expect(200)).body;

describe('the needs journey in the console', () => {
  let needId: string;
  let coordinator: Page;
  let organization: Page;

  it('greets in Chinese with the demo accounts, and switches to English', async () => {
    const { page } = await newPage(running, DESKTOP);
    await page.goto('/');
    await sees(page, '演示账号');
    await sees(page, '村联络员');
    await screenshots(page, '01-login');
    // A wrong password is refused in plain Chinese, and the username stays.
    await page.getByTestId('login-username').fill('coordinator');
    await page.getByTestId('login-password').fill('wrong-password');
    await page.getByTestId('login-submit').click();
    await page.getByTestId('error-alert').getByText('用户名或密码错误').waitFor();
    expect(await page.getByTestId('login-username').inputValue()).toBe('coordinator');
    await page.getByText('EN', { exact: true }).click();
    await sees(page, 'Demo accounts');
    await sees(page, 'Village coordinator');
    await page.getByText('中文', { exact: true }).click();
    await sees(page, '演示账号');
    await page.context().close();
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

  it('an organization finds the need, reads its history and takes an order for part of it', async () => {
    ({ page: organization } = await newPage(running, DESKTOP));
    const page = organization;
    await signIn(page, 'org-staff');
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
    // The server answers this submit as it answers an expired token.
    await page.route(`**/api/needs/${needId}/revise`, (route) =>
      route.fulfill({ status: 401, contentType: 'application/problem+json', body: JSON.stringify({ status: 401, title: 'Unauthorized', detail: '登录已过期 (token expired)' }) }),
      { times: 1 },
    );
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
  });
});
