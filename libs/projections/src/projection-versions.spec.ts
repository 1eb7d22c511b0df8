import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RecordedEvent, SqliteEventStore } from '@shecun/event-store';
import { Column, DataSource, Entity, EntityManager, PrimaryColumn } from 'typeorm';
import { Projection, ProjectionCheckpoint } from './projection';
import { ProjectionVersion } from './projection-versions';
import { ProjectionHost } from './projections.module';

@Entity('scores')
class Score {
  @PrimaryColumn({ type: 'varchar' }) stream: string;
  /** Version 1 of the projection writes the count; version 2 the count times ten (another meaning of the column). */
  @Column({ type: 'integer' }) value: number;
}

/** One row per stream; what the row holds depends on the projection's version. */
class ScoreProjection implements Projection {
  readonly name = 'scores';
  readonly entities = [Score];
  readonly applied: string[] = [];
  constructor(readonly version: number) {}
  async apply(event: RecordedEvent, manager: EntityManager): Promise<void> {
    this.applied.push(event.id);
    const row = await manager.findOneBy(Score, { stream: event.streamName });
    await manager.save(Score, { stream: event.streamName, value: (row?.value ?? 0) + (this.version === 1 ? 1 : 10) });
  }
}

const meta = { actorId: 't', actorRole: 'system', correlationId: 'c', causationId: 'c', occurredAt: new Date().toISOString() };

describe('projection versions: rows of another version are rebuilt before the projection is followed', () => {
  let dir: string;
  let store: SqliteEventStore;
  let dataSource: DataSource;
  const hosts: ProjectionHost[] = [];

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'proj-versions-'));
    store = new SqliteEventStore({ path: join(dir, 'events.sqlite'), pollIntervalMs: 20 });
    dataSource = await new DataSource({ type: 'better-sqlite3', database: join(dir, 'read.sqlite'), entities: [Score, ProjectionCheckpoint, ProjectionVersion], synchronize: true }).initialize();
    await store.append('a-1', [1, 2, 3].map(() => ({ id: randomUUID(), type: 'Scored', data: {}, metadata: meta })), 'no-stream');
    await store.append('b-1', [{ id: randomUUID(), type: 'Scored', data: {}, metadata: meta }], 'no-stream');
  });
  afterEach(async () => {
    for (const host of hosts.splice(0)) await host.onApplicationShutdown();
    await dataSource.destroy();
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  /** A host with the projection at `version`, started as an app starts it; answers what was rebuilt. */
  const start = async (version: number) => {
    const projection = new ScoreProjection(version);
    const host = new ProjectionHost(store, dataSource, false);
    hosts.push(host);
    host.register(projection);
    const rebuilt = await host.rebuildOutdated();
    await host.startAll();
    return { host, projection, rebuilt };
  };
  const stop = async (host: ProjectionHost) => {
    await host.onApplicationShutdown();
    hosts.splice(hosts.indexOf(host), 1);
  };
  const scores = async () => Object.fromEntries((await dataSource.getRepository(Score).find()).map((s) => [s.stream, s.value]));
  const storedVersion = async () => (await dataSource.getRepository(ProjectionVersion).findOneBy({ projection: 'scores' }))?.version;

  it('a fresh read model records the version it is built with, and is not rebuilt', async () => {
    const { host, projection, rebuilt } = await start(2);
    expect(rebuilt).toEqual([]);
    expect(await storedVersion()).toBe(2);
    expect(await scores()).toEqual({ 'a-1': 30, 'b-1': 10 });
    expect(projection.applied).toHaveLength(4);
    await stop(host);

    // Restarted with the same version: it goes on from its checkpoint, nothing applied again.
    const again = await start(2);
    expect(again.rebuilt).toEqual([]);
    expect(again.projection.applied).toEqual([]);
  });

  it('rows built by version 1 are rebuilt from the event store when the code writes version 2, then followed live', async () => {
    const first = await start(1);
    expect(await scores()).toEqual({ 'a-1': 3, 'b-1': 1 });
    expect(await storedVersion()).toBe(1);
    await stop(first.host);

    const second = await start(2);
    expect(second.rebuilt).toEqual(['scores']);
    expect(await storedVersion()).toBe(2);
    // Every row of the new meaning: the old rows were emptied, all four events applied again.
    expect(await scores()).toEqual({ 'a-1': 30, 'b-1': 10 });
    expect(second.projection.applied).toHaveLength(4);
    expect(second.host.status().ready).toBe(true);

    await store.append('b-1', [{ id: randomUUID(), type: 'Scored', data: {}, metadata: meta }], 0);
    expect(await second.host.waitFor(await store.headPosition(), 5000)).toBe(true);
    expect(await scores()).toEqual({ 'a-1': 30, 'b-1': 20 });
  });

  it('rows stored before versions were recorded count as version 1', async () => {
    const first = await start(1);
    await stop(first.host);
    await dataSource.getRepository(ProjectionVersion).clear();

    const same = await start(1);
    expect(same.rebuilt).toEqual([]);
    expect(same.projection.applied).toEqual([]);
    await stop(same.host);
    await dataSource.getRepository(ProjectionVersion).clear();

    const newer = await start(2);
    expect(newer.rebuilt).toEqual(['scores']);
    expect(await scores()).toEqual({ 'a-1': 30, 'b-1': 10 });
  });
});
