import { IDENTITY_ORGANIZATION_SCOPE_ENTITIES, IDENTITY_VIEW_ENTITIES } from '@shecun/identity';
import { DONATION_VIEW_ENTITIES } from '@shecun/donations';
import { MATCHING_VIEW_ENTITIES, MatchingChangeCounter } from '@shecun/matching';
import { MONITORING_VIEW_ENTITIES } from '@shecun/monitoring';
import { NEED_VIEW_ENTITIES } from '@shecun/needs';
import { ORGANIZATIONS_CONTEXT_ENTITIES } from '@shecun/organizations';
import { BUS_PROJECTOR_ENTITIES } from '@shecun/projections';
import { IdempotencyRecord } from '@shecun/core';
import { DataSource, DataSourceOptions } from 'typeorm';
import { MIGRATIONS } from './migrations';

export const DISTRIBUTED_READ_MODEL_ENTITIES = [...NEED_VIEW_ENTITIES, ...IDENTITY_VIEW_ENTITIES, ...IDENTITY_ORGANIZATION_SCOPE_ENTITIES, ...ORGANIZATIONS_CONTEXT_ENTITIES, ...DONATION_VIEW_ENTITIES, ...MONITORING_VIEW_ENTITIES, ...MATCHING_VIEW_ENTITIES, MatchingChangeCounter, ...BUS_PROJECTOR_ENTITIES, IdempotencyRecord];

/** The PostgreSQL read models; their schema comes from the migrations in ./migrations. */
export function readModelDataSourceOptions(url: string): DataSourceOptions {
  return { type: 'postgres', url, entities: DISTRIBUTED_READ_MODEL_ENTITIES, migrations: MIGRATIONS, synchronize: false };
}

/** Opens the read models; the projector (`runMigrations`) brings the schema up to date. */
export function openReadModel(url: string, runMigrations = true): Promise<DataSource> {
  return new DataSource({ ...readModelDataSourceOptions(url), migrationsRun: runMigrations }).initialize();
}
