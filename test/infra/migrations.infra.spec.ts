import { IdempotencyRecord } from '@shecun/core';
import { DataSource, DataSourceOptions } from 'typeorm';
import { donationsServiceDataSourceOptions } from '../../apps/donations-service/src/write-database';
import { needsServiceDataSourceOptions } from '../../apps/needs-service/src/write-database';
import { organizationsServiceDataSourceOptions } from '../../apps/organizations-service/src/write-database';
import { readModelDataSourceOptions } from '../../apps/projector/src/read-model';
import { pushServiceDataSourceOptions } from '../../apps/push-service/src/write-database';
import { createTestDatabase } from '../support/pg';

/** The PostgreSQL schemas of the distributed topology come from migrations that match the entities. */
describe('PostgreSQL migrations of the distributed topology', () => {
  const pendingAfterMigrations = async (options: DataSourceOptions) => {
    const dataSource = await new DataSource({ ...options, migrationsRun: true } as DataSourceOptions).initialize();
    try {
      return (await dataSource.driver.createSchemaBuilder().log()).upQueries.map((q) => q.query);
    } finally {
      await dataSource.destroy();
    }
  };

  it.each([
    ['projector read models', readModelDataSourceOptions],
    ['needs service idempotency records', needsServiceDataSourceOptions],
    ['organizations service views', organizationsServiceDataSourceOptions],
    ['donations service base tables', donationsServiceDataSourceOptions],
    ['push service views and its matching tables', pushServiceDataSourceOptions],
  ])('%s: a fresh database migrated is exactly what the entities describe', async (_name, optionsFor) => {
    const db = await createTestDatabase('shecun_migrations');
    try {
      expect(await pendingAfterMigrations(optionsFor(db.url))).toEqual([]);
    } finally {
      await db.drop();
    }
  }, 60_000);

  it.each([
    ['projector read models', readModelDataSourceOptions],
    ['needs service', needsServiceDataSourceOptions],
    ['organizations service', organizationsServiceDataSourceOptions],
    ['donations service', donationsServiceDataSourceOptions],
    ['push service', pushServiceDataSourceOptions],
  ])('%s: every migration undoes itself, back to an empty database', async (_name, optionsFor) => {
    const db = await createTestDatabase('shecun_migrations');
    try {
      const dataSource = await new DataSource({ ...optionsFor(db.url), migrationsRun: true } as DataSourceOptions).initialize();
      try {
        const applied = dataSource.migrations.length;
        expect(applied).toBeGreaterThan(0);
        for (let i = 0; i < applied; i++) await dataSource.undoLastMigration();
        const tables = await dataSource.query(`SELECT tablename FROM pg_tables WHERE schemaname = 'public' AND tablename <> 'migrations'`);
        expect(tables).toEqual([]);
        expect(await dataSource.query(`SELECT name FROM migrations`)).toEqual([]);
      } finally {
        await dataSource.destroy();
      }
    } finally {
      await db.drop();
    }
  }, 60_000);

  it('needs service: adopts a database whose table an earlier version created with synchronize', async () => {
    const db = await createTestDatabase('shecun_migrations');
    try {
      // Before migrations, the needs service let synchronize create its only table then, idempotency_keys.
      const legacy = await new DataSource({ type: 'postgres', url: db.url, entities: [IdempotencyRecord], synchronize: true }).initialize();
      await legacy.query(`INSERT INTO idempotency_keys ("scopeKey", "requestHash", "createdAt") VALUES ('k', 'h', '2026-01-01T00:00:00.000Z')`);
      await legacy.destroy();
      expect(await pendingAfterMigrations(needsServiceDataSourceOptions(db.url))).toEqual([]);
      const check = await new DataSource({ type: 'postgres', url: db.url }).initialize();
      expect(await check.query(`SELECT "scopeKey" FROM idempotency_keys`)).toEqual([{ scopeKey: 'k' }]);
      await check.destroy();
    } finally {
      await db.drop();
    }
  }, 60_000);
});
