import type { Admin, Consumer, ConsumerRunConfig, Kafka, Producer } from 'kafkajs';
import { backoffDelay, jsonLogs } from '@shecun/core';
import { KafkaLagReader } from './kafka-lag';
import { BusConsumer, ConsumedMessage, ConsumerOptions, MessageBus, BusMessage } from './types';

/** Most messages handed to a consumer's `handleBatch` at once. */
const MAX_HANDLED_AT_ONCE = 100;

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
 * message was handled (its handler applies the failure policy: applied or parked).
 */
export class KafkaBus implements MessageBus {
  private readonly kafka: Kafka;
  private producer?: Promise<Producer>;
  /** The admin client of readiness checks: no retries (the check has its own time limit), reconnected after a failure. */
  private healthAdmin?: Promise<Admin>;
  private readonly consumers = new Set<BusConsumer>();
  private readonly knownTopics = new Set<string>();
  private lag?: KafkaLagReader;

  constructor(private readonly options: KafkaBusOptions) {
    // Loaded when a bus is made, not at start: the embedded app never needs kafkajs.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { Kafka, logLevel } = require('kafkajs') as typeof import('kafkajs');
    const logs = jsonLogs()?.root.child({ context: 'kafkajs' });
    this.kafka = new Kafka({
      clientId: options.clientId,
      brokers: options.brokers,
      logLevel: logLevel.WARN,
      // The client's own warnings and errors as lines of the process's JSON logs, when it has them.
      ...(logs
        ? {
            logCreator:
              () =>
              ({ namespace, level, log }: { namespace: string; level: number; log: { message: string; timestamp: string } & Record<string, unknown> }) => {
                const { message, timestamp: _timestamp, ...fields } = log;
                const write = level === logLevel.ERROR ? logs.error.bind(logs) : level === logLevel.WARN ? logs.warn.bind(logs) : level === logLevel.INFO ? logs.info.bind(logs) : logs.debug.bind(logs);
                write({ ...fields, namespace }, message);
              },
          }
        : {}),
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

  /**
   * Joins the consumer group and handles messages until stopped. kafkajs restarts a consumer after
   * a retriable failure by itself, but stops for good after a non-retriable one — and a broker
   * restart produces those (an offset commit or heartbeat answered "the coordinator is not aware of
   * this member" once the group forgot the member during the outage). So the consumer is
   * supervised: when kafkajs gives up on it, a fresh consumer joins the group after a pause and
   * resumes from the last committed offsets (handlers de-duplicate what is redelivered).
   */
  async consume(options: ConsumerOptions): Promise<BusConsumer> {
    await this.ensureTopics(options.topics);
    let stopped = false;
    let current: Consumer | undefined;
    let restartTimer: NodeJS.Timeout | undefined;
    let restarts = 0;

    const launch = async (): Promise<void> => {
      const consumer = this.createConsumer(options);
      current = consumer;
      consumer.on(consumer.events.CRASH, ({ payload }) => {
        if (payload.restart || stopped || current !== consumer) return;
        const delay = backoffDelay(restarts++, { minDelayMs: 500, maxDelayMs: 5000 });
        this.logger(`consumer of ${options.groupId} stopped (${payload.error.message}); rejoining in ${delay} ms`);
        restartTimer = setTimeout(relaunch, delay);
      });
      await consumer.connect();
      await consumer.subscribe({ topics: options.topics, fromBeginning: true });
      await consumer.run(this.runConfig(consumer, options, () => !stopped));
      restarts = 0;
    };
    const relaunch = async () => {
      if (stopped) return;
      await current?.disconnect().catch(() => undefined);
      try {
        await launch();
      } catch (error) {
        if (stopped) return;
        const delay = backoffDelay(restarts++, { minDelayMs: 500, maxDelayMs: 5000 });
        this.logger(`consumer of ${options.groupId} could not rejoin (${(error as Error).message}); retrying in ${delay} ms`);
        restartTimer = setTimeout(relaunch, delay);
      }
    };

    await launch();
    const handle: BusConsumer = {
      stop: async () => {
        stopped = true;
        clearTimeout(restartTimer);
        this.consumers.delete(handle);
        await current?.disconnect();
      },
    };
    this.consumers.add(handle);
    return handle;
  }

  private logger(message: string): void {
    console.warn(`kafka bus: ${message}`);
  }

  private createConsumer(options: ConsumerOptions): Consumer {
    return this.kafka.consumer({
      groupId: options.groupId,
      allowAutoTopicCreation: false,
      sessionTimeout: this.options.sessionTimeoutMs ?? 10_000,
      heartbeatInterval: 1000,
      retry: { retries: Number.MAX_SAFE_INTEGER, initialRetryTime: 300, maxRetryTime: 5000 },
    });
  }

  private runConfig(consumer: Consumer, options: ConsumerOptions, running: () => boolean): ConsumerRunConfig {
    return {
      autoCommit: false,
      eachBatchAutoResolve: false,
      // A fetch's batches of different partitions are handled side by side (each partition still in
      // order): one partition's transaction or offset commit does not hold up the others'.
      partitionsConsumedConcurrently: this.options.partitions ?? 3,
      eachBatch: async ({ batch, resolveOffset, heartbeat, isRunning, isStale }) => {
        let handled: string | undefined;
        let sinceCommit = 0;
        const commit = async () => {
          if (handled === undefined) return;
          await consumer.commitOffsets([{ topic: batch.topic, partition: batch.partition, offset: (BigInt(handled) + 1n).toString() }]);
          sinceCommit = 0;
        };
        const stillOurs = () => running() && isRunning() && !isStale();
        const consumed = (m: (typeof batch.messages)[number]): ConsumedMessage => ({
          topic: batch.topic,
          partition: batch.partition,
          offset: m.offset,
          key: m.key?.toString() ?? '',
          value: m.value?.toString() ?? '',
          headers: Object.fromEntries(Object.entries(m.headers ?? {}).map(([k, v]) => [k, v === undefined ? '' : String(v)])),
        });
        // Several messages at once when the handler takes them so (the projector: one transaction
        // for the lot instead of one each); any that it declines go one by one below.
        let from = 0;
        while (options.handleBatch && batch.messages.length - from > 1 && stillOurs()) {
          const chunk = batch.messages.slice(from, from + MAX_HANDLED_AT_ONCE);
          if (!(await options.handleBatch(chunk.map(consumed), { keepAlive: heartbeat, isRunning: stillOurs }))) break;
          const last = chunk[chunk.length - 1].offset;
          resolveOffset(last);
          handled = last;
          from += chunk.length;
          await commit();
          await heartbeat();
        }
        for (const m of batch.messages.slice(from)) {
          if (!stillOurs()) break;
          try {
            await options.handle(consumed(m), { keepAlive: heartbeat, isRunning: stillOurs });
          } catch (error) {
            await commit().catch(() => undefined);
            // Stopped or lost the partition while the handler waited: leave the rest to whoever owns it now.
            if (!stillOurs()) return;
            throw error;
          }
          resolveOffset(m.offset);
          handled = m.offset;
          if (++sinceCommit >= 100) await commit();
          await heartbeat();
        }
        await commit();
      },
    };
  }

  private async withHealthAdmin<T>(use: (admin: Admin) => Promise<T>): Promise<T> {
    this.healthAdmin ??= (async () => {
      const admin = this.kafka.admin({ retry: { retries: 0 } });
      await admin.connect();
      return admin;
    })();
    const pending = this.healthAdmin;
    try {
      return await use(await pending);
    } catch (error) {
      // A broker that did not answer: the next check connects afresh.
      if (this.healthAdmin === pending) this.healthAdmin = undefined;
      void pending.then((admin) => admin.disconnect()).catch(() => undefined);
      throw error;
    }
  }

  /** Readiness: the cluster's brokers as one of them describes them; rejects when none answers. */
  async describeBrokers(): Promise<{ brokers: number; controller: number | null }> {
    return this.withHealthAdmin(async (admin) => {
      const cluster = await admin.describeCluster();
      return { brokers: cluster.brokers.length, controller: cluster.controller };
    });
  }

  /** Messages on `topics` a consumer group has not committed yet (read as the lag metric reads it: a group with no offset counts from the earliest message kept). */
  async consumerLag(groupId: string, topics: string[]): Promise<number> {
    const lags = await this.lagReader().read([{ groupId, topics }]);
    return lags.reduce((sum, l) => sum + l.lag, 0);
  }

  /** Reads consumer groups' lag through an admin client of its own (closed with the bus). */
  lagReader(): KafkaLagReader {
    this.lag ??= new KafkaLagReader(this.kafka);
    return this.lag;
  }

  async close(): Promise<void> {
    await Promise.all([...this.consumers].map((c) => c.stop()));
    await this.lag?.close();
    if (this.producer) await (await this.producer).disconnect().catch(() => undefined);
    if (this.healthAdmin) await (await this.healthAdmin.catch(() => undefined))?.disconnect().catch(() => undefined);
  }
}
