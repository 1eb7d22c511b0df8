import { existsSync } from 'node:fs';
import { Client } from 'pg';
import { PrivatePostgres, startPrivatePostgres } from '../support/private-pg';

/** The private cluster that PostgreSQL fault tests stop and start (never the machine's shared server). */
describe('private PostgreSQL cluster for fault tests', () => {
  let pg: PrivatePostgres;

  beforeAll(async () => {
    pg = await startPrivatePostgres();
  }, 120_000);

  afterAll(() => pg?.destroy());

  const query = async (url: string, sql: string) => {
    const client = new Client({ connectionString: url });
    await client.connect();
    try {
      return (await client.query(sql)).rows;
    } finally {
      await client.end();
    }
  };

  it('keeps committed rows across an immediate stop and a restart on the same port', async () => {
    const url = await pg.createDatabase('crash_check');
    await query(url, 'CREATE TABLE t (n int)');
    await query(url, 'INSERT INTO t SELECT generate_series(1, 100)');

    const client = new Client({ connectionString: url });
    const lost = new Promise<Error>((resolve) => client.on('error', resolve));
    await client.connect();
    pg.stop('immediate');
    await expect(client.query('SELECT 1')).rejects.toThrow();
    expect(await lost).toBeInstanceOf(Error);
    await client.end().catch(() => undefined);

    pg.start();
    expect(await query(url, 'SELECT count(*)::int AS n FROM t')).toEqual([{ n: 100 }]);
  }, 120_000);

  it('destroy stops the server and removes its folder', async () => {
    const other = await startPrivatePostgres();
    const url = other.url();
    other.destroy();
    expect(existsSync(other.dir)).toBe(false);
    await expect(query(url, 'SELECT 1')).rejects.toThrow();
  }, 120_000);
});
