import { createHash } from 'node:crypto';
import { DataSource } from 'typeorm';
import { Projection } from '@shecun/projections';

/** Columns that say when a row was written rather than what it holds. */
const WRITE_TIMES: Record<string, string[]> = { projection_checkpoints: ['updatedAt'], projection_versions: ['builtAt'] };

/**
 * A checksum of every table of a read-model database: all rows ordered by primary key, each
 * serialized with its columns in name order (bigints as strings, as each driver returns them), so
 * that two states of the same database compare equal exactly when every row is the same.
 * `skipTables` and `skipColumns` leave out what differs between two runs by design (the
 * distributed projector's bookkeeping, columns stamped in commit order). Returns `{ table: "<rows>:<sha256>" }`.
 */
export async function readModelChecksums(
  dataSource: DataSource,
  options: { skipTables?: string[]; skipColumns?: Record<string, string[]> } = {},
): Promise<Record<string, string>> {
  const sums: Record<string, string> = {};
  const quote = (name: string) => `"${name.replace(/"/g, '""')}"`;
  const entities = dataSource.entityMetadatas.filter((e) => !options.skipTables?.includes(e.tableName));
  for (const entity of entities.sort((a, b) => a.tableName.localeCompare(b.tableName))) {
    const keys = entity.primaryColumns.map((c) => quote(c.databaseName)).join(', ');
    const rows: Record<string, unknown>[] = await dataSource.query(`SELECT * FROM ${quote(entity.tablePath)} ORDER BY ${keys}`);
    const hash = createHash('sha256');
    const skip = new Set([...(WRITE_TIMES[entity.tableName] ?? []), ...(options.skipColumns?.[entity.tableName] ?? [])]);
    for (const row of rows) {
      const columns = Object.keys(row).filter((c) => !skip.has(c)).sort();
      hash.update(JSON.stringify(columns.map((c) => [c, row[c] instanceof Date ? (row[c] as Date).toISOString() : row[c]])));
      hash.update('\n');
    }
    sums[entity.tableName] = `${rows.length}:${hash.digest('hex')}`;
  }
  return sums;
}

/** The same projection applied the plain way: every event handed to `apply`, one at a time (no applyBatch, no type filter). */
export function oneEventAtATime(projection: Projection): Projection {
  return {
    name: projection.name,
    entities: projection.entities,
    onParked: projection.onParked,
    apply: (event, manager) => projection.apply(event, manager),
    ...(projection.flush ? { flush: (manager) => projection.flush!(manager) } : {}),
  };
}
