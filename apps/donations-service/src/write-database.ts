import { WRITE_SERVICE_BASE_ENTITIES, writeServiceDataSourceOptions } from '@shecun/hosting';
import { DataSourceOptions } from 'typeorm';
import { MIGRATIONS } from './migrations';

/** The donations service's own database: only the base entities (its commands read streams, no views). */
export const DONATIONS_SERVICE_ENTITIES = [...WRITE_SERVICE_BASE_ENTITIES];

export function donationsServiceDataSourceOptions(url: string): DataSourceOptions {
  return writeServiceDataSourceOptions(url, DONATIONS_SERVICE_ENTITIES, MIGRATIONS);
}
