import { CommandBus } from '@nestjs/cqrs';
import { Actor, SYSTEM_ACTOR } from '@shecun/core';
import { BureauReports, ReportIssuer, reportRegions } from '@shecun/monitoring';
import { ExecuteNeedCommand, NeedCommand } from '@shecun/needs';
import { RegionsService } from '@shecun/regions';
import ExcelJS from 'exceljs';
import { randomUUID } from 'node:crypto';
import type { Response } from 'supertest';
import { actAs, removeDir, startEmbeddedApp, TestActor, TestApp, withEnv } from '../support/embedded-app';
import { pdfText } from '../support/pdf-text';

/**
 * Reports filed on a schedule (定期报表) on the embedded app: once a month and a quarter have ended,
 * the issuer files the 月报 and 季报 of the province, every city and every county once, as they
 * then were; the bureau lists and downloads them (JSON, XLSX, PDF) within its scope; a need
 * published into the period afterwards changes the report asked for on request, never the issued
 * one. Needs are driven through the real command path at instants in the first quarter-ending
 * month after today (the issuer files nothing for periods that ended before the log's first event).
 */

const V1 = '441826105201'; // 山溪村, 三排镇, 连南瑶族自治县 (441826), 清远市 (4418)
const V3 = '441802006001'; // 高基里社区, 清城区 (441802), 清远市
const SANPAI: Actor = { id: 'sched-coord-sanpai', role: 'coordinator', scope: '441826105' };
const FENGCHENG: Actor = { id: 'sched-coord-fengcheng', role: 'coordinator', scope: '441802006' };
const CITY: TestActor = { id: 'sched-bureau-qingyuan', role: 'bureau', scope: '4418' };
const COUNTY: TestActor = { id: 'sched-bureau-liannan', role: 'bureau', scope: '441826' };
const ADMIN: TestActor = { id: 'sched-admin', role: 'admin' };
const cst = (local: string) => new Date(`${local.replace(' ', 'T')}:00+08:00`);

/** The first month after this one that ends a quarter (YYYY-MM), its quarter, and the months before and after it. */
function nextQuarterEnd(now = new Date()): { month: string; quarter: string; previous: string; next: string } {
  const local = new Date(now.getTime() + 8 * 3_600_000);
  let year = local.getUTCFullYear();
  let month = local.getUTCMonth() + 2; // the month after this one, 1-based
  while (month % 3 !== 0) month += 1;
  if (month > 12) {
    year += 1;
    month -= 12;
  }
  const key = `${year}-${String(month).padStart(2, '0')}`;
  const next = month === 12 ? `${year + 1}-01` : `${year}-${String(month + 1).padStart(2, '0')}`;
  return { month: key, quarter: `${year}-Q${month / 3}`, previous: `${year}-${String(month - 1).padStart(2, '0')}`, next };
}

const binary = (res: Response, done: (err: Error | null, body: Buffer) => void) => {
  const chunks: Buffer[] = [];
  res.on('data', (c: Buffer) => chunks.push(c));
  res.on('end', () => done(null, Buffer.concat(chunks)));
};

describe('scheduled reports (定期报表)', () => {
  let t: TestApp;
  let restore: () => void;
  const as = new Map<string, Record<string, string>>();
  const h = (a: TestActor) => as.get(a.id)!;
  const { month, quarter, previous, next } = nextQuarterEnd();
  const issueAt = cst(`${next}-01 02:00`);

  const publish = async (village: string, title: string, coordinator: Actor, at: string) => {
    const command: NeedCommand = {
      type: 'DraftNeed', needId: randomUUID(), villageCode: village, title, description: '', category: 'education', dueDate: null, autoAccept: false, publish: true,
      lineItems: [{ kind: 'goods', description: '课桌', unit: '张', quantity: 10 }],
    };
    await t.app.get(CommandBus).execute(new ExecuteNeedCommand(command.needId, command, { actor: coordinator, commandId: randomUUID(), correlationId: randomUUID() }, cst(at)));
  };
  const settle = async () => t.projections.waitFor(await t.store.headPosition());
  const issuedEvents = async () => (await t.store.readAll(-1, 100_000)).filter((e) => e.type === 'BureauReportIssued');

  beforeAll(async () => {
    // The schedule's own timer is off: the test runs its rounds at chosen instants.
    restore = withEnv({ REPORT_SCHEDULE: 'false', NEED_EXPIRY_SWEEP: 'false' });
    t = await startEmbeddedApp();
    for (const a of [CITY, COUNTY, ADMIN]) as.set(a.id, await actAs(t, a));
    await publish(V1, '山溪村课桌', SANPAI, `${month}-03 09:00`);
    await publish(V3, '高基里社区课桌', FENGCHENG, `${month}-20 09:00`);
    await settle();
  });

  afterAll(async () => {
    await t.close();
    restore();
    removeDir(t.dataDir);
  });

  it('files each region’s 月报 and 季报 once, by the platform, with the figures of the moment', async () => {
    const issuer = t.app.get(ReportIssuer);
    const regions = reportRegions(t.app.get(RegionsService));
    expect(regions.length).toBeGreaterThan(100); // the province, 21 cities, their counties

    // Half an hour into the next month the period is not due yet (its last events may still be coming in):
    // the month before it is (the platform ran then), each region's once.
    const early = await issuer.issueDue(cst(`${next}-01 00:30`));
    expect(early.issued).toEqual(regions.map((r) => `${r} ${previous}`));
    // Reports are made only from read models that have applied the whole log (a round finding them behind is deferred).
    await settle();

    const round = await issuer.issueDue(issueAt);
    expect(round.issued).toHaveLength(regions.length * 2);
    expect(round.issued).toEqual(expect.arrayContaining([`4418 ${month}`, `4418 ${quarter}`, `44 ${month}`, `441826 ${quarter}`]));
    await settle();
    // A second round, or a later one, files nothing again.
    expect(await issuer.issueDue(issueAt)).toEqual({ issued: [], already: regions.length * 2, position: null });
    expect((await issuer.issueDue(new Date(issueAt.getTime() + 86_400_000))).issued).toEqual([]);

    const events = await issuedEvents();
    expect(events).toHaveLength(regions.length * 3);
    const city = events.find((e) => e.streamName === `report-4418-${month}`)!;
    expect(city.metadata).toMatchObject({ actorId: 'system', actorRole: 'system', occurredAt: issueAt.toISOString() });
    expect(city.data).toMatchObject({ region: '4418', period: month, kind: 'month', issuedAt: issueAt.toISOString(), reason: expect.stringContaining('定期报表') });
    // The issued figures are the report as made at that moment from the read models.
    const made = await t.app.get(BureauReports).report(SYSTEM_ACTOR, '4418', month, issueAt);
    expect((city.data as { report: unknown }).report).toEqual(made);
    expect(made.kpis.published).toBe(2);
  });

  it('lists them for the bureau within its scope, newest first, and serves each as issued in JSON, XLSX and PDF', async () => {
    const own = (await t.http().get('/api/reports/bureau/issued').set(h(CITY)).expect(200)).body;
    expect(own.items.map((i: { period: string }) => i.period)).toEqual([quarter, month, previous]);
    expect(own.items[0]).toMatchObject({ region: '4418', regionName: '清远市', issuedAt: issueAt.toISOString() });
    expect(own.items.map((i: { title: string }) => i.title)).toEqual(expect.arrayContaining([expect.stringMatching(/^清远市月报（\d{4}年\d{1,2}月）$/), expect.stringMatching(/^清远市季报/)]));
    const within = (await t.http().get('/api/reports/bureau/issued?within=true&pageSize=100').set(h(CITY)).expect(200)).body;
    const counties = t.app.get(RegionsService).children('4418').length;
    expect(within.total).toBe((1 + counties) * 3);
    // A county's bureau sees its own; the city's are outside its scope.
    expect((await t.http().get('/api/reports/bureau/issued').set(h(COUNTY)).expect(200)).body.items.every((i: { region: string }) => i.region === '441826')).toBe(true);
    const refused = await t.http().get(`/api/reports/bureau/issued/4418/${month}`).set(h(COUNTY)).expect(403);
    expect(refused.headers['content-type']).toMatch(/problem\+json/);
    await t.http().get('/api/reports/bureau/issued?region=4401').set(h(COUNTY)).expect(403);
    await t.http().get('/api/reports/bureau/issued/441826/2020-01').set(h(COUNTY)).expect(404);
    await t.http().get('/api/reports/bureau/issued/441826/2020-13').set(h(COUNTY)).expect((r) => expect(r.status).toBeGreaterThanOrEqual(400));
    const bad = await t.http().get(`/api/reports/bureau/issued/441826/${month}?format=doc`).set(h(COUNTY));
    expect([400, 422]).toContain(bad.status);

    const json = (await t.http().get(`/api/reports/bureau/issued/4418/${month}`).set(h(CITY)).expect(200)).body;
    expect(json).toMatchObject({ region: { code: '4418' }, period: { key: month }, issuedAt: issueAt.toISOString(), kpis: { published: 2 } });
    const xlsx = await t.http().get(`/api/reports/bureau/issued/4418/${month}?format=xlsx`).set(h(CITY)).buffer(true).parse(binary).expect(200);
    expect(xlsx.headers['content-disposition']).toBe(`attachment; filename="issued-report-4418-${month}.xlsx"`);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(xlsx.body as unknown as ExcelJS.Buffer);
    expect(wb.worksheets.map((w) => w.name)).toContain('概况');
    const pdf = await t.http().get(`/api/reports/bureau/issued/4418/${month}?format=pdf`).set(h(CITY)).buffer(true).parse(binary).expect(200);
    expect((pdf.body as Buffer).subarray(0, 5).toString()).toBe('%PDF-');
    expect(pdfText(pdf.body as Buffer)).toContain('清远市');
  });

  it('keeps the issued figures when the period’s events change afterwards; the report on request shows the change', async () => {
    await publish(V1, '山溪村补报的需求', SANPAI, `${month}-25 09:00`);
    await settle();
    const onRequest = (await t.http().get(`/api/reports/bureau?region=4418&period=${month}`).set(h(CITY)).expect(200)).body;
    expect(onRequest.kpis.published).toBe(3);
    const issued = (await t.http().get(`/api/reports/bureau/issued/4418/${month}`).set(h(CITY)).expect(200)).body;
    expect(issued.kpis.published).toBe(2);
    expect((await t.app.get(ReportIssuer).issueDue(issueAt)).issued).toEqual([]);
    expect(await issuedEvents()).toHaveLength(reportRegions(t.app.get(RegionsService)).length * 3);
  });

  it('lets an administrator file an ended period the schedule did not (before the log began), with the reason, each report once', async () => {
    const china = new Date(Date.now() + 8 * 3_600_000);
    const thisMonth = `${china.getUTCFullYear()}-${String(china.getUTCMonth() + 1).padStart(2, '0')}`;
    const last = new Date(Date.UTC(china.getUTCFullYear(), china.getUTCMonth() - 1, 1));
    const lastMonth = `${last.getUTCFullYear()}-${String(last.getUTCMonth() + 1).padStart(2, '0')}`;
    const file = (actor: TestActor, body: object, key = randomUUID()) => t.http().post('/api/reports/bureau/issued').set(h(actor)).set('Idempotency-Key', key).send(body);
    const before = (await issuedEvents()).length;

    expect((await file(CITY, { period: lastMonth, reason: '补发' })).status).toBe(403);
    const open = await file(ADMIN, { period: thisMonth, reason: '本月还没结束' });
    expect(open.status).toBe(409);
    expect(open.body.detail).toMatch(/^报告期 .* 尚未结束/);
    for (const body of [{ period: '2026-13', reason: '补发' }, { period: lastMonth }, { period: lastMonth, reason: ' ' }]) {
      expect([400, 422]).toContain((await file(ADMIN, body)).status);
    }
    expect(await issuedEvents()).toHaveLength(before);

    const key = randomUUID();
    const reason = '平台上线前一个月的报表，按市局要求补发';
    const filed = await file(ADMIN, { period: lastMonth, reason }, key).expect(200);
    const regions = reportRegions(t.app.get(RegionsService)).length;
    expect(filed.body).toMatchObject({ period: lastMonth, issued: regions, already: 0, position: expect.any(Number) });
    // The same request again answers the same; another one files nothing new.
    expect((await file(ADMIN, { period: lastMonth, reason }, key).expect(200)).body).toEqual(filed.body);
    expect((await file(ADMIN, { period: lastMonth, reason }).expect(200)).body).toMatchObject({ issued: 0, already: regions, position: null });
    const events = (await issuedEvents()).filter((e) => (e.data as { period: string }).period === lastMonth);
    expect(events).toHaveLength(regions);
    expect(events[0].metadata).toMatchObject({ actorRole: 'admin' });
    expect(events[0].metadata.actorId).not.toBe('system');
    expect(events[0].data).toMatchObject({ reason });
    // The city's bureau finds it among its filed reports.
    const list = (await t.http().get('/api/reports/bureau/issued?pageSize=100').set(h(CITY)).set('X-Min-Position', String(filed.body.position)).expect(200)).body;
    expect(list.items.map((i: { period: string }) => i.period)).toContain(lastMonth);
  });
});
