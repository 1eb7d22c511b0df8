import { BusConsumer, BusMessage, ConsumerOptions, deadLetterTopic, MessageBus } from './types';

/**
 * The embedded bus: an append-only log per topic in memory, one partition, consumer groups with
 * their own offsets. For the single-process topology and for tests of relays and consumers.
 */
export class InProcessBus implements MessageBus {
  private readonly topics = new Map<string, BusMessage[]>();
  private readonly offsets = new Map<string, number>();
  private readonly waiters = new Set<() => void>();

  async publish(topic: string, messages: BusMessage[]): Promise<void> {
    const log = this.topics.get(topic) ?? [];
    log.push(...messages.map((m) => ({ ...m, headers: { ...m.headers } })));
    this.topics.set(topic, log);
    for (const wake of [...this.waiters]) wake();
  }

  messages(topic: string): BusMessage[] {
    return [...(this.topics.get(topic) ?? [])];
  }

  async consume(options: ConsumerOptions): Promise<BusConsumer> {
    let running = true;
    const maxAttempts = options.maxAttempts ?? 3;
    const loop = (async () => {
      while (running) {
        let progressed = false;
        for (const topic of options.topics) {
          const key = `${options.groupId}\u0000${topic}`;
          const log = this.topics.get(topic) ?? [];
          let offset = this.offsets.get(key) ?? 0;
          while (running && offset < log.length) {
            const message = { ...log[offset], topic, partition: 0, offset: String(offset) };
            try {
              await deliver(this, options, message, maxAttempts, { isRunning: () => running });
            } catch (error) {
              if (error instanceof DeliveryAbandonedError) break;
              throw error;
            }
            offset += 1;
            this.offsets.set(key, offset);
            progressed = true;
          }
        }
        if (!progressed && running) {
          await new Promise<void>((resolve) => {
            const wake = () => {
              this.waiters.delete(wake);
              resolve();
            };
            this.waiters.add(wake);
            setTimeout(wake, 200).unref();
          });
        }
      }
    })();
    return {
      stop: async () => {
        running = false;
        for (const wake of [...this.waiters]) wake();
        await loop;
      },
    };
  }

  async close(): Promise<void> {
    for (const wake of [...this.waiters]) wake();
  }
}

/** Lets a long transient retry keep the consumer alive, and stop when the consumer stops. */
export interface DeliveryControl {
  /** Called between transient retries (a Kafka consumer heartbeats its group). */
  keepAlive?: () => Promise<void>;
  /** False once the consumer stops or lost the partition: delivery gives up without dead-lettering. */
  isRunning?: () => boolean;
}

/** The message stays unhandled (not dead-lettered, offset not advanced): its consumer stopped while it waited. */
export class DeliveryAbandonedError extends Error {
  constructor(message: string, override readonly cause: unknown) {
    super(message);
    this.name = 'DeliveryAbandonedError';
  }
}

/** Back-off between transient retries: 100 ms doubling, capped at 2 s. */
const transientDelay = (retry: number) => Math.min(2000, 100 * 2 ** Math.min(retry, 5));

/**
 * Handles one message with retries; after the last attempt it goes to the dead-letter topic. A
 * transient failure (`options.isTransient`) is not an attempt: it is retried until it succeeds or
 * the consumer stops, in which case this throws {@link DeliveryAbandonedError} and the message is
 * delivered again later (from the last committed offset).
 */
export async function deliver(
  bus: Pick<MessageBus, 'publish'>,
  options: Pick<ConsumerOptions, 'handle' | 'isTransient'>,
  message: Parameters<ConsumerOptions['handle']>[0],
  maxAttempts: number,
  control: DeliveryControl = {},
): Promise<void> {
  let transientRetries = 0;
  for (let attempt = 1; ; ) {
    try {
      await options.handle(message);
      return;
    } catch (error) {
      if (options.isTransient?.(error)) {
        if (control.isRunning && !control.isRunning()) {
          throw new DeliveryAbandonedError(`consumer stopped while ${message.topic}/${message.partition}@${message.offset} waited for its handler to recover`, error);
        }
        if (transientRetries === 0) console.warn(`bus consumer: ${message.topic}/${message.partition}@${message.offset} waits for the handler to recover: ${error instanceof Error ? error.message : String(error)}`);
        await new Promise((r) => setTimeout(r, transientDelay(transientRetries++)));
        await control.keepAlive?.().catch(() => undefined);
        continue;
      }
      if (attempt >= maxAttempts) {
        await bus.publish(deadLetterTopic(message.topic), [
          {
            key: message.key,
            value: message.value,
            headers: {
              ...message.headers,
              'dlt-error': error instanceof Error ? error.message.slice(0, 1000) : String(error),
              'dlt-topic': message.topic,
              'dlt-partition': String(message.partition),
              'dlt-offset': message.offset,
            },
          },
        ]);
        return;
      }
      await new Promise((r) => setTimeout(r, 50 * attempt));
      attempt += 1;
    }
  }
}
