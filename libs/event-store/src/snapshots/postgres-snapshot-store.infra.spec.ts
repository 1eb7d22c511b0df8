/** The snapshot store on a real PostgreSQL server (`npm run test:infra`), in a throwaway schema. */
import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { snapshotStoreContract } from '../contract/snapshot-store.contract';
import { PostgresSnapshotStore } from './postgres-snapshot-store';

const URL_ = process.env.PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const SCHEMA = `snapshots_${randomBytes(4).toString('hex')}`;

afterAll(async () => {
  const client = new Client({ connectionString: URL_ });
  await client.connect();
  await client.query(`DROP SCHEMA IF EXISTS "${SCHEMA}" CASCADE`);
  await client.end();
});

snapshotStoreContract('PostgreSQL', () => PostgresSnapshotStore.open({ connectionString: URL_, schema: SCHEMA }));
