import { NewEvent, SqliteEventStore } from '@shecun/event-store';
import { EventRelay, KafkaBus, RelayCheckpointStore, toBusMessage } from '@shecun/messaging';
import { Kafka, logLevel } from 'kafkajs';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface RelayBenchResult {
  events: number;
  batchSize: number;
  rawPerSecond: number;
  relayPerSecond: number;
  ratio: number;
}

class MemoryCheckpoints implements RelayCheckpointStore {
  private readonly positions = new Map<string, number>();
  async load(name: string) {
    return this.positions.get(name) ?? -1;
  }
  async save(name: string, position: number) {
    this.positions.set(name, position);
  }
  async acquire() {}
  async release() {}
}

/**
 * Relay throughput (event store → Kafka, acknowledged by the broker, checkpoint advanced) against
 * the raw kafkajs producer sending the same messages in the same batch size, on one broker.
 */
export async function relayBench(events = 50_000, brokers = (process.env.KAFKA_BROKERS ?? '127.0.0.1:19092').split(','), batchSize = 1000): Promise<RelayBenchResult> {
  const dir = mkdtempSync(join(tmpdir(), 'bench-relay-'));
  const run = randomUUID().slice(0, 8);
  const store = new SqliteEventStore({ path: join(dir, 'events.sqlite') });
  try {
    const meta = { actorId: 'bench', actorRole: 'system', correlationId: run, causationId: run, occurredAt: new Date().toISOString() };
    for (let i = 0; i < events; i += 10) {
      const batch: NewEvent[] = Array.from({ length: 10 }, (_, j) => ({ id: randomUUID(), type: 'CommitmentOffered', data: { needId: `n${i}`, j, items: [{ lineItemId: 'L1', quantity: 3 }] }, metadata: meta }));
      await store.append(`need-${run}-${i}`, batch, 'no-stream');
    }
    const all = await store.readAll(-1, events);

    const kafka = new Kafka({ clientId: `bench-raw-${run}`, brokers, logLevel: logLevel.NOTHING });
    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({ waitForLeaders: true, topics: [{ topic: `bench-raw-${run}`, numPartitions: 3 }] });
    await admin.disconnect();
    const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
    await producer.connect();
    let t0 = process.hrtime.bigint();
    for (let i = 0; i < all.length; i += batchSize) {
      await producer.send({ topic: `bench-raw-${run}`, acks: -1, messages: all.slice(i, i + batchSize).map(toBusMessage) });
    }
    const rawSeconds = Number(process.hrtime.bigint() - t0) / 1e9;
    await producer.disconnect();

    const bus = new KafkaBus({ brokers, clientId: `bench-relay-${run}` });
    await bus.ensureTopics([`bench-relay-${run}`]);
    const relay = new EventRelay(store, bus, new MemoryCheckpoints(), { name: run, batchSize, topicFor: () => `bench-relay-${run}` });
    t0 = process.hrtime.bigint();
    await relay.start();
    const relaySeconds = Number(process.hrtime.bigint() - t0) / 1e9;
    await relay.stop();
    await bus.close();
    const rawPerSecond = all.length / rawSeconds;
    const relayPerSecond = all.length / relaySeconds;
    return { events: all.length, batchSize, rawPerSecond, relayPerSecond, ratio: relayPerSecond / rawPerSecond };
  } finally {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
