import { Logger } from '@nestjs/common';
import { EventStore, RecordedEvent, START, Subscription } from '@shecun/event-store';
import { toBusMessage, topicForStream } from './integration-events';
import { MessageBus } from './types';

/** Where a relay is in the global log; saved only after the broker acknowledged. */
export interface RelayCheckpointStore {
  load(name: string): Promise<number>;
  save(name: string, position: number): Promise<void>;
  /** Waits until this process holds the relay's lock: one active relay per log. */
  acquire(name: string): Promise<void>;
  release(name: string): Promise<void>;
}

export interface RelayOptions {
  name?: string;
  batchSize?: number;
  topicFor?: (event: RecordedEvent) => string;
  /** Drop events that must not leave their context (internal events); default: keep all. */
  filter?: (event: RecordedEvent) => boolean;
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
    private readonly options: RelayOptions = {},
  ) {
    this.name = options.name ?? 'relay';
    this.logger = new Logger(`Relay ${this.name}`);
  }

  get checkpoint(): number {
    return this.position;
  }

  async publishBatch(events: RecordedEvent[]): Promise<void> {
    const topicFor = this.options.topicFor ?? ((e: RecordedEvent) => topicForStream(e.streamName));
    const byTopic = new Map<string, RecordedEvent[]>();
    for (const event of events) {
      if (this.options.filter && !this.options.filter(event)) continue;
      const topic = topicFor(event);
      byTopic.set(topic, [...(byTopic.get(topic) ?? []), event]);
    }
    await Promise.all([...byTopic].map(([topic, list]) => this.bus.publish(topic, list.map(toBusMessage))));
    const last = events[events.length - 1].position;
    await this.checkpoints.save(this.name, last);
    this.position = last;
  }

  /** Takes the lock, then follows the log from the stored checkpoint; resolves once caught up. */
  async start(): Promise<void> {
    await this.checkpoints.acquire(this.name);
    this.position = await this.checkpoints.load(this.name);
    this.logger.log(`relaying from position ${this.position}`);
    await new Promise<void>((resolve, reject) => {
      this.subscription = this.store.subscribeAll(this.position, (events) => this.publishBatch(events), {
        batchSize: this.options.batchSize ?? 1000,
        onLive: resolve,
        onError: (error) => {
          this.logger.error(`stopped at ${this.position}: ${error instanceof Error ? error.message : String(error)}`);
          reject(error);
        },
      });
    });
  }

  async stop(): Promise<void> {
    await this.subscription?.stop();
    await this.checkpoints.release(this.name);
  }
}
