import type { Admin, Kafka } from 'kafkajs';
import { metricsRegistry } from '@shecun/core';
import { Counter, Gauge, Registry } from 'prom-client';

/** A consumer group and the topics it consumes. */
export interface WatchedGroup {
  groupId: string;
  topics: string[];
}

/** How many messages of one partition a group has not committed yet. */
export interface PartitionLag {
  group: string;
  topic: string;
  partition: number;
  lag: number;
}

/**
 * Messages of a partition behind its log end (`high`, the offset the next message will get) for a
 * group whose committed offset is `committed` (`-1`: nothing committed yet). A group without a
 * commit, or whose commit fell below the log start (`low`, retention deleted what it had not read),
 * starts at the log start (our consumers subscribe from the beginning), so everything retained is
 * behind.
 */
export function partitionLag(committed: string, high: string, low: string): number {
  const end = BigInt(high);
  const start = BigInt(low);
  const at = BigInt(committed);
  const from = at < start ? start : at;
  const lag = end - from;
  return lag > 0n ? Number(lag) : 0;
}

/**
 * Reads consumer groups' lag with kafkajs's admin API: the groups' committed offsets
 * (`fetchOffsets`) against each partition's log end (`fetchTopicOffsets`). It uses an admin
 * client of its own (one connection, made on first use and made again after a failure), not the
 * consumers': reading lag never joins a group, commits or pauses anything.
 */
export class KafkaLagReader {
  private admin?: Promise<Admin>;

  constructor(private readonly kafka: Kafka) {}

  private connect(): Promise<Admin> {
    this.admin ??= (async () => {
      const admin = this.kafka.admin({ retry: { retries: 1, initialRetryTime: 200, maxRetryTime: 1000 } });
      await admin.connect();
      return admin;
    })();
    return this.admin;
  }

  async read(groups: readonly WatchedGroup[]): Promise<PartitionLag[]> {
    const connecting = this.connect();
    try {
      const admin = await connecting;
      const topics = [...new Set(groups.flatMap((g) => g.topics))];
      const ends = new Map(await Promise.all(topics.map(async (topic) => [topic, await admin.fetchTopicOffsets(topic)] as const)));
      const lags: PartitionLag[] = [];
      for (const group of groups) {
        const committed = await admin.fetchOffsets({ groupId: group.groupId, topics: group.topics });
        for (const { topic, partitions } of committed) {
          const byPartition = new Map(partitions.map((p) => [p.partition, p.offset]));
          for (const end of ends.get(topic) ?? []) {
            lags.push({ group: group.groupId, topic, partition: end.partition, lag: partitionLag(byPartition.get(end.partition) ?? '-1', end.high, end.low) });
          }
        }
      }
      return lags;
    } catch (error) {
      // A broken connection (broker restarted): the next read connects again (with a new admin, unless another read already made one).
      if (this.admin === connecting) this.admin = undefined;
      await (await connecting.catch(() => undefined))?.disconnect().catch(() => undefined);
      throw error;
    }
  }

  async close(): Promise<void> {
    const admin = this.admin;
    this.admin = undefined;
    if (admin) await (await admin.catch(() => undefined))?.disconnect().catch(() => undefined);
  }
}

export interface KafkaLagMetricsOptions {
  registry?: Registry;
  /** A scrape within this long of the last read answers that read again (several scrapers, one read). Default 1 s. */
  maxAgeMs?: number;
  /** A read taking longer is abandoned for this scrape (the series are left out). Default 5 s. */
  timeoutMs?: number;
}

/**
 * `kafka_consumer_group_lag{group,topic,partition}`: messages behind the log end, read when
 * scraped (nothing polls between scrapes). While the broker does not answer the gauge has no
 * series and `kafka_consumer_group_lag_read_failures_total` counts the failed reads.
 */
export function registerKafkaLagMetrics(reader: Pick<KafkaLagReader, 'read'>, groups: readonly WatchedGroup[], options: KafkaLagMetricsOptions = {}): void {
  const registry = options.registry ?? metricsRegistry;
  const maxAgeMs = options.maxAgeMs ?? 1000;
  const timeoutMs = options.timeoutMs ?? 5000;
  const failures = new Counter({
    name: 'kafka_consumer_group_lag_read_failures_total',
    help: 'Reads of the consumer groups’ lag that failed or timed out (the broker did not answer)',
    registers: [registry],
  });
  let last: { at: number; read: Promise<PartitionLag[]> } | undefined;
  const current = (): Promise<PartitionLag[]> => {
    if (!last || Date.now() - last.at > maxAgeMs) {
      let timer: NodeJS.Timeout | undefined;
      const read = Promise.race([
        reader.read(groups),
        new Promise<never>((_, reject) => {
          timer = setTimeout(() => reject(new Error(`no answer in ${timeoutMs} ms`)), timeoutMs);
        }),
      ]).finally(() => clearTimeout(timer));
      last = { at: Date.now(), read };
      // A failed read is counted (the series shows it from the next scrape on) and not reused.
      read.catch(() => {
        failures.inc();
        if (last?.read === read) last = undefined;
      });
    }
    return last.read;
  };
  new Gauge({
    name: 'kafka_consumer_group_lag',
    help: 'Messages of a partition a consumer group has not committed yet (log end offset minus committed offset)',
    labelNames: ['group', 'topic', 'partition'] as const,
    registers: [registry],
    async collect() {
      this.reset();
      let lags: PartitionLag[];
      try {
        lags = await current();
      } catch {
        return;
      }
      for (const l of lags) this.set({ group: l.group, topic: l.topic, partition: String(l.partition) }, l.lag);
    },
  });
}
