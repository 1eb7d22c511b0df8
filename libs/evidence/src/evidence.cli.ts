import { INestApplicationContext } from '@nestjs/common';
import { EVENT_STORE, EventStore } from '@shecun/event-store';
import { EvidenceService } from './evidence.service';

/**
 * The file part of `cli verify-ledger`: hashes every referenced evidence file, prints the report and
 * names each file that is missing or whose bytes no longer hash to the recorded SHA-256 (stream,
 * revision, sha256). Answers whether every file is intact.
 */
export async function verifyEvidenceFilesCli(app: INestApplicationContext): Promise<boolean> {
  const report = await app.get(EvidenceService).verifyFiles(app.get<EventStore>(EVENT_STORE));
  console.log(JSON.stringify({ evidenceFiles: report }, null, 2));
  for (const p of report.problems) {
    console.error(`evidence file ${p.sha256} referenced by ${p.stream} revision ${p.revision} (event ${p.eventId}, ${p.type}): ${p.problem === 'missing' ? 'missing from storage' : `bytes now hash to ${p.found}`}`);
  }
  return report.ok;
}
