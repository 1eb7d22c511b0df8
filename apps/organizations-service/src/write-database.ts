import { WRITE_SERVICE_BASE_ENTITIES, writeServiceDataSourceOptions } from '@shecun/hosting';
import { ORGANIZATIONS_CONTEXT_ENTITIES } from '@shecun/organizations';
import { DataSourceOptions } from 'typeorm';
import { MIGRATIONS } from './migrations';

/**
 * The organizations service's own database: the base entities of every write service and the
 * context's views, projected here from the event store's log (one organization per credit code,
 * pairings due for expiry).
 */
export const ORGANIZATIONS_SERVICE_ENTITIES = [...WRITE_SERVICE_BASE_ENTITIES, ...ORGANIZATIONS_CONTEXT_ENTITIES];

export function organizationsServiceDataSourceOptions(url: string): DataSourceOptions {
  return writeServiceDataSourceOptions(url, ORGANIZATIONS_SERVICE_ENTITIES, MIGRATIONS);
}
