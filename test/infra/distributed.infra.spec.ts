import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { provisionDistributed, tokenKeys, untilAuthorized } from '../support/distributed-identity';
import { createTestDatabase } from '../support/pg';
import { requireBuild } from '../support/child-app';
import { ServiceProcess, startService, waitForHealth } from '../support/processes';

const KAFKA_BROKERS = process.env.KAFKA_BROKERS ?? '127.0.0.1:19092';

/**
 * The distributed topology as separate processes sharing nothing but the event store
 * (PostgreSQL here) and Kafka: needs service, relay, projector, gateway.
 */
describe('distributed topology on real PostgreSQL and Kafka', () => {
  const prefix = `t${randomBytes(4).toString('hex')}.`;
  const dbs: Array<Awaited<ReturnType<typeof createTestDatabase>>> = [];
  const services: ServiceProcess[] = [];
  let gateway: ServiceProcess;
  let coordinator: Record<string, string>;
  let staff: Record<string, string>;

  beforeAll(async () => {
    requireBuild();
    const [events, read, needs] = await Promise.all([createTestDatabase('shecun_events'), createTestDatabase('shecun_read'), createTestDatabase('shecun_needs')]);
    dbs.push(events, read, needs);
    const keys = tokenKeys(mkdtempSync(join(tmpdir(), 'shecun-keys-')));
    const common = { EVENT_STORE_URL: events.url, KAFKA_BROKERS, TOPIC_PREFIX: prefix };
    const users = await provisionDistributed(
      events.url,
      keys.tokens,
      [
        { username: 'cadre-01', grant: { role: 'coordinator', scope: '441826105' } },
        { username: 'staff-org-1', grant: { role: 'organization', organizationId: 'org-1' } },
      ],
      ['org-1'],
    );
    coordinator = { ...users['cadre-01'], 'content-type': 'application/json' };
    staff = { ...users['staff-org-1'], 'content-type': 'application/json' };
    const needsService = await startService('needs-service', { ...common, ...keys.verifierEnv, DATABASE_URL: needs.url });
    const projector = await startService('projector', { ...common, READ_DATABASE_URL: read.url });
    services.push(needsService, projector);
    await Promise.all([waitForHealth(needsService), waitForHealth(projector)]);
    const relay = await startService('relay', { ...common, DATABASE_URL: events.url });
    gateway = await startService('gateway', { ...common, ...keys.issuerEnv, READ_DATABASE_URL: read.url, NEEDS_SERVICE_URL: needsService.url });
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
});
