/**
 * The bureau's 报表 in a real browser, against the real embedded app with the demo seed: 清远's
 * bureau staff open the 报表 tab, pick 连南 (a county of their city) and this quarter, and download
 * the 季报 as XLSX and the 月报 of last month as PDF; the files are read back (exceljs, the PDF's
 * text) and their figures are the API's for the same question.
 */
import ExcelJS from 'exceljs';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from '../../apps/console/node_modules/playwright-core';
import { ReportIssuer } from '@shecun/monitoring';
import { actAs } from '../support/embedded-app';
import { pdfText } from '../support/pdf-text';
import { ARTIFACTS, choose, DESKTOP, newPage, Running, screenshots, sees, settled, startConsole } from './support/browser';

const CITY_BUREAU = { id: 'web-report-bureau', role: 'bureau' as const, scope: '4418' };

/** This quarter and last month, in China time, as the console offers them. */
const china = new Date(Date.now() + 8 * 3_600_000);
const QUARTER = `${china.getUTCFullYear()}-Q${Math.floor(china.getUTCMonth() / 3) + 1}`;
const lastMonth = new Date(Date.UTC(china.getUTCFullYear(), china.getUTCMonth() - 1, 1));
const LAST_MONTH = `${lastMonth.getUTCFullYear()}-${String(lastMonth.getUTCMonth() + 1).padStart(2, '0')}`;
const THIS_MONTH = `${china.getUTCFullYear()}-${String(china.getUTCMonth() + 1).padStart(2, '0')}`;
/** Two hours into next month, China time: this month's reports are due then. */
const NEXT_MONTH_START = new Date(Date.UTC(china.getUTCFullYear(), china.getUTCMonth() + 1, 1, 2) - 8 * 3_600_000);

let running: Running;

beforeAll(async () => {
  running = await startConsole();
});

afterAll(async () => {
  await running?.close();
});

describe('the bureau downloads a report', () => {
  let page: Page;

  it('downloads the county’s 季报 as XLSX with the API’s figures', async () => {
    ({ page } = await newPage(running, DESKTOP));
    await page.goto('/');
    await page.getByTestId('demo-bureau').click();
    await page.getByTestId('user-menu').waitFor();
    await page.goto('/bureau?tab=reports');
    await page.getByTestId('bureau-reports').waitFor();
    // The city is the scope's, fixed; a county within it is chosen.
    await sees(page, '清远市');
    await choose(page, 'region-county', '连南瑶族自治县');
    await page.getByTestId('report-kind').getByText('季报').click();
    await choose(page, 'report-period', QUARTER);
    await settled(page);
    await screenshots(page, '45-bureau-reports');

    const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('download-report-xlsx').click()]);
    expect(download.suggestedFilename()).toBe(`bureau-report-441826-${QUARTER}.xlsx`);
    const file = join(ARTIFACTS, download.suggestedFilename());
    await download.saveAs(file);
    await sees(page, '已下载');

    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(readFileSync(file) as unknown as ExcelJS.Buffer);
    expect(wb.worksheets.map((w) => w.name)).toEqual(['概况', '下级区域', '捐赠汇总', '未满足需求']);
    const overview = wb.getWorksheet('概况')!;
    const value = (name: string) => {
      let found: unknown;
      overview.eachRow((row) => {
        if (row.getCell(1).value === name) found = row.getCell(2).value ?? row.getCell(3).value;
      });
      return found;
    };
    const api = (await running.app.http().get(`/api/reports/bureau?region=441826&period=${QUARTER}`).set(await actAs(running.app, CITY_BUREAU)).expect(200)).body;
    expect(value('报表')).toBe(`连南瑶族自治县季报（${QUARTER.slice(0, 4)}年第${QUARTER.slice(6)}季度）`);
    expect(value('发布需求数')).toBe(api.kpis.published);
    expect(value('已对接需求数')).toBe(api.kpis.matched);
    expect(value('已完成需求数')).toBe(api.kpis.fulfilled);
    expect(wb.getWorksheet('未满足需求')!.rowCount - 1).toBe(api.unmetNeeds.length);
  });

  it('downloads last month’s 月报 as a PDF', async () => {
    await page.getByTestId('report-kind').getByText('月报').click();
    await choose(page, 'report-period', LAST_MONTH);
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('download-report-pdf').click()]);
    expect(download.suggestedFilename()).toBe(`bureau-report-441826-${LAST_MONTH}.pdf`);
    const file = join(ARTIFACTS, download.suggestedFilename());
    await download.saveAs(file);
    const pdf = readFileSync(file);
    expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
    expect(pdfText(pdf)).toContain(`连南瑶族自治县月报（${LAST_MONTH.slice(0, 4)}年${Number(LAST_MONTH.slice(5))}月）`);
  });

  it('lists the reports the platform filed on its schedule and downloads one exactly as filed', async () => {
    // The schedule's round once this month has ended (the demo's log starts this month).
    const round = await running.app.app.get(ReportIssuer).issueDue(NEXT_MONTH_START);
    expect(round.issued).toContain(`4418 ${THIS_MONTH}`);
    await running.app.projections.waitFor(await running.app.store.headPosition());
    await page.goto('/bureau?tab=reports');
    const filed = page.getByTestId(`issued-4418-${THIS_MONTH}`);
    await filed.getByText(`清远市月报（${THIS_MONTH.slice(0, 4)}年${Number(THIS_MONTH.slice(5))}月）`).waitFor();
    await settled(page);
    await screenshots(page, '45b-bureau-filed-reports');
    const [download] = await Promise.all([page.waitForEvent('download'), filed.getByRole('button', { name: /PDF/ }).click()]);
    expect(download.suggestedFilename()).toBe(`issued-report-4418-${THIS_MONTH}.pdf`);
    const file = join(ARTIFACTS, download.suggestedFilename());
    await download.saveAs(file);
    expect(pdfText(readFileSync(file))).toContain(`清远市月报（${THIS_MONTH.slice(0, 4)}年${Number(THIS_MONTH.slice(5))}月）`);
  });
});
