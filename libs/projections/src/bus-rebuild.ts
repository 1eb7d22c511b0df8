import { Logger } from '@nestjs/common';
import { EventStore } from '@shecun/event-store';
import { DataSource, EntityManager } from 'typeorm';
import { catchUpTogether } from './catch-up-together';
import { FailurePolicy } from './failure-policy';
import { Projection } from './projection';
import { ProjectionRunner } from './projection-runner';
import { holdProjectionWriters } from './projection-rebuilds';
import { recordVersion } from './projection-versions';
import { dropRebuildLeftovers, holdRebuildLock } from './rebuild-lock';

export type BusRebuildPhase = 'build' | 'tail';

export interface BusRebuildOptions {
  /** The read database the projector and the gateway use (its current schema holds the live tables). */
  dataSource: DataSource;
  /** The event store, read from its start (its global log, through the port: any adapter). */
  store: EventStore;
  /** The projections to rebuild. */
  projections: Projection[];
  /** Every bus-fed projection of the read database: a table one of them shares with another must be rebuilt with it. */
  all: Projection[];
  /**
   * Opens the same read database on a new, empty schema (`search_path` set to it), brought up by
   * the read models' own migrations: the tables are built there exactly as the live ones were made.
   */
  openSchema: (schema: string) => Promise<DataSource>;
  /** Who runs it (`cli:<login>`): kept in projection_rebuilds and on the parked events it resolves. */
  by: string;
  /** Events read from the log at once (default 10,000). */
  chunkSize?: number;
  /** `build`: the log up to its head when the rebuild started; `tail`: what was appended meanwhile. */
  onProgress?: (phase: BusRebuildPhase, done: number, total: number) => void;
  /** Retries before an event is parked (default: PROJECTION_MAX_ATTEMPTS, as the projector). */
  policy?: FailurePolicy;
  /** Name of the schema built into (default `rebuild_<ms since 1970>`). */
  schema?: string;
}

export interface BusRebuildResult {
  /** The rebuilt tables hold every event up to this position and serve from now on (undefined: not switched). */
  through?: number;
  /** Events read from the log (in all passes). */
  events: number;
  /** Events read while the projections' writers were held for the switch. */
  tail: number;
  /** Stopping projections that parked an event: nothing was switched. */
  halted: string[];
  /** Events the rebuild parked (the projections go on without them; replay or skip them as any other). */
  parked: Array<{ projection: string; eventId: string; position: number; error: string }>;
  /** Schemas of rebuilds that did not finish (a killed process), dropped before this one began. */
  leftovers?: string[];
}

const logger = new Logger('Rebuild');
const quote = (name: string) => `"${name.replace(/"/g, '""')}"`;
/** The same DDL as the embedded read model's checkpoints (the build tracks its position with it; dropped after). */
const CHECKPOINTS_DDL = `CREATE TABLE "projection_checkpoints" ("name" character varying(100) NOT NULL, "position" bigint NOT NULL, "updatedAt" character varying(40) NOT NULL, CONSTRAINT "PK_0f69cb98ee85030b5da44336510" PRIMARY KEY ("name"))`;

/**
 * Rebuilds bus-fed projections of the PostgreSQL read database from the event store, beside the
 * running projector and gateway, which keep serving the current tables meanwhile:
 *
 * 0. the rebuild lock is taken on a connection of its own and held to the end (holdRebuildLock:
 *    a second rebuild of the same read database is refused at once with RebuildRunningError; a
 *    killed rebuild's connection ends and its lock with it), and the schemas left by rebuilds that
 *    did not finish are dropped (with the lock held, none of them is still being built into);
 * 1. a new schema is made and migrated (the same migrations), and the projections are fed from
 *    the event store's log into it, read once for all of them (catchUpTogether, ProjectionRunner:
 *    the failure policy, parking), up to the head, then again up to the new head;
 * 2. one transaction on the live schema holds each projection's writers (an advisory lock the
 *    projector takes in shared mode in each of its transactions), reads the head once more,
 *    applies the last events into the new tables, moves the old tables out of the live schema
 *    and the new ones in (`ALTER TABLE … SET SCHEMA`), records the position in
 *    `projection_rebuilds` and the code's version of each projection in `projection_versions`, and
 *    brings the parked events up to date; readers see the old tables
 *    up to the commit and the new ones after it, never a half-built one;
 * 3. the two leftover schemas are dropped.
 *
 * After the switch the projector skips every message whose event is at or before that position
 * (in the tables already) and applies those after it, which were appended after the head was read
 * and could not have been applied before the switch: each event in the tables once.
 */
export async function rebuildBusProjections(options: BusRebuildOptions): Promise<BusRebuildResult> {
  const schema = options.schema ?? `rebuild_${Date.now()}`;
  const lock = await holdRebuildLock(options.dataSource, `shecun rebuild ${schema} ${options.by}`);
  try {
    const leftovers = await dropRebuildLeftovers(lock);
    return { ...(await rebuildHeld({ ...options, schema })), leftovers };
  } finally {
    await lock.release().catch((error) => logger.warn(`rebuild lock not released (its connection is closed: the server ends it): ${String(error)}`));
  }
}

/** rebuildBusProjections with the rebuild lock held. */
async function rebuildHeld(options: BusRebuildOptions): Promise<BusRebuildResult> {
  const { dataSource, store, projections } = options;
  const live: string = (await dataSource.query(`SELECT current_schema() AS schema`))[0].schema;
  const tables = tablesOf(dataSource, projections, options.all);
  const schema = options.schema ?? `rebuild_${Date.now()}`;
  const retired = `${schema}_old`;
  const startedAt = new Date().toISOString();
  await dataSource.query(`CREATE SCHEMA ${quote(schema)}`);
  let build: DataSource | undefined;
  try {
    build = await options.openSchema(schema);
    await build.query(CHECKPOINTS_DDL);
    // The operator's skips hold in the rebuild too (a stopping projection passes a skipped event, as when it was live).
    const names = projections.map((p) => p.name);
    await dataSource.query(`INSERT INTO ${quote(schema)}.parked_events SELECT * FROM parked_events WHERE "projection" = ANY($1) AND "resolution" = 'skipped'`, [names]);
    const runners = projections.map((projection) => new ProjectionRunner(store, build!, projection, { policy: options.policy }));
    const chunkSize = options.chunkSize ?? 10_000;
    const built = await catchUpTogether(store, runners, { chunkSize, onProgress: (done, total) => options.onProgress?.('build', done, total) });
    const result: BusRebuildResult = { events: built.events, tail: 0, halted: built.halted, parked: [] };
    if (result.halted.length) return result;
    // What was appended during the build, read before the projector is held: the held part stays short.
    const caught = await catchUpTogether(store, runners, { chunkSize, onProgress: (done, total) => options.onProgress?.('tail', done, total) });
    result.events += caught.events;
    if ((result.halted = caught.halted).length) return result;
    await dataSource.transaction(async (manager) => {
      for (const name of [...names].sort()) await holdProjectionWriters(manager, name);
      // Read with the writers held: every event the projector applied to the old tables is at or before it.
      const through = await store.headPosition();
      const last = await catchUpTogether(store, runners, { chunkSize, until: through, onProgress: (done, total) => options.onProgress?.('tail', done, total) });
      result.events += last.events;
      result.tail = last.events;
      if ((result.halted = last.halted).length) return;
      for (const runner of runners) {
        const at = await runner.checkpoint();
        if (at < through) throw new Error(`${runner.name} reached ${at}, not ${through}: nothing switched`);
      }
      await manager.query(`CREATE SCHEMA ${quote(retired)}`);
      for (const table of tables) {
        await manager.query(`ALTER TABLE ${quote(live)}.${quote(table)} SET SCHEMA ${quote(retired)}`);
        await manager.query(`ALTER TABLE ${quote(schema)}.${quote(table)} SET SCHEMA ${quote(live)}`);
      }
      for (const name of names) {
        await manager.query(
          `INSERT INTO projection_rebuilds ("projection", "position", "rebuiltAt", "rebuiltBy") VALUES ($1, $2, $3, $4)
           ON CONFLICT ("projection") DO UPDATE SET "position" = EXCLUDED."position", "rebuiltAt" = EXCLUDED."rebuiltAt", "rebuiltBy" = EXCLUDED."rebuiltBy"`,
          [name, through, new Date().toISOString(), options.by],
        );
      }
      // The swapped-in rows are of the code's version (a projector started with an older one rebuilds again).
      for (const projection of projections) await recordVersion(manager, projection);
      result.parked = await settleParked(manager, schema, names, through, startedAt, options.by);
      result.through = through;
    });
    return result;
  } finally {
    await build?.destroy().catch(() => undefined);
    for (const leftover of [schema, retired]) {
      await dataSource.query(`DROP SCHEMA IF EXISTS ${quote(leftover)} CASCADE`).catch((error) => logger.warn(`schema ${leftover} not dropped (the next rebuild, or rebuild --clean, drops it): ${String(error)}`));
    }
  }
}

/** The tables of `projections`; refused when one of them is also written by a projection not rebuilt with them. */
function tablesOf(dataSource: DataSource, projections: Projection[], all: Projection[]): string[] {
  const names = new Set(projections.map((p) => p.name));
  const tableNames = (p: Projection) => p.entities.map((entity) => dataSource.getMetadata(entity).tableName);
  const tables = [...new Set(projections.flatMap(tableNames))];
  for (const other of all.filter((p) => !names.has(p.name))) {
    const shared = tableNames(other).filter((t) => tables.includes(t));
    if (shared.length) throw new Error(`${shared.join(', ')} also written by ${other.name}: rebuild it with them`);
  }
  return tables;
}

/**
 * The parked events of the rebuilt projections, in the switching transaction: those the rebuild
 * parked become the unresolved ones (with the error of this attempt); an older unresolved one at
 * or before `through` that the rebuild applied is resolved (`replayed`, by the rebuild).
 */
async function settleParked(manager: EntityManager, schema: string, names: string[], through: number, startedAt: string, by: string): Promise<BusRebuildResult['parked']> {
  const parkedNow: Array<{ projection: string; eventId: string; position: string; error: string }> = await manager.query(
    `SELECT "projection", "eventId", "position", "error" FROM ${quote(schema)}.parked_events WHERE "projection" = ANY($1) AND "resolvedAt" IS NULL AND "parkedAt" >= $2 ORDER BY "position"`,
    [names, startedAt],
  );
  await manager.query(
    `UPDATE parked_events p SET "resolvedAt" = $3, "resolution" = 'replayed', "resolvedBy" = $4, "resolutionNote" = 'applied by a rebuild from the event store'
     WHERE p."projection" = ANY($1) AND p."resolvedAt" IS NULL AND p."position" <= $2
       AND NOT EXISTS (SELECT 1 FROM ${quote(schema)}.parked_events n WHERE n."projection" = p."projection" AND n."eventId" = p."eventId" AND n."parkedAt" >= $5)`,
    [names, through, new Date().toISOString(), by, startedAt],
  );
  const columns = ['projection', 'eventId', 'position', 'topic', 'partition', 'offset', 'eventType', 'stream', 'error', 'attempts', 'parkedAt', 'resolvedAt', 'resolution', 'resolvedBy', 'resolutionNote'].map(quote);
  await manager.query(
    `INSERT INTO parked_events (${columns.join(', ')}) SELECT ${columns.join(', ')} FROM ${quote(schema)}.parked_events WHERE "projection" = ANY($1) AND "resolvedAt" IS NULL AND "parkedAt" >= $2
     ON CONFLICT ("projection", "eventId") DO UPDATE SET ${columns
       .slice(2)
       // The rebuild read the event from the store: where the live projector had it from Kafka, its coordinates stay.
       .map((c) => (['"topic"', '"partition"', '"offset"'].includes(c) ? `${c} = COALESCE(EXCLUDED.${c}, parked_events.${c})` : `${c} = EXCLUDED.${c}`))
       .join(', ')}`,
    [names, startedAt],
  );
  return parkedNow.map((row) => ({ ...row, position: Number(row.position) }));
}
