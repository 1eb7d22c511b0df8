import { randomBytes } from 'node:crypto';
import { Admin, Consumer, Kafka, logLevel, Partitioners, Producer } from 'kafkajs';

/**
 * Smoke test of the local broker started by `bash scripts/kafka/kafka.sh start` (or any broker in
 * KAFKA_BROKERS): topic creation, acks=all produce, consumer-group consume, exactly-once arrival and
 * per-key order.
 */
const BROKERS = (process.env.KAFKA_BROKERS ?? '127.0.0.1:19092').split(',');
const KEYS = 10;
const PER_KEY = 10;
const TOTAL = KEYS * PER_KEY;

interface Received {
  key: string;
  seq: number;
  partition: number;
  offset: string;
}

describe('local Kafka broker', () => {
  const run = randomBytes(4).toString('hex');
  const topic = `smoke.broker-${run}`;
  const kafka = new Kafka({
    clientId: `smoke-${run}`,
    brokers: BROKERS,
    logLevel: logLevel.ERROR,
    connectionTimeout: 3000,
    retry: { retries: 5, initialRetryTime: 200 },
  });
  let admin: Admin;
  let producer: Producer | undefined;
  let consumer: Consumer | undefined;

  beforeAll(async () => {
    admin = kafka.admin();
    try {
      await admin.connect();
    } catch (err) {
      throw new Error(
        `No Kafka broker at ${BROKERS.join(',')} — start one with \`bash scripts/kafka/kafka.sh start\` (${String(err)})`,
      );
    }
  });

  afterAll(async () => {
    await consumer?.disconnect().catch(() => undefined);
    await producer?.disconnect().catch(() => undefined);
    await admin.deleteTopics({ topics: [topic], timeout: 10_000 }).catch(() => undefined);
    await admin.disconnect();
  });

  it('delivers 100 keyed messages once each, in order per key, through a consumer group', async () => {
    expect(await admin.createTopics({ topics: [{ topic, numPartitions: 3, replicationFactor: 1 }], waitForLeaders: true })).toBe(true);
    const [metadata] = (await admin.fetchTopicMetadata({ topics: [topic] })).topics;
    expect(metadata.partitions).toHaveLength(3);

    // Messages interleaved across keys (k0#0, k1#0, …, k9#0, k0#1, …) in several acks=all batches.
    producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner, idempotent: true, maxInFlightRequests: 1 });
    await producer.connect();
    const messages = [];
    for (let seq = 0; seq < PER_KEY; seq++) {
      for (let k = 0; k < KEYS; k++) messages.push({ key: `key-${k}`, value: JSON.stringify({ key: `key-${k}`, seq }) });
    }
    for (let i = 0; i < messages.length; i += 25) {
      const acks = await producer.send({ topic, acks: -1, messages: messages.slice(i, i + 25) });
      for (const ack of acks) expect(ack.errorCode).toBe(0);
    }

    const offsets = await admin.fetchTopicOffsets(topic);
    expect(offsets.reduce((sum, p) => sum + Number(p.high), 0)).toBe(TOTAL);
    // The ten keys hash (murmur2, as in the Java client) onto more than one partition.
    expect(offsets.filter((p) => Number(p.high) > 0).length).toBeGreaterThan(1);

    const groupId = `smoke-${run}`;
    const received: Received[] = [];
    consumer = kafka.consumer({ groupId, sessionTimeout: 10_000, heartbeatInterval: 1_000, maxWaitTimeInMs: 200 });
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    let resolveAll!: () => void;
    const all = new Promise<void>((resolve) => (resolveAll = resolve));
    await consumer.run({
      eachMessage: async ({ partition, message }) => {
        const body = JSON.parse(message.value!.toString()) as { key: string; seq: number };
        expect(message.key!.toString()).toBe(body.key);
        received.push({ ...body, partition, offset: message.offset });
        if (received.length >= TOTAL) resolveAll();
      },
    });
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      all,
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error(`only ${received.length}/${TOTAL} messages after 30s`)), 30_000);
      }),
    ]).finally(() => clearTimeout(timer));
    // Give a duplicate the chance to show up before counting.
    await new Promise((r) => setTimeout(r, 1000));
    await consumer.stop();

    expect(received).toHaveLength(TOTAL);
    const ids = new Set(received.map((m) => `${m.key}#${m.seq}`));
    expect(ids.size).toBe(TOTAL);

    const byKey = new Map<string, Received[]>();
    for (const m of received) byKey.set(m.key, [...(byKey.get(m.key) ?? []), m]);
    expect(byKey.size).toBe(KEYS);
    for (const [key, list] of byKey) {
      expect({ key, seqs: list.map((m) => m.seq) }).toEqual({ key, seqs: Array.from({ length: PER_KEY }, (_, i) => i) });
      expect(new Set(list.map((m) => m.partition)).size).toBe(1); // a key stays on one partition
    }

    // The group committed up to the end of every partition.
    await consumer.disconnect();
    consumer = undefined;
    const [committed] = await admin.fetchOffsets({ groupId, topics: [topic] });
    const high = new Map(offsets.map((p) => [p.partition, p.high]));
    for (const p of committed.partitions) {
      if (high.get(p.partition) !== '0') expect(p.offset).toBe(high.get(p.partition));
    }
  }, 60_000);
});
