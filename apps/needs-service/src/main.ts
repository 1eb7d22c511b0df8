import { exitOnStartFailure, startJsonLogs, startTracing } from '@shecun/core';
import { runWriteService } from '@shecun/hosting';
import { EvidenceModule } from '@shecun/evidence';
import { MIGRATIONS } from './migrations';
import { NEEDS_SERVICE_ENTITIES } from './write-database';

/** Evidence files (EVIDENCE_DATABASE_URL, shared with the gateway that takes the uploads): deliveries reference them by hash. */
const evidence = process.env.EVIDENCE_DATABASE_URL ? [EvidenceModule.onPostgres(process.env.EVIDENCE_DATABASE_URL, { controller: false })] : [];

/** The needs write service of the distributed topology; the contexts whose commands it hosts, one per line. */
startTracing('needs-service');
startJsonLogs('needs-service');
runWriteService(
  'needs service',
  {
    entities: NEEDS_SERVICE_ENTITIES,
    migrations: MIGRATIONS,
    contexts: [
      (require('@shecun/needs') as typeof import('@shecun/needs')).needsContext,
    ],
    imports: evidence,
  },
  3001,
).catch(exitOnStartFailure);
