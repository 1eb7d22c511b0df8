import { NoticeClock, NoticeMessage } from '@shecun/push';
import { DataSource } from 'typeorm';
import { createServer, IncomingHttpHeaders, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { actAs, COORDINATOR, futureDate, removeDir, startEmbeddedApp, TestActor, TestApp, testAppConfig, userIdOf, withEnv } from '../support/embedded-app';
import { registerOrganizations } from '../support/organizations';
import { startSmtpInbox } from '../support/smtp-inbox';
import { until } from '../support/eventually';

/**
 * 邮件 and 短信 notices on the embedded app, through a real SMTP server and a local HTTP SMS
 * provider: each person of an organization sets their own preferences; needs pushed to the
 * organization reach them at once, after their quiet hours, or in their daily digest (the test
 * advances the notice clock); a refusing SMTP server is retried and the message sent once; a
 * restart sends nothing again, and a send cut off mid-way goes again once its claim runs out.
 */
const ORG = 'org-notice-near'; // education, registered in 连南 (the needs' county)
const VILLAGE = '441826105201';
const BASE = 'https://shecun.example.org';

const person = (id: string): TestActor => ({ id, role: 'organization', organizationId: ORG });
const AT_ONCE = person('notice-at-once');
const QUIET = person('notice-quiet');
const DIGEST = person('notice-digest');
const SMS = person('notice-sms');
const FLAKY = person('notice-flaky');

/** HH:MM in China time. */
const chinaTime = (at: Date) => new Date(at.getTime() + 8 * 3_600_000).toISOString().slice(11, 16);

describe('notices by e-mail and SMS', () => {
  let t: TestApp;
  let dir = '';
  let offsetMs = 0;
  const clock: NoticeClock = { now: () => new Date(Date.now() + offsetMs) };
  let inbox: Awaited<ReturnType<typeof startSmtpInbox>>;
  let flakyRefusals = 2;
  let sms: Server;
  const texts: { headers: IncomingHttpHeaders; body: { messageId: string; to: string; text: string; params: { needIds: string[] } } }[] = [];
  let restoreEnv: () => void = () => undefined;
  const h = new Map<TestActor, Record<string, string>>();
  const needs: string[] = [];

  beforeAll(async () => {
    inbox = await startSmtpInbox((to) => to.includes('flaky@example.org') && flakyRefusals-- > 0);
    sms = createServer((req, res) => {
      let body = '';
      req.on('data', (c) => (body += c));
      req.on('end', () => {
        texts.push({ headers: req.headers, body: JSON.parse(body) });
        res.writeHead(202, { 'content-type': 'application/json' }).end('{"accepted":true}');
      });
    });
    await new Promise<void>((r) => sms.listen(0, '127.0.0.1', r));
    restoreEnv = withEnv({
      SMTP_URL: inbox.url,
      NOTICE_FROM: '社村通 <notices@shecun.example.org>',
      PUBLIC_BASE_URL: BASE,
      NOTICE_SMS_URL: `http://127.0.0.1:${(sms.address() as AddressInfo).port}/send`,
      NOTICE_SMS_TOKEN: 'sms-test-token',
      NOTICE_RETRY_BASE_MS: '100',
    });
    dir = mkdtempSync(join(tmpdir(), 'shecun-notices-'));
    t = await startEmbeddedApp(dir, testAppConfig(dir, { pushDispatch: true, noticeClock: clock }));
    for (const actor of [AT_ONCE, QUIET, DIGEST, SMS, FLAKY]) h.set(actor, await actAs(t, actor));
    await registerOrganizations(t, [{ id: ORG, homeDivisionCode: '441826', categories: ['education'] }]);
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
  async function publish(title: string): Promise<string> {
    const res = await t.http().post('/api/needs').set(await actAs(t, COORDINATOR)).send({
      villageCode: VILLAGE, title, description: '', category: 'education', dueDate: futureDate(60), autoAccept: false, publish: true,
      lineItems: [{ kind: 'goods', description: title, unit: '套', quantity: 10 }],
    }).expect(201);
    needs.push(res.body.needId);
    return res.body.needId;
  }

  it('each person sets their own preferences, as an event with who, when and why; bad input is refused in Chinese and appends nothing', async () => {
    const now = clock.now();
    await set(AT_ONCE, { email: 'at-once@example.org', channels: ['email'], reason: '想第一时间看到新需求' }).expect(200);
    await set(QUIET, { email: 'quiet@example.org', channels: ['email'], quietHours: { from: chinaTime(new Date(now.getTime() - 30 * 60_000)), to: chinaTime(new Date(now.getTime() + 60 * 60_000)) } }).expect(200);
    await set(DIGEST, { email: 'digest@example.org', channels: ['email'], frequency: 'daily', digestAt: chinaTime(new Date(now.getTime() + 2 * 3_600_000)) }).expect(200);
    await set(SMS, { phone: '13800138000', channels: ['sms'] }).expect(200);
    await set(FLAKY, { email: 'flaky@example.org', channels: ['email'] }).expect(200);

    const events = await t.store.readStream(`push-notices-${userIdOf(AT_ONCE)}`);
    expect(events).toEqual([expect.objectContaining({ type: 'NoticePreferencesSet', data: expect.objectContaining({ organizationId: ORG, email: 'at-once@example.org', channels: ['email'], reason: '想第一时间看到新需求' }) })]);
    expect(events[0].metadata).toMatchObject({ actorId: userIdOf(AT_ONCE), actorRole: 'organization', actorOrganizationId: ORG, occurredAt: (events[0].data as { setAt: string }).setAt });

    const coordinator = await actAs(t, COORDINATOR);
    const before = await t.eventCount();
    for (const bad of [{ email: 'not-an-address' }, { channels: ['fax'] }, { quietHours: { from: '25:00', to: '07:00' } }, { quietHours: 'night' }, { frequency: 'hourly' }, { phone: '12345' }, { digestAt: 8 }, { channels: ['sms'], phone: null }]) {
      const res = await set(DIGEST, bad);
      expect({ bad, status: res.status, type: res.headers['content-type'] }).toEqual({ bad, status: expect.any(Number), type: expect.stringMatching(/^application\/problem\+json/) });
      expect(res.status).toBeGreaterThanOrEqual(400);
      expect(res.status).toBeLessThan(500);
      expect(res.body.detail).toMatch(/^[\u4e00-\u9fff]/);
    }
    await t.http().post('/api/push/notices/me').set(coordinator).send({ email: 'c@example.org' }).expect(403);
    expect(await t.eventCount()).toBe(before);

    const mine = (await t.http().get('/api/push/notices/me').set(h.get(QUIET)!).expect(200)).body;
    expect(mine).toMatchObject({ userId: userIdOf(QUIET), organizationId: ORG, preferences: { email: 'quiet@example.org', channels: ['email'], frequency: 'immediate' }, available: ['email', 'sms'] });
  });

  it('a matching need reaches the person at once by e-mail, in Chinese with its title and a link, and by SMS through the provider', async () => {
    const needId = await publish('村小学课桌椅');
    const [mail] = await until(() => mailTo('at-once@example.org'), (m) => m.length > 0, 'no e-mail arrived');
    expect(mail.subject).toBe('【社村通】新需求：村小学课桌椅');
    expect(mail.text).toContain('村小学课桌椅');
    expect(mail.text).toContain(`${BASE}/needs/${needId}`);
    expect(mail.headers.from).toContain('notices@shecun.example.org');

    const [text] = await until(() => texts, (x) => x.length > 0, 'no SMS was posted');
    expect(text.headers.authorization).toBe('Bearer sms-test-token');
    expect(text.body).toMatchObject({ to: '13800138000', params: { needIds: [needId] } });
    expect(text.headers['idempotency-key']).toBe(text.body.messageId);
    expect(text.body.text).toContain('村小学课桌椅');

    const log = await until(async () => (await t.http().get('/api/push/notices/me/log').set(h.get(AT_ONCE)!).expect(200)).body.items, (items: { status: string }[]) => items[0]?.status === 'sent', 'not logged as sent');
    expect(log).toEqual([expect.objectContaining({ channel: 'email', recipient: 'at-once@example.org', status: 'sent', attempts: 1, needIds: [needId], kind: 'immediate' })]);
  });

  it('a refusing SMTP server is retried until it accepts, and the message arrives once', async () => {
    const [mail] = await until(() => mailTo('flaky@example.org'), (m) => m.length > 0, 'the retried e-mail never arrived');
    expect(inbox.refused.filter((to) => to.includes('flaky@example.org'))).toHaveLength(2);
    expect(mail.subject).toBe('【社村通】新需求：村小学课桌椅');
    const log = await until(async () => (await t.http().get('/api/push/notices/me/log').set(h.get(FLAKY)!).expect(200)).body.items, (items: { status: string }[]) => items[0]?.status === 'sent', 'not logged as sent');
    expect(log).toEqual([expect.objectContaining({ status: 'sent', attempts: 3, lastError: null })]);
    await new Promise((r) => setTimeout(r, 1500));
    expect(mailTo('flaky@example.org')).toHaveLength(1);
  });

  it('a need published in quiet hours is held until they end, then sent once', async () => {
    await new Promise((r) => setTimeout(r, 1500));
    expect(mailTo('quiet@example.org')).toEqual([]);
    const held = (await t.http().get('/api/push/notices/me/log').set(h.get(QUIET)!).expect(200)).body;
    expect(held.total).toBe(0);
    offsetMs = 65 * 60_000;
    const [mail] = await until(() => mailTo('quiet@example.org'), (m) => m.length > 0, 'the held e-mail was not sent when quiet hours ended');
    expect(mail.subject).toBe('【社村通】新需求：村小学课桌椅');
    await new Promise((r) => setTimeout(r, 1500));
    expect(mailTo('quiet@example.org')).toHaveLength(1);
  });

  it('a daily digest groups the needs of the day into one e-mail at its time', async () => {
    const second = await publish('卫生室血压计');
    await until(() => mailTo('at-once@example.org'), (m) => m.length === 2, 'the second need did not arrive at once');
    await until(() => mailTo('quiet@example.org'), (m) => m.length === 2, 'after quiet hours the second need arrives at once');
    expect(mailTo('digest@example.org')).toEqual([]);
    offsetMs = 2 * 3_600_000 + 5 * 60_000;
    const [digest] = await until(() => mailTo('digest@example.org'), (m) => m.length > 0, 'the digest was not sent at its time');
    expect(digest.subject).toBe('【社村通】每日摘要：2 条新需求');
    expect(digest.text).toContain('村小学课桌椅');
    expect(digest.text).toContain('卫生室血压计');
    expect(digest.text).toContain(`${BASE}/needs/${needs[0]}`);
    expect(digest.text).toContain(`${BASE}/needs/${second}`);
    await new Promise((r) => setTimeout(r, 1500));
    expect(mailTo('digest@example.org')).toHaveLength(1);
  });

  it('after a restart nothing already sent is sent again', async () => {
    await until(() => texts, (x) => x.length === 2, 'the second SMS');
    const counts = () => ({ mail: inbox.received.length, texts: texts.length });
    const before = counts();
    await t.close();
    t = await startEmbeddedApp(dir, testAppConfig(dir, { pushDispatch: true, noticeClock: clock }));
    await new Promise((r) => setTimeout(r, 3000));
    expect(counts()).toEqual(before);
    expect(before).toEqual({ mail: 2 + 2 + 1 + 2, texts: 2 });
  });

  it('a send a stop cut off is tried again once its claim has run out, not before', async () => {
    // As a process leaves them when it stops mid-send: claimed, not marked sent.
    const messages = t.app.get(DataSource).getRepository(NoticeMessage);
    const [first, second] = await messages.find({ where: { recipient: 'at-once@example.org' }, order: { createdAt: 'ASC' } });
    const now = clock.now().getTime();
    await messages.update({ id: first.id }, { status: 'sending', sentAt: null, nextAttemptAt: new Date(now - 1000).toISOString() });
    await messages.update({ id: second.id }, { status: 'sending', sentAt: null, nextAttemptAt: new Date(now + 60_000).toISOString() });
    const [again] = await until(() => mailTo('at-once@example.org').slice(2), (m) => m.length > 0, 'the cut-off send was not tried again');
    expect(again.headers['message-id']).toBe(mailTo('at-once@example.org')[0].headers['message-id']);
    await new Promise((r) => setTimeout(r, 1500));
    expect(mailTo('at-once@example.org')).toHaveLength(3);
    expect((await messages.findOneBy({ id: second.id }))?.status).toBe('sending');
  });
});
