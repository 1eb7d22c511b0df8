import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PostgresEventStore } from '@shecun/event-store';
import { NEEDS_PROJECTION_VERSION, syntheticNeedEvents } from '@shecun/needs';
import { Client } from 'pg';
import { REBUILD_RUN_LOCK_KEY } from '@shecun/projections';
import { requireBuild } from '../support/child-app';
import { waitForHealth } from '../support/processes';
import { removeDir } from '../support/embedded-app';
import { createTestDatabase } from '../support/pg';
import { Topology } from '../support/topology';

const KAFKA_BROKERS = process.env.KAFKA_BROKERS ?? '127.0.0.1:19092';

/**
 * An upgrade of the distributed topology whose needs read model was built by an older version of
 * the needs projection (version 1 stored the decider's state where version 2 stores the need's
 * document): the projector, started with the new code, rebuilds that read model from the event
 * store before its consumer group starts, records the version, and then follows Kafka as before.
 * Real processes (relay, projector), the local PostgreSQL and Kafka.
 */
describe('the projector rebuilds a read model stored by another version of its projection (PostgreSQL, Kafka)', () => {
  const prefix = `v${randomBytes(4).toString('hex')}.`;
  const dir = mkdtempSync(join(tmpdir(), 'projector-version-'));
  const dbs: Array<Awaited<ReturnType<typeof createTestDatabase>>> = [];
  let topology: Topology;
  let store: PostgresEventStore;

  const history = [...syntheticNeedEvents({ villages: ['441826105201', '440112101001'], needs: 120, start: new Date('2025-01-01T00:00:00+08:00'), days: 20, seed: 9, organizations: 20 })];
  const later = history.splice(history.length - 60);
  const append = (e: (typeof history)[number]) => store.append(e.stream, [{ id: e.id, type: e.type, data: e.data, metadata: e.metadata }], e.revision === 0 ? 'no-stream' : e.revision - 1);
  const read = async <T>(sql: string): Promise<T[]> => {
    const client = new Client({ connectionString: dbs[1].url });
    await client.connect();
    try {
      return (await client.query(sql)).rows as T[];
    } finally {
      await client.end();
    }
  };

  beforeAll(async () => {
    requireBuild();
    dbs.push(await createTestDatabase('shecun_version_events'), await createTestDatabase('shecun_version_read'));
    store = await PostgresEventStore.open({ connectionString: dbs[0].url });
    for (const e of history) await append(e);
    topology = new Topology({ eventStoreUrl: dbs[0].url, readUrl: dbs[1].url, needsUrl: dbs[1].url, brokers: KAFKA_BROKERS, prefix });
  }, 120_000);

  afterAll(async () => {
    await topology?.stopAll();
    await store?.close();
    for (const db of dbs) await db.drop();
    removeDir(dir);
  }, 120_000);

  it('rebuilds it at start, then consumes', async () => {
    await topology.start('relay');
    let projector = await topology.start('projector');
    await topology.expectConverged(dir, 120_000);
    // A fresh read model records the version that built it.
    expect(await read(`SELECT "projection", "version" FROM projection_versions WHERE "projection" = 'needs'`)).toEqual([{ projection: 'needs', version: NEEDS_PROJECTION_VERSION }]);

    // The same database as an older projector left it: version 1 recorded, rows without documents.
    await projector.stop();
    topology.running.delete(projector);
    await read(`UPDATE projection_versions SET "version" = 1 WHERE "projection" = 'needs'`);
    await read(`UPDATE needs_view SET "document" = ''`);
    // Written while the projector is away: delivered through Kafka after the switch.
    for (const e of later.slice(0, 30)) await append(e);

    projector = await topology.start('projector');
    expect(projector.output()).toMatch(/needs: its rows were built by version 1, this build writes version 2: rebuilding it from the event store/);
    expect(await read(`SELECT "version" FROM projection_versions WHERE "projection" = 'needs'`)).toEqual([{ version: NEEDS_PROJECTION_VERSION }]);
    expect(await read(`SELECT "rebuiltBy" FROM projection_rebuilds WHERE "projection" = 'needs'`)).toEqual([{ rebuiltBy: 'projector:version' }]);
    expect(await read(`SELECT count(*)::int AS empty FROM needs_view WHERE "document" = ''`)).toEqual([{ empty: 0 }]);

    // Followed live again: what is appended now reaches the read model, which equals a rebuild from the store.
    for (const e of later.slice(30)) await append(e);
    const { projected } = await topology.expectConverged(dir, 120_000);
    expect(projected.needs).toHaveLength(120);
    // Started again with nothing changed: no second rebuild.
    await projector.stop();
    topology.running.delete(projector);
    projector = await topology.start('projector');
    expect(projector.output()).not.toMatch(/rebuilding it from the event store/);
    await projector.stop();
    topology.running.delete(projector);
  }, 400_000);

  it('waits while another rebuild of the read database runs, then rebuilds', async () => {
    await read(`UPDATE projection_versions SET "version" = 1 WHERE "projection" = 'needs'`);
    // An operator's rebuild holds the read database's rebuild lock.
    const operator = new Client({ connectionString: dbs[1].url });
    await operator.connect();
    try {
      await operator.query(`SELECT pg_advisory_lock($1, 0)`, [REBUILD_RUN_LOCK_KEY]);
      const projector = await topology.launch('projector');
      const deadline = Date.now() + 60_000;
      while (!/another rebuild is running/.test(projector.output()) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
      expect(projector.output()).toMatch(/另一个重建正在进行，请等它结束后再试 \(another rebuild is running/);
      // Refused, it neither exits nor consumes: not ready, still version 1.
      await new Promise((r) => setTimeout(r, 3000));
      expect(projector.child.exitCode).toBeNull();
      expect(await fetch(`${projector.url}/health`).then((r) => r.status)).not.toBe(200);
      expect(await read(`SELECT "version" FROM projection_versions WHERE "projection" = 'needs'`)).toEqual([{ version: 1 }]);

      await operator.query(`SELECT pg_advisory_unlock($1, 0)`, [REBUILD_RUN_LOCK_KEY]);
      await waitForHealth(projector, 90_000);
      expect(await read(`SELECT "version" FROM projection_versions WHERE "projection" = 'needs'`)).toEqual([{ version: NEEDS_PROJECTION_VERSION }]);
      const { projected } = await topology.expectConverged(dir, 120_000);
      expect(projected.needs).toHaveLength(120);
    } finally {
      await operator.end();
    }
  }, 300_000);
});
