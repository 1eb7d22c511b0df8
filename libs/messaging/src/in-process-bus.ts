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
            await deliver(this, options, message, maxAttempts);
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

/** Handles one message with retries; after the last attempt it goes to the dead-letter topic. */
export async function deliver(
  bus: Pick<MessageBus, 'publish'>,
  options: Pick<ConsumerOptions, 'handle'>,
  message: Parameters<ConsumerOptions['handle']>[0],
  maxAttempts: number,
): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      await options.handle(message);
      return;
    } catch (error) {
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
    }
  }
}
