import type { StoredForm } from './event-schemas';

/**
 * The event-store port. Every adapter (SQLite, EventStoreDB, PostgreSQL) implements {@link EventStore}
 * and passes the shared contract suite in `contract/event-store.contract.ts`.
 *
 * Revisions and positions are plain numbers at this boundary (safe integers); adapters whose
 * client speaks bigint convert at their own edge.
 */

/** Who did it, when, and why. Written into every event. */
export interface EventMetadata {
  actorId: string;
  actorRole: string;
  /** The organization the actor acted for, where there is one. */
  actorOrganizationId?: string;
  correlationId: string;
  causationId: string;
  /** ISO-8601 timestamp of the decision. */
  occurredAt: string;
  [extra: string]: unknown;
}

/** An event to be appended. */
export interface NewEvent<T = unknown> {
  /** uuid; appending an id already stored in the stream is a no-op (idempotent retry). */
  id: string;
  type: string;
  schemaVersion?: number;
  data: T;
  metadata: EventMetadata;
}

/** An event as stored. */
export interface RecordedEvent<T = unknown> {
  id: string;
  type: string;
  schemaVersion: number;
  data: T;
  metadata: EventMetadata;
  streamName: string;
  /** 0-based revision of the event within its stream. */
  revision: number;
  /** Position in the global log, strictly increasing. */
  position: number;
  /** Set when the event was upcast on reading (see event-schemas.ts): its version and data as written. */
  stored?: StoredForm;
}

/**
 * Expected state of the stream before the append.
 * - `no-stream`: the stream must not exist;
 * - `exists`: the stream must exist;
 * - `any`: no check;
 * - a number: the revision of the stream's last event.
 */
export type ExpectedRevision = 'no-stream' | 'any' | 'exists' | number;

export interface AppendResult {
  /** Revision of the last event in the stream after the append. */
  nextRevision: number;
  /** Global position of the last appended (or already stored) event. */
  position: number;
}

export interface ReadStreamOptions {
  /** First revision to read (inclusive); default 0. */
  fromRevision?: number;
  maxCount?: number;
}

/** Start of the global log: readAll(START) returns the first event. */
export const START = -1;

export interface SubscriptionOptions {
  /** Events per batch while catching up. */
  batchSize?: number;
  /** Called when the subscription stops on an error it cannot recover from. */
  onError?: (error: unknown) => void;
  /** Called once when catch-up reached the head of the log and live delivery begins. */
  onLive?: () => void;
}

/** Handler of a subscription: resolves when the batch is processed; the next batch waits for it. */
export type SubscriptionHandler = (events: RecordedEvent[]) => Promise<void>;

export interface Subscription {
  /** Stops delivery; resolves after the batch in progress (if any) is done. */
  stop(): Promise<void>;
}

export interface EventStore {
  append(streamName: string, events: NewEvent[], expected: ExpectedRevision): Promise<AppendResult>;
  /** Events of one stream in revision order; an unknown stream reads as empty. */
  readStream(streamName: string, options?: ReadStreamOptions): Promise<RecordedEvent[]>;
  /**
   * Revision of the event with this id in this stream, or undefined when the stream holds no such
   * event (an event id is unique in the whole store). Lets a reader that starts mid-stream (from a
   * snapshot) still find what a command appended earlier.
   */
  revisionOfEvent(streamName: string, eventId: string): Promise<number | undefined>;
  /** Up to `maxCount` events whose position is greater than `after`, in order. */
  readAll(after: number, maxCount: number): Promise<RecordedEvent[]>;
  /**
   * Optional: as readAll, only events of these types (the others are neither returned nor parsed);
   * for rebuilding projections that handle a few types of a long log.
   */
  readAllOfTypes?(after: number, maxCount: number, types: readonly string[]): Promise<RecordedEvent[]>;
  /** Position of the last event in the global log, or START when it is empty. */
  headPosition(): Promise<number>;
  /**
   * Delivers every event after `checkpoint` (catch-up), then new events as they are appended (live),
   * in global order, one batch at a time.
   */
  subscribeAll(checkpoint: number, handler: SubscriptionHandler, options?: SubscriptionOptions): Subscription;
  close(): Promise<void>;
}

/** Nest injection token of the configured event store. */
export const EVENT_STORE = Symbol.for('shecun.EventStore');
