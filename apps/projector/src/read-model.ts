import { CONTEXT_READ_MODEL_MIGRATIONS, DISTRIBUTED_READ_MODEL_ENTITIES } from '@shecun/hosting';
import { DataSource, DataSourceOptions } from 'typeorm';
import { MIGRATIONS } from './migrations';

/** The PostgreSQL read models; their schema comes from the migrations in ./migrations, then those the contexts bring. */
export function readModelDataSourceOptions(url: string): DataSourceOptions {
  return { type: 'postgres', url, entities: DISTRIBUTED_READ_MODEL_ENTITIES, migrations: [...MIGRATIONS, ...CONTEXT_READ_MODEL_MIGRATIONS], synchronize: false };
}

/** Opens the read models; the projector (`runMigrations`) brings the schema up to date. */
export function openReadModel(url: string, runMigrations = true): Promise<DataSource> {
  return new DataSource({ ...readModelDataSourceOptions(url), migrationsRun: runMigrations }).initialize();
}
