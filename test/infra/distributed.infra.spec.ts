import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { provisionDistributed, tokenKeys, untilAuthorized } from '../support/distributed-identity';
import { createTestDatabase } from '../support/pg';
import { requireBuild } from '../support/child-app';
import { makeCreditCode } from '@shecun/organizations';
import { ServiceProcess, startService, waitForHealth } from '../support/processes';

const KAFKA_BROKERS = process.env.KAFKA_BROKERS ?? '127.0.0.1:19092';

/**
 * The distributed topology as separate processes sharing nothing but the event store
 * (PostgreSQL here) and Kafka: needs, organizations and donations services, relay, projector, gateway.
 */
describe('distributed topology on real PostgreSQL and Kafka', () => {
  const prefix = `t${randomBytes(4).toString('hex')}.`;
  const dbs: Array<Awaited<ReturnType<typeof createTestDatabase>>> = [];
  const services: ServiceProcess[] = [];
  let gateway: ServiceProcess;
  let coordinator: Record<string, string>;
  let staff: Record<string, string>;
  const others: Record<string, Record<string, string>> = {};
  /** The need the first test publishes (三排镇, health) and org-1 offers on. */
  let publishedNeedId: string;

  beforeAll(async () => {
    requireBuild();
    const [events, read, needs, organizations, donations, push] = await Promise.all(
      ['shecun_events', 'shecun_read', 'shecun_needs', 'shecun_organizations', 'shecun_donations', 'shecun_push'].map((name) => createTestDatabase(name)),
    );
    dbs.push(events, read, needs, organizations, donations, push);
    const keys = tokenKeys(mkdtempSync(join(tmpdir(), 'shecun-keys-')));
    const common = { EVENT_STORE_URL: events.url, KAFKA_BROKERS, TOPIC_PREFIX: prefix };
    const users = await provisionDistributed(
      events.url,
      keys.tokens,
      [
        { username: 'cadre-01', grant: { role: 'coordinator', scope: '441826105' } },
        { username: 'staff-org-1', grant: { role: 'organization', organizationId: 'org-1' } },
        { username: 'registrar-44', grant: { role: 'bureau', scope: '44' } },
        { username: 'staff-org-hub', grant: { role: 'hub', organizationId: 'org-hub' } },
        { username: 'auditor-44', grant: { role: 'auditor', scope: '44' } },
        { username: 'admin-gd', grant: { role: 'admin' } },
      ],
      ['org-1'],
    );
    coordinator = { ...users['cadre-01'], 'content-type': 'application/json' };
    staff = { ...users['staff-org-1'], 'content-type': 'application/json' };
    for (const name of ['registrar-44', 'staff-org-hub', 'auditor-44', 'admin-gd']) others[name] = { ...users[name], 'content-type': 'application/json' };
    const needsService = await startService('needs-service', { ...common, ...keys.verifierEnv, DATABASE_URL: needs.url });
    const organizationsService = await startService('organizations-service', { ...common, ...keys.verifierEnv, DATABASE_URL: organizations.url });
    const donationsService = await startService('donations-service', { ...common, ...keys.verifierEnv, DATABASE_URL: donations.url });
    const pushService = await startService('push-service', { ...common, ...keys.verifierEnv, DATABASE_URL: push.url, WEBHOOK_SIGNING_SECRET: randomBytes(32).toString('hex') });
    const projector = await startService('projector', { ...common, READ_DATABASE_URL: read.url });
    services.push(needsService, organizationsService, donationsService, pushService, projector);
    await Promise.all([waitForHealth(needsService), waitForHealth(organizationsService), waitForHealth(donationsService), waitForHealth(pushService), waitForHealth(projector)]);
    const relay = await startService('relay', { ...common, DATABASE_URL: events.url });
    gateway = await startService('gateway', {
      ...common,
      ...keys.issuerEnv,
      READ_DATABASE_URL: read.url,
      READ_YOUR_WRITES_TIMEOUT_MS: '1500',
      NEEDS_SERVICE_URL: needsService.url,
      ORGANIZATIONS_SERVICE_URL: organizationsService.url,
      DONATIONS_SERVICE_URL: donationsService.url,
      PUSH_SERVICE_URL: pushService.url,
    });
    services.push(relay, gateway);
    await Promise.all([waitForHealth(relay), waitForHealth(gateway)]);
  }, 120_000);

  afterAll(async () => {
    await Promise.all(services.map((s) => s.stop()));
    await Promise.all(dbs.map((d) => d.drop()));
  });

  it('a command sent through the gateway reaches the gateway read model via store → relay → Kafka → projector', async () => {
    // The needs service checks the token's grant against the users it projected from the event store.
    const res = await untilAuthorized(() =>
      fetch(`${gateway.url}/api/needs`, {
        method: 'POST',
        headers: { ...coordinator, 'Idempotency-Key': `dist-${prefix}-1` },
        body: JSON.stringify({ villageCode: '441826105201', title: '三排镇村卫生室药品柜', category: 'health', publish: true, lineItems: [{ kind: 'goods', description: '药品柜', unit: '个', quantity: 2 }] }),
      }),
    );
    expect(res.status).toBe(201);
    const t0 = Date.now();
    const { needId } = (await res.json()) as { needId: string };
    publishedNeedId = needId;
    let found: { status: string; title: string } | undefined;
    // The command appended NeedDrafted and NeedPublished; the projector may have applied only the first so far.
    while (found?.status !== 'published' && Date.now() - t0 < 30_000) {
      const r = await fetch(`${gateway.url}/api/needs/${needId}`, { headers: coordinator });
      if (r.status === 200) found = (await r.json()) as { status: string; title: string };
      else await r.body?.cancel();
      if (found?.status !== 'published') await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(found).toMatchObject({ status: 'published', title: '三排镇村卫生室药品柜' });
    const history = (await (await fetch(`${gateway.url}/api/needs/${needId}/events`, { headers: coordinator })).json()) as Array<{ type: string }>;
    expect(history.map((e) => e.type)).toEqual(['NeedDrafted', 'NeedPublished']);

    const invalid = await fetch(`${gateway.url}/api/needs`, { method: 'POST', headers: coordinator, body: '{"title":' });
    expect(invalid.status).toBe(400);
    expect(invalid.headers.get('content-type')).toMatch(/problem\+json/);

    // A registered organization (its standing projected by the needs service) commits; forged actor headers get nowhere.
    const offer = await untilAuthorized(() =>
      fetch(`${gateway.url}/api/needs/${needId}/commitments`, {
        method: 'POST',
        headers: staff,
        body: JSON.stringify({ organizationId: 'org-1', organizationName: '某社会组织', items: [{ lineItemId: 'L1', quantity: 1 }], promisedBy: '2099-01-01' }),
      }),
    );
    expect(offer.status).toBe(201);
    const forged = await fetch(`${gateway.url}/api/needs`, { method: 'POST', headers: { 'X-Actor-Id': 'x', 'X-Actor-Role': 'coordinator', 'content-type': 'application/json' }, body: '{}' });
    expect(forged.status).toBe(401);
    const unauthenticatedRead = await fetch(`${gateway.url}/api/needs/${needId}`);
    expect(unauthenticatedRead.status).toBe(401);
  }, 120_000);

  it('a revision through the gateway carries If-Match to the needs service: the read ETag goes through, a stale one is 412, none is 428', async () => {
    // The gateway's read model has the offer of the previous case once the need is at revision 2.
    const read = async () => {
      for (const deadline = Date.now() + 30_000; ; ) {
        const r = await fetch(`${gateway.url}/api/needs/${publishedNeedId}`, { headers: coordinator });
        const body = (await r.json()) as { revision: number; commitments: unknown[] };
        if (body.commitments?.length === 1 || Date.now() > deadline) return { etag: r.headers.get('etag'), body };
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    };
    const { etag, body } = await read();
    expect(etag).toBe(`"${body.revision}"`);
    const revise = (ifMatch?: string) =>
      fetch(`${gateway.url}/api/needs/${publishedNeedId}/revise`, {
        method: 'POST',
        headers: { ...coordinator, ...(ifMatch ? { 'If-Match': ifMatch } : {}) },
        body: JSON.stringify({ description: '药品柜两个，放村卫生室', reason: '补充说明' }),
      });
    const revised = await revise(etag!);
    expect(revised.status).toBe(200);
    const after = (await revised.json()) as { revision: number; need: { description: string; title: string } };
    expect(revised.headers.get('etag')).toBe(`"${after.revision}"`);
    expect(after.need).toMatchObject({ description: '药品柜两个，放村卫生室', title: '三排镇村卫生室药品柜' });
    const stale = await revise(etag!);
    expect(stale.status).toBe(412);
    expect(stale.headers.get('content-type')).toMatch(/problem\+json/);
    expect(((await stale.json()) as { currentRevision: number }).currentRevision).toBe(after.revision);
    expect((await revise()).status).toBe(428);
  }, 60_000);

  /** Polls a gateway read until `ok` holds (the projector applies events shortly after the service appended them). */
  async function until<T>(path: string, headers: Record<string, string>, ok: (body: T) => boolean, timeoutMs = 30_000): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const r = await fetch(`${gateway.url}${path}`, { headers });
      const body = r.status === 200 ? ((await r.json()) as T) : (await r.body?.cancel(), undefined);
      if (body !== undefined && ok(body)) return body;
      if (Date.now() > deadline) throw new Error(`${path} did not reach the expected state: ${JSON.stringify(body)}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  it('organizations and donations: commands through the gateway to their services, reads from the projector, trace reads audited', async () => {
    const { registrar, hub, auditor } = { registrar: others['registrar-44'], hub: others['staff-org-hub'], auditor: others['auditor-44'] };
    const registered = await untilAuthorized(() =>
      fetch(`${gateway.url}/api/organizations`, {
        method: 'POST',
        headers: registrar,
        body: JSON.stringify({ id: 'org-hub', creditCode: makeCreditCode('social_group', '441800', 777), name: '清远市社会组织总会', homeDivisionCode: '4418', hubKind: 'hub', categories: ['education'] }),
      }),
    );
    expect(registered.status).toBe(201);
    // One organization per credit code, checked by the organizations service against its own view.
    await until<{ id: string }>('/api/organizations/org-hub', registrar, (o) => o.id === 'org-hub');

    const pledge = await untilAuthorized(() =>
      fetch(`${gateway.url}/api/donations`, { method: 'POST', headers: hub, body: JSON.stringify({ donorKind: 'individual', recipientKind: 'organization', recipientId: 'org-hub', resourceKind: 'money', amount: 500_000 }) }),
    );
    expect(pledge.status).toBe(201);
    const { flowId } = (await pledge.json()) as { flowId: string };
    const post = (path: string, body: object) => fetch(`${gateway.url}${path}`, { method: 'POST', headers: hub, body: JSON.stringify(body) });
    expect((await post(`/api/donations/${flowId}/receive`, { receiptNumber: 'QY-1', amount: 500_000, receivedOn: '2026-11-20' })).status).toBe(200);
    const allocated = await post(`/api/donations/${flowId}/allocations`, { targetKind: 'village', villageCode: '441826105201', project: '村小图书角', amount: 200_000 });
    expect(allocated.status).toBe(201);
    const over = await post(`/api/donations/${flowId}/allocations`, { targetKind: 'village', villageCode: '441826105201', project: '超额', amount: 300_001 });
    expect(over.status).toBe(422);
    expect(over.headers.get('content-type')).toMatch(/problem\+json/);

    const flow = await until<{ status: string; allocated: number; available: number }>(`/api/donations/${flowId}`, auditor, (f) => f.status === 'allocated');
    expect(flow).toMatchObject({ allocated: 200_000, available: 300_000 });
    const trace = await fetch(`${gateway.url}/api/donations/${flowId}/trace`, { headers: auditor });
    expect(trace.status).toBe(200);
    const audit = await until<{ items: { action: string; subjectId: string }[] }>('/api/audit/access', auditor, (a) => a.items.some((r) => r.action === 'read:donation-trace' && r.subjectId === flowId));
    expect(audit.items.filter((r) => r.subjectId === flowId)).toHaveLength(1);
    const ledger = (await (await fetch(`${gateway.url}/api/audit/donations/ledger`, { headers: auditor })).json()) as { ok: boolean; eventsChecked: number };
    expect(ledger).toMatchObject({ ok: true, eventsChecked: 3 });
  }, 120_000);

  it('the bureau’s dashboard reads the monitoring model the projector keeps: the published need is counted, and drills down to it', async () => {
    const registrar = others['registrar-44'];
    // The first test published one need in 三排镇 and an organization offered (not yet accepted).
    const summary = await until<{ total: { needs: { published: number; matched: number; matchRate: number | null } } }>(
      '/api/dashboard/summary?region=441826105&period=month',
      registrar,
      (b) => b.total.needs.published === 1,
    );
    expect(summary.total.needs).toMatchObject({ published: 1, matched: 0, matchRate: 0 });
    const needs = (await (await fetch(`${gateway.url}/api/dashboard/needs?region=441826105&period=month&figure=published`, { headers: registrar })).json()) as { total: number; items: Array<{ title: string }> };
    expect(needs.total).toBe(1);
    expect(needs.items.map((n) => n.title)).toEqual(['三排镇村卫生室药品柜']);
    const refused = await fetch(`${gateway.url}/api/dashboard/summary?region=441826105&period=month`, { headers: staff });
    expect(refused.status).toBe(403);
  }, 60_000);

  it('matching reads the matching model the projector keeps: candidates with their reasons, recommended needs, and a team suggestion answered by the gateway', async () => {
    const { registrar, hub } = { registrar: others['registrar-44'], hub: others['staff-org-hub'] };
    // org-1 (广州, care) offered on the need in the first test; org-hub (清远, education hub) registered in the second.
    type Candidates = { candidates: Array<{ organizationId: string; factors: Record<string, { points: number; reason: string }> }> };
    const ranked = await until<Candidates>(`/api/needs/${publishedNeedId}/candidates`, registrar, (b) => b.candidates.length === 2);
    expect(ranked.candidates.map((c) => c.organizationId).sort()).toEqual(['org-1', 'org-hub']);
    const byId = Object.fromEntries(ranked.candidates.map((c) => [c.organizationId, c.factors]));
    // org-1's record counts the open offer: a need event changed an organization's row.
    expect(byId['org-1'].capacity.reason).toContain('1 open commitments');
    expect(byId['org-hub'].proximity.reason).toMatch(/same city|同市/);
    expect(byId['org-1'].category.reason).toContain('related field');

    const recommended = await until<{ needs: Array<{ id: string; score: number }> }>('/api/organizations/org-hub/recommended-needs', hub, (b) => b.needs.length > 0);
    expect(recommended.needs.map((n) => n.id)).toEqual([publishedNeedId]);
    const refused = await fetch(`${gateway.url}/api/organizations/org-hub/recommended-needs`, { headers: staff });
    expect(refused.status).toBe(403);

    // A POST under /api/teams that the gateway answers itself (the organizations service has no such route).
    const suggestion = await fetch(`${gateway.url}/api/teams/suggestions`, { method: 'POST', headers: hub, body: JSON.stringify({ hubOrganizationId: 'org-hub', needIds: [publishedNeedId] }) });
    expect(suggestion.status).toBe(200);
    expect(await suggestion.json()).toMatchObject({ lineItems: 1 });
    const invalid = await fetch(`${gateway.url}/api/teams/suggestions`, { method: 'POST', headers: hub, body: JSON.stringify({ hubOrganizationId: 'org-hub', needIds: [] }) });
    expect(invalid.status).toBe(400);
  }, 60_000);

  it('push through the gateway: settings kept by the push service, and a need published afterwards reaches the organization’s event stream and feed', async () => {
    const hub = others['staff-org-hub'];
    const set = await untilAuthorized(() => fetch(`${gateway.url}/api/push/org-hub/settings`, { method: 'POST', headers: hub, body: JSON.stringify({ categories: ['education'], minimumScore: 0 }) }));
    expect(set.status).toBe(200);
    // A read the gateway forwards: the push service holds the only copy of the push views.
    await until<{ preferences: { categories: string[]; minimumScore: number } }>('/api/push/org-hub/settings', hub, (b) => b.preferences.minimumScore === 0 && b.preferences.categories.join() === 'education');
    expect((await fetch(`${gateway.url}/api/push/org-hub/feed`, { headers: staff })).status).toBe(403);

    // The event stream, through the gateway, from now on.
    const controller = new AbortController();
    const stream = await fetch(`${gateway.url}/api/push/org-hub/feed/stream`, { headers: hub, signal: controller.signal });
    expect(stream.status).toBe(200);
    expect(stream.headers.get('content-type')).toMatch(/^text\/event-stream/);
    const published = await fetch(`${gateway.url}/api/needs`, {
      method: 'POST',
      headers: { ...coordinator, 'Idempotency-Key': `dist-${prefix}-push` },
      body: JSON.stringify({ villageCode: '441826105202', title: '三排镇小学图书角', category: 'education', publish: true, lineItems: [{ kind: 'goods', description: '儿童图书', unit: '册', quantity: 300 }] }),
    });
    expect(published.status).toBe(201);
    const { needId } = (await published.json()) as { needId: string };
    const reader = stream.body!.getReader();
    let text = '';
    const deadline = Date.now() + 30_000;
    // One read pending at a time (a read left behind by the timeout would take the next chunk).
    let pending: ReturnType<typeof reader.read> | undefined;
    while (!text.includes('event: need.pushed') && Date.now() < deadline) {
      pending ??= reader.read();
      const chunk = await Promise.race([pending, new Promise<'wait'>((r) => setTimeout(() => r('wait'), 1_000))]);
      if (chunk === 'wait') continue;
      pending = undefined;
      if (chunk.done) break;
      text += new TextDecoder().decode(chunk.value);
    }
    controller.abort();
    const message = text.split('\n\n').find((m) => m.includes('event: need.pushed'));
    expect(message).toBeDefined();
    const fields = Object.fromEntries(message!.trim().split('\n').map((line) => [line.slice(0, line.indexOf(':')), line.slice(line.indexOf(':') + 2)]));
    expect(JSON.parse(fields.data)).toMatchObject({ needId, trigger: 'published', title: '三排镇小学图书角', position: Number(fields.id) });

    const feed = await until<{ items: Array<{ needId: string; reasons: string[] }> }>('/api/push/org-hub/feed', hub, (b) => b.items.some((i) => i.needId === needId));
    expect(feed.items.find((i) => i.needId === needId)!.reasons.length).toBeGreaterThan(0);
  }, 90_000);

  it('read your writes through the gateway: the X-Position a command answered, sent back as X-Min-Position, is seen at once; a future one answers stale after the deadline', async () => {
    const res = await untilAuthorized(() =>
      fetch(`${gateway.url}/api/needs`, {
        method: 'POST',
        headers: coordinator,
        body: JSON.stringify({ villageCode: '441826105201', title: '读己之写（分布式）', category: 'education', publish: true, lineItems: [{ kind: 'goods', description: '课桌', unit: '张', quantity: 2 }] }),
      }),
    );
    expect(res.status).toBe(201);
    const { needId, position } = (await res.json()) as { needId: string; position: number };
    expect(res.headers.get('x-position')).toBe(String(position));
    // No polling: the read waits for the projector's feeds of that event (needs, monitoring, matching).
    const read = await fetch(`${gateway.url}/api/needs/${needId}`, { headers: { ...coordinator, 'X-Min-Position': String(position) } });
    expect(read.status).toBe(200);
    expect(read.headers.get('x-consistency')).toBe('reached');
    expect(await read.json()).toMatchObject({ title: '读己之写（分布式）', status: 'published' });
    const figures = await fetch(`${gateway.url}/api/dashboard/needs?region=441826105&period=month&figure=published`, { headers: { ...others['registrar-44'], 'X-Min-Position': String(position) } });
    expect(figures.headers.get('x-consistency')).toBe('reached');
    expect(((await figures.json()) as { items: Array<{ title: string }> }).items.map((n) => n.title)).toContain('读己之写（分布式）');

    const stale = await fetch(`${gateway.url}/api/needs`, { headers: { ...coordinator, 'X-Min-Position': String(position + 1_000_000) } });
    expect(stale.status).toBe(200);
    expect(stale.headers.get('x-consistency')).toBe('stale');
    expect(stale.headers.get('x-consistency-pending')!.split(',')).toEqual(expect.arrayContaining(['needs', 'monitoring', 'matching']));
    expect(Number(stale.headers.get('x-consistency-waited-ms'))).toBeGreaterThanOrEqual(1500);
    await stale.body?.cancel();
    expect((await fetch(`${gateway.url}/api/needs`, { headers: { ...coordinator, 'X-Min-Position': 'soon' } })).status).toBe(400);
  }, 60_000);

  it('reports filed in the gateway (an administrator files last month): appended once, carried by Kafka to the projector, listed and served as filed', async () => {
    const china = new Date(Date.now() + 8 * 3_600_000);
    const last = new Date(Date.UTC(china.getUTCFullYear(), china.getUTCMonth() - 1, 1));
    const lastMonth = `${last.getUTCFullYear()}-${String(last.getUTCMonth() + 1).padStart(2, '0')}`;
    const body = JSON.stringify({ period: lastMonth, reason: '上线前一个月的报表补发' });
    const key = `file-${lastMonth}`;
    let filed: Response;
    // 503 while the gateway's read models are behind the event log (the earlier tests' last events).
    for (let tries = 0; ; tries += 1) {
      filed = await untilAuthorized(() => fetch(`${gateway.url}/api/reports/bureau/issued`, { method: 'POST', headers: { ...others['admin-gd'], 'Idempotency-Key': key }, body }));
      if (filed.status !== 503 || tries > 50) break;
      await filed.body?.cancel();
      await new Promise((r) => setTimeout(r, 200));
    }
    expect(filed.status).toBe(200);
    const round = (await filed.json()) as { issued: number; already: number; position: number };
    expect(round.issued).toBeGreaterThan(100);
    const list = await until<{ total: number; items: Array<{ period: string; title: string }> }>(`/api/reports/bureau/issued?region=4418`, others['registrar-44'], (b) => b.total === 1);
    expect(list.items[0]).toMatchObject({ period: lastMonth, title: expect.stringMatching(/^清远市月报/) });
    const xlsx = await fetch(`${gateway.url}/api/reports/bureau/issued/4418/${lastMonth}?format=xlsx`, { headers: others['registrar-44'] });
    expect(xlsx.status).toBe(200);
    expect(xlsx.headers.get('content-disposition')).toBe(`attachment; filename="issued-report-4418-${lastMonth}.xlsx"`);
    await xlsx.body?.cancel();
    // Filed again under another key: nothing new.
    const again = await fetch(`${gateway.url}/api/reports/bureau/issued`, { method: 'POST', headers: { ...others['admin-gd'], 'Idempotency-Key': `${key}-again` }, body });
    expect(((await again.json()) as { issued: number; already: number }).issued).toBe(0);
  }, 120_000);
});
