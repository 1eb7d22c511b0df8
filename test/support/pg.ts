import { randomBytes } from 'node:crypto';
import { Client } from 'pg';

const BASE_URL = process.env.PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

export const urlFor = (database: string) => {
  const url = new URL(BASE_URL);
  url.pathname = `/${database}`;
  return url.toString();
};

/** Creates a throwaway database on the local PostgreSQL server; returns its URL and a dropper. */
export async function createTestDatabase(prefix = 'shecun_test'): Promise<{ url: string; name: string; drop: () => Promise<void> }> {
  const name = `${prefix}_${randomBytes(5).toString('hex')}`;
  const admin = new Client({ connectionString: BASE_URL });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  return {
    name,
    url: urlFor(name),
    drop: async () => {
      const c = new Client({ connectionString: BASE_URL });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await c.end();
    },
  };
}
