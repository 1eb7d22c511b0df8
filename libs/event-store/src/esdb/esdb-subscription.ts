/** The catch-up-then-live subscription to $all, and when and how it reconnects after a drop. */
import { ErrorType, isCommandError } from '@eventstore/db-client';
import { backoffDelay, pause } from '@shecun/resilience';
import { RecordedEvent, Subscription, SubscriptionHandler, SubscriptionOptions } from '../types';
import { EsdbLiveFeed, FeedReader } from './esdb-feed-reader';
import { EsdbRecorded, fromEsdbEvent, isSystemEvent } from './esdb-mapping';

/** How a dropped server subscription (or a failed catch-up read) is retried. */
export interface EsdbReconnectOptions {
  /** Delay before the first retry; doubles on each consecutive failure. Default 250 ms. */
  initialDelayMs?: number;
  /** Upper bound of the delay between retries. Default 10 s. */
  maxDelayMs?: number;
  /** Consecutive failed attempts after which the subscription gives up and calls `onError`. Default: never. */
  maxAttempts?: number;
}

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

/** Delay before reconnect attempt `attempt` (1-based): the one back-off ({@link backoffDelay}) from `initialDelayMs`, capped at `maxDelayMs`. */
export function reconnectDelay(attempt: number, options: EsdbReconnectOptions = {}): number {
  return backoffDelay(Math.max(0, attempt - 1), { minDelayMs: options.initialDelayMs ?? 250, maxDelayMs: options.maxDelayMs ?? 10_000 });
}

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
  /** Wakes the live feed's reader when stopping; `stopping` cuts a back-off pause short. */
  let interrupt: (() => void) | undefined;
  const stopping = new AbortController();

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
        await pause(delay, stopping.signal);
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
      stopping.abort();
      interrupt?.();
      await loop;
    },
  };
}
