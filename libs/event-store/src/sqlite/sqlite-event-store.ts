import Database from 'better-sqlite3';
import { EventEmitter } from 'node:events';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
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
import { recordedFromRow } from '../event-schemas';

export interface SqliteEventStoreOptions {
  /** File path; `:memory:` is allowed for throwaway use. */
  path: string;
  /** How often an idle subscription looks for appends made by other processes. Default 200 ms. */
  pollIntervalMs?: number;
}

interface EventRow {
  position: number;
  id: string;
  stream: string;
  revision: number;
  type: string;
  schema_version: number;
  data: string;
  metadata: string;
}

const toRecorded = (row: EventRow): RecordedEvent => recordedFromRow(row);

/**
 * The embedded event store: one SQLite file in WAL mode with synchronous=FULL, so a committed
 * append survives a crash. The global position is the table's integer primary key, assigned inside
 * SQLite's single write transaction, so the log has no gaps and readers never see a later position
 * before an earlier one.
 */
export class SqliteEventStore implements EventStore {
  private readonly db: Database.Database;
  private readonly wakeUp = new EventEmitter();
  private readonly subscriptions = new OpenSubscriptions();
  private readonly statements;
  private readonly appendTx: (stream: string, events: NewEvent[], expected: ExpectedRevision) => AppendResult;

  constructor(private readonly options: SqliteEventStoreOptions) {
    if (options.path !== ':memory:') mkdirSync(dirname(options.path), { recursive: true });
    this.db = new Database(options.path);
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('synchronous = FULL');
    this.db.pragma('busy_timeout = 10000');
    this.db.exec(`
      CREATE TABLE IF NOT EXISTS events (
        position INTEGER PRIMARY KEY,
        id TEXT NOT NULL UNIQUE,
        stream TEXT NOT NULL,
        revision INTEGER NOT NULL,
        type TEXT NOT NULL,
        schema_version INTEGER NOT NULL,
        data TEXT NOT NULL,
        metadata TEXT NOT NULL,
        UNIQUE (stream, revision)
      );
    `);
    this.wakeUp.setMaxListeners(0);
    this.statements = {
      byId: this.db.prepare<[string], EventRow>('SELECT * FROM events WHERE id = ?'),
      streamRevision: this.db.prepare<[string], { revision: number | null }>(
        'SELECT MAX(revision) AS revision FROM events WHERE stream = ?',
      ),
      insert: this.db.prepare(
        `INSERT INTO events (id, stream, revision, type, schema_version, data, metadata)
         VALUES (@id, @stream, @revision, @type, @schemaVersion, @data, @metadata)`,
      ),
      readStream: this.db.prepare<[string, number, number], EventRow>(
        'SELECT * FROM events WHERE stream = ? AND revision >= ? ORDER BY revision LIMIT ?',
      ),
      readAll: this.db.prepare<[number, number], EventRow>(
        'SELECT * FROM events WHERE position > ? ORDER BY position LIMIT ?',
      ),
      head: this.db.prepare<[], { position: number | null }>('SELECT MAX(position) AS position FROM events'),
    };
    const tx = this.db.transaction((stream: string, events: NewEvent[], expected: ExpectedRevision) =>
      this.appendInTransaction(stream, events, expected),
    );
    // BEGIN IMMEDIATE: take the write lock up front, so two processes never deadlock on upgrade.
    this.appendTx = tx.immediate.bind(tx) as typeof this.appendTx;
  }

  async append(streamName: string, events: NewEvent[], expected: ExpectedRevision): Promise<AppendResult> {
    const result = this.appendTx(streamName, events, expected);
    this.wakeUp.emit('append');
    return result;
  }

  private appendInTransaction(stream: string, events: NewEvent[], expected: ExpectedRevision): AppendResult {
    const current = this.statements.streamRevision.get(stream)?.revision ?? null;
    if (events.length > 0) {
      const replay = this.alreadyStored(stream, events);
      if (replay) return replay;
    }
    checkExpected(stream, expected, current);
    let revision = current ?? -1;
    let position = this.statements.head.get()?.position ?? START;
    for (const event of events) {
      revision += 1;
      try {
        const info = this.statements.insert.run({
          id: event.id,
          stream,
          revision,
          type: event.type,
          schemaVersion: event.schemaVersion ?? 1,
          data: JSON.stringify(event.data),
          metadata: JSON.stringify(event.metadata),
        });
        position = Number(info.lastInsertRowid);
      } catch (error) {
        if ((error as { code?: string }).code === 'SQLITE_CONSTRAINT_UNIQUE' && this.statements.byId.get(event.id)) {
          throw new DuplicateEventIdError(event.id, stream);
        }
        throw error;
      }
    }
    return { nextRevision: revision, position };
  }

  /** A retried append: every event is stored already, in this stream, consecutively and in order. */
  private alreadyStored(stream: string, events: NewEvent[]): AppendResult | undefined {
    const first = this.statements.byId.get(events[0].id);
    if (!first) return undefined;
    let last = first;
    for (let i = 0; i < events.length; i++) {
      const row = i === 0 ? first : this.statements.byId.get(events[i].id);
      if (!row || row.stream !== stream || row.revision !== first.revision + i) {
        throw new DuplicateEventIdError(events[i].id, stream);
      }
      last = row;
    }
    return { nextRevision: last.revision, position: last.position };
  }

  async readStream(streamName: string, options: ReadStreamOptions = {}): Promise<RecordedEvent[]> {
    return this.statements.readStream
      .all(streamName, options.fromRevision ?? 0, options.maxCount ?? -1)
      .map(toRecorded);
  }

  async revisionOfEvent(streamName: string, eventId: string): Promise<number | undefined> {
    const row = this.statements.byId.get(eventId);
    return row && row.stream === streamName ? row.revision : undefined;
  }

  async readAll(after: number, maxCount: number): Promise<RecordedEvent[]> {
    return this.statements.readAll.all(after, maxCount).map(toRecorded);
  }

  private readonly ofTypes = new Map<string, Database.Statement<unknown[], EventRow>>();

  async readAllOfTypes(after: number, maxCount: number, types: readonly string[]): Promise<RecordedEvent[]> {
    const sorted = [...new Set(types)].sort();
    const key = sorted.join('\n');
    let statement = this.ofTypes.get(key);
    if (!statement) {
      statement = this.db.prepare<unknown[], EventRow>(`SELECT * FROM events WHERE position > ? AND type IN (${sorted.map(() => '?').join(', ')}) ORDER BY position LIMIT ?`);
      this.ofTypes.set(key, statement);
    }
    return statement.all(after, ...sorted, maxCount).map(toRecorded);
  }

  async headPosition(): Promise<number> {
    return this.statements.head.get()?.position ?? START;
  }

  subscribeAll(checkpoint: number, handler: SubscriptionHandler, options: SubscriptionOptions = {}): Subscription {
    const inner = pollingSubscription((after, max) => this.readAll(after, max), checkpoint, handler, {
      ...options,
      wakeUp: this.wakeUp,
      pollIntervalMs: this.options.pollIntervalMs ?? 200,
    });
    return this.subscriptions.track(inner);
  }

  async close(): Promise<void> {
    await this.subscriptions.stopAll();
    if (this.db.open) this.db.close();
  }
}

export function checkExpected(stream: string, expected: ExpectedRevision, current: number | null): void {
  const actual = current ?? 'no-stream';
  const ok =
    expected === 'any' ||
    (expected === 'no-stream' && current === null) ||
    (expected === 'exists' && current !== null) ||
    (typeof expected === 'number' && expected === current);
  if (!ok) throw new WrongExpectedRevisionError(stream, expected, actual);
}
