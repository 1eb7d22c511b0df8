import { RecordedEvent } from '@shecun/event-store';
import { DISTRIBUTED_READ_MODEL_ENTITIES } from '@shecun/hosting';
import { ConsumedMessage, MessageBus, toBusMessage } from '@shecun/messaging';
import { Projection } from '@shecun/projections';
import { Column, DataSource, DataSourceOptions, Entity, EntityManager, PrimaryColumn } from 'typeorm';
import { openReadModelSchema, readModelDataSourceOptions } from '../../apps/projector/src/read-model';

// The projections and tables test/infra/projector-rebuild*.infra.spec.ts rebuild besides the real ones.

/** How many times each event was applied: a projection that shows a second application (the needs projection ignores one by revision). */
@Entity('event_tally')
export class EventTally {
  @PrimaryColumn({ type: 'varchar', length: 64 }) eventId: string;
  @Column({ type: 'bigint' }) position: string;
  @Column({ type: 'integer' }) applied: number;
}
/** Rows of projections that fail on chosen events (parking). */
@Entity('flaky_rows')
export class FlakyRow {
  @PrimaryColumn({ type: 'varchar', length: 64 }) eventId: string;
}
@Entity('flaky_stop_rows')
export class FlakyStopRow {
  @PrimaryColumn({ type: 'varchar', length: 64 }) eventId: string;
}
export const TEST_ENTITIES = [EventTally, FlakyRow, FlakyStopRow];
export const TEST_DDL = [
  `CREATE TABLE event_tally ("eventId" varchar(64) PRIMARY KEY, "position" bigint NOT NULL, "applied" integer NOT NULL)`,
  `CREATE TABLE flaky_rows ("eventId" varchar(64) PRIMARY KEY)`,
  `CREATE TABLE flaky_stop_rows ("eventId" varchar(64) PRIMARY KEY)`,
];
export const failing = new Set<string>();
export const flaky = (name: string, entity: typeof FlakyRow, onParked: 'continue' | 'stop'): Projection => ({
  name,
  entities: [entity],
  onParked,
  // One row per event: a parked event can be replayed after later events of its stream.
  replaysOutOfOrder: true,
  apply: async (event: RecordedEvent, manager: EntityManager) => {
    if (failing.has(event.id)) throw new Error(`cannot apply ${event.id}`);
    await manager.query(`INSERT INTO ${manager.connection.getMetadata(entity).tableName} ("eventId") VALUES ($1) ON CONFLICT DO NOTHING`, [event.id]);
  },
});
export const tally: Projection = {
  name: 'tally',
  entities: [EventTally],
  apply: async (event: RecordedEvent, manager: EntityManager) => {
    await manager.query(`INSERT INTO event_tally ("eventId", "position", "applied") VALUES ($1, $2, 1) ON CONFLICT ("eventId") DO UPDATE SET "applied" = event_tally."applied" + 1`, [event.id, event.position]);
  },
};

export const unusedBus = {} as MessageBus;
export const control = { keepAlive: async () => undefined, isRunning: () => true };
export const messageOf = (event: RecordedEvent): ConsumedMessage => ({ ...toBusMessage(event), topic: 'shecun.needs.v1', partition: 0, offset: String(event.position) });
export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The projector's read database at `url`, migrated, with the test tables. */
export async function openTestReadModel(url: string): Promise<DataSource> {
  const dataSource = await new DataSource({ ...readModelDataSourceOptions(url), entities: [...DISTRIBUTED_READ_MODEL_ENTITIES, ...TEST_ENTITIES], migrationsRun: true } as DataSourceOptions).initialize();
  for (const ddl of TEST_DDL) await dataSource.query(ddl);
  return dataSource;
}

/** The same database on another schema (where a rebuild builds), migrated, with the test tables. */
export async function openTestReadModelSchema(url: string, schema: string): Promise<DataSource> {
  const build = await openReadModelSchema(url, schema, TEST_ENTITIES);
  for (const ddl of TEST_DDL) await build.query(ddl);
  return build;
}
