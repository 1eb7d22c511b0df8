/**
 * PostgreSQL adapter of the event-store port, for the distributed topology (many processes, one
 * database).
 *
 * ## Gap safety of the global log
 *
 * A reader pages the log with `position > after ORDER BY position`. If positions could become
 * visible out of order (a transaction holding position 7 commits after one holding 8 was already
 * read), the reader would move its checkpoint past 7 and skip it forever.
 *
 * This adapter serializes the assignment of global positions: every append transaction first takes
 * a transaction-scoped advisory lock (`pg_advisory_xact_lock`, one key per schema), then — in a
 * *later statement*, so under READ COMMITTED it gets a fresh snapshot that sees the previous
 * holder's commit — reads `max(position)` and inserts its events at the following positions.
 * PostgreSQL makes a commit visible (ProcArrayEndTransaction) before it releases the transaction's
 * locks, so the next writer can only assign positions after the previous writer's events are
 * visible to everyone. Hence positions become visible strictly in increasing order: whenever a
 * reader's snapshot contains position p, it contains every committed position below p. Positions
 * are also contiguous (no sequence, so a rolled-back append leaves no hole).
 *
 * Why this rather than a `bigserial` plus reading only below the oldest in-flight transaction
 * (`pg_snapshot_xmin`): the lock is simple to reason about, keeps positions dense, and a reader
 * needs no extra visibility filter; the xmin approach also lets one long transaction anywhere in
 * the database (even unrelated to the store) stall every reader. The price is that appends to one
 * store are serialized cluster-wide (one append transaction at a time, each a handful of short
 * statements), which is far above the write rate of this application. The same lock also makes the
 * expected-revision check exact: exactly one of concurrent writers at a revision wins; the unique
 * constraint on (stream, revision) stays as a backstop and its violations map to
 * `WrongExpectedRevisionError` too.
 *
 * ## Data
 *
 * `data` and `metadata` are stored as `json` (not `jsonb`): PostgreSQL validates the JSON but keeps
 * the exact text, so key order, duplicate-free objects and `\u0000` escapes round-trip exactly as
 * appended (`jsonb` would reorder keys and reject `\u0000`), while ad-hoc SQL (`data->>'x'`) still
 * works. Positions and revisions are `bigint` in SQL and safe-integer numbers at the port.
 *
 * ## Live delivery
 *
 * Subscriptions reuse {@link pollingSubscription}. They are woken by appends made through this
 * instance and, through LISTEN/NOTIFY (the append transaction calls `pg_notify`, delivered on
 * commit), by appends made by other processes; the poll interval is only a fallback (listener
 * connection lost, or a notification racing a read).
 */
import { createHash } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { ClientConfig, Pool, PoolClient } from 'pg';
import { DuplicateEventIdError, WrongExpectedRevisionError } from '../errors';
import { OpenSubscriptions } from '../open-subscriptions';
import { pollingSubscription } from '../live-subscription';
import {
  AppendResult,
  EventStore,
  ExpectedRevision,
  NewEvent,
  ReadStreamOptions,
  RecordedEvent,
  START,
  Subscription,
  SubscriptionHandler,
  SubscriptionOptions,
} from '../types';
import { AppendListener } from './postgres-append-listener';
import {
  checkExpected,
  COLUMNS,
  createEventsTable,
  EventRow,
  ID_KEY,
  StoredRow,
  storedAlready,
  quoteIdent,
  STREAM_REVISION_KEY,
  toNumber,
  toRecorded,
  UNIQUE_VIOLATION,
} from './postgres-events-table';

export interface PostgresEventStoreSettings {
  /** How often an idle subscription polls when no notification arrives. Default 1000 ms. */
  pollIntervalMs?: number;
  /** Schema of the store's tables, created by `migrate()` if missing. Default `event_store`. */
  schema?: string;
}

export interface PostgresEventStoreOptions extends PostgresEventStoreSettings {
  connectionString: string;
}

export interface PostgresEventStorePoolSettings extends PostgresEventStoreSettings {
  /** Whether close() ends the given pool. Default true. */
  endPool?: boolean;
}

const isPool = (value: unknown): value is Pool =>
  value instanceof Pool ||
  (typeof value === 'object' && value !== null && typeof (value as Pool).connect === 'function' && 'totalCount' in value);

export class PostgresEventStore implements EventStore {
  /** Creates the store and its tables (idempotent), ready to use. */
  static async open(
    source: PostgresEventStoreOptions | Pool,
    settings: PostgresEventStorePoolSettings = {},
  ): Promise<PostgresEventStore> {
    const store = new PostgresEventStore(source, settings);
    try {
      await store.migrate();
    } catch (error) {
      await store.close();
      throw error;
    }
    return store;
  }

  private readonly pool: Pool;
  private readonly ownsPool: boolean;
  private readonly schema: string;
  private readonly table: string;
  private readonly channel: string;
  private readonly pollIntervalMs: number;
  private readonly wakeUp = new EventEmitter();
  private readonly subscriptions = new OpenSubscriptions();
  private readonly listener: AppendListener;
  private closed = false;
  private closing?: Promise<void>;

  constructor(source: PostgresEventStoreOptions | Pool, settings: PostgresEventStorePoolSettings = {}) {
    const options: PostgresEventStoreSettings = isPool(source) ? settings : { ...settings, ...source };
    let listenerConfig: ClientConfig;
    if (isPool(source)) {
      this.pool = source;
      this.ownsPool = settings.endPool ?? true;
      listenerConfig = { ...(source.options as ClientConfig) };
    } else {
      this.pool = new Pool({ connectionString: source.connectionString });
      this.ownsPool = true;
      listenerConfig = { connectionString: source.connectionString };
      // An idle pooled connection dropped by the server must not crash the process; the pool replaces it.
      this.pool.on('error', (error) => console.warn('event store: idle PostgreSQL connection lost', error.message));
    }
    this.schema = options.schema ?? 'event_store';
    this.table = `${quoteIdent(this.schema)}.events`;
    const channel = `shecun_es_${this.schema}`;
    this.channel =
      Buffer.byteLength(channel) <= 63 ? channel : `shecun_es_${createHash('sha1').update(this.schema).digest('hex')}`;
    this.pollIntervalMs = options.pollIntervalMs ?? 1000;
    this.wakeUp.setMaxListeners(0);
    this.listener = new AppendListener(listenerConfig, this.channel, () => this.wakeUp.emit('append'), () => this.closed);
  }

  /** Creates the schema and table if missing. Safe to run concurrently from many processes. */
  async migrate(): Promise<void> {
    await this.transaction((client) => createEventsTable(client, this.schema, this.table));
  }

  async append(streamName: string, events: NewEvent[], expected: ExpectedRevision): Promise<AppendResult> {
    this.assertOpen();
    let appended = false;
    let revisionTaken = false;
    const result = await this.transaction(async (client) => {
      // Serializes appends to this store (see the top of the file). Must be its own statement: the
      // following statements then take snapshots that include the previous holder's commit.
      await client.query(`SELECT pg_advisory_xact_lock(hashtext('shecun.event-store.append'), hashtext($1))`, [
        this.schema,
      ]);
      // One statement (one round trip while holding the lock): the stream's revision, the head, and
      // the rows of any of these events stored before (a command's retry after a lost answer).
      const { rows } = await client.query<{ revision: string | null; head: string | null; stored: StoredRow[] | null }>(
        `SELECT (SELECT max(revision) FROM ${this.table} WHERE stream = $1) AS revision,
                (SELECT max(position) FROM ${this.table}) AS head,
                (SELECT json_agg(json_build_object('id', id, 'stream', stream, 'revision', revision, 'position', position))
                   FROM ${this.table} WHERE id = ANY($2::text[])) AS stored`,
        [streamName, events.map((e) => e.id)],
      );
      const current = rows[0].revision === null ? null : toNumber(rows[0].revision);
      const head = rows[0].head === null ? 0 : toNumber(rows[0].head);

      if (events.length > 0) {
        const replay = storedAlready(rows[0].stored ?? [], streamName, events);
        if (replay) return replay;
      }
      checkExpected(streamName, expected, current);
      if (events.length === 0) return { nextRevision: current ?? -1, position: head === 0 ? START : head };

      const first = (current ?? -1) + 1;
      const position = head + events.length;
      try {
        // The insert and the notice (delivered on commit) in one statement: the same notice for
        // each row is delivered once (PostgreSQL folds identical notices of a transaction).
        await client.query(
          `INSERT INTO ${this.table} (position, id, stream, revision, type, schema_version, data, metadata)
           SELECT $1::bigint + e.n, e.id, $3, $2::bigint + e.n, e.type, e.schema_version, e.data::json, e.metadata::json
           FROM unnest($4::text[], $5::text[], $6::int[], $7::text[], $8::text[])
                WITH ORDINALITY AS e(id, type, schema_version, data, metadata, n)
           RETURNING pg_notify($9, $10)`,
          [
            head,
            first - 1,
            streamName,
            events.map((e) => e.id),
            events.map((e) => e.type),
            events.map((e) => e.schemaVersion ?? 1),
            events.map((e) => JSON.stringify(e.data)),
            events.map((e) => JSON.stringify(e.metadata)),
            this.channel,
            String(position),
          ],
        );
      } catch (error) {
        const { code, constraint } = error as { code?: string; constraint?: string };
        if (code === UNIQUE_VIOLATION && constraint === ID_KEY) {
          const id = /\(id\)=\((.*)\)/.exec((error as { detail?: string }).detail ?? '')?.[1];
          throw new DuplicateEventIdError(id ?? events[0].id, streamName);
        }
        // Cannot happen while every writer takes the lock; kept as a backstop (e.g. a writer bypassing it).
        if (code === UNIQUE_VIOLATION && constraint === STREAM_REVISION_KEY) revisionTaken = true;
        throw error;
      }
      appended = true;
      return { nextRevision: first + events.length - 1, position };
    }).catch(async (error) => {
      if (!revisionTaken) throw error;
      const actual = await this.streamRevision(streamName).catch(() => null);
      throw new WrongExpectedRevisionError(streamName, expected, actual ?? 'no-stream');
    });
    if (appended) this.wakeUp.emit('append');
    return result;
  }

  private async streamRevision(stream: string): Promise<number | null> {
    const { rows } = await this.pool.query<{ revision: string | null }>(
      `SELECT max(revision) AS revision FROM ${this.table} WHERE stream = $1`,
      [stream],
    );
    return rows[0].revision === null ? null : toNumber(rows[0].revision);
  }

  async readStream(streamName: string, options: ReadStreamOptions = {}): Promise<RecordedEvent[]> {
    this.assertOpen();
    const { rows } = await this.pool.query<EventRow>(
      `SELECT ${COLUMNS} FROM ${this.table} WHERE stream = $1 AND revision >= $2 ORDER BY revision LIMIT $3`,
      [streamName, options.fromRevision ?? 0, options.maxCount ?? null],
    );
    return rows.map(toRecorded);
  }

  async revisionOfEvent(streamName: string, eventId: string): Promise<number | undefined> {
    const { rows } = await this.pool.query<{ revision: string }>(`SELECT revision FROM ${this.table} WHERE id = $1 AND stream = $2`, [eventId, streamName]);
    return rows.length ? toNumber(rows[0].revision) : undefined;
  }

  async readAll(after: number, maxCount: number): Promise<RecordedEvent[]> {
    this.assertOpen();
    const { rows } = await this.pool.query<EventRow>(
      `SELECT ${COLUMNS} FROM ${this.table} WHERE position > $1 ORDER BY position LIMIT $2`,
      [after, maxCount],
    );
    return rows.map(toRecorded);
  }

  async headPosition(): Promise<number> {
    this.assertOpen();
    const { rows } = await this.pool.query<{ head: string | null }>(`SELECT max(position) AS head FROM ${this.table}`);
    return rows[0].head === null ? START : toNumber(rows[0].head);
  }

  subscribeAll(checkpoint: number, handler: SubscriptionHandler, options: SubscriptionOptions = {}): Subscription {
    this.assertOpen();
    const listening = this.listener.start();
    // Per-subscription relay of wake-ups: a notification that arrives while a read is in flight
    // (its snapshot may predate the commit) would find the loop not yet asleep and be lost; replay it
    // once the loop has gone to sleep (setImmediate runs after the loop's continuation).
    const wakeUp = new EventEmitter();
    let reading = false;
    let missed = false;
    const relay = () => {
      if (reading) missed = true;
      wakeUp.emit('append');
    };
    this.wakeUp.on('append', relay);
    const read = async (after: number, max: number) => {
      // The first read waits for LISTEN (or its failure): once live, other processes' appends wake us.
      await listening;
      reading = true;
      missed = false;
      try {
        return await this.readAll(after, max);
      } finally {
        reading = false;
        if (missed) setImmediate(() => wakeUp.emit('append'));
      }
    };
    const inner = pollingSubscription(read, checkpoint, handler, {
      ...options,
      wakeUp,
      pollIntervalMs: this.pollIntervalMs,
    });
    return this.subscriptions.track(inner, () => this.wakeUp.off('append', relay));
  }

  async close(): Promise<void> {
    this.closing ??= (async () => {
      this.closed = true;
      await this.subscriptions.stopAll();
      await this.listener.end();
      if (this.ownsPool && !this.pool.ended) await this.pool.end();
    })();
    return this.closing;
  }

  private assertOpen(): void {
    if (this.closed) throw new Error('event store is closed');
  }

  private async transaction<T>(work: (client: PoolClient) => Promise<T>): Promise<T> {
    const client = await this.pool.connect();
    let broken: Error | undefined;
    try {
      await client.query('BEGIN');
      const result = await work(client);
      await client.query('COMMIT');
      return result;
    } catch (error) {
      await client.query('ROLLBACK').catch((rollbackError: Error) => (broken = rollbackError));
      throw error;
    } finally {
      client.release(broken);
    }
  }
}
