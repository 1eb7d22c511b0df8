import { exitOnStartFailure, startJsonLogs, startTracing } from '@shecun/core';
import { runWriteService } from '@shecun/hosting';
import { MIGRATIONS } from './migrations';
import { ORGANIZATIONS_SERVICE_ENTITIES } from './write-database';

/**
 * The organizations write service of the distributed topology: registry, pairings, teams, the
 * pairing expiry sweep; the contexts whose commands it hosts, one per line.
 */
startTracing('organizations-service');
startJsonLogs('organizations-service');
runWriteService(
  'organizations service',
  {
    entities: ORGANIZATIONS_SERVICE_ENTITIES,
    migrations: MIGRATIONS,
    contexts: [
      (require('@shecun/organizations') as typeof import('@shecun/organizations')).organizationsContext,
    ],
  },
  3005,
).catch(exitOnStartFailure);
