import { WRITE_SERVICE_BASE_ENTITIES, writeServiceDataSourceOptions } from '@shecun/hosting';
import { MATCHING_VIEW_ENTITIES } from '@shecun/matching';
import { PUSH_VIEW_ENTITIES } from '@shecun/push';
import { DataSourceOptions } from 'typeorm';
import { MIGRATIONS } from './migrations';

/**
 * The push service's own database: the base entities of every write service, the matching tables
 * its dispatcher ranks organizations with (projected here from the event store's log, in log
 * order), and the push views: preferences, feeds, the dispatcher's checkpoint, webhook deliveries
 * and their attempts.
 */
export const PUSH_SERVICE_ENTITIES = [...WRITE_SERVICE_BASE_ENTITIES, ...MATCHING_VIEW_ENTITIES, ...PUSH_VIEW_ENTITIES];

export function pushServiceDataSourceOptions(url: string): DataSourceOptions {
  return writeServiceDataSourceOptions(url, PUSH_SERVICE_ENTITIES, MIGRATIONS);
}
