/**
 * The auditor's journey in a real browser, against the real embedded app with the demo seed and a
 * donation followed through three hops (test/browser/support/donations.ts): the auditor finds the
 * flow by its donor, opens its trace, sees the Sankey diagram and the balances, moves the "as of"
 * date back before the village's use, downloads the ledger CSV, checks the ledger, and reads the
 * balances and anomalies; then anyone, signed in or not, reads the public disclosure. Every page
 * is photographed at phone, tablet and desktop size under test/browser/artifacts/.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from '../../apps/console/node_modules/playwright-core';
import { expectNoSeriousViolations } from './support/axe';
import { ARTIFACTS, choose, DESKTOP, newPage, PHONE, Running, screenshots, sees, settled, signIn, startConsole } from './support/browser';
import { actAs, staffOf, userIdOf } from '../support/embedded-app';
import { DONOR_NAME, DonationChain, FOUNDATION, FOUNDATION_NAME, FUND_NAME, HUB, HUB_NAME, HUB_STAFF, NEED_TITLE, setUpDonationChain } from './support/donations';

let running: Running;
let chain: DonationChain;

beforeAll(async () => {
  running = await startConsole();
  chain = await setUpDonationChain(running);
});

afterAll(async () => {
  await running?.close();
});

/** The texts ECharts drew into the Sankey's SVG. */
const sankeyTexts = async (page: Page) => (await page.getByTestId('sankey').locator('svg text').allTextContents()).join('');

describe('the auditor follows a donation in the console', () => {
  let auditor: Page;

  it('finds the flow by its donor and opens its trace: Sankey diagram and balances', async () => {
    ({ page: auditor } = await newPage(running, DESKTOP));
    const page = auditor;
    await signIn(page, 'auditor');
    await page.waitForURL(/\/audit/);
    await sees(page, '资金审计');
    await page.getByTestId(`trace-${chain.rootId}`).waitFor();
    await settled(page);
    await screenshots(page, '20-audit-flows');

    await page.getByTestId('search-by').getByText('社会组织').click();
    await choose(page, 'search-organization', DONOR_NAME);
    await page.getByTestId('flow-table').getByText(FUND_NAME).first().waitFor();
    await page.getByTestId(`trace-${chain.rootId}`).click();

    await page.waitForURL(new RegExp(`/audit/flows/${chain.rootId}`));
    await page.getByTestId('sankey').locator('svg text').first().waitFor();
    const drawn = await sankeyTexts(page);
    for (const text of [DONOR_NAME, FUND_NAME, HUB_NAME, NEED_TITLE, '已使用 · 村已确认', '¥3,000.00']) expect(drawn).toContain(text);
    // Balances of everyone in the trace: the fund kept ¥3,000 unallocated, the hub ¥2,000.
    const balances = page.getByTestId('trace-balance-rows');
    await balances.getByText(FUND_NAME).waitFor();
    const fundRow = balances.locator('tr').filter({ hasText: FUND_NAME });
    expect(await fundRow.textContent()).toContain('¥10,000.00');
    expect(await fundRow.textContent()).toContain('¥3,000.00');
    const hubRow = balances.locator('tr').filter({ hasText: HUB_NAME });
    expect(await hubRow.textContent()).toContain('¥7,000.00');
    expect(await hubRow.textContent()).toContain('¥2,000.00');
    // Every hop with its receipt, its evidence and who did what.
    await page.getByTestId(`hop-${chain.childId}`).getByText('44001234 No.00056789').waitFor();
    await page.getByTestId(`hop-${chain.childId}`).getByText('受益村确认').waitFor();
    await page.getByTestId(`hop-${chain.rootId}`).getByText('GD-2026-0001').waitFor();
    // Who did each step reads by name: the person and the organization, each id beside it.
    const history = page.getByTestId(`hop-${chain.childId}`).locator('.hop-events');
    const hubStep = history.locator('li').filter({ hasText: '陈志强' }).first();
    await hubStep.waitFor();
    expect(await hubStep.getByTestId('trace-actor-organization').textContent()).toBe(HUB_NAME);
    expect(await hubStep.textContent()).toContain(`机构编号 ${HUB}`);
    await history.locator('li').filter({ hasText: '梁晓燕' }).first().waitFor();
    expect(await history.getByTestId('trace-actor-name').allTextContents()).not.toContain(userIdOf(HUB_STAFF));
    await settled(page);
    await expectNoSeriousViolations(page, 'the trace');
    await screenshots(page, '21-audit-trace');
  });

  it('moves the as-of date back before the village used the money', async () => {
    const page = auditor;
    const input = page.locator('[data-testid="as-of"] input, input[data-testid="as-of"]').first();
    await input.click();
    await input.fill(chain.beforeNeed);
    await input.press('Enter');
    await page.waitForURL(new RegExp(`asOf=${chain.beforeNeed}`));
    await page.getByTestId('trace-summary').filter({ hasText: chain.beforeNeed }).waitFor();
    await sees(page, `均按 ${chain.beforeNeed} 24 时`);
    await page.getByTestId('sankey').locator('svg text').first().waitFor();
    await settled(page);
    const drawn = await sankeyTexts(page);
    expect(drawn).toContain(HUB_NAME);
    expect(drawn).not.toContain(NEED_TITLE);
    expect(drawn).toContain('未安排余额');
    // Then the hub had all of its ¥7,000 still to arrange, and the need did not figure.
    const hubRow = page.getByTestId('trace-balance-rows').locator('tr').filter({ hasText: HUB_NAME });
    await hubRow.waitFor();
    expect((await hubRow.textContent())!.match(/¥7,000\.00/g)).toHaveLength(2);
    expect(await page.getByTestId('trace-balance-rows').textContent()).not.toContain(NEED_TITLE);
    await screenshots(page, '22-audit-trace-as-of');
  });

  it('downloads the ledger CSV as of that date and checks the ledger', async () => {
    const page = auditor;
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('export-csv').click()]);
    expect(download.suggestedFilename()).toBe(`donations-ledger-${chain.beforeNeed}.csv`);
    const file = join(ARTIFACTS, download.suggestedFilename());
    await download.saveAs(file);
    const csv = readFileSync(file, 'utf8');
    expect(csv.charCodeAt(0)).toBe(0xfeff); // BOM, for spreadsheets
    expect(csv).toContain(chain.rootId);
    expect(csv).toContain('GZ-2026-0042');
    expect(csv).not.toContain('44001234 No.00056789'); // the use came after the as-of date
    await sees(page, '已下载');

    await page.getByTestId('check-ledger').click();
    await page.getByTestId('ledger-result').getByText('账本完整').waitFor();
    await page.screenshot({ path: join(ARTIFACTS, '23-audit-ledger-check-desktop.png') });
  });

  it('lists the balances and the anomalies older than N days', async () => {
    const page = auditor;
    await page.goto('/audit?tab=balances');
    await page.getByTestId('balances').getByText(FUND_NAME).first().waitFor();
    await page.getByTestId('balance-kind').getByText('专项基金').click();
    await page.getByTestId('balances').getByText(FUND_NAME).first().waitFor();
    await settled(page);
    await screenshots(page, '24-audit-balances');

    await page.goto('/audit?tab=anomalies');
    await page.getByTestId('anomaly-days').fill('10');
    await page.getByTestId('anomaly-apply').click();
    await page.waitForURL(/days=10/);
    // The fund received ¥10,000 eighteen days ago and has left ¥3,000 unallocated since.
    const row = page.getByTestId('anomalies').locator('tr').filter({ hasText: '到账后未安排' }).filter({ hasText: FUND_NAME });
    await row.waitFor();
    expect(await row.textContent()).toContain('¥3,000.00');
    await settled(page);
    await screenshots(page, '25-audit-anomalies');
  });

  it('looks a flow up by its id, and says so in Chinese when there is none', async () => {
    const page = auditor;
    await page.goto('/audit?by=flow');
    await page.getByTestId('flow-id-input').locator('input').fill('no-such-flow');
    await page.getByTestId('flow-id-input').locator('input').press('Enter');
    await page.waitForURL(/\/audit\/flows\/no-such-flow/);
    await page.getByTestId('error-alert').getByText('捐赠 no-such-flow 不存在').waitFor();
    await page.goto('/audit?by=flow');
    await page.getByTestId('flow-id-input').locator('input').fill(chain.childId);
    await page.getByTestId('flow-id-input').locator('input').press('Enter');
    await page.getByTestId(`hop-${chain.childId}`).waitFor();
  });

  it('reads the same trace in English', async () => {
    const page = auditor;
    await page.goto(`/audit/flows/${chain.childId}`);
    await page.getByText('EN', { exact: true }).click();
    await sees(page, 'Where the money went');
    await page.getByTestId('sankey').locator('svg text').filter({ hasText: 'Used · confirmed' }).first().waitFor();
    await settled(page);
    await screenshots(page, '26-audit-trace-english');
    await page.getByText('中文', { exact: true }).click();
    await page.context().close();
  });
});

describe('the public disclosure, without signing in', () => {
  it('shows what an organization received, arranged and used, per donor and per project', async () => {
    const { page } = await newPage(running, PHONE);
    await page.goto(`/disclosure/organizations/${HUB}`);
    await sees(page, `${HUB_NAME} · 捐赠信息公开`);
    expect(await page.getByTestId('login').count()).toBe(0);
    const totals = page.getByTestId('disclosure-totals');
    await totals.getByText('¥7,000.00').waitFor();
    expect(await totals.textContent()).toContain('¥5,000.00'); // arranged for the need
    expect(await totals.textContent()).toContain('¥3,000.00'); // used, and confirmed by the village
    await page.getByTestId('disclosure-donors').getByText(FUND_NAME).waitFor();
    await page.getByTestId('disclosure-projects').getByText(NEED_TITLE).waitFor();
    await settled(page);
    await screenshots(page, '27-disclosure-organization');

    await page.getByTestId('disclosure-projects').getByText(NEED_TITLE).click();
    await page.waitForURL(new RegExp(`/disclosure/needs/${chain.needId}`));
    await sees(page, `${NEED_TITLE} · 捐赠使用公开`);
    await page.getByTestId('disclosure-organizations').getByText(HUB_NAME).waitFor();
    expect(await page.getByTestId('disclosure-totals').textContent()).toContain('¥5,000.00');
    await settled(page);
    await screenshots(page, '28-disclosure-need');
    await page.context().close();
  });

  it('lists a refund made after disclosure as a correction, in Chinese and in English', async () => {
    // The foundation returns ¥1,000 of what its fund still holds to the donor: a correction to disclosed figures.
    await running.app.http().post(`/api/donations/${chain.rootId}/refunds`).set(await actAs(running.app, staffOf(FOUNDATION))).send({ amount: 100_000, reason: '捐赠方调整用途，退回部分善款' }).expect(200);
    await running.app.projections.waitFor(await running.app.store.headPosition());
    const { page } = await newPage(running, DESKTOP);
    await page.goto(`/disclosure/organizations/${FOUNDATION}`);
    await sees(page, `${FOUNDATION_NAME} · 捐赠信息公开`);
    await page.getByTestId('disclosure-donors').getByText(DONOR_NAME).waitFor();
    const corrections = page.getByTestId('corrections');
    await corrections.getByText('捐赠方调整用途，退回部分善款').waitFor();
    expect(await corrections.textContent()).toContain('退款');
    expect(await corrections.textContent()).toContain('¥10,000.00 → ¥9,000.00');
    await settled(page);
    await screenshots(page, '29-disclosure-corrections');
    await page.getByText('EN', { exact: true }).click();
    await sees(page, 'Donations received');
    await page.getByTestId('corrections').getByText('Refunded').waitFor();
    await settled(page);
    await screenshots(page, '30-disclosure-english');
    await page.context().close();
  });
});
