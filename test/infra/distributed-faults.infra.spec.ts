import { PostgresEventStore } from '@shecun/event-store';
import { NEED_VIEW_ENTITIES, NeedsProjection } from '@shecun/needs';
import { ProjectionCheckpoint, ProjectionRunner } from '@shecun/projections';
import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DataSource } from 'typeorm';
import { requireBuild } from '../support/child-app';
import { removeDir } from '../support/embedded-app';
import { provisionDistributed, tokenKeys, waitUntilAuthorized } from '../support/distributed-identity';
import { createTestDatabase } from '../support/pg';
import { LOAD_ORGANIZATIONS } from '../support/topology';
import { ServiceProcess, startService, waitForHealth } from '../support/processes';
import { dumpNeedsReadModel } from '../support/read-model-dump';

const KAFKA_BROKERS = process.env.KAFKA_BROKERS ?? '127.0.0.1:19092';
const KILLS = Number(process.env.FAULT_KILLS ?? 20);
const headers = (actor: Record<string, string>) => ({ ...actor, 'content-type': 'application/json' });

/**
 * SIGKILL the relay and the projector at random moments while commands flow; afterwards the
 * PostgreSQL read model must equal a full rebuild from the event store: nothing lost, nothing
 * applied twice. Then two projector instances share one consumer group.
 */
describe('distributed topology under faults', () => {
  const prefix = `f${randomBytes(4).toString('hex')}.`;
  const dbs: Array<Awaited<ReturnType<typeof createTestDatabase>>> = [];
  const running = new Set<ServiceProcess>();
  let env: Record<string, string>;
  let gateway: ServiceProcess;
  let users: Record<string, Record<string, string>> = {};
  const dir = mkdtempSync(join(tmpdir(), 'faults-'));

  const start = async (app: string, extra: Record<string, string>) => {
    const service = await startService(app, { ...env, ...extra });
    running.add(service);
    await waitForHealth(service, 90_000);
    return service;
  };
  const kill = async (service: ServiceProcess) => {
    await service.stop('SIGKILL');
    running.delete(service);
  };

  beforeAll(async () => {
    requireBuild();
    const [events, read, needs] = await Promise.all([createTestDatabase('shecun_events'), createTestDatabase('shecun_read'), createTestDatabase('shecun_needs')]);
    dbs.push(events, read, needs);
    const keys = tokenKeys(dir);
    env = { EVENT_STORE_URL: events.url, KAFKA_BROKERS, TOPIC_PREFIX: prefix, DATABASE_URL: events.url, READ_DATABASE_URL: read.url, KAFKA_SESSION_TIMEOUT_MS: '6000', RATE_LIMIT_IP_PER_MINUTE: '1000000', RATE_LIMIT_USER_PER_MINUTE: '1000000', ...keys.issuerEnv };
    users = await provisionDistributed(
      events.url,
      keys.tokens,
      [{ username: 'cadre-01', grant: { role: 'coordinator', scope: '441826105' } }, ...LOAD_ORGANIZATIONS.map((org) => ({ username: `staff-${org}`, grant: { role: 'organization' as const, organizationId: org } }))],
      LOAD_ORGANIZATIONS,
    );
    const needsService = await start('needs-service', { DATABASE_URL: needs.url });
    await start('projector', {});
    await start('relay', {});
    gateway = await start('gateway', { NEEDS_SERVICE_URL: needsService.url });
    await waitUntilAuthorized(gateway.url, users);
  }, 180_000);

  afterAll(async () => {
    await Promise.all([...running].map((s) => s.stop()));
    await Promise.all(dbs.map((d) => d.drop()));
    removeDir(dir);
  });

  async function commandLoad(stop: { done: boolean }): Promise<number> {
    let sent = 0;
    while (!stop.done) {
      const res = await fetch(`${gateway.url}/api/needs`, {
        method: 'POST',
        headers: headers(users['cadre-01']),
        body: JSON.stringify({ villageCode: '441826105201', title: `负载 ${sent}`, category: 'care', publish: true, autoAccept: true, lineItems: [{ kind: 'goods', description: '棉被', unit: '床', quantity: 5 }] }),
      }).catch(() => undefined);
      if (res?.status === 201) {
        const { needId } = (await res.json()) as { needId: string };
        const org = `org-${sent % 7}`;
        await fetch(`${gateway.url}/api/needs/${needId}/commitments`, {
          method: 'POST',
          headers: headers(users[`staff-${org}`]),
          body: JSON.stringify({ organizationId: org, organizationName: '某社会组织', items: [{ lineItemId: 'L1', quantity: 3 }], promisedBy: '2099-01-01' }),
        }).catch(() => undefined);
        sent += 1;
      }
    }
    return sent;
  }

  async function rebuiltFromStore(): Promise<DataSource> {
    const store = await PostgresEventStore.open({ connectionString: env.EVENT_STORE_URL });
    const rebuilt = await new DataSource({ type: 'better-sqlite3', database: join(dir, `rebuilt-${Date.now()}.sqlite`), entities: [...NEED_VIEW_ENTITIES, ProjectionCheckpoint], synchronize: true }).initialize();
    await new ProjectionRunner(store, rebuilt, new NeedsProjection()).catchUp();
    await store.close();
    return rebuilt;
  }

  async function readModel(): Promise<DataSource> {
    return new DataSource({ type: 'postgres', url: env.READ_DATABASE_URL, entities: NEED_VIEW_ENTITIES }).initialize();
  }

  async function waitUntilEqual(timeoutMs: number) {
    const deadline = Date.now() + timeoutMs;
    let last: unknown;
    for (;;) {
      const rebuilt = await rebuiltFromStore();
      const pg = await readModel();
      const [a, b] = [await dumpNeedsReadModel(pg), await dumpNeedsReadModel(rebuilt)];
      await Promise.all([pg.destroy(), rebuilt.destroy()]);
      if (JSON.stringify(a) === JSON.stringify(b)) return { a, b };
      last = { projected: a.needs.length, inStore: b.needs.length };
      if (Date.now() > deadline) return { a, b, last };
      await new Promise((r) => setTimeout(r, 1000));
    }
  }

  it(`SIGKILL relay and projector ${KILLS} times while commands flow → read model equals a full rebuild`, async () => {
    const stop = { done: false };
    const load = commandLoad(stop);
    for (let i = 0; i < KILLS; i++) {
      const victimName = i % 2 === 0 ? 'relay' : 'projector';
      const victim = [...running].find((s) => s.name === victimName)!;
      await new Promise((r) => setTimeout(r, 200 + Math.random() * 800));
      await kill(victim);
      await start(victimName, {});
    }
    stop.done = true;
    const sent = await load;
    expect(sent).toBeGreaterThan(KILLS);
    const { a, b } = await waitUntilEqual(90_000);
    expect(a).toEqual(b);
    expect(a.needs.length).toBeGreaterThanOrEqual(sent);
  }, 900_000);

  it('two projector instances in one consumer group split the partitions and produce the same read model', async () => {
    await start('projector', {});
    const projectors = [...running].filter((s) => s.name === 'projector');
    expect(projectors).toHaveLength(2);
    const appliedBy = async () =>
      Promise.all(projectors.map(async (p) => ((await (await fetch(`${p.url}/health`)).json()) as { projectors: Array<{ name: string; applied: number }> }).projectors.find((f) => f.name === 'needs')!.applied));
    const before = await appliedBy();
    await new Promise((r) => setTimeout(r, 8000)); // the group rebalances onto both instances
    const stop = { done: false };
    const load = commandLoad(stop);
    await new Promise((r) => setTimeout(r, 8000));
    stop.done = true;
    await load;
    const { a, b } = await waitUntilEqual(90_000);
    expect(a).toEqual(b);
    const after = await appliedBy();
    // Both instances applied part of the new events: the group split the partitions between them.
    expect(after[0]).toBeGreaterThan(before[0]);
    expect(after[1]).toBeGreaterThan(before[1]);
  }, 300_000);
});
