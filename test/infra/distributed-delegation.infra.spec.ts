import { PostgresEventStore } from '@shecun/event-store';
import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { requireBuild } from '../support/child-app';
import { provisionDistributed, tokenKeys } from '../support/distributed-identity';
import { createTestDatabase } from '../support/pg';
import { ServiceProcess, startService, waitForHealth } from '../support/processes';

const KAFKA_BROKERS = process.env.KAFKA_BROKERS ?? '127.0.0.1:19092';

/**
 * The delegation rules in the distributed topology: the gateway runs the user commands and reads
 * where organizations are registered from the projector's identity_organization_scopes table (fed
 * through Kafka from OrganizationRegistered). org-1 is registered in 广州 (4401).
 */
describe('delegation in the distributed topology (gateway, relay, projector on PostgreSQL and Kafka)', () => {
  const prefix = `t${randomBytes(4).toString('hex')}.`;
  const dbs: Array<Awaited<ReturnType<typeof createTestDatabase>>> = [];
  const services: ServiceProcess[] = [];
  let gateway: ServiceProcess;
  let eventsUrl = '';
  let users: Record<string, Record<string, string>> = {};

  beforeAll(async () => {
    requireBuild();
    const [events, read] = await Promise.all(['shecun_events', 'shecun_read'].map((name) => createTestDatabase(name)));
    dbs.push(events, read);
    eventsUrl = events.url;
    const keys = tokenKeys(mkdtempSync(join(tmpdir(), 'shecun-keys-')));
    const common = { EVENT_STORE_URL: events.url, KAFKA_BROKERS, TOPIC_PREFIX: prefix };
    users = await provisionDistributed(
      events.url,
      keys.tokens,
      [
        { username: 'registrar-4401', grant: { role: 'bureau', scope: '4401' } },
        { username: 'registrar-4418', grant: { role: 'bureau', scope: '4418' } },
        { username: 'hub-org-1', grant: { role: 'hub', organizationId: 'org-1' } },
      ],
      ['org-1'],
    );
    for (const name of Object.keys(users)) users[name] = { ...users[name], 'content-type': 'application/json' };
    const projector = await startService('projector', { ...common, READ_DATABASE_URL: read.url });
    services.push(projector);
    await waitForHealth(projector);
    const relay = await startService('relay', { ...common, DATABASE_URL: events.url });
    // No command of another context is sent here: the needs service's address is never called.
    gateway = await startService('gateway', { ...common, ...keys.issuerEnv, READ_DATABASE_URL: read.url, NEEDS_SERVICE_URL: 'http://127.0.0.1:9' });
    services.push(relay, gateway);
    await Promise.all([waitForHealth(relay), waitForHealth(gateway)]);
  }, 120_000);

  afterAll(async () => {
    await Promise.all(services.map((s) => s.stop()));
    await Promise.all(dbs.map((d) => d.drop()));
  });

  const post = (path: string, as: string, body: object) => fetch(`${gateway.url}${path}`, { method: 'POST', headers: users[as], body: JSON.stringify(body) });

  /** Retries while the gateway does not know the caller's grant (401) or the organization (404) yet. */
  async function untilKnown(send: () => Promise<Response>, timeoutMs = 60_000): Promise<Response> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const res = await send();
      if ((res.status !== 401 && res.status !== 404) || Date.now() > deadline) return res;
      await res.body?.cancel();
      await new Promise((r) => setTimeout(r, 250));
    }
  }

  async function head(): Promise<number> {
    const store = await PostgresEventStore.open({ connectionString: eventsUrl });
    try {
      return await store.headPosition();
    } finally {
      await store.close();
    }
  }

  it('广州 bureau staff create an admin of a 广州 organization; 清远 bureau staff get 403 and nothing is appended; its hub admin adds staff', async () => {
    const adminOfOrg1 = { role: 'organization', organizationId: 'org-1', organizationAdmin: true };
    const created = await untilKnown(() => post('/api/users', 'registrar-4401', { username: 'org1-admin', displayName: '组织管理员', externalSubject: 'https://id.example.gov.cn|org1-admin', grant: adminOfOrg1 }));
    expect(created.status).toBe(201);
    expect(((await created.json()) as { user: { grants: object[] } }).user.grants).toEqual([expect.objectContaining(adminOfOrg1)]);

    const before = await head();
    const refused = await untilKnown(() => post('/api/users', 'registrar-4418', { username: 'qy-takeover', displayName: '越权', externalSubject: 'https://id.example.gov.cn|qy', grant: adminOfOrg1 }));
    expect(refused.status).toBe(403);
    expect(refused.headers.get('content-type')).toMatch(/problem\+json/);
    expect(((await refused.json()) as { detail: string }).detail).toContain('4401');
    expect(await head()).toBe(before);

    const staff = await untilKnown(() => post('/api/users', 'hub-org-1', { username: 'org1-staff', displayName: '干事', externalSubject: 'https://id.example.gov.cn|org1-staff', grant: { role: 'organization', organizationId: 'org-1' } }));
    expect(staff.status).toBe(201);
    const other = await post('/api/users', 'hub-org-1', { username: 'org2-staff', displayName: '干事', externalSubject: 'https://id.example.gov.cn|org2-staff', grant: { role: 'organization', organizationId: 'org-2' } });
    expect(other.status).toBe(403);
  }, 120_000);

  it('the gateway’s own commands honour Idempotency-Key: a retry replays the first answer and registers nobody twice; the same key with another body is 422', async () => {
    const body = { username: 'org1-clerk', displayName: '文员', externalSubject: 'https://id.example.gov.cn|org1-clerk', grant: { role: 'organization', organizationId: 'org-1' } };
    const send = (b: object) => fetch(`${gateway.url}/api/users`, { method: 'POST', headers: { ...users['hub-org-1'], 'Idempotency-Key': 'gateway-user-org1-clerk' }, body: JSON.stringify(b) });
    const first = await untilKnown(() => send(body));
    expect(first.status).toBe(201);
    const before = await head();
    const retry = await send(body);
    expect(retry.status).toBe(201);
    expect(retry.headers.get('idempotent-replayed')).toBe('true');
    expect(await retry.json()).toEqual(await first.json());
    expect(await head()).toBe(before);
    const changed = await send({ ...body, displayName: '另一个人' });
    expect(changed.status).toBe(422);
    expect(changed.headers.get('content-type')).toMatch(/problem\+json/);
    expect(await head()).toBe(before);
  }, 60_000);
});
