import { exitOnStartFailure, startJsonLogs, startTracing } from '@shecun/core';
import { runWriteService } from '@shecun/hosting';
import { EvidenceModule } from '@shecun/evidence';
import { MIGRATIONS } from './migrations';
import { DONATIONS_SERVICE_ENTITIES } from './write-database';

/** Evidence files (EVIDENCE_DATABASE_URL, shared with the gateway that takes the uploads): uses reference them by hash. */
const evidence = process.env.EVIDENCE_DATABASE_URL ? [EvidenceModule.onPostgres(process.env.EVIDENCE_DATABASE_URL, { controller: false })] : [];

/**
 * The donations write service of the distributed topology: flows and funds, and the periodic
 * ledger checkpoint (LEDGER_CHECKPOINT_HOURS); the contexts whose commands it hosts, one per line.
 */
startTracing('donations-service');
startJsonLogs('donations-service');
runWriteService(
  'donations service',
  {
    entities: DONATIONS_SERVICE_ENTITIES,
    migrations: MIGRATIONS,
    contexts: [
      (require('@shecun/donations') as typeof import('@shecun/donations')).donationsContext,
    ],
    imports: evidence,
  },
  3004,
).catch(exitOnStartFailure);
