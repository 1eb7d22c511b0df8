import { Kafka, logLevel, Producer } from 'kafkajs';
import { deliver } from './in-process-bus';
import { BusConsumer, ConsumerOptions, MessageBus, BusMessage } from './types';

export interface KafkaBusOptions {
  brokers: string[];
  clientId: string;
  /** Partitions for topics this bus creates. Default 3. */
  partitions?: number;
  /** Consumer session timeout: how soon a dead consumer's partitions move to the others. Default 10 s. */
  sessionTimeoutMs?: number;
}

/**
 * Kafka through kafkajs (kept behind this port: kafkajs is in maintenance mode). The producer is
 * idempotent with one request in flight and `acks: -1`, so `publish` resolves only when every
 * in-sync replica has the messages, in order per key. Consumers commit offsets only after a
 * message was handled (or dead-lettered).
 */
export class KafkaBus implements MessageBus {
  private readonly kafka: Kafka;
  private producer?: Promise<Producer>;
  private readonly consumers = new Set<BusConsumer>();
  private readonly knownTopics = new Set<string>();

  constructor(private readonly options: KafkaBusOptions) {
    this.kafka = new Kafka({
      clientId: options.clientId,
      brokers: options.brokers,
      logLevel: logLevel.WARN,
      retry: { initialRetryTime: 200, retries: 12, maxRetryTime: 5000 },
    });
  }

  private getProducer(): Promise<Producer> {
    this.producer ??= (async () => {
      // An idempotent producer retries without limit: a relay waits out a broker restart instead of failing.
      const producer = this.kafka.producer({
        idempotent: true,
        maxInFlightRequests: 1,
        allowAutoTopicCreation: false,
        retry: { retries: Number.MAX_SAFE_INTEGER, initialRetryTime: 200, maxRetryTime: 5000 },
      });
      await producer.connect();
      return producer;
    })().catch((error) => {
      this.producer = undefined;
      throw error;
    });
    return this.producer;
  }

  /** Creates topics that do not exist yet (idempotent). */
  async ensureTopics(topics: string[]): Promise<void> {
    const missing = topics.filter((t) => !this.knownTopics.has(t));
    if (missing.length === 0) return;
    const admin = this.kafka.admin();
    await admin.connect();
    try {
      await admin.createTopics({
        waitForLeaders: true,
        topics: missing.map((topic) => ({ topic, numPartitions: this.options.partitions ?? 3, replicationFactor: 1 })),
      });
      missing.forEach((t) => this.knownTopics.add(t));
    } finally {
      await admin.disconnect();
    }
  }

  async publish(topic: string, messages: BusMessage[]): Promise<void> {
    if (messages.length === 0) return;
    await this.ensureTopics([topic]);
    const producer = await this.getProducer();
    await producer.send({
      topic,
      acks: -1,
      messages: messages.map((m) => ({ key: m.key, value: m.value, headers: m.headers })),
    });
  }

  async consume(options: ConsumerOptions): Promise<BusConsumer> {
    await this.ensureTopics([...options.topics, ...options.topics.map((t) => `${t}.dlt`)]);
    const consumer = this.kafka.consumer({
      groupId: options.groupId,
      allowAutoTopicCreation: false,
      sessionTimeout: this.options.sessionTimeoutMs ?? 10_000,
      heartbeatInterval: 1000,
      retry: { retries: Number.MAX_SAFE_INTEGER, initialRetryTime: 300, maxRetryTime: 5000 },
    });
    await consumer.connect();
    await consumer.subscribe({ topics: options.topics, fromBeginning: true });
    const maxAttempts = options.maxAttempts ?? 3;
    await consumer.run({
      autoCommit: false,
      eachBatchAutoResolve: false,
      eachBatch: async ({ batch, resolveOffset, heartbeat, isRunning, isStale }) => {
        let handled: string | undefined;
        let sinceCommit = 0;
        const commit = async () => {
          if (handled === undefined) return;
          await consumer.commitOffsets([{ topic: batch.topic, partition: batch.partition, offset: (BigInt(handled) + 1n).toString() }]);
          sinceCommit = 0;
        };
        for (const m of batch.messages) {
          if (!isRunning() || isStale()) break;
          const headers = Object.fromEntries(Object.entries(m.headers ?? {}).map(([k, v]) => [k, v === undefined ? '' : String(v)]));
          await deliver(this, options, {
            topic: batch.topic,
            partition: batch.partition,
            offset: m.offset,
            key: m.key?.toString() ?? '',
            value: m.value?.toString() ?? '',
            headers,
          }, maxAttempts);
          resolveOffset(m.offset);
          handled = m.offset;
          if (++sinceCommit >= 100) await commit();
          await heartbeat();
        }
        await commit();
      },
    });
    const handle: BusConsumer = {
      stop: async () => {
        this.consumers.delete(handle);
        await consumer.disconnect();
      },
    };
    this.consumers.add(handle);
    return handle;
  }

  async close(): Promise<void> {
    await Promise.all([...this.consumers].map((c) => c.stop()));
    if (this.producer) await (await this.producer).disconnect().catch(() => undefined);
  }
}
