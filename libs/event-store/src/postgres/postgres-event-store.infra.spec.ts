/**
 * PostgreSQL adapter on a real server (`npm run test:infra`). Creates a throwaway database
 * `shecun_es_<random>` on the server named by PG_URL and drops it afterwards.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { Client, Pool } from 'pg';
import { eventStoreContract } from '../contract/event-store.contract';
import { DuplicateEventIdError, WrongExpectedRevisionError } from '../errors';
import { defineEventVersions } from '../event-schemas';
import { NewEvent, RecordedEvent, START } from '../types';
import { PostgresEventStore } from './postgres-event-store';

const BASE_URL = process.env.PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const DATABASE = `shecun_es_${randomBytes(6).toString('hex')}`;
const urlFor = (database: string, params: Record<string, string> = {}) => {
  const url = new URL(BASE_URL);
  url.pathname = `/${database}`;
  for (const [key, value] of Object.entries(params)) url.searchParams.set(key, value);
  return url.toString();
};
const URL_ = urlFor(DATABASE);

async function sql<T extends Record<string, unknown> = Record<string, unknown>>(
  connectionString: string,
  text: string,
  values: unknown[] = [],
): Promise<T[]> {
  const client = new Client({ connectionString });
  await client.connect();
  try {
    return (await client.query<T>(text, values)).rows;
  } finally {
    await client.end();
  }
}

const freshSchema = (prefix: string) => `${prefix}_${randomBytes(4).toString('hex')}`;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
async function waitFor(condition: () => Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(20);
  }
}

const meta = () => ({
  actorId: 'user-1',
  actorRole: 'coordinator',
  correlationId: randomUUID(),
  causationId: randomUUID(),
  occurredAt: new Date().toISOString(),
});
const event = (type = 'Something', data: unknown = {}): NewEvent => ({ id: randomUUID(), type, data, metadata: meta() });

beforeAll(async () => {
  await sql(BASE_URL, `CREATE DATABASE ${DATABASE}`);
});
afterAll(async () => {
  await sql(BASE_URL, `DROP DATABASE IF EXISTS ${DATABASE} WITH (FORCE)`);
});

eventStoreContract('PostgreSQL', () => PostgresEventStore.open({ connectionString: URL_, pollIntervalMs: 50 }));

describe('PostgreSQL event store specifics', () => {
  const opened: PostgresEventStore[] = [];
  const open = async (settings: { schema?: string; pollIntervalMs?: number; connectionString?: string } = {}) => {
    const store = await PostgresEventStore.open({ connectionString: URL_, ...settings });
    opened.push(store);
    return store;
  };
  afterEach(async () => {
    await Promise.all(opened.splice(0).map((s) => s.close()));
  });

  it('round-trips data and metadata exactly as appended (key order, unicode, \\u0000, numbers)', async () => {
    const store = await open({ schema: freshSchema('roundtrip') });
    const data = {
      zeta: 1,
      alpha: { b: [3, 2, 1], a: null },
      title: '村道硬化 — “引号” \\ back\\slash',
      nul: 'a\u0000b',
      emoji: '🏞️',
      float: 0.1 + 0.2,
      big: Number.MAX_SAFE_INTEGER,
      negative: -0.5e-7,
      empty: '',
      bool: false,
      nested: [{ y: 1, x: 2 }, [], {}],
    };
    // A type at version 3 (two upcasters that change nothing): the version is stored and read back as written.
    defineEventVersions('SpecRoundTripped', [(d) => d, (d) => d]);
    const e: NewEvent = { id: randomUUID(), type: 'SpecRoundTripped', schemaVersion: 3, data, metadata: { ...meta(), extra: { k: 'v' } } };
    const result = await store.append('roundtrip-1', [e], 'no-stream');
    const [read] = await store.readStream('roundtrip-1');
    expect(JSON.stringify(read.data)).toBe(JSON.stringify(data));
    expect(JSON.stringify(read.metadata)).toBe(JSON.stringify(e.metadata));
    expect(read).toMatchObject({ id: e.id, type: 'SpecRoundTripped', schemaVersion: 3, revision: 0, streamName: 'roundtrip-1' });
    expect(read.stored).toBeUndefined();
    expect(typeof read.position).toBe('number');
    expect(read.position).toBe(result.position);
    const [fromAll] = await store.readAll(START, 10);
    expect(JSON.stringify(fromAll.data)).toBe(JSON.stringify(data));
  });

  it('rejects event ids stored elsewhere, appending nothing', async () => {
    const store = await open();
    const s1 = `dup-${randomUUID()}`;
    const s2 = `dup-${randomUUID()}`;
    const stored = event();
    await store.append(s1, [stored, event()], 'no-stream');
    // Same id in another stream.
    await expect(store.append(s2, [{ ...stored }], 'no-stream')).rejects.toBeInstanceOf(DuplicateEventIdError);
    // A retry that is not the same consecutive run (stored id followed by a new one).
    await expect(store.append(s1, [stored, event()], 'any')).rejects.toBeInstanceOf(DuplicateEventIdError);
    // A stored id later in the batch.
    await expect(store.append(s2, [event(), stored], 'no-stream')).rejects.toBeInstanceOf(DuplicateEventIdError);
    // The same new id twice in one batch.
    const twice = event();
    await expect(store.append(s2, [twice, { ...twice }], 'no-stream')).rejects.toBeInstanceOf(DuplicateEventIdError);
    expect(await store.readStream(s2)).toEqual([]);
    expect(await store.readStream(s1)).toHaveLength(2);
  });

  it('returns the stored result for a retried append even when the stream moved on', async () => {
    const store = await open();
    const s = `retry-${randomUUID()}`;
    const batch = [event(), event()];
    const first = await store.append(s, batch, 'no-stream');
    await store.append(s, [event()], 1);
    expect(await store.append(s, batch, 'no-stream')).toEqual(first);
    expect(await store.readStream(s)).toHaveLength(3);
  });

  it('migrates idempotently, also when many processes open the same new schema at once', async () => {
    const schema = freshSchema('migrate');
    const stores = await Promise.all(Array.from({ length: 6 }, () => open({ schema })));
    await stores[0].migrate();
    await stores[1].append('m-1', [event()], 'no-stream');
    expect(await stores[5].readStream('m-1')).toHaveLength(1);
  });

  it('maps a unique violation on (stream, revision) to WrongExpectedRevisionError', async () => {
    // The advisory lock normally prevents this race; simulate a writer that bypasses it.
    const schema = freshSchema('backstop');
    const store = await open({ schema });
    const s = `backstop-${randomUUID()}`;
    await store.append(s, [event()], 'no-stream');
    const rogue = new Client({ connectionString: URL_ });
    await rogue.connect();
    try {
      await rogue.query('BEGIN');
      await rogue.query(
        `INSERT INTO "${schema}".events (position, id, stream, revision, type, schema_version, data, metadata)
         VALUES (1000000, $1, $2, 1, 'Rogue', 1, '{}', '{}')`,
        [randomUUID(), s],
      );
      const pending = store.append(s, [event()], 0).catch((error: unknown) => error);
      // Wait until the adapter's insert blocks on the rogue row's unique-index entry. (Polled from its
      // own connection: inside a transaction, pg_stat_activity keeps returning its first snapshot.)
      await waitFor(
        async () =>
          (await sql(BASE_URL, `SELECT 1 FROM pg_stat_activity WHERE datname = $1 AND wait_event_type = 'Lock' AND query LIKE 'INSERT%'`, [DATABASE]))
            .length > 0,
        10_000,
        'the append to block',
      );
      await rogue.query('COMMIT');
      const error = await pending;
      expect(error).toBeInstanceOf(WrongExpectedRevisionError);
      expect((error as WrongExpectedRevisionError).actual).toBe(1);
    } finally {
      await rogue.end();
    }
    expect((await store.readStream(s)).map((e) => e.type)).toEqual(['Something', 'Rogue']);
  });

  it('accepts a pg.Pool and ends it on close unless told otherwise', async () => {
    const pool = new Pool({ connectionString: URL_, max: 2 });
    const store = await PostgresEventStore.open(pool, { schema: freshSchema('pool') });
    await store.append('p-1', [event()], 'no-stream');
    await store.close();
    expect(pool.ended).toBe(true);

    const kept = new Pool({ connectionString: URL_, max: 2 });
    const other = await PostgresEventStore.open(kept, { endPool: false });
    await other.close();
    expect(kept.ended).toBe(false);
    expect((await kept.query('SELECT 1 AS one')).rows[0].one).toBe(1);
    await kept.end();
  });

  it('close() stops subscriptions, the LISTEN connection and the pool', async () => {
    const app = `es_close_${randomBytes(3).toString('hex')}`;
    const store = await PostgresEventStore.open({ connectionString: urlFor(DATABASE, { application_name: app }) });
    const connections = async () =>
      Number(
        (await sql<{ n: string }>(BASE_URL, 'SELECT count(*) AS n FROM pg_stat_activity WHERE application_name = $1', [app]))[0].n,
      );
    let live!: () => void;
    const isLive = new Promise<void>((resolve) => (live = resolve));
    const received: RecordedEvent[] = [];
    store.subscribeAll(START, async (events) => void received.push(...events), { onLive: () => live() });
    await isLive;
    expect(
      (await sql(BASE_URL, `SELECT 1 FROM pg_stat_activity WHERE application_name = $1 AND query LIKE 'LISTEN%'`, [app])).length,
    ).toBe(1);
    expect(await connections()).toBeGreaterThanOrEqual(2);
    await store.close();
    await waitFor(async () => (await connections()) === 0, 5000, 'connections to close');
    await expect(store.readAll(START, 1)).rejects.toThrow(/closed/);
    await store.close(); // idempotent
  });

  it('delivers appends made by another instance promptly, through NOTIFY (polling disabled)', async () => {
    const schema = freshSchema('notify');
    // Poll interval far beyond the test's patience: only a notification can wake the subscriber.
    const subscriber = await open({ schema, pollIntervalMs: 120_000 });
    const writer = await open({ schema, pollIntervalMs: 120_000 });
    const received: RecordedEvent[] = [];
    let onEvent = () => {};
    let live!: () => void;
    const isLive = new Promise<void>((resolve) => (live = resolve));
    const subscription = subscriber.subscribeAll(
      await subscriber.headPosition(),
      async (events) => {
        received.push(...events);
        onEvent();
      },
      { onLive: () => live() },
    );
    await isLive;
    const deliver = async (type: string, expected: 'no-stream' | number) => {
      const arrived = new Promise<void>((resolve) => (onEvent = () => received.some((e) => e.type === type) && resolve()));
      const started = Date.now();
      await writer.append('cross-1', [event(type)], expected);
      await Promise.race([arrived, sleep(5000).then(() => Promise.reject(new Error(`${type} not delivered`)))]);
      return Date.now() - started;
    };
    const latencies = [await deliver('First', 'no-stream'), await deliver('Second', 0), await deliver('Third', 1)];
    expect(received.map((e) => e.type)).toEqual(['First', 'Second', 'Third']);
    for (const latency of latencies) expect(latency).toBeLessThan(2000);

    // The LISTEN connection is killed: the store reconnects and notifications flow again.
    const warn = jest.spyOn(console, 'warn').mockImplementation(() => undefined);
    await sql(BASE_URL, `SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND query LIKE 'LISTEN%'`, [
      DATABASE,
    ]);
    try {
      await waitFor(
        async () =>
          (await sql(BASE_URL, `SELECT 1 FROM pg_stat_activity WHERE datname = $1 AND query LIKE 'LISTEN%' AND state = 'idle'`, [DATABASE]))
            .length > 0,
        10_000,
        'the LISTEN connection to come back',
      );
      expect(await deliver('AfterReconnect', 2)).toBeLessThan(2000);
      expect(warn).toHaveBeenCalledWith(expect.stringContaining('LISTEN connection lost'), expect.anything());
    } finally {
      warn.mockRestore();
    }
    await subscription.stop();
  });

  it('stress: concurrent writers on separate connections, a reader paging readAll never skips an event', async () => {
    const WRITERS = 8;
    const APPENDS_PER_WRITER = 150;
    const SHARED_STREAMS = 4;
    const schema = freshSchema('stress');
    const writers = await Promise.all(Array.from({ length: WRITERS }, () => open({ schema })));
    const reader = await open({ schema });

    const committed = new Map<string, number>(); // event id → position reported by append
    const sharedLengths = new Map<string, number>();
    let conflicts = 0;
    let writing = true;

    const seen: RecordedEvent[] = [];
    let reads = 0;
    let seenWhileWriting = 0;
    const readerLoop = (async () => {
      let position = START;
      for (;;) {
        const stillWriting = writing; // captured before the read: if false, every append has committed
        const batch = await reader.readAll(position, 13);
        reads += 1;
        seen.push(...batch);
        if (stillWriting) seenWhileWriting += batch.length;
        if (batch.length > 0) position = batch[batch.length - 1].position;
        else if (!stillWriting) return;
      }
    })();

    const record = (events: NewEvent[], lastPosition: number) =>
      events.forEach((e, i) => committed.set(e.id, lastPosition - (events.length - 1 - i)));

    const started = Date.now();
    await Promise.all(
      writers.map(async (store, w) => {
        const own = `own-${w}-${randomUUID()}`;
        let ownRevision: number | 'no-stream' = 'no-stream';
        for (let i = 0; i < APPENDS_PER_WRITER; i++) {
          const batch = Array.from({ length: 1 + ((i + w) % 4) }, () => event(`W${w}`, { w, i }));
          if (i % 2 === 0) {
            const result = await store.append(own, batch, ownRevision);
            ownRevision = result.nextRevision;
            record(batch, result.position);
          } else {
            // Contended: optimistic read-then-append on a shared stream, retrying on conflicts.
            const shared = `shared-${schema}-${i % SHARED_STREAMS}`;
            for (;;) {
              const current = (await store.readStream(shared)).length - 1;
              try {
                const result = await store.append(shared, batch, current < 0 ? 'no-stream' : current);
                record(batch, result.position);
                sharedLengths.set(shared, (sharedLengths.get(shared) ?? 0) + batch.length);
                break;
              } catch (error) {
                if (!(error instanceof WrongExpectedRevisionError)) throw error;
                conflicts += 1;
              }
            }
          }
        }
      }),
    );
    writing = false;
    const writeMs = Date.now() - started;
    await readerLoop;

    // Every event exactly once, in strictly increasing position order, at the position append reported.
    const positions = seen.map((e) => e.position);
    const outOfOrder = positions.filter((p, i) => i > 0 && p <= positions[i - 1]);
    expect(outOfOrder).toEqual([]);
    expect(new Set(seen.map((e) => e.id)).size).toBe(seen.length);
    const seenIds = new Set(seen.map((e) => e.id));
    const skipped = [...committed.keys()].filter((id) => !seenIds.has(id));
    expect({ skipped: skipped.length, seen: seen.length }).toEqual({ skipped: 0, seen: committed.size });
    const misplaced = seen.filter((e) => committed.get(e.id) !== e.position);
    expect(misplaced).toEqual([]);
    // Dense log: positions 1..N.
    expect(positions[0]).toBe(1);
    expect(positions[positions.length - 1]).toBe(seen.length);
    // A fresh full read agrees with what the concurrent reader saw.
    expect((await reader.readAll(START, 1_000_000)).map((e) => e.id)).toEqual(seen.map((e) => e.id));
    // Exactly one winner per revision on contended streams: revisions 0..n-1, n = sum of winning appends.
    for (const [shared, length] of sharedLengths) {
      expect((await reader.readStream(shared)).map((e) => e.revision)).toEqual(Array.from({ length }, (_, i) => i));
    }
    expect(seenWhileWriting).toBeGreaterThan(0);
    expect(conflicts).toBeGreaterThan(0);
    process.stdout.write(
      `postgres stress: ${seen.length} events in ${WRITERS * APPENDS_PER_WRITER} appends by ${WRITERS} writers, ` +
        `${conflicts} conflicts retried, written in ${writeMs} ms; reader: ${reads} pages, ${seenWhileWriting} events seen while writing\n`,
    );
  }, 180_000);
});
