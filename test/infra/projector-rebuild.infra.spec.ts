import { RecordedEvent, PostgresEventStore } from '@shecun/event-store';
import { NeedsProjection, syntheticNeedEvents } from '@shecun/needs';
import { BusProjector, BusRebuildResult, cleanRebuildLeftovers, FailurePolicy, Projection, REBUILD_RUN_LOCK_KEY, rebuildBusProjections, RebuildRunningError, replayParkedOnReadModel } from '@shecun/projections';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { projectorRebuildCommand } from '../../apps/projector/src/rebuild-command';
import { ROOT } from '../support/child-app';
import { control, failing, flaky, FlakyRow, FlakyStopRow, messageOf, openTestReadModel, openTestReadModelSchema, sleep, tally, unusedBus } from '../support/rebuild-projections';
import { createTestDatabase } from '../support/pg';
import { readModelChecksums } from '../support/read-model-checksum';

/**
 * `projector rebuild` (rebuildBusProjections) on PostgreSQL: a PostgreSQL event store, read models
 * fed as the projector feeds them (BusProjector, one message at a time; Kafka's delivery is played
 * by the test, with a lag and redeliveries), a row dropped and one corrupted; the rebuild runs
 * while events keep being appended and delivered and a reader keeps counting the table; after it,
 * every table of both projections equals an event-at-a-time build of the whole log.
 */
describe('rebuilding the projector read models from the event store (PostgreSQL)', () => {
  const dbs: Array<{ url: string; drop: () => Promise<void> }> = [];
  let store: PostgresEventStore;
  let live: DataSource;
  let reference: DataSource;
  const open = openTestReadModel;
  const events = [...syntheticNeedEvents({ villages: ['441826105201', '441802006001', '440112101001'], needs: 400, start: new Date('2025-01-01T00:00:00+08:00'), days: 30, seed: 5, organizations: 40 })];
  const later = events.splice(events.length - 400);
  const append = async (e: (typeof events)[number]) => {
    await store.append(e.stream, [{ id: e.id, type: e.type, data: e.data, metadata: e.metadata }], e.revision === 0 ? 'no-stream' : e.revision - 1);
    const [recorded] = await store.readStream(e.stream, { fromRevision: e.revision, maxCount: 1 });
    return recorded;
  };

  const openSchema = (schema: string) => openTestReadModelSchema(dbs[1].url, schema);

  beforeAll(async () => {
    for (let i = 0; i < 3; i++) dbs.push(await createTestDatabase('shecun_dist_rebuild'));
    store = await PostgresEventStore.open({ connectionString: dbs[0].url });
    live = await open(dbs[1].url);
    reference = await open(dbs[2].url);
  }, 120_000);

  afterAll(async () => {
    await live?.destroy();
    await reference?.destroy();
    await store?.close();
    for (const db of dbs) await db.drop();
  });

  it('builds fresh tables beside the serving ones, switches at once, and leaves each event applied once', async () => {
    const projector = (dataSource: DataSource) => [new BusProjector(unusedBus, dataSource, new NeedsProjection(), { topics: ['shecun.needs.v1'] }), new BusProjector(unusedBus, dataSource, tally, { topics: ['shecun.needs.v1'] })];
    const running = projector(live);
    const deliver = async (event: RecordedEvent) => {
      for (const p of running) await p.handle(messageOf(event), control);
    };
    for (const e of events) await deliver(await append(e));
    const served = Number((await live.query(`SELECT count(*) AS n FROM needs_view`))[0].n);
    expect(served).toBeGreaterThan(300);

    // A row gone and one corrupted: what a rebuild is for.
    await live.query(`DELETE FROM needs_view WHERE id = (SELECT id FROM needs_view ORDER BY id LIMIT 1)`);
    await live.query(`UPDATE commitments_view SET "status" = 'garbled' WHERE id = (SELECT id FROM commitments_view ORDER BY "needId", id LIMIT 1)`);
    await live.query(`DELETE FROM event_tally WHERE "eventId" = (SELECT "eventId" FROM event_tally ORDER BY "position" DESC LIMIT 1)`);
    const corrupted = served - 1;

    // A reader counting the served table all along, on its own connection.
    const reader = new Client({ connectionString: dbs[1].url });
    await reader.connect();
    const counts: number[] = [];
    const readerErrors: string[] = [];
    let reading = true;
    const readLoop = (async () => {
      while (reading) {
        try {
          counts.push(Number((await reader.query(`SELECT count(*) AS n FROM needs_view`)).rows[0].n));
        } catch (error) {
          readerErrors.push(String(error));
        }
        await sleep(2);
      }
    })();

    // Writers keep appending during the rebuild; the "broker" delivers them with a lag of 30 messages.
    const appended: RecordedEvent[] = [];
    const queue: RecordedEvent[] = [];
    let writing = true;
    let buildStarted!: () => void;
    const started = new Promise<void>((resolve) => (buildStarted = resolve));
    const writer = (async () => {
      await started;
      for (const e of later.slice(0, 250)) {
        const recorded = await append(e);
        appended.push(recorded);
        queue.push(recorded);
        await sleep(3);
      }
    })();
    const consumer = (async () => {
      while (writing || queue.length > 30) {
        if (queue.length > 30) await deliver(queue.shift()!);
        else await sleep(2);
      }
    })();

    let result!: BusRebuildResult;
    const phases: string[] = [];
    try {
      result = await rebuildBusProjections({
        dataSource: live,
        store,
        projections: running.map((p) => p.projection),
        all: running.map((p) => p.projection),
        openSchema,
        by: 'cli:test',
        chunkSize: 50,
        onProgress: (phase, done, total) => {
          if (!phases.includes(phase)) phases.push(phase);
          if (phase === 'build' && done > total / 4) buildStarted();
        },
      });
      await writer;
    } finally {
      buildStarted();
      writing = false;
      await consumer;
      reading = false;
      await readLoop;
      await reader.end();
    }
    expect(result.halted).toEqual([]);
    expect(result.through).toBeDefined();
    const through = result.through!;
    // Events were appended during the rebuild (some before the position it switched at, delivered late: skipped).
    expect(appended.filter((e) => e.position <= through).length).toBeGreaterThan(0);
    expect(phases).toContain('build');

    // The reader never saw an empty or half-built table: at least what was served before, and never an error.
    expect(readerErrors).toEqual([]);
    expect(counts.length).toBeGreaterThan(20);
    expect(Math.min(...counts)).toBeGreaterThanOrEqual(corrupted);
    expect(counts[counts.length - 1]).toBeGreaterThan(corrupted);

    // Then more events after the switch, the lagging ones delivered, and everything delivered again (redelivery).
    for (const e of later.slice(250)) appended.push(await append(e));
    expect(appended.filter((e) => e.position > through).length).toBeGreaterThan(0);
    for (const e of queue.splice(0)) await deliver(e);
    for (const e of later.slice(250)) await deliver(appended.find((a) => a.id === e.id)!);
    const all = await store.readAll(-1, 100_000);
    // Each event up to the switch read once from the store, over the passes (the tally takes every type).
    expect(result.events).toBe(all.filter((e) => e.position <= through).length);
    for (const e of all) await deliver(e);

    // The reference: every event applied one at a time, once.
    const referenceProjectors = projector(reference);
    for (const e of all) for (const p of referenceProjectors) await p.handle(messageOf(e), control);

    const tables = ['needs_view', 'need_line_items_view', 'commitments_view', 'event_tally'];
    const pick = (sums: Record<string, string>) => Object.fromEntries(tables.map((t) => [t, sums[t]]));
    const expected = pick(await readModelChecksums(reference));
    expect(pick(await readModelChecksums(live))).toEqual(expected);
    expect(Number(expected.needs_view.split(':')[0])).toBe(400);
    const tallies: Array<{ n: string; min: number; max: number }> = await live.query(`SELECT count(*) AS n, min("applied") AS min, max("applied") AS max FROM event_tally`);
    expect(tallies[0]).toEqual({ n: String(all.length), min: 1, max: 1 });
    expect(await live.query(`SELECT "projection", "position"::int AS position, "rebuiltBy" FROM projection_rebuilds ORDER BY 1`)).toEqual([
      { projection: 'needs', position: through, rebuiltBy: 'cli:test' },
      { projection: 'tally', position: through, rebuiltBy: 'cli:test' },
    ]);
    expect(await live.query(`SELECT nspname FROM pg_namespace WHERE nspname LIKE 'rebuild_%'`)).toEqual([]);
  }, 600_000);

  it('settles the parked events: those the rebuild applies are resolved, those still failing parked again; a stopping projection that parks is not switched', async () => {
    if ((await store.headPosition()) < 100) for (const e of events) await append(e);
    const all = await store.readAll(-1, 100_000);
    const [a, b, c, d] = [all[10], all[20], all[30], all[40]];
    const policy = new FailurePolicy({ maxAttempts: 1, minDelayMs: 1, maxDelayMs: 2 });
    const continuing = flaky('flaky', FlakyRow, 'continue');
    const stopping = flaky('flaky-stop', FlakyStopRow, 'stop');
    const feed = async (projection: Projection) => {
      const projector = new BusProjector(unusedBus, live, projection, { topics: ['shecun.needs.v1'], policy });
      for (const e of all) await projector.handle(messageOf(e), control);
    };
    const rebuild = (projection: Projection) => rebuildBusProjections({ dataSource: live, store, projections: [projection], all: [continuing, stopping], openSchema, by: 'cli:test', policy, chunkSize: 200 });
    const rows = async (table: string) => ((await live.query(`SELECT "eventId" FROM ${table}`)) as Array<{ eventId: string }>).map((r) => r.eventId);
    const parked = async (projection: string) =>
      live.query(`SELECT "eventId", "resolution", "resolvedBy" FROM parked_events WHERE "projection" = $1 ORDER BY "position"`, [projection]) as Promise<Array<{ eventId: string; resolution: string | null; resolvedBy: string | null }>>;

    failing.clear();
    [a, b].forEach((e) => failing.add(e.id));
    await feed(continuing);
    expect((await parked('flaky')).map((p) => p.eventId)).toEqual([a.id, b.id]);
    // The fault of a is fixed, b still fails, c now fails too.
    failing.clear();
    [b, c].forEach((e) => failing.add(e.id));
    const result = await rebuild(continuing);
    expect(result.through).toBe(all[all.length - 1].position);
    expect(result.parked.map((p) => p.eventId)).toEqual([b.id, c.id]);
    const flakyRows = new Set(await rows('flaky_rows'));
    expect(flakyRows.size).toBe(all.length - 2);
    expect([a, b, c].map((e) => flakyRows.has(e.id))).toEqual([true, false, false]);
    expect(await parked('flaky')).toEqual([
      { eventId: a.id, resolution: 'replayed', resolvedBy: 'cli:test' },
      { eventId: b.id, resolution: null, resolvedBy: null },
      { eventId: c.id, resolution: null, resolvedBy: null },
    ]);
    // b was parked by the live projector from Kafka first: the rebuild's parking keeps where it came from.
    expect(await live.query(`SELECT "topic" FROM parked_events WHERE "projection" = 'flaky' AND "eventId" = $1`, [b.id])).toEqual([{ topic: 'shecun.needs.v1' }]);
    // Fixed, and replayed: at or before the rebuilt position, and still applied (they are in no table).
    failing.clear();
    // (Were its rows a fold of each stream's events, the later events of their streams the rebuild applied would put them out of order.)
    const folding = await replayParkedOnReadModel({ dataSource: live, projection: { ...continuing, replaysOutOfOrder: false }, store, policy, by: 'cli:test' });
    expect(folding.map((r) => [r.eventId, r.resolved, r.outOfOrder])).toEqual([[b.id, false, true], [c.id, false, true]]);
    const replayed = await replayParkedOnReadModel({ dataSource: live, projection: continuing, store, policy, by: 'cli:test' });
    expect(replayed.map((r) => [r.eventId, r.resolved])).toEqual([[b.id, true], [c.id, true]]);
    expect(new Set(await rows('flaky_rows')).size).toBe(all.length);
    expect((await parked('flaky')).map((p) => p.resolution)).toEqual(['replayed', 'replayed', 'replayed']);

    // A table another projection also writes is rebuilt with it or not at all.
    const sharing = { ...continuing, name: 'flaky-too' };
    await expect(rebuildBusProjections({ dataSource: live, store, projections: [continuing], all: [continuing, sharing], openSchema, by: 'cli:test' })).rejects.toThrow('flaky_rows also written by flaky-too: rebuild it with them');

    // A stopping projection halts at the event it parks: nothing is switched, the served table stays as it was.
    failing.clear();
    await feed(stopping);
    const served = (await rows('flaky_stop_rows')).sort();
    expect(served.length).toBe(all.length);
    failing.add(d.id);
    const halted = await rebuild(stopping);
    expect(halted.halted).toEqual(['flaky-stop']);
    expect(halted.through).toBeUndefined();
    expect((await rows('flaky_stop_rows')).sort()).toEqual(served);
    expect(await parked('flaky-stop')).toEqual([]);
    expect(await live.query(`SELECT nspname FROM pg_namespace WHERE nspname LIKE 'rebuild_%'`)).toEqual([]);
    failing.clear();
  }, 300_000);

  it('one rebuild at a time: a second one refused at once and nothing changed; the schemas of rebuilds that did not finish dropped by the next; the lock released when a rebuild throws', async () => {
    if ((await store.headPosition()) < 100) for (const e of events) await append(e);
    const all = await store.readAll(-1, 100_000);
    failing.clear();
    const continuing = flaky('flaky', FlakyRow, 'continue');
    const stopping = flaky('flaky-stop', FlakyStopRow, 'stop');
    const projections = [continuing, stopping];
    const rebuild = (projection: Projection, more: Partial<Parameters<typeof rebuildBusProjections>[0]> = {}) =>
      rebuildBusProjections({ dataSource: live, store, projections: [projection], all: projections, openSchema, by: 'cli:test', chunkSize: 200, ...more });
    const schemas = async () => ((await live.query(`SELECT nspname FROM pg_namespace WHERE nspname LIKE 'rebuild%'`)) as Array<{ nspname: string }>).map((r) => r.nspname).sort();
    const state = async () => ({
      rows: ((await live.query(`SELECT "eventId" FROM flaky_rows ORDER BY 1`)) as Array<{ eventId: string }>).map((r) => r.eventId),
      rebuilds: await live.query(`SELECT * FROM projection_rebuilds ORDER BY 1`),
      schemas: await schemas(),
    });
    const lockHolders = async () =>
      ((await live.query(`SELECT a.application_name AS name FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid WHERE l.locktype = 'advisory' AND l.classid = $1 AND l.objid = 0 AND l.objsubid = 2 AND l.granted`, [REBUILD_RUN_LOCK_KEY])) as Array<{ name: string }>).map(
        (r) => r.name,
      );
    const refusal = /^另一个重建正在进行，请等它结束后再试 \(another rebuild is running: /;
    const lines: string[] = [];
    const command = async (args: string[]) => {
      lines.length = 0;
      const env = { READ_DATABASE_URL: process.env.READ_DATABASE_URL, EVENT_STORE_URL: process.env.EVENT_STORE_URL };
      Object.assign(process.env, { READ_DATABASE_URL: dbs[1].url, EVENT_STORE_URL: dbs[0].url });
      try {
        return await projectorRebuildCommand(args, projections, live, (line) => lines.push(line));
      } finally {
        for (const [key, value] of Object.entries(env)) if (value === undefined) delete process.env[key];
        else process.env[key] = value;
      }
    };

    // (a) A rebuild killed while building left its schemas (and a schema of another name that only looks like one).
    expect(await rebuild(continuing)).toMatchObject({ leftovers: [] });
    await live.query(`CREATE SCHEMA rebuild_1000; CREATE TABLE rebuild_1000.flaky_rows ("eventId" varchar(64) PRIMARY KEY); CREATE SCHEMA rebuild_1000_old; CREATE SCHEMA "rebuildXnotes"`);
    await live.query(`DELETE FROM flaky_rows WHERE "eventId" = $1`, [all[5].id]);
    const cleaned = await rebuild(continuing);
    expect(cleaned.through).toBe(all[all.length - 1].position);
    expect(cleaned.leftovers).toEqual(['rebuild_1000', 'rebuild_1000_old']);
    expect(await schemas()).toEqual(['rebuildXnotes']);
    expect((await state()).rows.length).toBe(all.length);
    // `rebuild --clean` does only that.
    await live.query(`CREATE SCHEMA rebuild_1001`);
    expect(await command(['--clean'])).toBe(0);
    expect(lines).toEqual(['dropped 1 leftover schema(s) of rebuilds that did not finish: rebuild_1001']);
    expect(await command(['--clean'])).toBe(0);
    expect(lines).toEqual(['no leftover schema of a rebuild']);

    // (b) Another operator's rebuild holds the lock (here from a connection of its own): refused at once, nothing changed, its schema kept.
    await live.query(`CREATE SCHEMA rebuild_2000; DELETE FROM flaky_rows WHERE "eventId" = '${all[6].id}'`);
    const other = new Client({ connectionString: dbs[1].url, application_name: 'shecun rebuild rebuild_2000 cli:other' });
    await other.connect();
    expect((await other.query(`SELECT pg_try_advisory_lock($1, 0) AS held`, [REBUILD_RUN_LOCK_KEY])).rows).toEqual([{ held: true }]);
    const before = await state();
    const refused = await rebuild(continuing).catch((error) => error);
    expect(refused).toBeInstanceOf(RebuildRunningError);
    expect(refused.message).toMatch(refusal);
    expect(refused.message).toMatch(/another rebuild is running: shecun rebuild rebuild_2000 cli:other, server process \d+ since \d{4}-/);
    expect(await command(['flaky'])).toBe(1);
    expect(lines).toEqual([refused.message]);
    expect(await command(['--clean'])).toBe(1);
    expect(lines[0]).toMatch(refusal);
    expect(await state()).toEqual(before);
    // Its process killed (the server ends its session): the lock goes with it, and the next rebuild drops what it left.
    const pid = (await other.query(`SELECT pg_backend_pid() AS pid`)).rows[0].pid;
    other.on('error', () => undefined);
    await live.query(`SELECT pg_terminate_backend($1)`, [pid]);
    await other.end().catch(() => undefined);
    const after = await rebuild(continuing);
    expect(after.leftovers).toEqual(['rebuild_2000']);
    expect((await state()).rows.length).toBe(all.length);

    // Two rebuilds at once: the second refused while the first builds (held at its first event), the first's schema left alone.
    let entered!: () => void;
    const inside = new Promise<void>((resolve) => (entered = resolve));
    let open!: () => void;
    const gate = new Promise<void>((resolve) => (open = resolve));
    const gated: Projection = {
      ...continuing,
      apply: async (event, manager) => {
        entered();
        await gate;
        await continuing.apply(event, manager);
      },
    };
    const first = rebuild(gated, { projections: [gated], all: [gated, stopping] });
    await inside;
    const building = await schemas();
    expect(building).toEqual(['rebuildXnotes', expect.stringMatching(/^rebuild_\d+$/)]);
    expect(await lockHolders()).toEqual([`shecun rebuild ${building[1]} cli:test`]);
    await expect(rebuild(continuing)).rejects.toThrow(new RegExp(`${refusal.source}shecun rebuild ${building[1]} cli:test, server process`));
    await expect(cleanRebuildLeftovers(live, 'cli:test')).rejects.toThrow(refusal);
    expect(await schemas()).toEqual(building);
    open();
    expect((await first).through).toBe(all[all.length - 1].position);
    expect(await schemas()).toEqual(['rebuildXnotes']);

    // (c) A rebuild that throws (after it took the lock and made its schema) releases the lock: the next one runs.
    let heldWhileFailing: string[] = [];
    await expect(
      rebuild(continuing, {
        openSchema: async (schema) => {
          heldWhileFailing = await lockHolders();
          expect(await schemas()).toContain(schema);
          throw new Error('the read database went away');
        },
      }),
    ).rejects.toThrow('the read database went away');
    expect(heldWhileFailing).toEqual([expect.stringMatching(/^shecun rebuild rebuild_\d+ cli:test$/)]);
    expect(await lockHolders()).toEqual([]);
    expect(await schemas()).toEqual(['rebuildXnotes']);
    expect((await rebuild(continuing)).through).toBe(all[all.length - 1].position);
    expect(await lockHolders()).toEqual([]);
    await live.query(`DROP SCHEMA "rebuildXnotes"`);
  }, 300_000);

  it('runs as the projector command `main.js rebuild`, every projection or those named, with progress (built app)', () => {
    const main = join(ROOT, 'dist/apps/projector/src/main.js');
    if (!existsSync(main)) throw new Error(`${main} is missing: run "npm run build:server" first`);
    const run = (args: string[]) =>
      spawnSync(process.execPath, [main, 'rebuild', ...args], { cwd: ROOT, env: { ...process.env, READ_DATABASE_URL: dbs[1].url, EVENT_STORE_URL: dbs[0].url, LOG_LEVEL: 'warn' }, encoding: 'utf8', timeout: 300_000 });
    const wrong = run(['no-such-projection']);
    expect(wrong.status).toBe(2);
    expect(wrong.stdout).toMatch(/unknown projection no-such-projection; one of .*needs/);
    return (async () => {
      if ((await store.headPosition()) < 100) {
        // Run alone: the history and both read models first.
        const needs = [live, reference].map((dataSource) => new BusProjector(unusedBus, dataSource, new NeedsProjection(), { topics: ['shecun.needs.v1'] }));
        for (const e of events) {
          const recorded = await append(e);
          for (const p of needs) await p.handle(messageOf(recorded), control);
        }
      }
      const head = await store.headPosition();
      // Needs rows corrupted again: the command puts them back.
      await live.query(`DELETE FROM needs_view WHERE id = (SELECT id FROM needs_view ORDER BY id DESC LIMIT 1)`);
      const tables = ['needs_view', 'need_line_items_view', 'commitments_view'];
      const pick = (sums: Record<string, string>) => Object.fromEntries(tables.map((t) => [t, sums[t]]));
      const expected = pick(await readModelChecksums(reference));
      // While another rebuild holds the lock: refused at once, exit 1, the message Chinese first.
      const other = new Client({ connectionString: dbs[1].url, application_name: 'shecun rebuild rebuild_3000 cli:other' });
      await other.connect();
      await other.query(`SELECT pg_advisory_lock($1, 0)`, [REBUILD_RUN_LOCK_KEY]);
      const refused = run(['needs']);
      await other.end();
      expect(refused.stdout).toMatch(/^另一个重建正在进行，请等它结束后再试 \(another rebuild is running: shecun rebuild rebuild_3000 cli:other, server process \d+/m);
      expect(refused.status).toBe(1);
      const every = run(['--chunk', '500']);
      expect(every.stderr + every.stdout).toMatch(/events\/s \| ETA/);
      expect(every.stdout).toMatch(new RegExp(`rebuilt identity, .*needs, .* up to position ${head}: \\d+ events read`));
      expect(every.status).toBe(0);
      expect(pick(await readModelChecksums(live))).toEqual(expected);
      const one = run(['needs']);
      expect(one.stdout).toMatch(new RegExp(`rebuilt needs up to position ${head}`));
      expect(one.status).toBe(0);
      expect(pick(await readModelChecksums(live))).toEqual(expected);
    })();
  }, 600_000);
});
