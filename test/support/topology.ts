import { PostgresEventStore } from '@shecun/event-store';
import { NEED_VIEW_ENTITIES, NeedsProjection } from '@shecun/needs';
import { ProjectionCheckpoint, ProjectionRunner } from '@shecun/projections';
import { join } from 'node:path';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { provisionDistributed, tokenKeys, waitUntilAuthorized } from './distributed-identity';
import { ServiceProcess, startService, waitForHealth } from './processes';
import { dumpNeedsReadModel } from './read-model-dump';

/** Where the distributed topology keeps its state in one test. */
export interface TopologyConfig {
  eventStoreUrl: string;
  readUrl: string;
  needsUrl: string;
  brokers: string;
  prefix: string;
  /** More environment for every service (the OTLP endpoint of a traced run…). */
  env?: Record<string, string>;
}

const headers = (actor: Record<string, string>) => ({ ...actor, 'content-type': 'application/json' });

/** Organizations the command load commits for; registered, with their staff signed in, by startAll. */
export const LOAD_ORGANIZATIONS = Array.from({ length: 7 }, (_, i) => `org-${i}`);

/** The four services as real processes: needs service, projector, relay, gateway. */
export class Topology {
  readonly running = new Set<ServiceProcess>();
  gateway!: ServiceProcess;
  /** Bearer headers of the load's users: `cadre-01` (coordinator of 三排镇) and `staff-org-N`. */
  users: Record<string, Record<string, string>> = {};
  private env: Record<string, string>;

  constructor(readonly config: TopologyConfig) {
    this.env = {
      EVENT_STORE_URL: config.eventStoreUrl,
      KAFKA_BROKERS: config.brokers,
      TOPIC_PREFIX: config.prefix,
      DATABASE_URL: config.eventStoreUrl,
      READ_DATABASE_URL: config.readUrl,
      KAFKA_SESSION_TIMEOUT_MS: '6000',
      // The load is one user sending as fast as it can: no rate limits in these tests.
      RATE_LIMIT_IP_PER_MINUTE: '1000000',
      RATE_LIMIT_USER_PER_MINUTE: '1000000',
      ...config.env,
    };
  }

  async start(app: string, extra: Record<string, string> = {}): Promise<ServiceProcess> {
    const service = await this.launch(app, extra);
    await waitForHealth(service, 90_000);
    return service;
  }

  /** Starts `app` without waiting for it to be healthy. */
  async launch(app: string, extra: Record<string, string> = {}): Promise<ServiceProcess> {
    const service = await startService(app, { ...this.env, ...extra });
    this.running.add(service);
    return service;
  }

  /**
   * Starts the four services with token keys (the gateway signs; every service verifies), after
   * putting the load's users and organizations in the event store; returns once the needs service
   * takes their commands.
   */
  async startAll(keysDir: string): Promise<void> {
    const keys = tokenKeys(keysDir);
    Object.assign(this.env, keys.issuerEnv);
    this.users = await provisionDistributed(
      this.config.eventStoreUrl,
      keys.tokens,
      [{ username: 'cadre-01', grant: { role: 'coordinator', scope: '441826105' } }, ...LOAD_ORGANIZATIONS.map((org) => ({ username: `staff-${org}`, grant: { role: 'organization' as const, organizationId: org } }))],
      LOAD_ORGANIZATIONS,
    );
    const needsService = await this.start('needs-service', { DATABASE_URL: this.config.needsUrl });
    await this.start('projector');
    await this.start('relay');
    this.gateway = await this.start('gateway', { NEEDS_SERVICE_URL: needsService.url });
    await waitUntilAuthorized(this.gateway.url, this.users);
  }

  service(name: string): ServiceProcess {
    const found = [...this.running].find((s) => s.name === name);
    if (!found) throw new Error(`no running ${name}`);
    return found;
  }

  /** Every service still runs (none crashed on its own); the output of any that exited. */
  exited(): string[] {
    return [...this.running].filter((s) => s.child.exitCode !== null || s.child.signalCode !== null).map((s) => `${s.name} exited (${s.child.exitCode ?? s.child.signalCode}):\n${s.output()}`);
  }

  async stopAll(): Promise<void> {
    await Promise.all([...this.running].map((s) => s.stop()));
    this.running.clear();
  }

  /**
   * Sends commands through the gateway until `stop.done`: each round drafts and publishes a need,
   * then an organization commits to it. Failures (a dependency is down) are counted, not thrown.
   */
  async commandLoad(stop: { done: boolean }): Promise<{ needs: number; commitments: number; failed: number }> {
    const counts = { needs: 0, commitments: 0, failed: 0 };
    while (!stop.done) {
      const res = await fetch(`${this.gateway.url}/api/needs`, {
        method: 'POST',
        headers: headers(this.users['cadre-01']),
        body: JSON.stringify({ villageCode: '441826105201', title: `负载 ${counts.needs}`, category: 'care', publish: true, autoAccept: true, lineItems: [{ kind: 'goods', description: '棉被', unit: '床', quantity: 5 }] }),
        signal: AbortSignal.timeout(30_000),
      }).catch(() => undefined);
      if (res?.status !== 201) {
        counts.failed += 1;
        await res?.body?.cancel();
        await new Promise((r) => setTimeout(r, 100));
        continue;
      }
      counts.needs += 1;
      const { needId } = (await res.json()) as { needId: string };
      const org = `org-${counts.needs % 7}`;
      const commit = await fetch(`${this.gateway.url}/api/needs/${needId}/commitments`, {
        method: 'POST',
        headers: headers(this.users[`staff-${org}`]),
        body: JSON.stringify({ organizationId: org, organizationName: '某社会组织', items: [{ lineItemId: 'L1', quantity: 3 }], promisedBy: '2099-01-01' }),
        signal: AbortSignal.timeout(30_000),
      }).catch(() => undefined);
      if (commit?.status === 201) counts.commitments += 1;
      else counts.failed += 1;
      await commit?.body?.cancel().catch(() => undefined);
    }
    return counts;
  }

  /** The needs read model rebuilt from scratch from the event store (SQLite, in `dir`). */
  async rebuiltFromStore(dir: string): Promise<DataSource> {
    const store = await PostgresEventStore.open({ connectionString: this.config.eventStoreUrl });
    const rebuilt = await new DataSource({ type: 'better-sqlite3', database: join(dir, `rebuilt-${Date.now()}.sqlite`), entities: [...NEED_VIEW_ENTITIES, ProjectionCheckpoint], synchronize: true }).initialize();
    try {
      await new ProjectionRunner(store, rebuilt, new NeedsProjection()).catchUp();
    } finally {
      await store.close();
    }
    return rebuilt;
  }

  /** Polls until the projected PostgreSQL read model equals a full rebuild, or the time is up. */
  async waitUntilReadModelEqualsRebuild(dir: string, timeoutMs: number) {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const rebuilt = await this.rebuiltFromStore(dir);
      const pg = await new DataSource({ type: 'postgres', url: this.config.readUrl, entities: NEED_VIEW_ENTITIES }).initialize();
      const [projected, fromStore] = [await dumpNeedsReadModel(pg), await dumpNeedsReadModel(rebuilt)];
      await Promise.all([pg.destroy(), rebuilt.destroy()]);
      if (JSON.stringify(projected) === JSON.stringify(fromStore) || Date.now() > deadline) return { projected, fromStore };
      await new Promise((r) => setTimeout(r, 1000));
    }
  }

  /** What the services printed, for a failure message. */
  outputs(chars = 4000): string {
    return [...this.running].map((s) => `--- ${s.name} (pid ${s.child.pid}) ---\n${s.output().slice(-chars)}`).join('\n');
  }

  /**
   * Waits for the read model to equal a rebuild; if it never does, fails with the row counts and
   * the services' output rather than a diff of thousands of rows.
   */
  async expectConverged(dir: string, timeoutMs: number) {
    const result = await this.waitUntilReadModelEqualsRebuild(dir, timeoutMs);
    if (JSON.stringify(result.projected) !== JSON.stringify(result.fromStore)) {
      const { inStore, applied } = await this.eventIds();
      throw new Error(
        `read model did not converge in ${timeoutMs} ms: ${result.projected.needs.length} needs projected, ${result.fromStore.needs.length} in the store; ` +
          `${applied.length} of ${inStore.length} events applied\n${this.outputs()}`,
      );
    }
    return result;
  }

  /**
   * Ids of the needs events in the store, and the ids the projector recorded as applied (one row
   * per application, written in the same transaction as the read-model rows).
   */
  async eventIds(): Promise<{ inStore: string[]; applied: string[] }> {
    const query = async (url: string, sql: string) => {
      const client = new Client({ connectionString: url });
      await client.connect();
      try {
        return (await client.query<{ id: string }>(sql)).rows.map((r) => r.id);
      } finally {
        await client.end();
      }
    };
    const inStore = await query(this.config.eventStoreUrl, `SELECT id FROM event_store.events WHERE stream LIKE 'need-%' ORDER BY id`);
    const applied = await query(this.config.readUrl, `SELECT "eventId" AS id FROM processed_events WHERE projection = 'needs' ORDER BY "eventId"`);
    return { inStore, applied };
  }

  /** Events the projector parked (its parked_events rows, resolved ones too). */
  async parked(): Promise<number> {
    const client = new Client({ connectionString: this.config.readUrl });
    await client.connect();
    try {
      return Number((await client.query<{ n: string }>('SELECT count(*) AS n FROM parked_events')).rows[0].n);
    } finally {
      await client.end();
    }
  }

}
