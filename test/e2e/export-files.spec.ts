import ExcelJS from 'exceljs';
import { parse } from 'csv-parse/sync';
import type { Response } from 'superagent';
import { actAs, COORDINATOR, futureDate, removeDir, staffOf, startEmbeddedApp, TestActor, TestApp } from '../support/embedded-app';
import { registerOrganizations } from '../support/organizations';

/**
 * Exports people open, over HTTP on the embedded app: the dashboard's and the donations ledger's
 * CSV and XLSX files have Chinese headers by default and English ones with lang=en, amounts as 元
 * with two decimals next to the fen, instants in China time; parsed back with csv-parse and
 * exceljs, their figures equal the JSON answer's for the same request.
 */

const HUB = 'org-xf-hub';
const DONOR = 'org-xf-donor';
const VILLAGE = '441826105201';
const TOWN = '441826105';
const AUDITOR: TestActor = { id: 'auditor-xf-01', role: 'auditor', scope: '44' };
const BUREAU: TestActor = { id: 'bureau-xf-01', role: 'bureau', scope: '44' };
const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

/** An ISO instant as China time, computed here independently of the app: shift by 8 hours, print as UTC. */
const china = (iso: string) => new Date(Date.parse(iso) + 8 * 3_600_000).toISOString().slice(0, 19).replace('T', ' ');
/** Fen as 元 for small amounts (the app computes it by integer arithmetic; here a float is exact enough). */
const yuan = (fen: number) => (fen / 100).toFixed(2);

type Row = Record<string, string>;
const csvRows = (text: string) => parse(text, { bom: true, columns: true }) as Row[];
const binary = (res: Response, done: (err: Error | null, body: Buffer) => void) => {
  const chunks: Buffer[] = [];
  res.on('data', (c: Buffer) => chunks.push(c));
  res.on('end', () => done(null, Buffer.concat(chunks)));
};

/** The first worksheet as header names and rows of typed values, plus the number format of each column. */
async function xlsxRows(body: Buffer) {
  const workbook = new ExcelJS.Workbook();
  await workbook.xlsx.load(body as unknown as ExcelJS.Buffer);
  const ws = workbook.worksheets[0];
  const header = (ws.getRow(1).values as unknown[]).slice(1) as string[];
  const rows: Array<Record<string, unknown>> = [];
  ws.eachRow((row, n) => {
    if (n === 1) return;
    rows.push(Object.fromEntries(header.map((h, i) => [h, row.getCell(i + 1).value])));
  });
  const numFmt = (name: string) => ws.getColumn(header.indexOf(name) + 1).numFmt;
  return { header, rows, numFmt };
}

describe('exports people open: CSV and XLSX, Chinese headers, 元, China time', () => {
  let t: TestApp;
  const as = new Map<string, Record<string, string>>();
  const h = (actor: TestActor) => as.get(actor.id)!;
  let flowId: string;
  let needId: string;
  const file = (path: string, actor: TestActor) => t.http().get(path).set(h(actor)).buffer(true).parse(binary).expect(200);

  beforeAll(async () => {
    t = await startEmbeddedApp();
    for (const actor of [staffOf(HUB), staffOf(DONOR), COORDINATOR, AUDITOR, BUREAU]) as.set(actor.id, await actAs(t, actor));
    await registerOrganizations(t, [
      { id: HUB, name: '清远市社会组织总会', hubKind: 'hub', homeDivisionCode: '4418' },
      { id: DONOR, name: '广州爱心基金会', homeDivisionCode: '4401' },
    ]);
    const hub = h(staffOf(HUB));
    const pledged = await t.http().post('/api/donations').set(h(staffOf(DONOR))).send({ donorKind: 'organization', donorOrganizationId: DONOR, recipientKind: 'organization', recipientId: HUB, resourceKind: 'money', amount: 123_405, note: '课桌椅' }).expect(201);
    flowId = pledged.body.flowId;
    await t.http().post(`/api/donations/${flowId}/receive`).set(hub).send({ receiptNumber: 'R-001', amount: 123_405, receivedOn: '2026-11-20' }).expect(200);
    await t.http().post(`/api/donations/${flowId}/allocations`).set(hub).send({ targetKind: 'village', villageCode: VILLAGE, project: '课桌椅', amount: 123_405 }).expect(201);
    const need = await t.http().post('/api/needs').set(h(COORDINATOR)).send({
      villageCode: VILLAGE, title: '山溪村课桌椅', description: '', category: 'education', dueDate: futureDate(60), autoAccept: false, publish: true,
      lineItems: [{ kind: 'funds', description: '购置课桌椅', unit: '分', quantity: 80_000 }],
    }).expect(201);
    needId = need.body.needId ?? need.body.id;
    await t.projections.waitFor(await t.store.headPosition());
  });
  afterAll(async () => {
    await t.close();
    removeDir(t.dataDir);
  });

  it('the dashboard summary: 元 and 分 columns equal to the JSON figures, Chinese by default, English on request', async () => {
    const json = (await t.http().get(`/api/dashboard/summary?region=${TOWN}`).set(h(BUREAU)).expect(200)).body;
    expect(json.total.donations.receivedFen).toBe(123_405);

    const zh = await t.http().get(`/api/dashboard/summary?region=${TOWN}&format=csv`).set(h(BUREAU)).expect(200);
    expect(zh.headers['content-type']).toMatch(/^text\/csv; charset=utf-8/);
    expect(zh.headers['content-disposition']).toBe('attachment; filename="dashboard-summary.csv"');
    expect(zh.text.startsWith('\ufeff')).toBe(true);
    const total = csvRows(zh.text).at(-1)!;
    expect(total).toMatchObject({ 区划代码: TOWN, 时段: 'all', 发布需求数: String(json.total.needs.published), '外部接收（元）': '1234.05', '外部接收（分）': '123405' });
    for (const [name, fen] of [['已分配', json.total.donations.allocatedFen], ['已使用', json.total.donations.usedFen], ['已确认', json.total.donations.confirmedFen]] as const) {
      expect([total[`${name}（元）`], total[`${name}（分）`]]).toEqual([yuan(fen), String(fen)]);
    }
    expect(Object.keys(total)).not.toContain('received_fen');

    const en = csvRows((await t.http().get(`/api/dashboard/summary?region=${TOWN}&format=csv&lang=en`).set(h(BUREAU)).expect(200)).text).at(-1)!;
    expect(en).toMatchObject({ region_code: TOWN, bucket: 'all', received_yuan: '1234.05', received_fen: '123405', allocated_fen: String(json.total.donations.allocatedFen) });

    const xlsx = await file(`/api/dashboard/summary?region=${TOWN}&format=xlsx`, BUREAU);
    expect(xlsx.headers['content-type']).toBe(XLSX);
    expect(xlsx.headers['content-disposition']).toBe('attachment; filename="dashboard-summary.xlsx"');
    const book = await xlsxRows(xlsx.body);
    expect(book.header).toEqual(Object.keys(total));
    expect(book.rows.at(-1)).toMatchObject({ 区划代码: TOWN, 发布需求数: json.total.needs.published, '外部接收（元）': 1234.05, '外部接收（分）': 123_405 });
    expect(book.numFmt('外部接收（元）')).toBe('0.00');
    expect((await xlsxRows((await file(`/api/dashboard/summary?region=${TOWN}&format=xlsx&lang=en`, BUREAU)).body)).header).toEqual(Object.keys(en));
  });

  it('the dashboard figures and drill-down: counts equal the JSON, publishing instants in China time', async () => {
    const figures = (await t.http().get(`/api/dashboard/figures?region=${TOWN}`).set(h(BUREAU)).expect(200)).body;
    const figuresCsv = csvRows((await t.http().get(`/api/dashboard/figures?region=${TOWN}&format=csv`).set(h(BUREAU)).expect(200)).text);
    expect(figuresCsv.at(-1)).toMatchObject({ 时段: 'all', 发布需求数: String(figures.total.published), 已对接需求数: String(figures.total.matched) });
    const figuresXlsx = await xlsxRows((await file(`/api/dashboard/figures?region=${TOWN}&format=xlsx`, BUREAU)).body);
    expect(figuresXlsx.rows.map((r) => [r['时段'], r['发布需求数']])).toEqual(figuresCsv.map((r) => [r['时段'], Number(r['发布需求数'])]));

    const needs = (await t.http().get(`/api/dashboard/needs?region=${TOWN}&figure=published`).set(h(BUREAU)).expect(200)).body;
    const published = needs.items.find((n: { id: string }) => n.id === needId);
    expect(published.publishedAt).toMatch(/Z$/);
    const zh = csvRows((await t.http().get(`/api/dashboard/needs?region=${TOWN}&figure=published&format=csv`).set(h(BUREAU)).expect(200)).text);
    expect(zh.find((r) => r['需求编号'] === needId)).toMatchObject({ 需求标题: '山溪村课桌椅', '发布时间（北京时间）': china(published.publishedAt) });
    const en = csvRows((await t.http().get(`/api/dashboard/needs?region=${TOWN}&figure=published&format=csv&lang=en`).set(h(BUREAU)).expect(200)).text);
    expect(en.find((r) => r.need_id === needId)).toMatchObject({ title: '山溪村课桌椅', published_at_china_time: china(published.publishedAt) });
    const xlsx = await file(`/api/dashboard/needs?region=${TOWN}&figure=published&format=xlsx`, BUREAU);
    expect(xlsx.headers['content-disposition']).toBe('attachment; filename="dashboard-needs.xlsx"');
    expect((await xlsxRows(xlsx.body)).rows.find((r) => r['需求编号'] === needId)).toMatchObject({ '发布时间（北京时间）': china(published.publishedAt), 团队认领数: 0 });
  });

  it('the events behind a money figure: the part in 元 and 分, each event’s instant in China time, as in the JSON', async () => {
    const json = (await t.http().get(`/api/dashboard/figures/received/events?region=${TOWN}`).set(h(BUREAU)).expect(200)).body;
    const events = json.items.flatMap((p: { fen: number; events: Array<{ id: string; occurredAt: string; amount: number; unit: string }> }) => p.events.map((e) => ({ fen: p.fen, ...e })));
    expect(events.map((e: { type: string; amount: number }) => [e.type, e.amount])).toEqual([['DonationReceived', 123_405], ['DonationAllocated', 123_405]]);
    const rows = csvRows((await t.http().get(`/api/dashboard/figures/received/events?region=${TOWN}&format=csv`).set(h(BUREAU)).expect(200)).text);
    const xlsx = (await xlsxRows((await file(`/api/dashboard/figures/received/events?region=${TOWN}&format=xlsx&lang=en`, BUREAU)).body)).rows;
    for (const e of events) {
      expect(rows.find((r) => r['事件编号'] === e.id)).toMatchObject({ '部分金额（元）': yuan(e.fen), '部分金额（分）': String(e.fen), '发生时间（北京时间）': china(e.occurredAt), '事件数量（按单位）': String(e.amount), 事件单位: '分', '事件金额（元）': yuan(e.amount), '事件金额（分）': String(e.amount) });
      expect(xlsx.find((r) => r.event_id === e.id)).toMatchObject({ part_yuan: Number(yuan(e.fen)), part_fen: e.fen, occurred_at_china_time: china(e.occurredAt), event_money_yuan: Number(yuan(e.amount)), event_money_fen: e.amount });
    }
  });

  it('the donations ledger: value in 元 and 分, occurrence in China time, CSV and XLSX', async () => {
    const received = (await t.http().get(`/api/dashboard/figures/received/events?region=${TOWN}`).set(h(BUREAU)).expect(200)).body.items[0].events.find((e: { type: string }) => e.type === 'DonationReceived');
    const csv = await t.http().get('/api/audit/donations/ledger.csv').set(h(AUDITOR)).expect(200);
    expect(csv.headers['content-type']).toMatch(/^text\/csv; charset=utf-8/);
    expect(csv.text.startsWith('\ufeff')).toBe(true);
    const zh = csvRows(csv.text).find((r) => r['事件编号'] === received.id)!;
    expect(zh).toMatchObject({ 事件类型: 'DonationReceived', 捐赠流编号: flowId, '数量（按单位）': '123405', 单位: '分', '价值（元）': '1234.05', '价值（分）': '123405', '发生时间（北京时间）': china(received.occurredAt), 凭证或说明: 'R-001' });
    const en = csvRows((await t.http().get('/api/audit/donations/ledger.csv?lang=en').set(h(AUDITOR)).expect(200)).text).find((r) => r.event_id === received.id)!;
    expect(en).toMatchObject({ type: 'DonationReceived', flow_id: flowId, value_yuan: '1234.05', value_fen: '123405', occurred_at_china_time: china(received.occurredAt) });

    const xlsx = await file('/api/audit/donations/ledger.xlsx', AUDITOR);
    expect(xlsx.headers['content-type']).toBe(XLSX);
    expect(xlsx.headers['content-disposition']).toBe('attachment; filename="donations-ledger.xlsx"');
    const book = await xlsxRows(xlsx.body);
    expect(book.header).toEqual(Object.keys(zh));
    expect(book.rows.find((r) => r['事件编号'] === received.id)).toMatchObject({ '价值（元）': 1234.05, '价值（分）': 123_405, '数量（按单位）': 123_405, '发生时间（北京时间）': china(received.occurredAt) });
    expect(book.numFmt('价值（元）')).toBe('0.00');
    expect((await xlsxRows((await file('/api/audit/donations/ledger.xlsx?lang=en', AUDITOR)).body)).header).toEqual(Object.keys(en));
    await t.http().get('/api/audit/donations/ledger.xlsx').set(h(staffOf(HUB))).expect(403);
  });

  it('refuses a language or format it does not know with problem details', async () => {
    for (const path of [`/api/dashboard/summary?region=${TOWN}&format=csv&lang=fr`, `/api/dashboard/needs?region=${TOWN}&format=pdf`, `/api/dashboard/figures/received/events?region=${TOWN}&lang=EN`, '/api/audit/donations/ledger.csv?lang=de', '/api/audit/donations/ledger.xlsx?lang=']) {
      const res = await t.http().get(path).set(h(path.includes('ledger') ? AUDITOR : BUREAU));
      expect({ path, refused: res.status === 400 || res.status === 422 }).toEqual({ path, refused: true });
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    }
  });
});
