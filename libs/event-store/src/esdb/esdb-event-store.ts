import {
  ANY,
  AppendExpectedRevision,
  BACKWARDS,
  END,
  ErrorType,
  EventStoreDBClient,
  excludeSystemEvents,
  FORWARDS,
  isCommandError,
  jsonEvent,
  JSONType,
  NO_STREAM,
  Position,
  ReadPosition,
  START as ESDB_START,
  STREAM_EXISTS,
  StreamNotFoundError,
  WrongExpectedVersionError,
} from '@eventstore/db-client';
import { WrongExpectedRevisionError } from '../errors';
import { OpenSubscriptions } from '../open-subscriptions';
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
import { upcastEvent } from '../event-schemas';

/** How a dropped server subscription (or a failed catch-up read) is retried. */
export interface EsdbReconnectOptions {
  /** Delay before the first retry; doubles on each consecutive failure. Default 250 ms. */
  initialDelayMs?: number;
  /** Upper bound of the delay between retries. Default 10 s. */
  maxDelayMs?: number;
  /** Consecutive failed attempts after which the subscription gives up and calls `onError`. Default: never. */
  maxAttempts?: number;
}

export interface EsdbEventStoreOptions {
  /** e.g. `esdb://localhost:2113?tls=false` */
  connectionString: string;
  reconnect?: EsdbReconnectOptions;
  /** A client built elsewhere (custom credentials, tests); `connectionString` is then not used. */
  client?: EventStoreDBClient;
}

/** Key under which the schema version travels in EventStoreDB's event metadata (removed when read back). */
export const SCHEMA_VERSION_KEY = '$schemaVersion';

// ---------------------------------------------------------------------------------------------
// Mapping helpers between the port (plain numbers) and the client (bigint, constants, errors).
// ---------------------------------------------------------------------------------------------

/** Port expectation → client expectation (revisions are bigint in the client). */
export function toEsdbExpectedRevision(expected: ExpectedRevision): AppendExpectedRevision {
  if (expected === 'no-stream') return NO_STREAM;
  if (expected === 'any') return ANY;
  if (expected === 'exists') return STREAM_EXISTS;
  if (!Number.isSafeInteger(expected) || expected < 0) throw new RangeError(`invalid expected revision ${expected}`);
  return BigInt(expected);
}

/** The client's conflict → the port's typed conflict; the actual revision is a number or `no-stream`. */
export function toWrongExpectedRevision(
  error: WrongExpectedVersionError,
  streamName: string,
  expected: ExpectedRevision,
): WrongExpectedRevisionError {
  const actual = error.actualVersion;
  return new WrongExpectedRevisionError(
    streamName,
    expected,
    typeof actual === 'bigint' && actual >= 0n ? toSafeNumber(actual, 'revision') : 'no-stream',
  );
}

/** A bigint from the client as a port number; refuses values a double cannot hold exactly. */
export function toSafeNumber(value: bigint, what = 'value'): number {
  if (value > BigInt(Number.MAX_SAFE_INTEGER) || value < BigInt(Number.MIN_SAFE_INTEGER)) {
    throw new RangeError(`EventStoreDB ${what} ${value} is beyond Number.MAX_SAFE_INTEGER`);
  }
  return Number(value);
}

/**
 * Global positions at the port are EventStoreDB commit positions. For every event appended
 * through gRPC (an implicitly committed prepare) the server reports commit = prepare = the event's
 * own log position, so commit positions are unique and strictly increasing in $all order. (Only
 * legacy explicit TCP transactions share one commit position between events.)
 *
 * A read of $all from `{commit: p, prepare: p}` starts *at* the event whose position is p
 * (inclusive), so callers skip events at or before the position they resume after.
 */
export const toEsdbPosition = (position: number): Position => ({ commit: BigInt(position), prepare: BigInt(position) });

/** Port position → where a forward read of $all starts; START reads from the beginning of the log. */
export const toEsdbReadPosition = (after: number): ReadPosition => (after <= START ? ESDB_START : toEsdbPosition(after));

export const fromEsdbPosition = (position: Position): number => toSafeNumber(position.commit, 'commit position');

/** Metadata as written: our metadata plus the schema version. */
export function toEsdbMetadata(event: Pick<NewEvent, 'metadata' | 'schemaVersion'>): Record<string, unknown> {
  return { ...event.metadata, [SCHEMA_VERSION_KEY]: event.schemaVersion ?? 1 };
}

/** The subset of the client's recorded event the adapter reads. */
export interface EsdbRecorded {
  streamId: string;
  id: string;
  type: string;
  revision: bigint;
  data: unknown;
  metadata?: unknown;
  /** Present on every $all read; on stream reads only from server 22.6 on. */
  position?: Position;
}

export function fromEsdbEvent(event: EsdbRecorded): RecordedEvent {
  const raw = event.metadata;
  const stored = raw && typeof raw === 'object' && !Array.isArray(raw) && !(raw instanceof Uint8Array) ? raw : {};
  const { [SCHEMA_VERSION_KEY]: schemaVersion, ...metadata } = stored as Record<string, unknown>;
  return upcastEvent({
    id: event.id,
    type: event.type,
    schemaVersion: typeof schemaVersion === 'number' ? schemaVersion : 1,
    data: event.data,
    metadata: metadata as EventMetadata,
    streamName: event.streamId,
    revision: toSafeNumber(event.revision, 'revision'),
    // Servers before 22.6 send no position on stream reads; $all reads always carry one.
    position: event.position ? fromEsdbPosition(event.position) : START,
  });
}

/** System events ($-prefixed types: `$metadata`, `$>` links, `$statsCollected`, …) are not ours. */
export const isSystemEvent = (event: Pick<EsdbRecorded, 'type'>): boolean => event.type.startsWith('$');

/** Raised when the server closes a live subscription without an error; it is reopened like a drop. */
export class EsdbSubscriptionEndedError extends Error {
  override readonly name = 'EsdbSubscriptionEndedError';
  constructor() {
    super('EventStoreDB ended the subscription');
  }
}

const TRANSIENT_ERROR_TYPES = new Set<string>([
  ErrorType.UNAVAILABLE,
  ErrorType.DEADLINE_EXCEEDED,
  ErrorType.TIMEOUT,
  ErrorType.NOT_LEADER,
  ErrorType.CANCELLED,
  ErrorType.UNKNOWN,
]);

/**
 * Errors after which a subscription reconnects: the server or network went away, the node stopped
 * being leader, the server ended the subscription, or cluster discovery failed. Anything else
 * (access denied, a handler failure, a malformed event) cannot be cured by retrying.
 */
export function isTransientEsdbError(error: unknown): boolean {
  if (error instanceof EsdbSubscriptionEndedError) return true;
  if (!(error instanceof Error)) return false;
  if (isCommandError(error)) return TRANSIENT_ERROR_TYPES.has(error.type);
  return /^Failed to discover after \d+ attempts/.test(error.message);
}

/** Delay before reconnect attempt `attempt` (1-based): exponential from `initialDelayMs`, capped at `maxDelayMs`. */
export function reconnectDelay(attempt: number, options: EsdbReconnectOptions = {}): number {
  const initial = options.initialDelayMs ?? 250;
  const max = options.maxDelayMs ?? 10_000;
  return Math.min(max, initial * 2 ** Math.max(0, Math.min(attempt - 1, 30)));
}

// ---------------------------------------------------------------------------------------------
// Live feed: pulling batches off the client's subscription stream.
// ---------------------------------------------------------------------------------------------

/** The parts of an object-mode Readable that {@link FeedReader} uses. */
export interface PullableStream {
  readonly destroyed: boolean;
  read(): unknown;
  // Listener types as Node declares them, so both Readable and the client's subscription fit.
  on(event: string, listener: (...args: any[]) => void): unknown;
  off(event: string, listener: (...args: any[]) => void): unknown;
}

/** A server subscription as the client hands it out: an object-mode Readable plus `unsubscribe`. */
export interface EsdbLiveFeed extends PullableStream {
  unsubscribe(): Promise<void>;
  destroy(): unknown;
}

/**
 * Pulls from an object-mode Readable in batches without ever switching it to flowing mode, so
 * nothing is read off the wire while a batch is being handled (the client's stream is piped from
 * the gRPC call, which then applies back-pressure). Errors are held until the items buffered
 * before them have been taken.
 */
export class FeedReader<T> {
  private failed = false;
  private error: unknown;
  private ended = false;
  private interrupted = false;
  private wake?: () => void;
  private readonly onSignal = () => this.notify();
  private readonly onEnd = () => {
    this.ended = true;
    this.notify();
  };
  private readonly onError = (error: unknown) => {
    if (!this.failed) {
      this.failed = true;
      this.error = error;
    }
    this.notify();
  };

  constructor(private readonly stream: PullableStream) {
    stream.on('readable', this.onSignal);
    stream.on('end', this.onEnd);
    stream.on('close', this.onEnd);
    stream.on('error', this.onError);
  }

  /**
   * Up to `max` items, waiting until at least one is there. `ended` when the stream finished,
   * `interrupted` after {@link interrupt}; throws the stream's error.
   */
  async next(max: number): Promise<T[] | 'ended' | 'interrupted'> {
    for (;;) {
      if (this.interrupted) return 'interrupted';
      const items: T[] = [];
      while (items.length < max) {
        const item = this.stream.destroyed ? null : (this.stream.read() as T | null);
        if (item === null) break;
        items.push(item);
      }
      if (items.length > 0) return items;
      if (this.failed) throw this.error;
      if (this.ended) return 'ended';
      await new Promise<void>((resolve) => (this.wake = resolve));
    }
  }

  /** Makes a pending or later `next` return `interrupted`. */
  interrupt(): void {
    this.interrupted = true;
    this.notify();
  }

  /** Detaches from the stream; an error emitted afterwards is swallowed rather than crashing the process. */
  dispose(): void {
    this.stream.off('readable', this.onSignal);
    this.stream.off('end', this.onEnd);
    this.stream.off('close', this.onEnd);
    this.stream.off('error', this.onError);
    this.stream.on('error', () => undefined);
  }

  private notify(): void {
    const wake = this.wake;
    this.wake = undefined;
    wake?.();
  }
}

// ---------------------------------------------------------------------------------------------
// Catch-up-then-live subscription.
// ---------------------------------------------------------------------------------------------

/** What the subscription needs from the store; a seam so it can be exercised without a server. */
export interface EsdbSubscriptionSource {
  /** The port's readAll: non-system events after `after`, in order. */
  readAll(after: number, maxCount: number): Promise<RecordedEvent[]>;
  /** A server subscription to $all delivering (at least) the events after `after`. */
  subscribe(after: number): EsdbLiveFeed;
}

class HandlerFailure {
  constructor(readonly cause: unknown) {}
}

/**
 * Delivers every non-system event after `checkpoint`, in order, one batch at a time:
 * 1. catch-up: pages through `readAll` until a read comes back empty, then calls `onLive`;
 * 2. live: a server subscription to $all from the last delivered position; each batch is what the
 *    stream has buffered (up to `batchSize`), and the stream is not read while the handler runs.
 *
 * The last delivered position lives in memory. When the server subscription drops (or a catch-up
 * read fails) with a transient error, it is reopened from that position after a capped exponential
 * back-off; events at or before it are skipped, so nothing is delivered twice. A handler failure,
 * a non-transient error or `maxAttempts` consecutive failures stop the subscription and go to
 * `onError`. `stop()` ends delivery and resolves after the batch in flight.
 */
export function esdbSubscription(
  source: EsdbSubscriptionSource,
  checkpoint: number,
  handler: SubscriptionHandler,
  options: SubscriptionOptions & { reconnect?: EsdbReconnectOptions } = {},
): Subscription {
  const batchSize = Math.max(1, options.batchSize ?? 500);
  const maxAttempts = options.reconnect?.maxAttempts ?? Number.POSITIVE_INFINITY;
  let position = checkpoint;
  let stopped = false;
  let attempt = 0;
  /** Wakes whatever the loop is waiting on (a back-off sleep or the live feed) when stopping. */
  let interrupt: (() => void) | undefined;

  const deliver = async (events: RecordedEvent[]): Promise<void> => {
    const fresh = events.filter((e) => e.position > position);
    if (fresh.length === 0 || stopped) return;
    try {
      await handler(fresh);
    } catch (error) {
      throw new HandlerFailure(error);
    }
    position = fresh[fresh.length - 1].position;
  };

  const sleep = (ms: number) =>
    new Promise<void>((resolve) => {
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        interrupt = undefined;
        resolve();
      }
      interrupt = done;
    });

  const followLive = async (): Promise<void> => {
    const feed = source.subscribe(position);
    const reader = new FeedReader<{ event?: EsdbRecorded }>(feed);
    feed.on('confirmation', () => (attempt = 0));
    interrupt = () => reader.interrupt();
    try {
      while (!stopped) {
        const items = await reader.next(batchSize);
        if (items === 'interrupted' || stopped) return;
        if (items === 'ended') throw new EsdbSubscriptionEndedError();
        attempt = 0;
        const events: RecordedEvent[] = [];
        for (const { event } of items) if (event?.position && !isSystemEvent(event)) events.push(fromEsdbEvent(event));
        await deliver(events);
      }
    } finally {
      interrupt = undefined;
      reader.dispose();
      await feed.unsubscribe().catch(() => undefined);
      feed.destroy();
    }
  };

  const run = async (): Promise<void> => {
    let live = false;
    while (!stopped) {
      try {
        if (live) {
          await followLive();
          continue;
        }
        const batch = await source.readAll(position, batchSize);
        attempt = 0;
        if (stopped) break;
        if (batch.length > 0) {
          await deliver(batch);
          continue;
        }
        live = true;
        options.onLive?.();
      } catch (error) {
        if (error instanceof HandlerFailure) throw error.cause;
        if (stopped) break;
        attempt += 1;
        if (!isTransientEsdbError(error) || attempt > maxAttempts) throw error;
        const delay = reconnectDelay(attempt, options.reconnect);
        const reason = error instanceof Error ? error.message : String(error);
        console.warn(`EventStoreDB subscription interrupted after position ${position} (${reason}); retrying in ${delay} ms`);
        await sleep(delay);
      }
    }
  };

  const loop = run().catch((error: unknown) => {
    stopped = true;
    if (options.onError) options.onError(error);
    else console.error('EventStoreDB subscription stopped', error);
  });

  return {
    async stop() {
      stopped = true;
      interrupt?.();
      await loop;
    },
  };
}

// ---------------------------------------------------------------------------------------------
// The adapter.
// ---------------------------------------------------------------------------------------------

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
