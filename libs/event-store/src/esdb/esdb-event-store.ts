import {
  BACKWARDS,
  END,
  EventStoreDBClient,
  excludeSystemEvents,
  FORWARDS,
  jsonEvent,
  JSONType,
  ReadPosition,
  START as ESDB_START,
  StreamNotFoundError,
  WrongExpectedVersionError,
} from '@eventstore/db-client';
import { WrongExpectedRevisionError } from '../errors';
import { OpenSubscriptions } from '../open-subscriptions';
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
import {
  EsdbRecorded,
  fromEsdbEvent,
  fromEsdbPosition,
  isSystemEvent,
  toEsdbExpectedRevision,
  toEsdbMetadata,
  toEsdbPosition,
  toEsdbReadPosition,
  toSafeNumber,
  toWrongExpectedRevision,
} from './esdb-mapping';
import { EsdbReconnectOptions, esdbSubscription } from './esdb-subscription';

export * from './esdb-mapping';
export * from './esdb-feed-reader';
export * from './esdb-subscription';

export interface EsdbEventStoreOptions {
  /** e.g. `esdb://localhost:2113?tls=false` */
  connectionString: string;
  reconnect?: EsdbReconnectOptions;
  /** A client built elsewhere (custom credentials, tests); `connectionString` is then not used. */
  client?: EventStoreDBClient;
}

/** Events per backward page while looking for the newest non-system event. */
const HEAD_PAGE = 32;

/**
 * EventStoreDB through @eventstore/db-client. Appends use the server's optimistic concurrency and
 * its idempotency by event id (our event id is the ESDB event id, so a retried append of the same
 * events at the same expected revision succeeds without writing again). System events are invisible
 * at the port. See {@link toEsdbPosition} for positions and {@link esdbSubscription} for subscriptions.
 */
export class EsdbEventStore implements EventStore {
  private readonly client: EventStoreDBClient;
  private readonly subscriptions = new OpenSubscriptions();

  constructor(private readonly options: EsdbEventStoreOptions) {
    this.client = options.client ?? EventStoreDBClient.connectionString(options.connectionString);
  }

  static connect(connectionString: string, options: Omit<EsdbEventStoreOptions, 'connectionString'> = {}): EsdbEventStore {
    return new EsdbEventStore({ ...options, connectionString });
  }

  async append(streamName: string, events: NewEvent[], expected: ExpectedRevision): Promise<AppendResult> {
    if (events.length === 0) return this.checkOnly(streamName, expected);
    let result;
    try {
      result = await this.client.appendToStream(
        streamName,
        events.map((e) =>
          jsonEvent({ id: e.id, type: e.type, data: e.data as JSONType, metadata: toEsdbMetadata(e) }),
        ),
        { expectedRevision: toEsdbExpectedRevision(expected) },
      );
    } catch (error) {
      if (error instanceof WrongExpectedVersionError) throw toWrongExpectedRevision(error, streamName, expected);
      throw error;
    }
    const nextRevision = toSafeNumber(result.nextExpectedRevision, 'revision');
    // The append result's position is not reliably the *last* event's (and is absent for an
    // idempotent replay), so the position is read back from the stream's last event.
    const [last] = nextRevision >= 0 ? await this.readStream(streamName, { fromRevision: nextRevision, maxCount: 1 }) : [];
    if (last && last.position !== START) return { nextRevision, position: last.position };
    const position = result.position ? fromEsdbPosition(result.position) : await this.headPosition();
    return { nextRevision, position };
  }

  /** An append of no events only checks the expectation (the client would report revision 0 for a missing stream). */
  private async checkOnly(streamName: string, expected: ExpectedRevision): Promise<AppendResult> {
    let current: number | null = null;
    try {
      for await (const resolved of this.client.readStream(streamName, { fromRevision: END, direction: BACKWARDS, maxCount: 1 })) {
        if (resolved.event) current = toSafeNumber(resolved.event.revision, 'revision');
      }
    } catch (error) {
      if (!(error instanceof StreamNotFoundError)) throw error;
    }
    const holds =
      expected === 'any' ||
      (expected === 'no-stream' && current === null) ||
      (expected === 'exists' && current !== null) ||
      expected === current;
    if (!holds) throw new WrongExpectedRevisionError(streamName, expected, current ?? 'no-stream');
    return { nextRevision: current ?? -1, position: await this.headPosition() };
  }

  async readStream(streamName: string, options: ReadStreamOptions = {}): Promise<RecordedEvent[]> {
    if (options.maxCount !== undefined && options.maxCount <= 0) return [];
    const out: RecordedEvent[] = [];
    try {
      for await (const resolved of this.client.readStream(streamName, {
        fromRevision: options.fromRevision ? BigInt(options.fromRevision) : ESDB_START,
        direction: FORWARDS,
        ...(options.maxCount !== undefined ? { maxCount: options.maxCount } : {}),
      })) {
        if (resolved.event) out.push(fromEsdbEvent(resolved.event as EsdbRecorded));
      }
    } catch (error) {
      if (error instanceof StreamNotFoundError) return [];
      throw error;
    }
    return out;
  }

  /** EventStoreDB has no lookup by event id: the stream is read (this adapter gains nothing from snapshots). */
  async revisionOfEvent(streamName: string, eventId: string): Promise<number | undefined> {
    return (await this.readStream(streamName)).find((e) => e.id === eventId)?.revision;
  }

  async readAll(after: number, maxCount: number): Promise<RecordedEvent[]> {
    if (maxCount <= 0) return [];
    const out: RecordedEvent[] = [];
    let from = after;
    // The read starts at the event at `from` itself (inclusive), hence one more than asked. System
    // events use up the server's page without being returned: page on until some of ours turn up
    // or the log ends, so an empty answer always means "nothing after".
    for (;;) {
      let scanned = 0;
      let last = from;
      for await (const resolved of this.client.readAll({
        fromPosition: toEsdbReadPosition(from),
        direction: FORWARDS,
        maxCount: maxCount + 1,
      })) {
        const event = resolved.event as EsdbRecorded | undefined;
        if (!event?.position) continue;
        const position = fromEsdbPosition(event.position);
        if (position < from) continue;
        scanned += 1;
        last = position;
        if (!isSystemEvent(event) && out.length < maxCount) out.push(fromEsdbEvent(event));
      }
      if (out.length > 0 || scanned === 0) return out;
      from = last;
    }
  }

  async headPosition(): Promise<number> {
    let from: ReadPosition = END;
    let before = Number.POSITIVE_INFINITY;
    for (;;) {
      let scanned = 0;
      let found: number | undefined;
      for await (const resolved of this.client.readAll({ fromPosition: from, direction: BACKWARDS, maxCount: HEAD_PAGE })) {
        const event = resolved.event as EsdbRecorded | undefined;
        if (!event?.position) continue;
        const position = fromEsdbPosition(event.position);
        if (position >= before) continue;
        scanned += 1;
        before = position;
        if (found === undefined && !isSystemEvent(event)) found = position;
      }
      if (found !== undefined) return found;
      if (scanned === 0) return START;
      from = toEsdbPosition(before);
    }
  }

  subscribeAll(checkpoint: number, handler: SubscriptionHandler, options: SubscriptionOptions = {}): Subscription {
    const inner = esdbSubscription(
      {
        readAll: (after, max) => this.readAll(after, max),
        subscribe: (after) =>
          this.client.subscribeToAll({ fromPosition: toEsdbReadPosition(after), filter: excludeSystemEvents() }),
      },
      checkpoint,
      handler,
      { ...options, reconnect: this.options.reconnect },
    );
    return this.subscriptions.track(inner);
  }

  async close(): Promise<void> {
    await this.subscriptions.stopAll();
    await this.client.dispose();
  }
}
