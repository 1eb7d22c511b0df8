import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { requireBuild } from '../support/child-app';
import { removeDir } from '../support/embedded-app';
import { localBroker } from '../support/kafka-broker';
import { createTestDatabase } from '../support/pg';
import { Topology } from '../support/topology';

const KAFKA_BROKERS = process.env.KAFKA_BROKERS ?? '127.0.0.1:19092';
const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * The Kafka broker goes away twice while commands keep flowing through the needs service — once
 * killed outright (SIGKILL), once shut down in order — and comes back with the same log directory.
 * The relay and the projector must reconnect on their own; afterwards the PostgreSQL read model
 * equals a full rebuild from the event store, every event was applied exactly once and none was
 * dead-lettered.
 */
describe('distributed topology across Kafka broker restarts', () => {
  const prefix = `k${randomBytes(4).toString('hex')}.`;
  const dbs: Array<Awaited<ReturnType<typeof createTestDatabase>>> = [];
  const dir = mkdtempSync(join(tmpdir(), 'kafka-restart-'));
  let topology: Topology;

  beforeAll(async () => {
    requireBuild();
    if (!localBroker.isRunning()) throw new Error('this suite restarts the broker of scripts/kafka/kafka.sh: run "bash scripts/kafka/kafka.sh start" first');
    const [events, read, needs] = await Promise.all([createTestDatabase('shecun_events'), createTestDatabase('shecun_read'), createTestDatabase('shecun_needs')]);
    dbs.push(events, read, needs);
    topology = new Topology({ eventStoreUrl: events.url, readUrl: read.url, needsUrl: needs.url, brokers: KAFKA_BROKERS, prefix });
    await topology.startAll(dir);
  }, 180_000);

  afterAll(async () => {
    // Later suites need the broker whatever happened here.
    if (!localBroker.isRunning()) localBroker.start();
    await topology?.stopAll();
    await Promise.all(dbs.map((d) => d.drop()));
    removeDir(dir);
  }, 240_000);

  it('commands keep being accepted while the broker is down; afterwards the read model equals a rebuild, each event applied once, none parked', async () => {
    const stop = { done: false };
    const load = topology.commandLoad(stop);
    // Events in the store: what the needs service accepted, whatever the broker's state.
    const accepted = async () => (await topology.eventIds()).inStore.length;

    await pause(3000);
    const beforeKill = await accepted();
    await localBroker.kill();
    await pause(5000);
    const whileKilled = (await accepted()) - beforeKill;
    localBroker.start();
    await pause(4000);

    const beforeStop = await accepted();
    localBroker.stop();
    await pause(5000);
    const whileStopped = (await accepted()) - beforeStop;
    localBroker.start();
    await pause(4000);

    stop.done = true;
    const sent = await load;

    // The write side never depended on the broker.
    expect(whileKilled).toBeGreaterThan(0);
    expect(whileStopped).toBeGreaterThan(0);
    expect(sent.needs).toBeGreaterThan(0);

    const { projected, fromStore } = await topology.expectConverged(dir, 120_000);
    expect(projected).toEqual(fromStore);
    expect(projected.needs.length).toBeGreaterThanOrEqual(sent.needs);

    const { inStore, applied } = await topology.eventIds();
    expect(applied).toEqual(inStore);
    expect(await topology.parked()).toBe(0);
    expect(topology.exited()).toEqual([]);
  }, 600_000);
});
