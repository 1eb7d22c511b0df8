import { verifyWebhook } from '@shecun/push';
import { createServer, IncomingHttpHeaders, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { actAs, COORDINATOR, futureDate, removeDir, staffOf, startEmbeddedApp, TestApp, testAppConfig } from '../support/embedded-app';
import { registerOrganizations } from '../support/organizations';
import { until } from '../support/eventually';

/**
 * Pushing needs on the embedded app: a published need reaches the organizations its ranking and
 * their preferences select, once each (a revision reaches only those newly selected); the feed,
 * the event stream and a signed webhook that fails twice and is retried to success, every attempt
 * in the delivery log and counted in shecun_webhook_attempts_total.
 */
const NEAR = 'org-push-near'; // education, registered in 连南 (the need's county)
const PICKY = 'org-push-picky'; // education, 广州 (counterpart city of 清远), wants a score of 60 or more
const FAR = 'org-push-far'; // health only, 深圳
const VILLAGE = '441826105201';

describe('push: feed, event stream and signed webhooks', () => {
  let t: TestApp;
  let hook: Server;
  let hookUrl = '';
  const received: { headers: IncomingHttpHeaders; body: string; status: number }[] = [];
  const h = new Map<string, Record<string, string>>();
  let needId = '';

  beforeAll(async () => {
    process.env.PUSH_WEBHOOK_ALLOW_PRIVATE = 'true';
    process.env.PUSH_WEBHOOK_RETRY_BASE_MS = '100';
    hook = createServer((req, res) => {
      let body = '';
      req.on('data', (c) => (body += c));
      req.on('end', () => {
        // The receiver is down for the first two attempts.
        const status = received.length < 2 ? 500 : 200;
        received.push({ headers: req.headers, body, status });
        res.writeHead(status).end();
      });
    });
    await new Promise<void>((r) => hook.listen(0, '127.0.0.1', r));
    hookUrl = `http://127.0.0.1:${(hook.address() as AddressInfo).port}/hooks/shecun`;
    const dir = mkdtempSync(join(tmpdir(), 'shecun-push-'));
    // A short request timeout: the event stream must stay open past it.
    t = await startEmbeddedApp(dir, testAppConfig(dir, { pushDispatch: true, requestTimeoutMs: 1_500 }));
    for (const id of [NEAR, PICKY, FAR]) h.set(id, await actAs(t, staffOf(id)));
    h.set('coordinator', await actAs(t, COORDINATOR));
    await registerOrganizations(t, [
      { id: NEAR, homeDivisionCode: '441826', categories: ['education'] },
      { id: PICKY, homeDivisionCode: '4401', categories: ['education'] },
      { id: FAR, homeDivisionCode: '4403', categories: ['health'] },
    ]);
  });
  afterAll(async () => {
    delete process.env.PUSH_WEBHOOK_ALLOW_PRIVATE;
    delete process.env.PUSH_WEBHOOK_RETRY_BASE_MS;
    await t.close();
    removeDir(t.dataDir);
    hook.close();
  });

  const feed = async (org: string) => (await t.http().get(`/api/push/${org}/feed`).set(h.get(org)!).expect(200)).body.items as { needId: string; score: number; reasons: string[]; trigger: string }[];

  it('organizations set their own preferences only; a webhook to an internal address needs the operator’s consent', async () => {
    await t.http().post(`/api/push/${NEAR}/settings`).set(h.get(NEAR)!).send({ webhookUrl: hookUrl, includeMemberUnits: false }).expect(200);
    await t.http().post(`/api/push/${PICKY}/settings`).set(h.get(PICKY)!).send({ minimumScore: 60 }).expect(200);
    await t.http().post(`/api/push/${NEAR}/settings`).set(h.get(PICKY)!).send({ minimumScore: 0 }).expect(403);
    await t.http().post(`/api/push/${NEAR}/settings`).set(h.get(NEAR)!).send({ minimumScore: 101 }).expect(400);
    await t.http().get(`/api/push/${NEAR}/settings`).set(h.get(PICKY)!).expect(403);
    delete process.env.PUSH_WEBHOOK_ALLOW_PRIVATE;
    const internal = await t.http().post(`/api/push/${FAR}/settings`).set(h.get(FAR)!).send({ webhookUrl: 'http://127.0.0.1:9/x' }).expect(422);
    expect(internal.body.detail).toContain('internal address');
    process.env.PUSH_WEBHOOK_ALLOW_PRIVATE = 'true';
  });

  it('a published need reaches the organizations its ranking and their preferences select', async () => {
    const res = await t.http().post('/api/needs').set(h.get('coordinator')!).send({
      villageCode: VILLAGE, title: '村小学课桌椅', description: '', category: 'education', dueDate: futureDate(60), autoAccept: false, publish: true,
      lineItems: [{ kind: 'goods', description: '课桌椅', unit: '套', quantity: 60 }],
    }).expect(201);
    needId = res.body.needId;
    const items = await until(() => feed(NEAR), (f) => f.length > 0, 'the need never reached the near organization’s feed');
    expect(items).toEqual([expect.objectContaining({ needId, trigger: 'published', reasons: expect.arrayContaining([expect.any(String)]) })]);
    expect(items[0].score).toBeGreaterThanOrEqual(50);
    // Its ranking put the picky organization below its own minimum, and the far one below the default 50.
    const ranking = (await t.http().get(`/api/needs/${needId}/candidates`).set(await actAs(t, { id: 'push-bureau', role: 'bureau', scope: '4418' })).expect(200)).body;
    const scoreOf = (id: string) => (ranking.candidates as { organizationId: string; score: number }[]).find((c) => c.organizationId === id)?.score ?? 0;
    expect(scoreOf(PICKY)).toBeGreaterThanOrEqual(50);
    expect(scoreOf(PICKY)).toBeLessThan(60);
    expect(await feed(PICKY)).toEqual([]);
    expect(await feed(FAR)).toEqual([]);
  });

  it('delivers a signed webhook at least once, retrying failures, every attempt in the log', async () => {
    await until(async () => received.length, (n) => n >= 3, 'the webhook was not retried to success');
    const ids = new Set(received.map((r) => r.headers['x-shecun-delivery']));
    expect(ids.size).toBe(1);
    const { webhookSecret } = (await t.http().get(`/api/push/${NEAR}/settings`).set(h.get(NEAR)!).expect(200)).body;
    for (const r of received) {
      expect(verifyWebhook(webhookSecret, String(r.headers['x-shecun-timestamp']), r.body, String(r.headers['x-shecun-signature']))).toBe(true);
      expect(verifyWebhook(webhookSecret, String(r.headers['x-shecun-timestamp']), r.body.replace(needId, 'another-need'), String(r.headers['x-shecun-signature']))).toBe(false);
    }
    expect(JSON.parse(received[2].body)).toMatchObject({ event: 'need.pushed', needId, organizationId: NEAR, deliveryId: [...ids][0] });
    const log = await until(
      async () => (await t.http().get(`/api/push/${NEAR}/deliveries`).set(h.get(NEAR)!).expect(200)).body.items,
      (items: { status: string }[]) => items[0]?.status === 'delivered',
      'the delivery was not recorded as delivered',
    );
    expect(log).toEqual([expect.objectContaining({ needId, status: 'delivered', attempts: 3, log: [expect.objectContaining({ attempt: 1, statusCode: 500 }), expect.objectContaining({ attempt: 2, statusCode: 500 }), expect.objectContaining({ attempt: 3, statusCode: 200 })] })]);
    // Each attempt's outcome counted on GET /metrics.
    const metrics = (await t.http().get('/metrics').expect(200)).text;
    expect(metrics).toContain('shecun_webhook_attempts_total{outcome="retry"} 2');
    expect(metrics).toContain('shecun_webhook_attempts_total{outcome="delivered"} 1');
    await new Promise((r) => setTimeout(r, 500));
    expect(received).toHaveLength(3);
  });

  it('a revision reaches organizations newly selected, never one that had the need already', async () => {
    await t.http().post(`/api/push/${PICKY}/settings`).set(h.get(PICKY)!).send({ minimumScore: 0 }).expect(200);
    await t.http().post(`/api/needs/${needId}/revise`).set(h.get('coordinator')!).set('If-Match', '*').send({
      title: '村小学课桌椅（增加数量）', description: '', category: 'education', dueDate: futureDate(60), autoAccept: false,
      lineItems: [{ kind: 'goods', description: '课桌椅', unit: '套', quantity: 80 }], reason: '学生人数增加',
    }).expect(200);
    const picky = await until(() => feed(PICKY), (f) => f.length > 0, 'the revised need never reached the picky organization');
    expect(picky).toEqual([expect.objectContaining({ needId, trigger: 'revised' })]);
    // The dispatcher has handled the revision (the picky feed has it); the near organization still has one push.
    expect(await feed(NEAR)).toHaveLength(1);
    expect((await t.store.readStream(`push-${NEAR}`)).map((e) => e.type)).toEqual(['NeedPushed']);
  });

  it('streams pushes as Server-Sent Events, resumable from a feed position', async () => {
    const port = await new Promise<number>((resolve) => {
      const server = t.app.getHttpServer();
      if (server.listening) resolve((server.address() as AddressInfo).port);
      else server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port));
    });
    const controller = new AbortController();
    const res = await fetch(`http://127.0.0.1:${port}/api/push/${NEAR}/feed/stream?after=-1`, { headers: h.get(NEAR)!, signal: controller.signal });
    expect(res.headers.get('content-type')).toMatch(/^text\/event-stream/);
    const reader = res.body!.getReader();
    let text = '';
    const deadline = Date.now() + 10_000;
    while (!/data: .*\n\n/.test(text) && Date.now() < deadline) text += new TextDecoder().decode((await reader.read()).value);
    // Quiet for twice the request timeout: the stream stays open, with no error event.
    const quiet = await Promise.race([reader.read().then((r) => (r.done ? 'ended' : new TextDecoder().decode(r.value))), new Promise<string>((r) => setTimeout(() => r('still open'), 3_000))]);
    expect(quiet).toBe('still open');
    controller.abort();
    const fields = Object.fromEntries(text.trim().split('\n\n')[0].split('\n').map((line) => [line.slice(0, line.indexOf(':')), line.slice(line.indexOf(':') + 2)]));
    expect(fields).toMatchObject({ event: 'need.pushed', id: expect.stringMatching(/^\d+$/) });
    expect(JSON.parse(fields.data)).toMatchObject({ needId, trigger: 'published', position: Number(fields.id) });
    await t.http().get(`/api/push/${NEAR}/feed/stream`).set(h.get(FAR)!).expect(403);
  });
});
