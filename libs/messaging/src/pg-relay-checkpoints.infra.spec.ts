import { Pool } from 'pg';
import { createTestDatabase } from '../../../test/support/pg';
import { PgRelayCheckpoints } from './pg-relay-checkpoints';

/** One relay per log: a second process waits for the first one's advisory lock (PostgreSQL only, no broker). */
describe('PgRelayCheckpoints lock (PostgreSQL)', () => {
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  let pool: Pool;

  beforeAll(async () => {
    db = await createTestDatabase();
    pool = new Pool({ connectionString: db.url });
  });
  afterAll(async () => {
    await pool.end();
    await db.drop();
  });

  it('given a held lock, then a second relay waits until it is let go; a stop ends its wait without sitting out the poll interval', async () => {
    const first = new PgRelayCheckpoints(pool, 20);
    await first.acquire('log');

    const slow = new PgRelayCheckpoints(pool, 60_000);
    const stop = new AbortController();
    const stopped = slow.acquire('log', undefined, stop.signal);
    setTimeout(() => stop.abort(), 100);
    const started = Date.now();
    await expect(stopped).rejects.toThrow('stopped while waiting for the lock of relay log');
    expect(Date.now() - started).toBeLessThan(5000);
    await slow.release('log');

    const second = new PgRelayCheckpoints(pool, 20);
    let took = false;
    const waiting = second.acquire('log').then(() => (took = true));
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(took).toBe(false);
    await first.release('log');
    await waiting;
    expect(took).toBe(true);
    await second.release('log');
  });
});
