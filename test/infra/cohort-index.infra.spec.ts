import { DataSource, DataSourceOptions } from 'typeorm';
import { cohortIndexContract } from '../../libs/monitoring/src/contract/cohort-index.contract';
import { readModelDataSourceOptions } from '../../apps/projector/src/read-model';
import { createTestDatabase } from '../support/pg';

/** The dashboard's cohort index on the migrated PostgreSQL read database (the gateway serves the dashboard from it). */
describe('the dashboard cohort index (PostgreSQL)', () => {
  const databases = new Map<DataSource, () => Promise<void>>();
  cohortIndexContract(
    async () => {
      const db = await createTestDatabase();
      const dataSource = await new DataSource({ ...readModelDataSourceOptions(db.url), migrationsRun: true } as DataSourceOptions).initialize();
      databases.set(dataSource, db.drop);
      return dataSource;
    },
    async (dataSource) => {
      await dataSource.destroy();
      await databases.get(dataSource)?.();
    },
  );
});
