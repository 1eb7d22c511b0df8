import { WRITE_SERVICE_BASE_ENTITIES, writeServiceDataSourceOptions } from '@shecun/hosting';
import { NEEDS_STANDING_ENTITIES } from '@shecun/needs';
import { DataSourceOptions } from 'typeorm';
import { MIGRATIONS } from './migrations';

/**
 * The needs service's own database: the base entities of every write service, and the views it
 * projects itself for its commands: organization standings (checked on every commitment) and
 * team rosters.
 */
export const NEEDS_SERVICE_ENTITIES = [...WRITE_SERVICE_BASE_ENTITIES, ...NEEDS_STANDING_ENTITIES];

export function needsServiceDataSourceOptions(url: string): DataSourceOptions {
  return writeServiceDataSourceOptions(url, NEEDS_SERVICE_ENTITIES, MIGRATIONS);
}
