import {
  ANY,
  AppendExpectedRevision,
  END,
  BACKWARDS,
  EventStoreDBClient,
  excludeSystemEvents,
  FORWARDS,
  jsonEvent,
  NO_STREAM,
  START as ESDB_START,
  STREAM_EXISTS,
  StreamNotFoundError,
  WrongExpectedVersionError,
} from '@eventstore/db-client';
import { EventEmitter } from 'node:events';
import { WrongExpectedRevisionError } from '../errors';
import { pollingSubscription } from '../live-subscription';
import {
  AppendResult,
  EventMetadata,
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

export interface EsdbEventStoreOptions {
  /** e.g. `esdb://localhost:2113?tls=false` */
  connectionString: string;
  /** Safety net for live subscriptions: how often to look for events when no push arrived. Default 1 s. */
  pollIntervalMs?: number;
}

/** Key under which the schema version travels in EventStoreDB's event metadata. */
const SCHEMA_VERSION_KEY = '$schemaVersion';

/** Port expectation → client expectation (revisions are bigint in the client). */
export function toEsdbExpectedRevision(expected: ExpectedRevision): AppendExpectedRevision {
  if (expected === 'no-stream') return NO_STREAM;
  if (expected === 'any') return ANY;
  if (expected === 'exists') return STREAM_EXISTS;
  return BigInt(expected);
}

/** The client's conflict → the port's typed conflict. */
export function toWrongExpectedRevision(error: WrongExpectedVersionError, streamName: string, expected: ExpectedRevision): WrongExpectedRevisionError {
  const actual = typeof error.actualVersion === 'bigint' ? Number(error.actualVersion) : 'no-stream';
  return new WrongExpectedRevisionError(streamName, expected, actual);
}

/**
 * Global positions at the port are the events' prepare positions in EventStoreDB's transaction
 * log: unique per event and increasing in $all order (an append's events are written
 * contiguously), where the commit position is shared by all events of one append. Reading resumes
 * from `{commit, prepare}` both set to the checkpoint, which is at or before the next event, and
 * skips every event whose prepare position is not after the checkpoint.
 */
export const toEsdbPosition = (position: number) => ({ commit: BigInt(position), prepare: BigInt(position) });

interface EsdbRecorded {
  streamId: string;
  id: string;
  type: string;
  revision: bigint;
  data: unknown;
  metadata?: unknown;
  position?: { commit: bigint; prepare: bigint };
}

export function fromEsdbEvent(event: EsdbRecorded): RecordedEvent {
  const { [SCHEMA_VERSION_KEY]: schemaVersion, ...metadata } = (event.metadata ?? {}) as Record<string, unknown>;
  return {
    id: event.id,
    type: event.type,
    schemaVersion: typeof schemaVersion === 'number' ? schemaVersion : 1,
    data: event.data,
    metadata: metadata as EventMetadata,
    streamName: event.streamId,
    revision: Number(event.revision),
    position: event.position ? Number(event.position.prepare) : START,
  };
}

const isSystem = (event: EsdbRecorded) => event.type.startsWith('$') || event.streamId.startsWith('$');

/**
 * EventStoreDB through @eventstore/db-client. Appends use the server's own optimistic concurrency
 * and its idempotency by event id (a retried append of the same events at the same expected
 * revision succeeds without writing again). Live subscriptions read $all in order after their
 * checkpoint; a server push subscription only wakes them, and when it drops it is opened again
 * after a back-off while the poll keeps delivery going from the last delivered position.
 */
export class EsdbEventStore implements EventStore {
  private readonly client: EventStoreDBClient;
  private readonly wakeUp = new EventEmitter();
  private readonly subscriptions = new Set<Subscription>();
  private pushStop?: () => void;
  private closed = false;

  constructor(private readonly options: EsdbEventStoreOptions) {
    this.client = EventStoreDBClient.connectionString`${options.connectionString}`;
    this.wakeUp.setMaxListeners(0);
  }

  async append(streamName: string, events: NewEvent[], expected: ExpectedRevision): Promise<AppendResult> {
    try {
      const result = await this.client.appendToStream(
        streamName,
        events.map((e) =>
          jsonEvent({
            id: e.id,
            type: e.type,
            data: e.data as Record<string, unknown>,
            metadata: { ...e.metadata, [SCHEMA_VERSION_KEY]: e.schemaVersion ?? 1 },
          }),
        ),
        { expectedRevision: toEsdbExpectedRevision(expected) },
      );
      this.wakeUp.emit('append');
      // The append result names the commit position; the port's position is the last event's prepare position.
      const [last] = await this.readStream(streamName, { fromRevision: Number(result.nextExpectedRevision), maxCount: 1 });
      return { nextRevision: Number(result.nextExpectedRevision), position: last?.position ?? (await this.headPosition()) };
    } catch (error) {
      if (error instanceof WrongExpectedVersionError) throw toWrongExpectedRevision(error, streamName, expected);
      throw error;
    }
  }

  async readStream(streamName: string, options: ReadStreamOptions = {}): Promise<RecordedEvent[]> {
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

  async readAll(after: number, maxCount: number): Promise<RecordedEvent[]> {
    const out: RecordedEvent[] = [];
    let from = after;
    // System events count against the server's page but are not returned: page on until some
    // events are found or the log ends, so an empty answer always means "nothing after".
    for (;;) {
      let seen = 0;
      let last = from;
      for await (const resolved of this.client.readAll({
        fromPosition: from === START ? ESDB_START : toEsdbPosition(from),
        direction: FORWARDS,
        maxCount: maxCount + 1,
      })) {
        const event = resolved.event as EsdbRecorded | undefined;
        if (!event?.position) continue;
        const prepare = Number(event.position.prepare);
        if (prepare <= from) continue;
        seen += 1;
        last = prepare;
        if (!isSystem(event) && out.length < maxCount) out.push(fromEsdbEvent(event));
      }
      if (out.length > 0 || seen === 0) return out;
      from = last;
    }
  }

  async headPosition(): Promise<number> {
    for await (const resolved of this.client.readAll({ fromPosition: END, direction: BACKWARDS, maxCount: 50 })) {
      const event = resolved.event as EsdbRecorded | undefined;
      if (event?.position && !isSystem(event)) return Number(event.position.prepare);
    }
    return START;
  }

  subscribeAll(checkpoint: number, handler: SubscriptionHandler, options: SubscriptionOptions = {}): Subscription {
    this.ensurePushWakeUp();
    const inner = pollingSubscription((after, max) => this.readAll(after, max), checkpoint, handler, {
      ...options,
      wakeUp: this.wakeUp,
      pollIntervalMs: this.options.pollIntervalMs ?? 1000,
    });
    const subscription: Subscription = {
      stop: async () => {
        this.subscriptions.delete(subscription);
        await inner.stop();
      },
    };
    this.subscriptions.add(subscription);
    return subscription;
  }

  /** One server push subscription from the end of $all, used only to wake readers; reopened on drop. */
  private ensurePushWakeUp(): void {
    if (this.pushStop || this.closed) return;
    let stopped = false;
    let attempt = 0;
    let current: { unsubscribe(): Promise<void> } | undefined;
    const open = () => {
      if (stopped || this.closed) return;
      const subscription = this.client.subscribeToAll({ fromPosition: END, filter: excludeSystemEvents() });
      current = subscription;
      subscription.on('data', () => {
        attempt = 0;
        this.wakeUp.emit('append');
      });
      subscription.on('error', () => {
        if (stopped || this.closed) return;
        attempt += 1;
        setTimeout(open, Math.min(30_000, 250 * 2 ** attempt)).unref();
      });
    };
    open();
    this.pushStop = () => {
      stopped = true;
      void current?.unsubscribe().catch(() => undefined);
    };
  }

  async close(): Promise<void> {
    this.closed = true;
    await Promise.all([...this.subscriptions].map((s) => s.stop()));
    this.pushStop?.();
    await this.client.dispose();
  }
}
