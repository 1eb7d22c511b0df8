import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RecordedEvent, SqliteEventStore } from '@shecun/event-store';
import { Column, DataSource, Entity, EntityManager, PrimaryColumn } from 'typeorm';
import { createTestDatabase } from '../../../test/support/pg';
import { Projection, ProjectionCheckpoint } from './projection';
import { ProjectionVersion } from './projection-versions';
import { ProjectionHost } from './projections.module';

@Entity('version_scores')
class VersionScore {
  @PrimaryColumn({ type: 'varchar' }) stream: string;
  @Column({ type: 'integer' }) value: number;
}

/** One row per stream: version 1 counts the events, version 2 counts them ten each; a second application shows. */
class ScoreProjection implements Projection {
  readonly name = 'version-scores';
  readonly entities = [VersionScore];
  constructor(readonly version: number) {}
  async apply(event: RecordedEvent, manager: EntityManager): Promise<void> {
    const row = await manager.findOneBy(VersionScore, { stream: event.streamName });
    await manager.save(VersionScore, { stream: event.streamName, value: (row?.value ?? 0) + (this.version === 1 ? 1 : 10) });
  }
}

const meta = { actorId: 't', actorRole: 'system', correlationId: 'c', causationId: 'c', occurredAt: new Date().toISOString() };

/**
 * Several instances of a service share one PostgreSQL database: following one projection together,
 * each event is applied once; started together after an upgrade of the projection's version, one
 * of them rebuilds it and the others wait, then find it rebuilt.
 */
describe('projection versions on a PostgreSQL database shared by several processes', () => {
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  let dir: string;
  let store: SqliteEventStore;
  const sources: DataSource[] = [];
  const hosts: ProjectionHost[] = [];
  const open = async () => {
    const dataSource = await new DataSource({ type: 'postgres', url: db.url, entities: [VersionScore, ProjectionCheckpoint, ProjectionVersion], synchronize: sources.length === 0 }).initialize();
    sources.push(dataSource);
    return dataSource;
  };
  const host = (dataSource: DataSource, version: number) => {
    const h = new ProjectionHost(store, dataSource, false);
    h.register(new ScoreProjection(version));
    hosts.push(h);
    return h;
  };

  beforeAll(async () => {
    db = await createTestDatabase('shecun_versions');
    dir = mkdtempSync(join(tmpdir(), 'versions-pg-'));
    store = new SqliteEventStore({ path: join(dir, 'events.sqlite'), pollIntervalMs: 20 });
    for (const stream of ['a-1', 'b-1', 'c-1']) await store.append(stream, Array.from({ length: 200 }, () => ({ id: randomUUID(), type: 'Scored', data: {}, metadata: meta })), 'no-stream');
  }, 60_000);
  afterAll(async () => {
    for (const h of hosts) await h.onApplicationShutdown();
    for (const s of sources) await s.destroy();
    await store.close();
    rmSync(dir, { recursive: true, force: true });
    await db.drop();
  });

  it('three instances started together on a fresh database record the version once; after an upgrade one rebuilds, the others find it done', async () => {
    // Three connections to one database (the first one makes the tables).
    for (let i = 0; i < 3; i++) await open();
    const first = sources.map((s) => host(s, 1));
    expect(await Promise.all(first.map((h) => h.rebuildOutdated()))).toEqual([[], [], []]);
    // All three follow the log into the one database at once: each event applied once.
    await Promise.all(first.map((h) => h.startAll()));
    for (const h of first) await h.onApplicationShutdown();
    const scores = async () => Object.fromEntries((await sources[0].getRepository(VersionScore).find()).map((s) => [s.stream, s.value]));
    expect(await scores()).toEqual({ 'a-1': 200, 'b-1': 200, 'c-1': 200 });

    const upgraded = sources.map((s) => host(s, 2));
    const rebuilt = await Promise.all(upgraded.map((h) => h.rebuildOutdated()));
    expect(rebuilt.filter((names) => names.length > 0)).toEqual([['version-scores']]);
    expect(await scores()).toEqual({ 'a-1': 2000, 'b-1': 2000, 'c-1': 2000 });
    expect(await sources[0].getRepository(ProjectionVersion).find({ select: { projection: true, version: true } })).toEqual([{ projection: 'version-scores', version: 2 }]);
  }, 60_000);
});
