import { requiredEnv } from '@shecun/core';
import { openEventStore } from '@shecun/event-store';
import { verifyLedgerOf } from '@shecun/donations';

/**
 * `node dist/apps/donations-service/src/verify-ledger.js`: recomputes the donation ledger's hash
 * chains from the event store of EVENT_STORE_URL (the distributed topology's `cli verify-ledger`),
 * for instance after a restore. Prints the report as JSON; exits 1 on a broken link, 2 when the
 * store cannot be read. Only reads: it runs beside the services.
 */
async function main(): Promise<number> {
  const store = await openEventStore(requiredEnv('EVENT_STORE_URL'));
  try {
    const report = await verifyLedgerOf(store);
    console.log(JSON.stringify(report, null, 2));
    if (!report.ok) {
      const link = report.firstBrokenLink!;
      console.error(`账本断链 ledger broken at ${link.stream} revision ${link.revision} (event ${link.eventId}, position ${link.position}): ${link.problem}`);
      return 1;
    }
    console.error(`账本完整 ledger intact: ${report.eventsChecked} events in ${report.streamsChecked} streams, head ${report.head}`);
    return 0;
  } finally {
    await store.close();
  }
}

main().then(
  (code) => process.exit(code),
  (error) => {
    console.error(error);
    process.exit(2);
  },
);
