/**
 * 我的通知 in a real browser, against the embedded app with the demo seed and a real SMTP server
 * (the smtp-server package): the demo organization's staff member asks, in plain Chinese, for an
 * e-mail of each new need with quiet hours; a choice without its address is refused on the page
 * and records nothing; the saved choice is one event of theirs; a need published for the
 * organization (outside those quiet hours) arrives by e-mail and shows as 已送达 in their log.
 */
import { userIdFor } from '@shecun/identity';
import { RegionsService } from '@shecun/regions';
import { actAs, COORDINATOR, futureDate, withEnv } from '../support/embedded-app';
import { startSmtpInbox } from '../support/smtp-inbox';
import { choose, newPage, Running, screenshots, sees, settled, signIn, startConsole } from './support/browser';

const ORG = 'org-gz-charity'; // the demo org-staff account's organization
const ADDRESS = 'zhang.san@example.org';

let running: Running;
let inbox: Awaited<ReturnType<typeof startSmtpInbox>>;
let restoreEnv: () => void = () => undefined;

beforeAll(async () => {
  inbox = await startSmtpInbox();
  restoreEnv = withEnv({ SMTP_URL: inbox.url, PUBLIC_BASE_URL: 'https://shecun.example.org', NOTICE_FROM: '社村通 <notices@shecun.example.org>' });
  running = await startConsole();
});
afterAll(async () => {
  await running?.close();
  restoreEnv();
  await inbox?.close();
});

/** Quiet hours that start three hours from now (China time) and last two: the need below is sent at once. */
const chinaHour = (new Date().getUTCHours() + 8) % 24;
const QUIET_FROM = `${String((chinaHour + 3) % 24).padStart(2, '0')}:00`;
const QUIET_TO = `${String((chinaHour + 5) % 24).padStart(2, '0')}:00`;

const noticeEvents = async () => (await running.app.store.readStream(`push-notices-${userIdFor('org-staff')}`)).filter((e) => e.type === 'NoticePreferencesSet');

describe('my notices in the console', () => {
  it('an organization staff member chooses e-mail at once with quiet hours, in plain words', async () => {
    const { page } = await newPage(running);
    await signIn(page, 'org-staff');
    await page.getByRole('link', { name: '我的通知' }).click();
    await sees(page, '用什么方式通知我');
    await settled(page);

    // 短信 chosen without a number: the page says what is missing, and nothing is recorded.
    await page.getByRole('checkbox', { name: '短信' }).check();
    await sees(page, '本系统暂未开通短信通知');
    await page.getByTestId('notice-save').click();
    await sees(page, '选了短信，就请填写手机号码');
    expect(await noticeEvents()).toEqual([]);
    await page.getByRole('checkbox', { name: '短信' }).uncheck();

    await page.getByRole('checkbox', { name: '邮件' }).check();
    await page.getByTestId('notice-email').fill('zhang.san@');
    await page.getByTestId('notice-save').click();
    await sees(page, '请填写正确的邮箱地址');
    await page.getByTestId('notice-email').fill(ADDRESS);
    await page.getByTestId('notice-quiet').click();
    await choose(page, 'notice-quiet-from', QUIET_FROM);
    await choose(page, 'notice-quiet-to', QUIET_TO);
    await page.getByTestId('notice-reason').fill('想及时看到新需求');
    await screenshots(page, 'notices-01-settings');
    await page.getByTestId('notice-save').click();
    await sees(page, '已保存');

    const events = await noticeEvents();
    expect(events).toHaveLength(1);
    expect(events[0].data).toMatchObject({ organizationId: ORG, email: ADDRESS, phone: null, channels: ['email'], frequency: 'immediate', quietHours: { from: QUIET_FROM, to: QUIET_TO }, reason: '想及时看到新需求' });
    // The page shows what was saved after a reload.
    await page.reload();
    await settled(page);
    expect(await page.getByTestId('notice-email').inputValue()).toBe(ADDRESS);
    expect(await page.getByRole('checkbox', { name: '邮件' }).isChecked()).toBe(true);
    await page.context().close();
  });

  it('a need pushed to the organization arrives by e-mail and is in the log as sent', async () => {
    const app = running.app;
    // Every need the ranking offers the organization is pushed to it.
    await app.http().post(`/api/push/${ORG}/settings`).set(await actAs(app, { id: 'notice-browser-staff', role: 'organization', organizationId: ORG })).send({ minimumScore: 0, categories: [], regions: [] }).expect(200);
    const village = app.app.get(RegionsService).children('441826105')[0].code;
    const title = '敬老院冬季棉被（通知测试）';
    const need = await app.http().post('/api/needs').set(await actAs(app, COORDINATOR)).send({
      villageCode: village, title, description: '', category: 'care', dueDate: futureDate(60), autoAccept: false, publish: true,
      lineItems: [{ kind: 'goods', description: '棉被', unit: '床', quantity: 40 }],
    }).expect(201);
    const deadline = Date.now() + 30_000;
    while (!inbox.received.some((m) => m.subject.includes(title)) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
    const mail = inbox.received.find((m) => m.subject.includes(title));
    expect(mail).toMatchObject({ to: [ADDRESS], subject: `【社村通】新需求：${title}` });
    expect(mail!.text).toContain(`https://shecun.example.org/needs/${need.body.needId}`);

    const { page } = await newPage(running);
    await signIn(page, 'org-staff');
    await page.goto('/notices?tab=log');
    await sees(page, `【社村通】新需求：${title}`);
    await sees(page, '已送达');
    await screenshots(page, 'notices-02-log');
    await page.context().close();
  });

  it('bureau staff ask for their region’s filed reports by e-mail; a filing reaches them and shows in their log', async () => {
    const { page } = await newPage(running);
    await signIn(page, 'bureau');
    await page.getByRole('link', { name: '我的通知' }).click();
    await sees(page, '定期报表归档后通知我');
    // Need settings are an organization's, not the bureau's.
    expect(await page.getByTestId('notice-needs').count()).toBe(0);
    await page.getByRole('checkbox', { name: '邮件' }).check();
    await page.getByTestId('notice-email').fill('qingyuan.bureau@example.org');
    await page.getByTestId('notice-reports').click();
    await settled(page);
    await screenshots(page, 'notices-03-bureau-settings');
    await page.getByTestId('notice-save').click();
    await sees(page, '已保存');
    const events = (await running.app.store.readStream(`push-notices-${userIdFor('bureau')}`)).filter((e) => e.type === 'NoticePreferencesSet');
    expect(events.map((e) => e.data)).toEqual([expect.objectContaining({ organizationId: null, reportRegion: '4418', email: 'qingyuan.bureau@example.org', channels: ['email'] })]);

    // An administrator files last month's reports (the demo's log began this month: the schedule filed none).
    const china = new Date(Date.now() + 8 * 3_600_000);
    const last = new Date(Date.UTC(china.getUTCFullYear(), china.getUTCMonth() - 1, 1));
    const lastMonth = `${last.getUTCFullYear()}-${String(last.getUTCMonth() + 1).padStart(2, '0')}`;
    await running.app.http().post('/api/reports/bureau/issued').set(await actAs(running.app, { id: 'notice-browser-admin', role: 'admin' })).send({ period: lastMonth, reason: '通知测试' }).expect(200);
    const subject = `【社村通】定期报表已归档：清远市月报（${lastMonth}）`;
    const deadline = Date.now() + 30_000;
    while (!inbox.received.some((m) => m.subject === subject) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
    expect(inbox.received.filter((m) => m.subject === subject)).toEqual([expect.objectContaining({ to: ['qingyuan.bureau@example.org'] })]);
    expect(inbox.received.find((m) => m.subject === subject)!.attachments.map((a) => a.filename)).toEqual([`issued-report-4418-${lastMonth}.xlsx`, `issued-report-4418-${lastMonth}.pdf`]);
    await page.goto('/notices?tab=log');
    await sees(page, subject);
    await sees(page, '已送达');
    await page.context().close();
  });
});
