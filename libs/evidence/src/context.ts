import { ContextDefinition } from '@shecun/projections';
import { join } from 'node:path';
import { EvidenceModule } from './evidence.module';

/**
 * Evidence files (photos, receipts) kept by content hash: in the data folder (`evidence/`), or in
 * the PostgreSQL database EVIDENCE_DATABASE_URL shared by the gateway (which takes the uploads)
 * and the services whose commands reference them; without it, no uploads in the distributed topology.
 */
export const evidenceContext: ContextDefinition = {
  name: 'evidence',
  streams: {},
  events: {},
  embedded: { module: ({ dataDir }) => EvidenceModule.onFilesystem(join(dataDir, 'evidence')), entities: [] },
  distributed: { gateway: (env) => (env.EVIDENCE_DATABASE_URL ? [EvidenceModule.onPostgres(env.EVIDENCE_DATABASE_URL)] : []) },
};
