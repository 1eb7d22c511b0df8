import { processedRetentionHoursFromEnv, pruneProcessedEvents } from '@shecun/projections';
import { DataSource, DataSourceOptions } from 'typeorm';
import { readModelDataSourceOptions } from '../../apps/projector/src/read-model';
import { createTestDatabase } from '../support/pg';

/** The projector's de-duplication rows are pruned by age, in batches, on the migrated read database. */
describe('pruning processed_events (PostgreSQL)', () => {
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  let dataSource: DataSource;
  beforeAll(async () => {
    db = await createTestDatabase();
    dataSource = await new DataSource({ ...readModelDataSourceOptions(db.url), migrationsRun: true } as DataSourceOptions).initialize();
  }, 60_000);
  afterAll(async () => {
    await dataSource?.destroy();
    await db?.drop();
  });

  it('deletes the rows processed before the cutoff, every projection, a batch at a time, and keeps the newer ones', async () => {
    const now = Date.now();
    const at = (hoursAgo: number) => new Date(now - hoursAgo * 3_600_000).toISOString();
    const rows = [
      ...Array.from({ length: 5 }, (_, i) => ['needs', `old-${i}`, at(400 + i)]),
      ['donations', 'old-d', at(337)],
      ['needs', 'new-1', at(335)],
      ['donations', 'new-2', at(1)],
    ];
    for (const [projection, eventId, processedAt] of rows) {
      await dataSource.query(`INSERT INTO processed_events ("projection", "eventId", "processedAt") VALUES ($1, $2, $3)`, [projection, eventId, processedAt]);
    }
    expect(await pruneProcessedEvents(dataSource, new Date(now - 336 * 3_600_000), 2)).toBe(6);
    const left: Array<{ eventId: string }> = await dataSource.query(`SELECT "eventId" FROM processed_events ORDER BY "eventId"`);
    expect(left.map((r) => r.eventId)).toEqual(['new-1', 'new-2']);
    expect(await pruneProcessedEvents(dataSource, new Date(now - 336 * 3_600_000))).toBe(0);
  });

  it('reads the retention from PROCESSED_EVENTS_RETENTION_HOURS (default 14 days) and refuses nonsense', () => {
    expect(processedRetentionHoursFromEnv({})).toBe(336);
    expect(processedRetentionHoursFromEnv({ PROCESSED_EVENTS_RETENTION_HOURS: '200' })).toBe(200);
    for (const bad of ['0', '-1', '1.5', 'week']) expect(() => processedRetentionHoursFromEnv({ PROCESSED_EVENTS_RETENTION_HOURS: bad })).toThrow(/PROCESSED_EVENTS_RETENTION_HOURS/);
  });
});
