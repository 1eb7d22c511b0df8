import { IdempotencyRecord } from '@shecun/core';
import { DataSourceOptions } from 'typeorm';
import { MIGRATIONS } from './migrations';

export const NEEDS_SERVICE_ENTITIES = [IdempotencyRecord];

/**
 * The needs service's own PostgreSQL database (idempotency records only; its events live in the
 * event store). The schema comes from the migrations in ./migrations, run at start-up.
 */
export function needsServiceDataSourceOptions(url: string): DataSourceOptions {
  return { type: 'postgres', url, entities: NEEDS_SERVICE_ENTITIES, migrations: MIGRATIONS, synchronize: false };
}
