import { Logger } from '@nestjs/common';
import type { PoolClient } from 'pg';
import { DataSource } from 'typeorm';
import type { PostgresDriver } from 'typeorm/driver/postgres/PostgresDriver';

/**
 * First key of the advisory lock a whole `projector rebuild` holds on the read database, from
 * before it makes its schema until it has dropped it (the second key: 0). Not REBUILD_LOCK_KEY:
 * that one is taken per projection, in shared mode, by the projector's writers in each transaction
 * and exclusively by the rebuild only while it swaps the tables; this one the projector never takes.
 */
export const REBUILD_RUN_LOCK_KEY = 0x5c_4e_52; // "\NR": shecun rebuild running

/** The schemas a rebuild builds into and moves the old tables to (`rebuild_<ms>`, `rebuild_<ms>_old`). */
export const REBUILD_SCHEMA_PATTERN = '^rebuild_[0-9]+(_old)?$';

/** A rebuild refused because another one holds the lock on the same read database. */
export class RebuildRunningError extends Error {
  constructor(readonly holder: string) {
    super(`另一个重建正在进行，请等它结束后再试 (another rebuild is running: ${holder}; try again when it has ended)`);
    this.name = 'RebuildRunningError';
  }
}

export interface RebuildLock {
  /** The lock's connection: nothing else runs on it. */
  client: PoolClient;
  /** Unlocks and closes the connection (never returned to the pool). */
  release(): Promise<void>;
}

const logger = new Logger('Rebuild');
const quote = (name: string) => `"${name.replace(/"/g, '""')}"`;

/**
 * Takes the rebuild lock on a connection of its own, at once or not at all: a session-level
 * advisory lock, so it is held until released, or until the connection ends (a killed process,
 * a lost machine: the server ends its session and the lock with it). `label` names the holder
 * (its `application_name`, shown to a rebuild refused meanwhile). Refused: RebuildRunningError.
 */
export async function holdRebuildLock(dataSource: DataSource, label: string): Promise<RebuildLock> {
  const client: PoolClient = await (dataSource.driver as PostgresDriver).master.connect();
  try {
    const [{ held }] = (await client.query(`SELECT pg_try_advisory_lock($1, 0) AS held`, [REBUILD_RUN_LOCK_KEY])).rows;
    if (!held) throw new RebuildRunningError(await rebuildLockHolder(client));
    await client.query(`SELECT set_config('application_name', $1, false)`, [label.slice(0, 63)]);
  } catch (error) {
    client.release(true);
    throw error;
  }
  return {
    client,
    release: async () => {
      try {
        await client.query(`SELECT pg_advisory_unlock($1, 0)`, [REBUILD_RUN_LOCK_KEY]);
      } finally {
        // Closed, not pooled: the lock (had the unlock failed) and the application_name go with it.
        client.release(true);
      }
    },
  };
}

/** Who holds the rebuild lock: its connection's application_name, process id and start. */
async function rebuildLockHolder(client: PoolClient): Promise<string> {
  const rows: Array<{ pid: number; application_name: string | null; backend_start: Date | null }> = (
    await client.query(
      `SELECT l.pid, a.application_name, a.backend_start FROM pg_locks l LEFT JOIN pg_stat_activity a ON a.pid = l.pid
       WHERE l.locktype = 'advisory' AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())
         AND l.classid = $1 AND l.objid = 0 AND l.objsubid = 2 AND l.granted`,
      [REBUILD_RUN_LOCK_KEY],
    )
  ).rows;
  if (!rows.length) return 'it has just ended';
  const [{ pid, application_name: name, backend_start: since }] = rows;
  return `${name || 'no name'}, server process ${pid}${since ? ` since ${since.toISOString()}` : ''}`;
}

/**
 * With the rebuild lock held (no other rebuild runs on this read database, so none of these
 * schemas is being built into): drops the schemas left by rebuilds that did not finish (a killed
 * process, a lost machine), each named in the log. Answers their names.
 */
export async function dropRebuildLeftovers(lock: RebuildLock): Promise<string[]> {
  const rows: Array<{ name: string }> = (await lock.client.query(`SELECT nspname AS name FROM pg_namespace WHERE nspname ~ $1 ORDER BY nspname`, [REBUILD_SCHEMA_PATTERN])).rows;
  for (const { name } of rows) {
    await lock.client.query(`DROP SCHEMA IF EXISTS ${quote(name)} CASCADE`);
    logger.warn(`dropped schema ${name}, left by a rebuild that did not finish`);
  }
  return rows.map((r) => r.name);
}

/** `projector rebuild --clean`: takes the rebuild lock (refused while a rebuild runs), drops the leftovers, releases it. */
export async function cleanRebuildLeftovers(dataSource: DataSource, by: string): Promise<string[]> {
  const lock = await holdRebuildLock(dataSource, `shecun rebuild --clean ${by}`);
  try {
    return await dropRebuildLeftovers(lock);
  } finally {
    await lock.release();
  }
}
