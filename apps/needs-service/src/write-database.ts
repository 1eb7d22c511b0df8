import { IdempotencyRecord } from '@shecun/core';
import { IDENTITY_VIEW_ENTITIES } from '@shecun/identity';
import { NEEDS_STANDING_ENTITIES } from '@shecun/needs';
import { ProjectionCheckpoint } from '@shecun/projections';
import { DataSourceOptions } from 'typeorm';
import { MIGRATIONS } from './migrations';

/**
 * Idempotency records, and the views the needs service projects itself from the event store's
 * log: organization standings (checked on every commitment) and users with their grants (checked
 * on every request), with the projections' checkpoints.
 */
export const NEEDS_SERVICE_ENTITIES = [IdempotencyRecord, ProjectionCheckpoint, ...NEEDS_STANDING_ENTITIES, ...IDENTITY_VIEW_ENTITIES];

/**
 * The needs service's own PostgreSQL database (its events live in the event store). The schema comes from the migrations in ./migrations, run at start-up.
 */
export function needsServiceDataSourceOptions(url: string): DataSourceOptions {
  return { type: 'postgres', url, entities: NEEDS_SERVICE_ENTITIES, migrations: MIGRATIONS, synchronize: false };
}
