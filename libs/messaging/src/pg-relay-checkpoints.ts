import { createHash } from 'node:crypto';
import { Pool, PoolClient } from 'pg';
import { waitFor } from '@shecun/core';
import { START } from '@shecun/event-store';
import { RelayCheckpointStore } from './relay';

const lockKey = (name: string) => createHash('sha256').update(`relay:${name}`).digest().readBigInt64BE(0).toString();

/**
 * Relay checkpoints in PostgreSQL, with a session-level advisory lock held on a dedicated
 * connection: a second relay for the same log waits until the first one dies (its session ends
 * and PostgreSQL frees the lock), then resumes from the stored checkpoint.
 */
export class PgRelayCheckpoints implements RelayCheckpointStore {
  private lockClient?: PoolClient;

  constructor(private readonly pool: Pool, private readonly pollMs = 500) {}

  async migrate(): Promise<void> {
    await this.pool.query(`CREATE TABLE IF NOT EXISTS relay_checkpoints (name text PRIMARY KEY, position bigint NOT NULL, updated_at timestamptz NOT NULL DEFAULT now())`);
  }

  async load(name: string): Promise<number> {
    const { rows } = await this.pool.query<{ position: string }>('SELECT position FROM relay_checkpoints WHERE name = $1', [name]);
    return rows.length ? Number(rows[0].position) : START;
  }

  async save(name: string, position: number): Promise<void> {
    await this.pool.query(
      `INSERT INTO relay_checkpoints (name, position) VALUES ($1, $2)
       ON CONFLICT (name) DO UPDATE SET position = GREATEST(relay_checkpoints.position, EXCLUDED.position), updated_at = now()`,
      [name, position],
    );
  }

  async acquire(name: string, onLost?: (error: Error) => void, signal?: AbortSignal): Promise<void> {
    const held = await waitFor(
      async () => {
        if (!this.lockClient) {
          const client = await this.pool.connect();
          // A checked-out client has no error listener of the pool's: without this one a dropped
          // connection would crash the process. Losing the connection loses the lock.
          client.on('error', (error) => this.lockLost(client, error));
          this.lockClient = client;
        }
        const { rows } = await this.lockClient.query<{ ok: boolean }>('SELECT pg_try_advisory_lock($1::bigint) AS ok', [lockKey(name)]);
        if (rows[0].ok) this.onLost = onLost;
        return rows[0].ok;
      },
      { timeoutMs: Infinity, intervalMs: this.pollMs, signal },
    );
    if (!held) throw new Error(`stopped while waiting for the lock of relay ${name}`);
  }

  private onLost?: (error: Error) => void;

  private lockLost(client: PoolClient, error: Error): void {
    if (this.lockClient !== client) return;
    this.lockClient = undefined;
    client.release(error);
    const onLost = this.onLost;
    this.onLost = undefined;
    onLost?.(error);
  }

  async release(name: string): Promise<void> {
    const client = this.lockClient;
    if (!client) return;
    this.lockClient = undefined;
    this.onLost = undefined;
    let broken: Error | undefined;
    await client.query('SELECT pg_advisory_unlock($1::bigint)', [lockKey(name)]).catch((error: Error) => (broken = error));
    // A connection that failed is destroyed rather than returned to the pool (its lock died with it).
    client.release(broken);
  }
}
