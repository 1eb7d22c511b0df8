import { CONTEXT_READ_MODEL_MIGRATIONS, DISTRIBUTED_READ_MODEL_ENTITIES } from '@shecun/hosting';
import { ProjectionCheckpoint } from '@shecun/projections';
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

/**
 * Opens the read database on another (empty) schema, every connection with its `search_path` set
 * to it, and migrates it with the same migrations: the tables a rebuild builds into, made exactly
 * as the live ones (with the checkpoints a rebuild keeps while it builds).
 */
export function openReadModelSchema(url: string, schema: string, extraEntities: Function[] = []): Promise<DataSource> {
  if (!/^[a-z_][a-z0-9_]*$/.test(schema)) throw new Error(`not a plain schema name: ${schema}`);
  const options = readModelDataSourceOptions(url);
  return new DataSource({ ...options, entities: [...DISTRIBUTED_READ_MODEL_ENTITIES, ProjectionCheckpoint, ...extraEntities], extra: { options: `-c search_path=${schema}` }, migrationsRun: true } as DataSourceOptions).initialize();
}
