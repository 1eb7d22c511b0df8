import { AccessDeniedError, UnavailableError } from '@eventstore/db-client';
import { PassThrough } from 'node:stream';
import { RecordedEvent, START } from '../types';
import { EsdbRecorded, toEsdbMetadata, toEsdbPosition } from './esdb-mapping';
import { EsdbLiveFeed } from './esdb-feed-reader';
import {
  EsdbSubscriptionEndedError,
  EsdbSubscriptionSource,
  esdbSubscription,
  isTransientEsdbError,
  reconnectDelay,
} from './esdb-subscription';

const meta = { actorId: 'a', actorRole: 'coordinator', correlationId: 'c', causationId: 'k', occurredAt: '2026-01-01T00:00:00Z' };

describe('EventStoreDB reconnect policy (no server)', () => {
  it('tells transient failures (reconnect) from permanent ones (give up)', () => {
    expect(isTransientEsdbError(new UnavailableError())).toBe(true);
    expect(isTransientEsdbError(new EsdbSubscriptionEndedError())).toBe(true);
    expect(isTransientEsdbError(new Error('Failed to discover after 10 attempts.'))).toBe(true);
    expect(isTransientEsdbError(new AccessDeniedError())).toBe(false);
    expect(isTransientEsdbError(new Error('boom'))).toBe(false);
    expect(isTransientEsdbError('boom')).toBe(false);
  });

  it('backs off exponentially up to a cap', () => {
    expect([1, 2, 3, 4, 5, 6, 7, 100].map((n) => reconnectDelay(n))).toEqual([250, 500, 1000, 2000, 4000, 8000, 10000, 10000]);
    expect(reconnectDelay(3, { initialDelayMs: 10, maxDelayMs: 25 })).toBe(25);
  });
});

// ---------------------------------------------------------------------------------------------
// The subscription logic against an in-memory source standing in for the server.
// ---------------------------------------------------------------------------------------------

const recorded = (position: number, type = `E${position}`): RecordedEvent => ({
  id: `id-${position}`,
  type,
  schemaVersion: 1,
  data: { position },
  metadata: meta,
  streamName: 's-1',
  revision: position,
  position,
});

const wire = (e: RecordedEvent): { event: EsdbRecorded } => ({
  event: {
    streamId: e.streamName,
    id: e.id,
    type: e.type,
    revision: BigInt(e.revision),
    data: e.data,
    metadata: toEsdbMetadata(e),
    position: toEsdbPosition(e.position),
  },
});

/** A fake server: a log for catch-up reads and controllable live feeds. */
class FakeServer implements EsdbSubscriptionSource {
  log: RecordedEvent[] = [];
  feeds: { after: number; feed: PassThrough & EsdbLiveFeed; unsubscribed: boolean }[] = [];
  readFailures: unknown[] = [];
  readAllCalls: number[] = [];

  async readAll(after: number, maxCount: number): Promise<RecordedEvent[]> {
    this.readAllCalls.push(after);
    const failure = this.readFailures.shift();
    if (failure) throw failure;
    return this.log.filter((e) => e.position > after).slice(0, maxCount);
  }

  subscribe(after: number): EsdbLiveFeed {
    const entry = { after, feed: new PassThrough({ objectMode: true }) as PassThrough & EsdbLiveFeed, unsubscribed: false };
    entry.feed.unsubscribe = async () => void (entry.unsubscribed = true);
    this.feeds.push(entry);
    // Like the server: a subscription from a position first replays what is after it.
    for (const e of this.log) if (e.position > after) entry.feed.write(wire(e));
    return entry.feed;
  }

  /** Appends and pushes to the current live feed. */
  append(e: RecordedEvent): void {
    this.log.push(e);
    this.feeds[this.feeds.length - 1]?.feed.write(wire(e));
  }
}

const until = async (condition: () => boolean, timeoutMs = 2000) => {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 2));
  }
};

describe('EventStoreDB subscription (fake server, no network)', () => {
  let warn: jest.SpyInstance;
  beforeEach(() => (warn = jest.spyOn(console, 'warn').mockImplementation(() => undefined)));
  afterEach(() => warn.mockRestore());

  it('catches up in batches, goes live from the last delivered position, and delivers in order', async () => {
    const server = new FakeServer();
    server.log = [1, 2, 3, 4, 5].map((p) => recorded(p));
    const batches: number[][] = [];
    let live = false;
    const sub = esdbSubscription(server, 1, async (events) => void batches.push(events.map((e) => e.position)), {
      batchSize: 2,
      onLive: () => (live = true),
    });
    await until(() => live);
    expect(batches).toEqual([[2, 3], [4, 5]]);
    await until(() => server.feeds.length === 1);
    expect(server.feeds[0].after).toBe(5);

    server.append(recorded(6));
    server.append(recorded(7, '$metadata')); // system events never reach the handler
    server.append(recorded(8));
    await until(() => batches.flat().includes(8));
    expect(batches.flat()).toEqual([2, 3, 4, 5, 6, 8]);
    await sub.stop();
    expect(server.feeds[0].unsubscribed).toBe(true);
  });

  it('never runs two batches at once and holds back live events while the handler works', async () => {
    const server = new FakeServer();
    let running = 0;
    let overlap = false;
    const seen: number[] = [];
    let release!: () => void;
    let gate = new Promise<void>((r) => (release = r));
    let live = false;
    const sub = esdbSubscription(
      server,
      START,
      async (events) => {
        running += 1;
        if (running > 1) overlap = true;
        await gate;
        seen.push(...events.map((e) => e.position));
        running -= 1;
      },
      { batchSize: 10, onLive: () => (live = true) },
    );
    await until(() => live && server.feeds.length === 1);
    server.append(recorded(1));
    await until(() => running === 1);
    server.append(recorded(2));
    server.append(recorded(3));
    await new Promise((r) => setTimeout(r, 20));
    expect(seen).toEqual([]);
    release();
    gate = Promise.resolve();
    await until(() => seen.length === 3);
    expect(seen).toEqual([1, 2, 3]);
    expect(overlap).toBe(false);
    await sub.stop();
  });

  it('resubscribes from the last delivered position after the server subscription drops', async () => {
    const server = new FakeServer();
    const seen: number[] = [];
    const errors: unknown[] = [];
    let live = false;
    const sub = esdbSubscription(server, START, async (events) => void seen.push(...events.map((e) => e.position)), {
      onLive: () => (live = true),
      onError: (e) => errors.push(e),
      reconnect: { initialDelayMs: 1, maxDelayMs: 5 },
    });
    await until(() => live && server.feeds.length === 1);
    server.append(recorded(10));
    await until(() => seen.length === 1);

    // Written while the connection is down: the new subscription must replay it.
    server.log.push(recorded(20));
    server.feeds[0].feed.destroy(new UnavailableError());
    await until(() => server.feeds.length === 2);
    expect(server.feeds[1].after).toBe(10);
    await until(() => seen.length === 2);

    // A graceful end by the server is treated like a drop too.
    server.feeds[1].feed.end();
    await until(() => server.feeds.length === 3);
    expect(server.feeds[2].after).toBe(20);
    server.append(recorded(30));
    await until(() => seen.length === 3);

    expect(seen).toEqual([10, 20, 30]);
    expect(errors).toEqual([]);
    await sub.stop();
  });

  it('retries a failed catch-up read from the same position', async () => {
    const server = new FakeServer();
    server.log = [recorded(1), recorded(2)];
    server.readFailures = [new UnavailableError()];
    const seen: number[] = [];
    let live = false;
    const sub = esdbSubscription(server, START, async (events) => void seen.push(...events.map((e) => e.position)), {
      onLive: () => (live = true),
      reconnect: { initialDelayMs: 1 },
    });
    await until(() => live);
    expect(seen).toEqual([1, 2]);
    expect(server.readAllCalls.slice(0, 2)).toEqual([START, START]);
    await sub.stop();
  });

  it('stops with onError when the handler throws, without retrying', async () => {
    const server = new FakeServer();
    server.log = [recorded(1)];
    const failure = new Error('projection failed');
    const errors: unknown[] = [];
    esdbSubscription(
      server,
      START,
      async () => {
        throw failure;
      },
      { onError: (e) => errors.push(e) },
    );
    await until(() => errors.length === 1);
    expect(errors[0]).toBe(failure);
    expect(server.readAllCalls).toEqual([START]);
  });

  it('gives up with onError on a permanent server error or after maxAttempts', async () => {
    const denied = new AccessDeniedError();
    const server = new FakeServer();
    server.readFailures = [denied];
    const errors: unknown[] = [];
    esdbSubscription(server, START, async () => undefined, { onError: (e) => errors.push(e) });
    await until(() => errors.length === 1);
    expect(errors[0]).toBe(denied);

    const flaky = new FakeServer();
    flaky.readFailures = [new UnavailableError(), new UnavailableError(), new UnavailableError()];
    const flakyErrors: unknown[] = [];
    esdbSubscription(flaky, START, async () => undefined, {
      onError: (e) => flakyErrors.push(e),
      reconnect: { initialDelayMs: 1, maxAttempts: 2 },
    });
    await until(() => flakyErrors.length === 1);
    expect(flakyErrors[0]).toBeInstanceOf(UnavailableError);
    expect(flaky.readAllCalls).toHaveLength(3);
  });

  it('stop() resolves after the batch in flight and delivers nothing more', async () => {
    const server = new FakeServer();
    const seen: number[] = [];
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    let live = false;
    let finished = false;
    const sub = esdbSubscription(
      server,
      START,
      async (events) => {
        await gate;
        seen.push(...events.map((e) => e.position));
        finished = true;
      },
      { batchSize: 1, onLive: () => (live = true) },
    );
    await until(() => live && server.feeds.length === 1);
    server.append(recorded(1));
    server.append(recorded(2));
    await new Promise((r) => setTimeout(r, 10));
    let stopped = false;
    const stopping = sub.stop().then(() => (stopped = true));
    await new Promise((r) => setTimeout(r, 10));
    expect(stopped).toBe(false);
    release();
    await stopping;
    expect(finished).toBe(true);
    expect(seen).toEqual([1]);
    expect(server.feeds[0].unsubscribed).toBe(true);
  });

  it('stop() interrupts a reconnect back-off', async () => {
    const server = new FakeServer();
    server.readFailures = [new UnavailableError()];
    const sub = esdbSubscription(server, START, async () => undefined, { reconnect: { initialDelayMs: 60_000 } });
    await until(() => server.readAllCalls.length === 1);
    await sub.stop();
    expect(server.readAllCalls).toHaveLength(1);
  });
});
