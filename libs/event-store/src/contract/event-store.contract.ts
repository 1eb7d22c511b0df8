import { randomUUID } from 'node:crypto';
import { WrongExpectedRevisionError } from '../errors';
import { EventStore, NewEvent, RecordedEvent, START } from '../types';

/**
 * The contract every event-store adapter must pass. Tests use fresh, randomly named streams and
 * only look at their own events in the global log, so they also run against a shared server.
 */
export function eventStoreContract(adapterName: string, open: () => Promise<EventStore>): void {
  describe(`event store contract: ${adapterName}`, () => {
    let store: EventStore;
    beforeEach(async () => {
      store = await open();
    });
    afterEach(async () => {
      await store.close();
    });

    const stream = (prefix = 'test') => `${prefix}-${randomUUID()}`;
    const event = (type = 'Something', data: Record<string, unknown> = {}): NewEvent => ({
      id: randomUUID(),
      type,
      schemaVersion: 1,
      data,
      metadata: {
        actorId: 'user-1',
        actorRole: 'coordinator',
        correlationId: randomUUID(),
        causationId: randomUUID(),
        occurredAt: new Date().toISOString(),
      },
    });
    const mine = (events: RecordedEvent[], streams: string[]) => events.filter((e) => streams.includes(e.streamName));

    describe('append with expected revision', () => {
      it('creates a stream with no-stream and numbers revisions from 0', async () => {
        const s = stream();
        const result = await store.append(s, [event(), event(), event()], 'no-stream');
        expect(result.nextRevision).toBe(2);
        const read = await store.readStream(s);
        expect(read.map((e) => e.revision)).toEqual([0, 1, 2]);
        expect(read[2].position).toBe(result.position);
      });

      it('appends at the exact expected revision', async () => {
        const s = stream();
        await store.append(s, [event()], 'no-stream');
        const result = await store.append(s, [event(), event()], 0);
        expect(result.nextRevision).toBe(2);
        expect((await store.append(s, [event()], 2)).nextRevision).toBe(3);
      });

      it('accepts any and exists where they hold', async () => {
        const s = stream();
        await store.append(s, [event()], 'any');
        await store.append(s, [event()], 'exists');
        await store.append(s, [event()], 'any');
        expect((await store.readStream(s)).length).toBe(3);
      });

      it('throws a typed conflict for no-stream on an existing stream', async () => {
        const s = stream();
        await store.append(s, [event()], 'no-stream');
        await expect(store.append(s, [event()], 'no-stream')).rejects.toBeInstanceOf(WrongExpectedRevisionError);
      });

      it('throws a typed conflict for a stale or future revision and appends nothing', async () => {
        const s = stream();
        await store.append(s, [event(), event()], 'no-stream');
        await expect(store.append(s, [event()], 0)).rejects.toBeInstanceOf(WrongExpectedRevisionError);
        await expect(store.append(s, [event()], 5)).rejects.toBeInstanceOf(WrongExpectedRevisionError);
        expect((await store.readStream(s)).length).toBe(2);
      });

      it('throws a typed conflict for exists or a number on a missing stream', async () => {
        await expect(store.append(stream(), [event()], 'exists')).rejects.toBeInstanceOf(WrongExpectedRevisionError);
        await expect(store.append(stream(), [event()], 0)).rejects.toBeInstanceOf(WrongExpectedRevisionError);
      });

      it('lets exactly one of many concurrent writers at the same revision win', async () => {
        const s = stream();
        await store.append(s, [event()], 'no-stream');
        const results = await Promise.allSettled(Array.from({ length: 10 }, () => store.append(s, [event()], 0)));
        expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
        const rejected = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
        expect(rejected).toHaveLength(9);
        for (const r of rejected) expect(r.reason).toBeInstanceOf(WrongExpectedRevisionError);
        expect((await store.readStream(s)).length).toBe(2);
      });
    });

    describe('idempotent append by event id', () => {
      it('treats a retried append of the same events as a no-op with the same result', async () => {
        const s = stream();
        await store.append(s, [event()], 'no-stream');
        const batch = [event(), event()];
        const first = await store.append(s, batch, 0);
        const again = await store.append(s, batch, 0);
        expect(again.nextRevision).toBe(first.nextRevision);
        expect((await store.readStream(s)).map((e) => e.id)).toHaveLength(3);
      });

      it('treats a retried first append with no-stream as a no-op', async () => {
        const s = stream();
        const batch = [event()];
        await store.append(s, batch, 'no-stream');
        await store.append(s, batch, 'no-stream');
        expect(await store.readStream(s)).toHaveLength(1);
      });
    });

    describe('read stream', () => {
      it('returns the events with type, data, metadata and schema version as appended', async () => {
        const s = stream();
        const e = event('NeedDrafted', { title: '村道硬化', amountFen: 1250000, items: [{ q: 3 }] });
        await store.append(s, [e], 'no-stream');
        const [read] = await store.readStream(s);
        expect(read).toMatchObject({
          id: e.id,
          type: 'NeedDrafted',
          schemaVersion: 1,
          data: e.data,
          streamName: s,
          revision: 0,
        });
        expect(read.metadata).toMatchObject(e.metadata);
      });

      it('reads from a revision with a maximum count', async () => {
        const s = stream();
        await store.append(s, [event(), event(), event(), event()], 'no-stream');
        const read = await store.readStream(s, { fromRevision: 1, maxCount: 2 });
        expect(read.map((e) => e.revision)).toEqual([1, 2]);
      });

      it('finds the revision of an event by id, only in its own stream', async () => {
        const s = stream();
        const [a, b] = [event(), event()];
        await store.append(s, [a, b], 'no-stream');
        expect(await store.revisionOfEvent(s, b.id)).toBe(1);
        expect(await store.revisionOfEvent(s, a.id)).toBe(0);
        expect(await store.revisionOfEvent(stream(), a.id)).toBeUndefined();
        expect(await store.revisionOfEvent(s, randomUUID())).toBeUndefined();
      });

      it('reads an unknown stream as empty', async () => {
        expect(await store.readStream(stream())).toEqual([]);
      });
    });

    describe('read all from a position', () => {
      it('returns events of all streams in global order after the position', async () => {
        const before = await store.headPosition();
        const a = stream('a');
        const b = stream('b');
        await store.append(a, [event('A1')], 'no-stream');
        await store.append(b, [event('B1')], 'no-stream');
        await store.append(a, [event('A2')], 0);
        const all = mine(await store.readAll(before, 10_000), [a, b]);
        expect(all.map((e) => e.type)).toEqual(['A1', 'B1', 'A2']);
        for (let i = 1; i < all.length; i++) expect(all[i].position).toBeGreaterThan(all[i - 1].position);
        const afterFirst = mine(await store.readAll(all[0].position, 10_000), [a, b]);
        expect(afterFirst.map((e) => e.type)).toEqual(['B1', 'A2']);
      });

      it('pages through the log in batches', async () => {
        const s = stream();
        const before = await store.headPosition();
        await store.append(s, Array.from({ length: 7 }, (_, i) => event(`E${i}`)), 'no-stream');
        const seen: string[] = [];
        let position = before;
        for (;;) {
          const batch = await store.readAll(position, 3);
          if (batch.length === 0) break;
          expect(batch.length).toBeLessThanOrEqual(3);
          seen.push(...mine(batch, [s]).map((e) => e.type));
          position = batch[batch.length - 1].position;
        }
        expect(seen).toEqual(['E0', 'E1', 'E2', 'E3', 'E4', 'E5', 'E6']);
      });

      it('reports the head position', async () => {
        const s = stream();
        const result = await store.append(s, [event()], 'no-stream');
        expect(await store.headPosition()).toBeGreaterThanOrEqual(result.position);
        expect(result.position).toBeGreaterThan(START);
      });
    });

    describe('subscribe from a checkpoint', () => {
      it('catches up from the checkpoint, then delivers live appends in order', async () => {
        const s = stream();
        await store.append(s, [event('Old')], 'no-stream');
        const checkpoint = (await store.readStream(s))[0].position;
        await store.append(s, [event('C1'), event('C2')], 0);

        const received: string[] = [];
        let live!: () => void;
        const isLive = new Promise<void>((resolve) => (live = resolve));
        let done!: () => void;
        const allSeen = new Promise<void>((resolve) => (done = resolve));
        const subscription = store.subscribeAll(
          checkpoint,
          async (events) => {
            received.push(...mine(events, [s]).map((e) => e.type));
            if (received.length >= 4) done();
          },
          { onLive: () => live() },
        );
        await isLive;
        await store.append(s, [event('L1')], 2);
        await store.append(s, [event('L2')], 3);
        await allSeen;
        await subscription.stop();
        expect(received).toEqual(['C1', 'C2', 'L1', 'L2']);
      });

      it('stops delivering after stop()', async () => {
        const s = stream();
        const received: RecordedEvent[] = [];
        let live!: () => void;
        const isLive = new Promise<void>((resolve) => (live = resolve));
        const subscription = store.subscribeAll(await store.headPosition(), async (events) => {
          received.push(...mine(events, [s]));
        }, { onLive: () => live() });
        await isLive;
        await subscription.stop();
        await store.append(s, [event()], 'no-stream');
        await new Promise((r) => setTimeout(r, 300));
        expect(received).toEqual([]);
      });
    });
  });
}
