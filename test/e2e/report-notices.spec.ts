import { NoticeClock } from '@shecun/push';
import ExcelJS from 'exceljs';
import { createServer, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { actAs, removeDir, startEmbeddedApp, TestActor, TestApp, testAppConfig, userIdOf, withEnv } from '../support/embedded-app';
import { startSmtpInbox } from '../support/smtp-inbox';
import { until } from '../support/eventually';
import { pdfText } from '../support/pdf-text';

/**
 * Reports filed on the schedule (定期报表) reach the bureau staff who asked for their region's, by
 * 邮件 through a real SMTP server and by 短信 through a local HTTP provider, respecting quiet hours:
 * each person sets the region (their scope or one within it) in their own notice preferences; a
 * filing reaches each of them once, with a link to the console's 报表; filing again sends nothing.
 */
const BASE = 'https://shecun.example.org';
const CITY: TestActor = { id: 'report-notice-qingyuan', role: 'bureau', scope: '4418' };
const COUNTY: TestActor = { id: 'report-notice-liannan', role: 'bureau', scope: '441826' };
const GUANGZHOU: TestActor = { id: 'report-notice-guangzhou', role: 'bureau', scope: '4401' };
const STAFF: TestActor = { id: 'report-notice-staff', role: 'organization', organizationId: 'org-report-notice' };
const ADMIN: TestActor = { id: 'report-notice-admin', role: 'admin' };

/** YYYY-MM of a month's first day (UTC). */
const monthKey = (first: Date) => `${first.getUTCFullYear()}-${String(first.getUTCMonth() + 1).padStart(2, '0')}`;
/** The title of 清远's 月报 of a month YYYY-MM. */
const qingyuanMonthly = (month: string) => `清远市月报（${month.slice(0, 4)}年${Number(month.slice(5))}月）`;

/** HH:MM in China time. */
const chinaTime = (at: Date) => new Date(at.getTime() + 8 * 3_600_000).toISOString().slice(11, 16);

describe('notices of filed reports (定期报表) by e-mail and SMS', () => {
  let t: TestApp;
  let dir = '';
  let offsetMs = 0;
  const clock: NoticeClock = { now: () => new Date(Date.now() + offsetMs) };
  let inbox: Awaited<ReturnType<typeof startSmtpInbox>>;
  let sms: Server;
  const texts: Array<{ messageId: string; to: string; template: string; text: string; params: { needIds: string[] } }> = [];
  let restoreEnv: () => void = () => undefined;
  const h = new Map<TestActor, Record<string, string>>();
  const china = new Date(Date.now() + 8 * 3_600_000);
  const last = new Date(Date.UTC(china.getUTCFullYear(), china.getUTCMonth() - 1, 1));
  const lastMonth = monthKey(last);

  beforeAll(async () => {
    inbox = await startSmtpInbox();
    sms = createServer((req, res) => {
      let body = '';
      req.on('data', (c) => (body += c));
      req.on('end', () => {
        texts.push(JSON.parse(body));
        res.writeHead(202, { 'content-type': 'application/json' }).end('{"accepted":true}');
      });
    });
    await new Promise<void>((r) => sms.listen(0, '127.0.0.1', r));
    restoreEnv = withEnv({
      SMTP_URL: inbox.url,
      PUBLIC_BASE_URL: BASE,
      NOTICE_SMS_URL: `http://127.0.0.1:${(sms.address() as AddressInfo).port}/send`,
      REPORT_SCHEDULE: 'false',
    });
    dir = mkdtempSync(join(tmpdir(), 'shecun-report-notices-'));
    t = await startEmbeddedApp(dir, testAppConfig(dir, { noticeClock: clock }));
    for (const actor of [CITY, COUNTY, GUANGZHOU, STAFF, ADMIN]) h.set(actor, await actAs(t, actor));
  });
  afterAll(async () => {
    await t?.close();
    restoreEnv();
    removeDir(dir);
    await inbox.close();
    sms.close();
  });

  const mailTo = (address: string) => inbox.received.filter((m) => m.to.includes(address));
  const set = (actor: TestActor, body: object) => t.http().post('/api/push/notices/me').set(h.get(actor)!).send(body);
  const file = () => t.http().post('/api/reports/bureau/issued').set(h.get(ADMIN)!).send({ period: lastMonth, reason: '按期归档' });

  it('bureau staff choose the region whose filed reports reach them, within their scope; others cannot', async () => {
    const now = clock.now();
    await set(CITY, { email: 'qingyuan@example.org', channels: ['email'], reportRegion: '4418', reason: '市局每月要看月报' }).expect(200);
    await set(COUNTY, { phone: '13800138001', channels: ['sms'], reportRegion: '441826', quietHours: { from: chinaTime(new Date(now.getTime() - 30 * 60_000)), to: chinaTime(new Date(now.getTime() + 60 * 60_000)) } }).expect(200);
    const events = await t.store.readStream(`push-notices-${userIdOf(CITY)}`);
    expect(events).toEqual([expect.objectContaining({ type: 'NoticePreferencesSet', data: expect.objectContaining({ organizationId: null, reportRegion: '4418', email: 'qingyuan@example.org', reason: '市局每月要看月报' }) })]);
    expect(events[0].metadata).toMatchObject({ actorRole: 'bureau' });
    expect((await t.http().get('/api/push/notices/me').set(h.get(CITY)!).expect(200)).body).toMatchObject({ organizationId: null, preferences: { reportRegion: '4418', channels: ['email'] } });

    const before = await t.eventCount();
    // Outside the scope 403; organization staff have no reports; not a province, city or county 400.
    expect((await set(GUANGZHOU, { email: 'gz@example.org', channels: ['email'], reportRegion: '4418' })).status).toBe(403);
    const staff = await set(STAFF, { email: 'staff@example.org', channels: ['email'], reportRegion: '4418' });
    expect([400, 422]).toContain(staff.status);
    expect(staff.body.detail).toMatch(/^定期报表只通知监管部门/);
    expect([400, 422]).toContain((await set(CITY, { reportRegion: '441826105' })).status);
    expect(await t.eventCount()).toBe(before);
  });

  it('a filed report reaches each person who asked for its region once, with a link to 报表; quiet hours hold the SMS', async () => {
    expect((await file().expect(200)).body.issued).toBeGreaterThan(100);
    const [mail] = await until(() => mailTo('qingyuan@example.org'), (m) => m.length > 0, 'no e-mail arrived');
    expect(mail.subject).toBe(`【社村通】定期报表已归档：清远市月报（${lastMonth}）`);
    expect(mail.text).toContain(`${BASE}/bureau?tab=reports`);
    // The report as filed is attached: its workbook's figures are the filed report's.
    expect(mail.attachments.map((a) => [a.filename, a.contentType])).toEqual([
      [`issued-report-4418-${lastMonth}.xlsx`, 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet'],
      [`issued-report-4418-${lastMonth}.pdf`, 'application/pdf'],
    ]);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(mail.attachments[0].content as unknown as ExcelJS.Buffer);
    const overview = wb.getWorksheet('概况')!;
    const cell = (name: string) => {
      let found: unknown;
      overview.eachRow((row) => {
        if (row.getCell(1).value === name) found = row.getCell(2).value ?? row.getCell(3).value;
      });
      return found;
    };
    const filed = (await t.http().get(`/api/reports/bureau/issued/4418/${lastMonth}`).set(h.get(CITY)!).expect(200)).body;
    expect(cell('报表')).toBe(qingyuanMonthly(lastMonth));
    expect(cell('发布需求数')).toBe(filed.kpis.published);
    // And its PDF, the printable report with the same title and figures.
    const pdf = pdfText(mail.attachments[1].content).split('\n');
    expect(pdf).toContain(qingyuanMonthly(lastMonth));
    expect(pdf[pdf.indexOf('发布需求数') + 1]).toBe(String(filed.kpis.published));
    expect(pdf.join('\n')).not.toContain('\ufffd');
    // Only the city's report: not those of its counties, nor Guangzhou's.
    await new Promise((r) => setTimeout(r, 1500));
    expect(mailTo('qingyuan@example.org')).toHaveLength(1);
    expect(texts).toEqual([]);
    const log = (await t.http().get('/api/push/notices/me/log').set(h.get(CITY)!).expect(200)).body.items;
    expect(log).toEqual([expect.objectContaining({ channel: 'email', kind: 'report', status: 'sent', needIds: [`report-4418-${lastMonth}`] })]);

    offsetMs = 65 * 60_000;
    const [text] = await until(() => texts, (x) => x.length > 0, 'the held SMS was not sent when quiet hours ended');
    expect(text).toMatchObject({ to: '13800138001', template: 'report_notice', params: { needIds: [`report-441826-${lastMonth}`] } });
    expect(text.text).toContain('连南瑶族自治县月报');
  });

  it('filing again sends nothing', async () => {
    expect((await file().expect(200)).body.issued).toBe(0);
    await new Promise((r) => setTimeout(r, 2000));
    expect(mailTo('qingyuan@example.org')).toHaveLength(1);
    expect(texts).toHaveLength(1);
  });

  it('where the push service has no CJK font for the PDF, the e-mail carries the workbook alone', async () => {
    const monthBefore = monthKey(new Date(Date.UTC(last.getUTCFullYear(), last.getUTCMonth() - 1, 1)));
    const restore = withEnv({ REPORT_CJK_FONT: join(dir, 'no-such-font.ttf') });
    try {
      expect((await t.http().post('/api/reports/bureau/issued').set(h.get(ADMIN)!).send({ period: monthBefore, reason: '补归档' }).expect(200)).body.issued).toBeGreaterThan(100);
      const mails = await until(() => mailTo('qingyuan@example.org'), (m) => m.length > 1, 'no e-mail arrived for the second filing');
      expect(mails[1].subject).toBe(`【社村通】定期报表已归档：清远市月报（${monthBefore}）`);
      expect(mails[1].attachments.map((a) => [a.filename, a.contentType])).toEqual([
        [`issued-report-4418-${monthBefore}.xlsx`, 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet'],
      ]);
      // The workbook is the report as filed.
      const wb = new ExcelJS.Workbook();
      await wb.xlsx.load(mails[1].attachments[0].content as unknown as ExcelJS.Buffer);
      const cells: unknown[] = [];
      wb.getWorksheet('概况')!.eachRow((row) => cells.push(...(row.values as unknown[])));
      expect(cells).toContain(qingyuanMonthly(monthBefore));
    } finally {
      restore();
    }
  });
});
