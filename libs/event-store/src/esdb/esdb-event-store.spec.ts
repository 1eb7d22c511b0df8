import { ANY, NO_STREAM, STREAM_EXISTS, WrongExpectedVersionError } from '@eventstore/db-client';
import { eventStoreContract } from '../contract/event-store.contract';
import { WrongExpectedRevisionError } from '../errors';
import { START } from '../types';
import { EsdbEventStore, fromEsdbEvent, toEsdbExpectedRevision, toEsdbPosition, toWrongExpectedRevision } from './esdb-event-store';

// The contract suite needs a real EventStoreDB server; none can run on the CI machines, so it is
// reported as skipped unless ESDB_URL names one (e.g. esdb://localhost:2113?tls=false).
const ESDB_URL = process.env.ESDB_URL;
if (ESDB_URL) {
  eventStoreContract('EventStoreDB', async () => new EsdbEventStore({ connectionString: ESDB_URL, pollIntervalMs: 100 }));
} else {
  describe('event store contract: EventStoreDB', () => {
    it.skip('EventStoreDB contract skipped: set ESDB_URL to run', () => undefined);
  });
}

describe('EventStoreDB adapter mappings (no server)', () => {
  it('maps expected revisions to the client, numbers to bigint', () => {
    expect(toEsdbExpectedRevision('no-stream')).toBe(NO_STREAM);
    expect(toEsdbExpectedRevision('any')).toBe(ANY);
    expect(toEsdbExpectedRevision('exists')).toBe(STREAM_EXISTS);
    expect(toEsdbExpectedRevision(41)).toBe(41n);
  });

  it('maps the client conflict to the typed conflict with the actual revision', () => {
    const conflict = new WrongExpectedVersionError(undefined, { streamName: 'need-1', expected: 3n, current: 5n });
    const mapped = toWrongExpectedRevision(conflict, 'need-1', 3);
    expect(mapped).toBeInstanceOf(WrongExpectedRevisionError);
    expect(mapped).toMatchObject({ streamName: 'need-1', expected: 3, actual: 5 });
    const missing = new WrongExpectedVersionError(undefined, { streamName: 'need-2', expected: STREAM_EXISTS, current: NO_STREAM });
    expect(toWrongExpectedRevision(missing, 'need-2', 'exists')).toMatchObject({ actual: 'no-stream' });
  });

  it('maps positions and recorded events, keeping metadata as appended and the schema version apart', () => {
    expect(toEsdbPosition(1234)).toEqual({ commit: 1234n, prepare: 1234n });
    const recorded = fromEsdbEvent({
      streamId: 'need-1',
      id: 'e-1',
      type: 'NeedDrafted',
      revision: 7n,
      data: { title: '村道' },
      metadata: { actorId: 'a', actorRole: 'coordinator', correlationId: 'c', causationId: 'k', occurredAt: '2026-01-01T00:00:00Z', $schemaVersion: 2 },
      position: { commit: 900n, prepare: 880n },
    });
    expect(recorded).toEqual({
      id: 'e-1',
      type: 'NeedDrafted',
      schemaVersion: 2,
      data: { title: '村道' },
      metadata: { actorId: 'a', actorRole: 'coordinator', correlationId: 'c', causationId: 'k', occurredAt: '2026-01-01T00:00:00Z' },
      streamName: 'need-1',
      revision: 7,
      position: 880,
    });
    expect(fromEsdbEvent({ streamId: 's', id: 'e', type: 'T', revision: 0n, data: {}, metadata: undefined }).position).toBe(START);
  });
});
