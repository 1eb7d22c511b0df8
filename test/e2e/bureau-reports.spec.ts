import { CommandBus } from '@nestjs/cqrs';
import { Actor } from '@shecun/core';
import { ExecuteFlowCommand, FlowRequest } from '@shecun/donations';
import { ExecuteNeedCommand, NeedCommand } from '@shecun/needs';
import ExcelJS from 'exceljs';
import { randomUUID } from 'node:crypto';
import type { Response } from 'supertest';
import { actAs, removeDir, staffOf, startEmbeddedApp, TestActor, TestApp, withEnv } from '../support/embedded-app';
import { registerOrganizations } from '../support/organizations';
import { pdfPageCount, pdfText } from '../support/pdf-text';

/**
 * The bureau's 月报 / 季报 (GET /api/reports/bureau) over HTTP on the embedded app, on needs and a
 * donation driven through the real command path at chosen China-time instants around the edges
 * of November 2026; every figure below is worked out by hand from those events. Downloaded as
 * XLSX (read back with exceljs) and PDF (its text read back through the font's ToUnicode map),
 * with the scope and input refusals as problem+json.
 */

const V1 = '441826105201'; // 山溪村, 三排镇, 连南瑶族自治县 (441826), 清远市 (4418)
const V2 = '441826105202'; // 东芒村, 三排镇
const V3 = '441802006001'; // 高基里社区, 凤城街道, 清城区 (441802), 清远市
const HUB = 'org-rep-hub';
const EDU = 'org-rep-edu';
const SANPAI: Actor = { id: 'rep-coord-sanpai', role: 'coordinator', scope: '441826105' };
const FENGCHENG: Actor = { id: 'rep-coord-fengcheng', role: 'coordinator', scope: '441802006' };
const staff = (organizationId: string): Actor => ({ id: `rep-staff-${organizationId}`, role: 'organization', organizationId });
const CITY: TestActor = { id: 'rep-bureau-qingyuan', role: 'bureau', scope: '4418' };
const COUNTY: TestActor = { id: 'rep-bureau-liannan', role: 'bureau', scope: '441826' };
const PROVINCE: TestActor = { id: 'rep-bureau-gd', role: 'bureau', scope: '44' };
/** An instant given in China time. */
const cst = (local: string) => new Date(`${local.replace(' ', 'T')}:00+08:00`);
const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

const binary = (res: Response, done: (err: Error | null, body: Buffer) => void) => {
  const chunks: Buffer[] = [];
  res.on('data', (c: Buffer) => chunks.push(c));
  res.on('end', () => done(null, Buffer.concat(chunks)));
};

/** Every worksheet as rows of header → value. */
async function workbook(body: Buffer) {
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(body as unknown as ExcelJS.Buffer);
  const sheets: Record<string, Array<Record<string, unknown>>> = {};
  for (const ws of wb.worksheets) {
    const header = (ws.getRow(1).values as unknown[]).slice(1) as string[];
    const rows: Array<Record<string, unknown>> = [];
    ws.eachRow((row, n) => {
      if (n > 1) rows.push(Object.fromEntries(header.map((h, i) => [h, row.getCell(i + 1).value])));
    });
    sheets[ws.name] = rows;
  }
  return { wb, sheets };
}

describe('bureau reports (月报 / 季报)', () => {
  let t: TestApp;
  const as = new Map<string, Record<string, string>>();
  const h = (a: TestActor) => as.get(a.id)!;
  const get = (actor: TestActor, query: string) => t.http().get(`/api/reports/bureau?${query}`).set(h(actor));
  const file = (actor: TestActor, query: string) => get(actor, query).buffer(true).parse(binary).expect(200);

  const need = async (village: string, title: string, coordinator: Actor, steps: Array<[Actor, NeedCommand, string]>, publishedAt: string) => {
    const needId = randomUUID();
    const draft: NeedCommand = {
      type: 'DraftNeed', needId, villageCode: village, title, description: '', category: 'education', dueDate: null, autoAccept: false, publish: true,
      lineItems: [{ kind: 'goods', description: '太阳能路灯', unit: '盏', quantity: 10 }],
    };
    for (const [actor, command, at] of [[coordinator, draft, publishedAt] as [Actor, NeedCommand, string], ...steps]) {
      await t.app.get(CommandBus).execute(new ExecuteNeedCommand(needId, command, { actor, commandId: randomUUID(), correlationId: randomUUID() }, cst(at)));
    }
    return needId;
  };
  const offer = (quantity: number): NeedCommand => ({ type: 'OfferCommitment', commitmentId: 'c1', organizationId: EDU, organizationName: '清远市助学会', items: [{ lineItemId: 'L1', quantity }], promisedBy: '2026-12-31', note: '' });
  const ACCEPT: NeedCommand = { type: 'AcceptCommitment', commitmentId: 'c1' };

  beforeAll(async () => {
    process.env.NEED_EXPIRY_SWEEP = 'false';
    t = await startEmbeddedApp();
    for (const a of [CITY, COUNTY, PROVINCE, staffOf(EDU)]) as.set(a.id, await actAs(t, a));
    await registerOrganizations(t, [{ id: HUB, name: '清远市社会组织联合会', hubKind: 'hub' }, { id: EDU, name: '清远市助学会' }]);

    // November 2026 in China time: N1 fulfilled, N2 matched for 4 of 10, N3 on the month's last evening, untouched.
    await need(V1, 'N1 山溪村路灯', SANPAI, [
      [staff(EDU), offer(10), '2026-11-03 10:00'],
      [SANPAI, ACCEPT, '2026-11-04 09:00'],
      [staff(EDU), { type: 'RecordDelivery', commitmentId: 'c1', deliveryId: 'd1', items: [{ lineItemId: 'L1', quantity: 10 }], evidence: [{ kind: 'photo', ref: 'lamps.jpg' }], note: '' }, '2026-11-06 09:00'],
      [SANPAI, { type: 'ConfirmDelivery', commitmentId: 'c1', deliveryId: 'd1', note: '' }, '2026-11-07 09:00'],
      [SANPAI, { type: 'FulfilNeed', note: '' }, '2026-11-10 09:00'],
    ], '2026-11-03 09:00');
    await need(V2, 'N2 东芒村路灯', SANPAI, [[staff(EDU), offer(4), '2026-11-05 10:00'], [SANPAI, ACCEPT, '2026-11-06 09:00']], '2026-11-05 09:00');
    await need(V3, 'N3 高基里社区路灯', FENGCHENG, [], '2026-11-30 23:30');
    // Outside November: N4 half an hour into December (still 30 November in UTC), N5 in October and still lacking everything.
    await need(V1, 'N4 山溪村十二月', SANPAI, [], '2026-12-01 00:30');
    await need(V3, 'N5 高基里社区十月', FENGCHENG, [], '2026-10-20 09:00');

    // A gift of 1,000.00 元 received by the hub on 2 November; 500.50 元 to 山溪村 and 123.45 元 to 高基里社区 in November,
    // 200.01 元 of the first used with an invoice on 20 November; 100.00 元 more to 山溪村 on 2 December.
    const flowId = randomUUID();
    const flow = (actor: Actor, request: FlowRequest, at: string) =>
      t.app.get(CommandBus).execute(new ExecuteFlowCommand(flowId, request, { actor, commandId: randomUUID(), correlationId: randomUUID() }, cst(at)));
    const hub = staff(HUB);
    await flow(hub, { type: 'PledgeDonation', donor: { kind: 'individual' }, recipient: { kind: 'organization', id: HUB }, resource: { kind: 'money' }, amount: 100_000, note: '' }, '2026-11-01 09:00');
    await flow(hub, { type: 'ReceiveDonation', receiptNumber: 'R-2026-11', amount: 100_000, receivedOn: '2026-11-02' }, '2026-11-02 09:00');
    await flow(hub, { type: 'AllocateDonation', allocationId: 'a1', target: { kind: 'village', villageCode: V1, project: '路灯' }, amount: 50_050, note: '' }, '2026-11-09 09:00');
    await flow(hub, { type: 'AllocateDonation', allocationId: 'a2', target: { kind: 'village', villageCode: V3, project: '长者饭堂' }, amount: 12_345, note: '' }, '2026-11-12 09:00');
    await flow(hub, { type: 'RecordUse', useId: 'u1', allocationId: 'a1', amount: 20_001, evidence: [{ kind: 'invoice', ref: 'No.1' }], usedOn: '2026-11-20', note: '' }, '2026-11-20 09:00');
    await flow(hub, { type: 'AllocateDonation', allocationId: 'a3', target: { kind: 'village', villageCode: V1, project: '路灯' }, amount: 10_000, note: '' }, '2026-12-02 09:00');
    await t.projections.waitFor(await t.store.headPosition());
  });

  afterAll(async () => {
    delete process.env.NEED_EXPIRY_SWEEP;
    await t.close();
    removeDir(t.dataDir);
  });

  it('gives the city its November figures, sub-regions, money and unmet needs, equal to the dashboard’s', async () => {
    const r = (await get(CITY, 'region=4418&period=2026-11').expect(200)).body;
    expect(r.region).toEqual({ code: '4418', name: '清远市', level: 'city' });
    expect(r.period).toMatchObject({ key: '2026-11', kind: 'month', firstDate: '2026-11-01', lastDate: '2026-11-30', startsAt: '2026-10-31T16:00:00.000Z', endsAt: '2026-11-30T16:00:00.000Z' });
    expect(r.kpis).toMatchObject({ published: 3, matched: 2, fulfilled: 1, fullyCommitted: 1, matchRate: 2 / 3, conversionRate: 0.5 });
    // Received counts the gift once, on the day it came in (2 November), in the region of the villages it went to by now:
    // 500.50 + 123.45 + the 100.00 元 allocated in December = 723.95 元. Allocated counts November's allocations only.
    expect(r.money).toMatchObject({ receivedFen: 72_395, allocatedFen: 62_395, usedFen: 20_001, evidencedFen: 20_001, transferredFen: 0 });
    // The same figures as the dashboard's summary of the same region and dates.
    const dash = (await t.http().get('/api/dashboard/summary?region=4418&period=month&from=2026-11-01&to=2026-11-30').set(h(CITY)).expect(200)).body.total;
    expect(r.kpis).toMatchObject({ published: dash.needs.published, matched: dash.needs.matched, fulfilled: dash.needs.fulfilled, matchRate: dash.needs.matchRate });
    expect(r.money).toMatchObject({ receivedFen: dash.donations.receivedFen, allocatedFen: dash.donations.allocatedFen, usedFen: dash.donations.usedFen });

    const rows = r.subRegions.rows as Array<{ code: string; published: number; matched: number; fulfilled: number; money: Record<string, number> }>;
    expect(r.subRegions.level).toBe('county');
    const liannan = rows.find((s) => s.code === '441826')!;
    const qingcheng = rows.find((s) => s.code === '441802')!;
    expect(liannan).toMatchObject({ name: '连南瑶族自治县', published: 2, matched: 2, fulfilled: 1, matchRate: 1, conversionRate: 0.5 });
    expect(liannan.money).toMatchObject({ receivedFen: 60_050, allocatedFen: 50_050, usedFen: 20_001 });
    expect(qingcheng).toMatchObject({ published: 1, matched: 0, fulfilled: 0, matchRate: 0, conversionRate: null });
    expect(qingcheng.money).toMatchObject({ receivedFen: 12_345, allocatedFen: 12_345, usedFen: 0 });
    // Every county of 清远, and the sums are the city's.
    expect(rows.length).toBeGreaterThanOrEqual(8);
    for (const field of ['published', 'matched', 'fulfilled'] as const) expect(rows.reduce((s, x) => s + x[field], 0)).toBe(r.kpis[field]);
    for (const field of ['receivedFen', 'allocatedFen', 'usedFen'] as const) expect(rows.reduce((s, x) => s + x.money[field], 0)).toBe(r.money[field]);

    // Still lacking something, published by 30 November, longest open first: N5 (41 days), N2 (25), N3 (0); N1 is fulfilled, N4 is December's.
    expect(r.unmetNeeds.map((n: { title: string; daysOpen: number; villageName: string }) => [n.title, n.daysOpen, n.villageName])).toEqual([
      ['N5 高基里社区十月', 41, '高基里社区居委会'],
      ['N2 东芒村路灯', 25, '东芒村委会'],
      ['N3 高基里社区路灯', 0, '高基里社区居委会'],
    ]);
    expect(r.unmetNeeds[1].lacking).toEqual([{ description: '太阳能路灯', unit: '盏', quantity: 10, lacking: 6 }]);
  });

  it('counts the province’s gift once: its counties’ and 未分配 parts add up to what was received', async () => {
    const r = (await get(PROVINCE, 'period=2026-Q4').expect(200)).body;
    expect(r.region.code).toBe('44');
    expect(r.period).toMatchObject({ key: '2026-Q4', kind: 'quarter', firstDate: '2026-10-01', lastDate: '2026-12-31' });
    expect(r.kpis).toMatchObject({ published: 5, matched: 2, fulfilled: 1 });
    expect(r.money).toMatchObject({ receivedFen: 100_000, allocatedFen: 72_395, usedFen: 20_001 });
    const rows = r.subRegions.rows as Array<{ code: string | null; name: string; money: { receivedFen: number; allocatedFen: number } }>;
    expect(rows.find((s) => s.code === '4418')!.money.allocatedFen).toBe(72_395);
    expect(rows.find((s) => s.code === null)!.name).toBe('未分配');
    expect(rows.reduce((s, x) => s + x.money.receivedFen, 0)).toBe(100_000);
  });

  it('downloads the XLSX: four sheets, Chinese headers, 元 with two decimals, China time', async () => {
    const res = await file(CITY, 'region=4418&period=2026-11&format=xlsx');
    expect(res.headers['content-type']).toBe(XLSX);
    expect(res.headers['content-disposition']).toBe('attachment; filename="bureau-report-4418-2026-11.xlsx"');
    const { wb, sheets } = await workbook(res.body as Buffer);
    expect(wb.worksheets.map((w) => w.name)).toEqual(['概况', '下级区域', '捐赠汇总', '未满足需求']);
    const figure = (name: string) => sheets['概况'].find((row) => row['指标'] === name)!;
    expect(figure('报表')['说明']).toBe('清远市月报（2026年11月）');
    expect(figure('统计区间（北京时间）')['说明']).toBe('2026-11-01 至 2026-11-30');
    expect(figure('发布需求数')['数值']).toBe(3);
    expect(figure('已对接需求数')['数值']).toBe(2);
    expect(figure('已完成需求数')['数值']).toBe(1);
    expect(figure('对接成功率')['数值']).toBe(0.6667);
    expect(figure('转化率')['数值']).toBe(0.5);
    const money = (item: string) => sheets['捐赠汇总'].find((row) => row['项目'] === item)!;
    expect(money('外部接收')).toMatchObject({ '金额（元）': 723.95, '金额（分）': 72_395 });
    expect(money('已分配')).toMatchObject({ '金额（元）': 623.95, '金额（分）': 62_395 });
    expect(money('已使用')).toMatchObject({ '金额（元）': 200.01, '金额（分）': 20_001 });
    const moneyColumn = wb.getWorksheet('捐赠汇总')!.getColumn(2);
    expect(moneyColumn.numFmt).toBe('0.00');
    const liannan = sheets['下级区域'].find((row) => row['区划代码'] === '441826')!;
    expect(liannan).toMatchObject({ 区域名称: '连南瑶族自治县', 发布需求数: 2, 已对接需求数: 2, 已完成需求数: 1, '已分配（元）': 500.5, '已使用（元）': 200.01 });
    expect(sheets['未满足需求'].map((row) => [row['需求标题'], row['村名称'], row['类别'], row['尚缺'], row['已开放天数']])).toEqual([
      ['N5 高基里社区十月', '高基里社区居委会', '教育帮扶', '太阳能路灯 缺10/10盏', 41],
      ['N2 东芒村路灯', '东芒村委会', '教育帮扶', '太阳能路灯 缺6/10盏', 25],
      ['N3 高基里社区路灯', '高基里社区居委会', '教育帮扶', '太阳能路灯 缺10/10盏', 0],
    ]);
    // Published at 23:30 China time on 30 November (15:30 UTC).
    expect(sheets['未满足需求'][2]['发布时间（北京时间）']).toBe('2026-11-30 23:30:00');
  });

  it('downloads the PDF: a real PDF whose text carries the title, KPIs, 元 and unmet needs', async () => {
    const res = await file(CITY, 'region=4418&period=2026-11&format=pdf');
    expect(res.headers['content-type']).toBe('application/pdf');
    const pdf = res.body as Buffer;
    expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
    expect(pdf.subarray(-6).toString()).toContain('%%EOF');
    expect(pdfPageCount(pdf)).toBeGreaterThanOrEqual(1);
    const text = pdfText(pdf);
    for (const expected of ['清远市月报（2026年11月）', '统计区间 2026-11-01 至 2026-11-30', '发布需求数', '66.7%', '50.0%', '623.95', '200.01', '连南瑶族自治县', 'N5 高基里社区十月', '太阳能路灯 缺6/10盏']) {
      expect(text).toContain(expected);
    }
    expect(text).not.toContain('\ufffd');
    // The quarter's title.
    expect(pdfText((await file(COUNTY, 'period=2026-Q4&format=pdf')).body as Buffer)).toContain('连南瑶族自治县季报（2026年第4季度）');
  });

  it('refuses a PDF with a clear problem when no CJK font is there; the XLSX still works', async () => {
    const restore = withEnv({ REPORT_CJK_FONT: '/nonexistent/font.ttc' });
    try {
      const res = await get(CITY, 'region=4418&period=2026-11&format=pdf').expect(503);
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(res.body.detail).toMatch(/^PDF 报表需要中文字体.*REPORT_CJK_FONT/);
      await file(CITY, 'region=4418&period=2026-11&format=xlsx');
    } finally {
      restore();
    }
  });

  it('refuses regions outside the caller’s scope (403) and bad input (400), as problem+json', async () => {
    for (const [actor, query] of [[COUNTY, 'region=4418&period=2026-11'], [COUNTY, 'region=441802&period=2026-11'], [CITY, 'region=4401&period=2026-11'], [CITY, 'region=44&period=2026-Q4'], [staffOf(EDU), 'period=2026-11']] as const) {
      const res = await get(actor, query).expect(403);
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
      const pdf = await get(actor, `${query}&format=pdf`).expect(403);
      expect(pdf.headers['content-type']).toMatch(/^application\/problem\+json/);
    }
    expect((await get(CITY, 'region=4418&period=2026-11').expect(200)).body.region.code).toBe('4418');
    expect((await get(COUNTY, 'period=2026-11').expect(200)).body.region.code).toBe('441826');
    for (const query of ['region=4418&period=2026-13', 'region=4418&period=2026-Q5', 'region=4418&period=0000-01', 'region=4418&period=2026-W45', 'region=4418&period=11-2026', 'region=4418', 'region=4418&period=2026-11&format=docx', 'region=44x&period=2026-11']) {
      const res = await get(CITY, query).expect(400);
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    }
    const bad = await get(CITY, 'region=4418&period=2026-13').expect(400);
    expect(JSON.stringify(bad.body)).toContain('报表周期须为 2000 年以后的月份');
    await t.http().get('/api/reports/bureau?period=2026-11').expect(401);
  });
});
