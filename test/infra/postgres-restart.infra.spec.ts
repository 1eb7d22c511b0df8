import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { requireBuild } from '../support/child-app';
import { removeDir } from '../support/embedded-app';
import { PrivatePostgres, startPrivatePostgres } from '../support/private-pg';
import { Topology } from '../support/topology';

const KAFKA_BROKERS = process.env.KAFKA_BROKERS ?? '127.0.0.1:19092';
const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * PostgreSQL — event store, relay checkpoints and lock, idempotency records and read models, all on
 * a private cluster — crashes twice (`pg_ctl stop -m immediate`) while commands flow, and restarts
 * on the same data. Commands fail only while it is down; the relay, the projector, the needs service
 * and the gateway reconnect by themselves; the read model then equals a full rebuild from the event
 * store, every event was applied exactly once and none was parked.
 */
describe('distributed topology across PostgreSQL crashes', () => {
  const prefix = `p${randomBytes(4).toString('hex')}.`;
  const dir = mkdtempSync(join(tmpdir(), 'pg-restart-'));
  let pg: PrivatePostgres;
  let topology: Topology;

  beforeAll(async () => {
    requireBuild();
    pg = await startPrivatePostgres();
    const [events, read, needs] = await Promise.all([pg.createDatabase('events'), pg.createDatabase('read'), pg.createDatabase('needs')]);
    topology = new Topology({ eventStoreUrl: events, readUrl: read, needsUrl: needs, brokers: KAFKA_BROKERS, prefix });
    await topology.startAll(dir);
  }, 180_000);

  afterAll(async () => {
    await topology?.stopAll();
    pg?.destroy();
    removeDir(dir);
  }, 120_000);

  it('services reconnect after the database crashes twice mid-stream; the read model equals a rebuild, each event applied once, none parked', async () => {
    const stop = { done: false };
    const load = topology.commandLoad(stop);
    const accepted = async () => (await topology.eventIds()).inStore.length;

    for (let crash = 0; crash < 2; crash++) {
      await pause(3000);
      pg.stop('immediate');
      await pause(4000);
      pg.start();
    }
    // Commands are accepted again once the database is back (however long reconnecting takes on a
    // slow machine: the load keeps sending until a new event is in the store, or a minute passed).
    const afterRestart = await accepted();
    let acceptedAfterRestart = 0;
    for (const deadline = Date.now() + 60_000; acceptedAfterRestart === 0 && Date.now() < deadline; ) {
      await pause(500);
      acceptedAfterRestart = (await accepted()) - afterRestart;
    }
    stop.done = true;
    const sent = await load;

    expect(acceptedAfterRestart).toBeGreaterThan(0);
    expect(sent.failed).toBeGreaterThan(0); // the outages were real

    const { projected, fromStore } = await topology.expectConverged(dir, 120_000);
    expect(projected).toEqual(fromStore);
    expect(projected.needs.length).toBeGreaterThanOrEqual(sent.needs);

    const { inStore, applied } = await topology.eventIds();
    expect(applied).toEqual(inStore);
    expect(await topology.parked()).toBe(0);
    expect(topology.exited()).toEqual([]);
    const relay = (await (await fetch(`${topology.service('relay').url}/health`)).json()) as { status: string; restarts: number };
    expect(relay.status).toBe('ok');
    expect(relay.restarts).toBeGreaterThan(0);
  }, 600_000);
});
