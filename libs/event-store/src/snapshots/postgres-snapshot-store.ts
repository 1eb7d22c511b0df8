import { Pool } from 'pg';
import { quoteIdent, toNumber } from '../postgres/postgres-events-table';
import { SnapshotStore, StoredSnapshot } from './snapshot-store';

export interface PostgresSnapshotStoreOptions {
  connectionString: string;
  /** Schema of the snapshots table, created if missing. Default `event_store` (next to the events). */
  schema?: string;
}

/** Snapshots in a PostgreSQL table, one row per stream and kind, replaced by newer ones. */
export class PostgresSnapshotStore implements SnapshotStore {
  private closing?: Promise<void>;

  private constructor(
    private readonly pool: Pool,
    private readonly table: string,
  ) {}

  /** Opens the store and creates its table (idempotent, safe from many processes at once). */
  static async open(options: PostgresSnapshotStoreOptions): Promise<PostgresSnapshotStore> {
    const schema = options.schema ?? 'event_store';
    const pool = new Pool({ connectionString: options.connectionString, max: 4 });
    pool.on('error', (error) => console.warn('snapshot store: idle PostgreSQL connection lost', error.message));
    const table = `${quoteIdent(schema)}.snapshots`;
    const client = await pool.connect();
    try {
      await client.query('BEGIN');
      await client.query(`SELECT pg_advisory_xact_lock(hashtext('shecun.snapshots.migrate'), hashtext($1))`, [schema]);
      await client.query(`CREATE SCHEMA IF NOT EXISTS ${quoteIdent(schema)}`);
      await client.query(`
        CREATE TABLE IF NOT EXISTS ${table} (
          stream text NOT NULL,
          kind text NOT NULL,
          version integer NOT NULL,
          revision bigint NOT NULL,
          event_id text NOT NULL,
          state text NOT NULL,
          checksum text NOT NULL,
          taken_at timestamptz NOT NULL DEFAULT now(),
          PRIMARY KEY (stream, kind)
        )`);
      await client.query('COMMIT');
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      await pool.end();
      throw error;
    } finally {
      client.release();
    }
    return new PostgresSnapshotStore(pool, table);
  }

  async load(streamName: string, kind: string): Promise<StoredSnapshot | undefined> {
    const { rows } = await this.pool.query<{ version: number; revision: string; event_id: string; state: string; checksum: string }>(
      `SELECT version, revision, event_id, state, checksum FROM ${this.table} WHERE stream = $1 AND kind = $2`,
      [streamName, kind],
    );
    if (rows.length === 0) return undefined;
    const row = rows[0];
    return { streamName, kind, version: row.version, revision: toNumber(row.revision), eventId: row.event_id, state: row.state, checksum: row.checksum };
  }

  async save(s: StoredSnapshot, options: { replace?: boolean } = {}): Promise<void> {
    await this.pool.query(
      `INSERT INTO ${this.table} AS kept (stream, kind, version, revision, event_id, state, checksum)
       VALUES ($1, $2, $3, $4, $5, $6, $7)
       ON CONFLICT (stream, kind) DO UPDATE SET
         version = excluded.version, revision = excluded.revision, event_id = excluded.event_id,
         state = excluded.state, checksum = excluded.checksum, taken_at = now()
       WHERE $8 OR kept.version <> excluded.version OR kept.revision < excluded.revision`,
      [s.streamName, s.kind, s.version, s.revision, s.eventId, s.state, s.checksum, options.replace === true],
    );
  }

  async remove(streamName: string): Promise<void> {
    await this.pool.query(`DELETE FROM ${this.table} WHERE stream = $1`, [streamName]);
  }

  async close(): Promise<void> {
    this.closing ??= this.pool.end();
    await this.closing;
  }
}
