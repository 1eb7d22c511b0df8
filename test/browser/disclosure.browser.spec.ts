/**
 * The public disclosure (信息公开) in a real browser, without signing in, against the embedded app
 * with the demo seed: the landing lists the organizations and donations disclosed lately, by city,
 * and leads to an organization's disclosure; that page prints on A4 with the console around it
 * left out, nothing cut off at the side.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ARTIFACTS, choose, newPage, Running, screenshots, sees, settled, startConsole } from './support/browser';

let running: Running;

beforeAll(async () => {
  running = await startConsole();
});

afterAll(async () => {
  await running?.close();
});

describe('信息公开, read by anyone', () => {
  it('opens on what was disclosed lately, narrows it to a city, and leads to an organization', async () => {
    const { page } = await newPage(running);
    await page.goto('/disclosure');
    const organizations = page.getByTestId('recent-organizations');
    await organizations.getByText('广州市慈善会').waitFor();
    await organizations.getByText('广州市教育基金会').waitFor();
    // The demo's disclosed donations, with the villages they serve by name, never a donor.
    const donations = page.getByTestId('recent-donations');
    await donations.getByText('广州市慈善会').first().waitFor();
    await settled(page);
    expect(await donations.textContent()).not.toMatch(/电商|个人捐赠者|org-gz/);
    // The charity's money was passed on by the foundation's fund: said as a transfer, counted apart from money from donors.
    const charityDonation = donations.locator('.ant-table-row').filter({ hasText: '广州市慈善会' });
    expect(await charityDonation.getByTestId('transfer-tag').textContent()).toBe('转拨自 广州市教育基金会');
    const charity = await organizations.locator('.ant-table-row').filter({ hasText: '广州市慈善会' }).locator('td').allTextContents();
    expect(charity.slice(1, 4)).toEqual(['1', '¥0.00', '¥300,000.00']);
    await screenshots(page, '31-disclosure-landing');

    // 清远市: the charity's donation serves a village there.
    await choose(page, 'disclosure-city', '清远市');
    await page.waitForURL(/\/disclosure\?city=4418$/);
    await organizations.getByText('广州市慈善会').waitFor();
    await settled(page);
    // 深圳市: nothing disclosed there, said as such.
    await choose(page, 'disclosure-city', '深圳市');
    await page.waitForURL(/city=4403$/);
    await sees(page, '该地市暂无已公开的捐赠。');
    expect(await organizations.locator('.ant-table-row').count()).toBe(0);

    await page.goto('/disclosure?city=4418');
    await organizations.getByText('广州市慈善会').click();
    await page.waitForURL(/\/disclosure\/organizations\/org-gz-charity$/);
    await sees(page, '广州市慈善会 · 捐赠信息公开');
    await page.getByTestId('disclosure-totals').waitFor();
  });

  it('prints an organization’s disclosure on A4 without the console around it', async () => {
    const { page } = await newPage(running);
    const failures: string[] = [];
    page.on('pageerror', (error) => failures.push(error.message));
    await page.goto('/disclosure/organizations/org-gz-charity');
    await page.getByTestId('disclosure-projects').getByText('三排镇中心小学课桌椅更新').waitFor();
    await settled(page);
    await page.getByTestId('print-page').waitFor();
    await page.getByTestId('sign-in-link').waitFor();

    // A4 at 96 dpi less the page's margins; the print style applies.
    await page.setViewportSize({ width: 704, height: 1000 });
    await page.emulateMedia({ media: 'print' });
    await settled(page);
    for (const testId of ['print-page', 'sign-in-link', 'lang-switch']) expect(await page.getByTestId(testId).isVisible()).toBe(false);
    expect(await page.locator('header.app-header').isVisible()).toBe(false);
    expect(await page.locator('footer.app-footer').isVisible()).toBe(false);
    await page.getByTestId('disclosure-totals').waitFor({ state: 'visible' });
    // Every list prints as a table, whatever the width, and nothing is cut off at the side.
    await page.getByTestId('disclosure-projects').locator('table').waitFor({ state: 'visible' });
    const overflow = (await page.evaluate('document.documentElement.scrollWidth - document.documentElement.clientWidth')) as number;
    expect(overflow).toBeLessThanOrEqual(0);

    expect(failures).toEqual([]);
    const pdf = await page.pdf({ format: 'A4', printBackground: true });
    writeFileSync(join(ARTIFACTS, '32-disclosure-print.pdf'), pdf);
    expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
    const pages = (pdf.toString('latin1').match(/\/Type\s*\/Page[^s]/g) ?? []).length;
    expect(pages).toBeGreaterThanOrEqual(1);
    expect(pages).toBeLessThanOrEqual(3);
  });
});
