import { eventStoreContract } from '../contract/event-store.contract';
import { EsdbEventStore } from './esdb-event-store';

// The contract suite needs a running EventStoreDB server. None is available on the CI machines (and
// none can be installed there), so the suite is reported as skipped unless ESDB_URL names a server,
// e.g. ESDB_URL=esdb://localhost:2113?tls=false npx jest libs/event-store
const ESDB_URL = process.env.ESDB_URL;
if (ESDB_URL) {
  eventStoreContract('EventStoreDB', async () => new EsdbEventStore({ connectionString: ESDB_URL }));
} else {
  describe('event store contract: EventStoreDB', () => {
    // Skipped on purpose, never faked: no EventStoreDB server can run here (see above).
    it.skip('EventStoreDB contract skipped: set ESDB_URL to run', () => undefined);
  });
}

describe('EventStoreDB adapter (no server)', () => {
  it('constructs without connecting and closes cleanly', async () => {
    const store = EsdbEventStore.connect('esdb://localhost:1?tls=false');
    await store.close();
  });
});
