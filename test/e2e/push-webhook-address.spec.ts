import { nonPublicRange, pushSettingsStream } from '@shecun/push';
import { mkdtempSync } from 'node:fs';
import { createServer, Server } from 'node:http';
import { lookup } from 'node:dns/promises';
import { AddressInfo } from 'node:net';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { actAs, COORDINATOR, futureDate, removeDir, staffOf, startEmbeddedApp, TestApp, testAppConfig } from '../support/embedded-app';
import { registerOrganizations } from '../support/organizations';
import { until } from '../support/eventually';

/**
 * Webhooks never reach internal addresses, on the embedded app with a real listener on 127.0.0.1
 * that records every request: setting a URL in any internal form of it is refused with a
 * problem+json and appends nothing; a URL accepted while the operator allowed private addresses
 * (PUSH_WEBHOOK_ALLOW_PRIVATE) but refused at delivery time is logged as a failed attempt and
 * never sent.
 */
const ORG = 'org-hook-guard'; // education, registered in 连南 (the need's county)
const ORG_DNS = 'org-hook-guard-dns'; // the same, its webhook at this machine's own name
const VILLAGE = '441826105201';

describe('push: webhook targets are public addresses only', () => {
  let t: TestApp;
  let hook: Server;
  let port = 0;
  const received: string[] = [];
  const h = new Map<string, Record<string, string>>();

  beforeAll(async () => {
    delete process.env.PUSH_WEBHOOK_ALLOW_PRIVATE;
    process.env.PUSH_WEBHOOK_RETRY_BASE_MS = '100';
    hook = createServer((req, res) => {
      received.push(`${req.method} ${req.url}`);
      res.writeHead(204).end();
    });
    await new Promise<void>((r) => hook.listen(0, '127.0.0.1', r));
    port = (hook.address() as AddressInfo).port;
    const dir = mkdtempSync(join(tmpdir(), 'shecun-push-guard-'));
    t = await startEmbeddedApp(dir, testAppConfig(dir, { pushDispatch: true }));
    for (const id of [ORG, ORG_DNS]) h.set(id, await actAs(t, staffOf(id)));
    h.set('coordinator', await actAs(t, COORDINATOR));
    await registerOrganizations(t, [ORG, ORG_DNS].map((id) => ({ id, homeDivisionCode: '441826', categories: ['education'] })));
  });
  afterAll(async () => {
    delete process.env.PUSH_WEBHOOK_ALLOW_PRIVATE;
    delete process.env.PUSH_WEBHOOK_RETRY_BASE_MS;
    await t.close();
    removeDir(t.dataDir);
    hook.close();
  });


  it('refuses internal forms of the listener’s address with a problem+json and appends nothing', async () => {
    const before = (await t.store.readStream(pushSettingsStream(ORG))).length;
    const forms = [
      `http://127.0.0.1:${port}/hook`,
      `http://localhost:${port}/hook`,
      `http://localhost.:${port}/hook`,
      `http://2130706433:${port}/hook`,
      `http://0177.0.0.1:${port}/hook`,
      `http://0x7f.1:${port}/hook`,
      `http://127.1:${port}/hook`,
      `http://[::1]:${port}/hook`,
      `http://[::ffff:127.0.0.1]:${port}/hook`,
      `http://[::ffff:0:7f00:1]:${port}/hook`,
      `http://[64:ff9b::7f00:1]:${port}/hook`,
      `http://[2002:7f00:1::]:${port}/hook`,
      `http://169.254.169.254/latest/meta-data/`,
      `http://198.18.0.1:${port}/hook`,
    ];
    for (const webhookUrl of forms) {
      const res = await t.http().post(`/api/push/${ORG}/settings`).set(h.get(ORG)!).send({ webhookUrl });
      expect({ webhookUrl, status: res.status }).toEqual({ webhookUrl, status: 422 });
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(res.body).toMatchObject({ status: 422, webhookUrl, detail: expect.stringMatching(/^webhookUrl 指向(内部地址|本机) .*\(webhookUrl .*internal address.*\)$/) });
    }
    const credentials = await t.http().post(`/api/push/${ORG}/settings`).set(h.get(ORG)!).send({ webhookUrl: `http://user:pw@8.8.8.8/hook` }).expect(422);
    expect(credentials.body.detail).toBe('webhookUrl 不能包含用户名或密码 (webhookUrl must not carry credentials)');
    const port22 = await t.http().post(`/api/push/${ORG}/settings`).set(h.get(ORG)!).send({ webhookUrl: `http://8.8.8.8:22/hook` }).expect(422);
    expect(port22.body.detail).toContain('(the port 22 is not allowed');
    const scheme = await t.http().post(`/api/push/${ORG}/settings`).set(h.get(ORG)!).send({ webhookUrl: `gopher://127.0.0.1:${port}/_` }).expect(400);
    expect(JSON.stringify(scheme.body)).toContain('webhookUrl 必须是 http(s) 网址 (webhookUrl must be an http(s) URL)');
    expect((await t.store.readStream(pushSettingsStream(ORG))).length).toBe(before);
    expect(received).toEqual([]);
  });

  it('a URL that resolves to an internal address at delivery time is logged as failed and never sent', async () => {
    // This machine's own name, as the system resolver answers it (/etc/hosts: loopback here), when
    // that answer is internal; otherwise the organization's URL names localhost like the other's.
    const own = hostname();
    const ownAddresses = await lookup(own, { all: true }).catch(() => []);
    const ownIsInternal = ownAddresses.length > 0 && ownAddresses.every((a) => nonPublicRange(a.address) !== null);
    const urls: Record<string, string> = { [ORG]: `http://localhost:${port}/hook`, [ORG_DNS]: `http://${ownIsInternal ? own : 'localhost'}:${port}/hook` };
    // Accepted while the operator allows private addresses, then the allowance is withdrawn.
    process.env.PUSH_WEBHOOK_ALLOW_PRIVATE = 'true';
    for (const id of [ORG, ORG_DNS]) await t.http().post(`/api/push/${id}/settings`).set(h.get(id)!).send({ webhookUrl: urls[id], minimumScore: 0 }).expect(200);
    delete process.env.PUSH_WEBHOOK_ALLOW_PRIVATE;
    await t.http().post('/api/needs').set(h.get('coordinator')!).send({
      villageCode: VILLAGE, title: '村小学图书角', description: '', category: 'education', dueDate: futureDate(60), autoAccept: false, publish: true,
      lineItems: [{ kind: 'goods', description: '图书', unit: '册', quantity: 500 }],
    }).expect(201);
    type Delivery = { status: string; attempts: number; lastError: string; log: { statusCode: number | null; error: string }[] };
    const deliveries = async (id: string) =>
      until(
        async () => (await t.http().get(`/api/push/${id}/deliveries`).set(h.get(id)!).expect(200)).body.items as Delivery[],
        (items) => items[0]?.attempts >= 2,
        `no delivery attempt was logged for ${id}`,
      );
    const [byName, byDns] = [await deliveries(ORG), await deliveries(ORG_DNS)];
    expect(byName[0].lastError).toMatch(/^未发送：webhookUrl 指向本机 localhost.*\(webhookUrl names the local host localhost, an internal address\)$/);
    if (ownIsInternal) expect(byDns[0].lastError).toMatch(new RegExp(`^未发送：webhookUrl 指向内部地址 .*\\(webhookUrl resolves to the internal address ${ownAddresses[0].address.replace(/\./g, '\\.')}, range `));
    for (const d of [...byName, ...byDns]) {
      expect(d.status).not.toBe('delivered');
      for (const attempt of d.log) expect(attempt).toMatchObject({ statusCode: null, error: expect.stringContaining('未发送') });
    }
    expect(received).toEqual([]);
  });
});
