import { Logger } from '@nestjs/common';
import { backoffDelay, pause } from '@shecun/core';
import { EventStore, RecordedEvent, START, Subscription } from '@shecun/event-store';
import { publishTraced } from './traced-publish';
import { MessageBus } from './types';

/** Where a relay is in the global log; saved only after the broker acknowledged. */
export interface RelayCheckpointStore {
  load(name: string): Promise<number>;
  save(name: string, position: number): Promise<void>;
  /**
   * Waits until this process holds the relay's lock: one active relay per log. `onLost` is called
   * if the lock is lost later (its database connection dropped): the relay must stop publishing.
   * Rejects once `signal` is aborted (the relay stops while waiting).
   */
  acquire(name: string, onLost?: (error: Error) => void, signal?: AbortSignal): Promise<void>;
  release(name: string): Promise<void>;
}

export interface RelayOptions {
  name?: string;
  batchSize?: number;
  /** The topic of each event (the stream catalogue's, with the deployment's prefix). */
  topicFor: (event: RecordedEvent) => string;
  /** Drop events that must not leave their context (internal events); default: keep all. */
  filter?: (event: RecordedEvent) => boolean;
  /** Longest pause between attempts to resume after a failure. Default 5 s. */
  maxBackoffMs?: number;
}

/**
 * Relays the event store's global log to the bus: reads after its checkpoint, publishes each
 * batch (keyed by stream, so an aggregate's events keep their order), waits for the broker's
 * acknowledgement, then advances the checkpoint. A crash between publish and checkpoint
 * republishes that batch: consumers de-duplicate by event id.
 */
export class EventRelay {
  private readonly logger: Logger;
  private subscription?: Subscription;
  private position = START;
  readonly name: string;

  constructor(
    private readonly store: EventStore,
    private readonly bus: MessageBus,
    private readonly checkpoints: RelayCheckpointStore,
    private readonly options: RelayOptions,
  ) {
    this.name = options.name ?? 'relay';
    this.logger = new Logger(`Relay ${this.name}`);
  }

  get checkpoint(): number {
    return this.position;
  }

  /**
   * Publishes a batch and moves the checkpoint past it. An event `topicFor` refuses (a type no
   * context declares) stops the batch there: the events before it are published and checkpointed,
   * then the run fails with the refusal, so the relay holds at that event, retrying with back-off and
   * saying why ({@link lastError}), until a release declares the type. Nothing after it is published
   * out of order and nothing is skipped.
   */
  async publishBatch(events: RecordedEvent[]): Promise<void> {
    const { topicFor } = this.options;
    const byTopic = new Map<string, RecordedEvent[]>();
    let refused: unknown;
    let last = this.position;
    for (const event of events) {
      if (!this.options.filter || this.options.filter(event)) {
        let topic: string;
        try {
          topic = topicFor(event);
        } catch (error) {
          refused = new Error(`relay ${this.name} holds at position ${event.position}: ${error instanceof Error ? error.message : String(error)}`);
          break;
        }
        byTopic.set(topic, [...(byTopic.get(topic) ?? []), event]);
      }
      last = event.position;
    }
    await Promise.all([...byTopic].map(([topic, list]) => publishTraced(topic, list, (messages) => this.bus.publish(topic, messages))));
    if (last !== this.position) {
      await this.checkpoints.save(this.name, last);
      this.position = last;
    }
    if (refused) throw refused;
  }

  /** Why the relay last stopped (cleared once it is live again); shown by its health answer. */
  lastError?: string;

  /** Times the relay resumed after a failure (event store, checkpoint database, broker or lock lost). */
  restarts = 0;
  private running = false;
  private loop?: Promise<void>;
  private stopping = new AbortController();

  /**
   * Takes the lock, then follows the log from the stored checkpoint; resolves once caught up.
   *
   * Supervised: when anything fails — the event store or the checkpoint database restarts, the broker
   * stays unreachable past the producer's retries, or the lock's connection drops — the relay stops
   * publishing, lets go of the lock, waits (capped back-off), takes the lock again and resumes from
   * the stored checkpoint. Nothing is skipped: the checkpoint only moves after the broker acknowledged,
   * and a republished batch is de-duplicated by the consumers.
   */
  async start(): Promise<void> {
    if (this.running) throw new Error(`relay ${this.name} already started`);
    this.running = true;
    this.stopping = new AbortController();
    await new Promise<void>((resolve) => {
      this.loop = this.supervise(resolve);
    });
  }

  /**
   * Runs until stopped. Not the core `retry`: the back-off starts over once a run went live, and a
   * stop cuts the pause short.
   */
  private async supervise(onFirstLive: () => void): Promise<void> {
    let failures = 0;
    while (this.running) {
      const error = await this.runOnce(() => {
        failures = 0;
        this.lastError = undefined;
        onFirstLive();
      }).catch((e: unknown) => e);
      await this.subscription?.stop().catch(() => undefined);
      this.subscription = undefined;
      await this.checkpoints.release(this.name).catch(() => undefined);
      if (!this.running) break;
      this.restarts += 1;
      this.lastError = error instanceof Error ? error.message : String(error);
      const delay = backoffDelay(failures++, { minDelayMs: 250, maxDelayMs: this.options.maxBackoffMs ?? 5000 });
      this.logger.warn(`stopped at ${this.position} (${this.lastError}); resuming in ${delay} ms`);
      await pause(delay, this.stopping.signal);
    }
  }

  /** One run: lock, checkpoint, subscription. Resolves (with the cause) when the run ended. */
  private async runOnce(onLive: () => void): Promise<unknown> {
    let end!: (cause: unknown) => void;
    const ended = new Promise<unknown>((resolve) => (end = resolve));
    await this.checkpoints.acquire(this.name, (lost) => end(new Error(`relay lock lost: ${lost.message}`)), this.stopping.signal);
    this.position = await this.checkpoints.load(this.name);
    if (!this.running) return undefined;
    this.logger.log(`relaying from position ${this.position}`);
    this.subscription = this.store.subscribeAll(this.position, (events) => this.publishBatch(events), {
      batchSize: this.options.batchSize ?? 1000,
      onLive,
      onError: end,
    });
    this.stopRun = () => end(undefined);
    return ended;
  }

  private stopRun?: () => void;

  async stop(): Promise<void> {
    this.running = false;
    this.stopping.abort();
    this.stopRun?.();
    await this.loop;
    this.loop = undefined;
  }
}
