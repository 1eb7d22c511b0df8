import Database from 'better-sqlite3';
import { Presets, SingleBar } from 'cli-progress';
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { Actor, commandSnapshotsWritten, executeCommand } from '@shecun/core';
import { FlowCommand, flowDecider, flowStream } from '@shecun/donations';
import { appendSteps, FOUNDATION_STAFF, longFlow, VILLAGES } from '../libs/donations/src/long-flow';
import { SqliteEventStore, SqliteSnapshotStore, snapshotEveryFromEnv, useSnapshots } from '@shecun/event-store';
import { elapsedMs as ms, Percentiles, percentiles } from './support/stats';

export interface SnapshotBenchResult {
  events: number;
  every: number;
  raw: Percentiles;
  /** One durable single-row insert with better-sqlite3 (WAL, synchronous=FULL): the floor of any command that appends. */
  rawAppend: Percentiles;
  withSnapshots: Percentiles & { commands: number };
  /** The commands with snapshots that did not write one, and those that did. */
  withoutWrite: Percentiles & { commands: number };
  withWrite: Percentiles & { commands: number };
  without: Percentiles & { commands: number };
  loadAverage: { before: number; after: number };
}

const bar = (label: string) =>
  new SingleBar({ format: `${label} [{bar}] {percentage}% | {value}/{total} | {duration_formatted}`, hideCursor: true, noTTYOutput: true, notTTYSchedule: 1000 }, Presets.shades_classic);

/**
 * A command on a donation flow of `events` events (a large gift allocated and used village by
 * village, see long-flow.ts), decided with snapshots (one every SNAPSHOT_EVERY events, written on
 * the command path as in production) and without (the whole stream read and folded); the raw
 * baseline is reading the stream's last event with better-sqlite3 and parsing it.
 */
export async function snapshotBench(events = 5000, commands = 500, plainCommands = 30): Promise<SnapshotBenchResult> {
  const before = loadavg()[0];
  const dir = mkdtempSync(join(tmpdir(), 'bench-snapshot-'));
  const flowId = 'bench-flow';
  const stream = flowStream(flowId);
  const store = new SqliteEventStore({ path: join(dir, 'events.sqlite') });
  const snapshots = new SqliteSnapshotStore(join(dir, 'events.snapshots.sqlite'));
  const every = snapshotEveryFromEnv();
  try {
    const { steps } = longFlow(flowId, events);
    const seeding = bar(`seed ${events}-event flow`);
    seeding.start(steps.length, 0);
    await appendSteps(store, flowId, steps, (done) => seeding.update(done));
    seeding.stop();

    const db = new Database(join(dir, 'events.sqlite'), { readonly: true });
    const last = db.prepare<[string], { data: string; revision: number }>('SELECT data, revision FROM events WHERE stream = ? ORDER BY revision DESC LIMIT 1');
    const rawSamples: number[] = [];
    for (let i = 0; i < 1000; i++) {
      const t0 = process.hrtime.bigint();
      JSON.parse(last.get(stream)!.data);
      rawSamples.push(ms(t0));
    }
    db.close();
    const durable = new Database(join(dir, 'raw.sqlite'));
    durable.pragma('journal_mode = WAL');
    durable.pragma('synchronous = FULL');
    durable.exec('CREATE TABLE t (id INTEGER PRIMARY KEY, data TEXT NOT NULL)');
    const insert = durable.prepare('INSERT INTO t (data) VALUES (?)');
    const once = durable.transaction((data: string) => insert.run(data));
    const appendSamples: number[] = [];
    for (let i = 0; i < 300; i++) {
      const t0 = process.hrtime.bigint();
      once.immediate(JSON.stringify({ allocationId: `raw-${i}`, amount: 100 }));
      appendSamples.push(ms(t0));
    }
    durable.close();

    let n = 0;
    const allocate = (): FlowCommand => ({ type: 'AllocateDonation', allocationId: `bench-${++n}`, target: { kind: 'village', villageCode: VILLAGES[n % VILLAGES.length], project: '基准' }, amount: 100, note: '', childFlowId: null });
    const written = async () => (await commandSnapshotsWritten.get()).values[0]?.value ?? 0;
    const wrote: boolean[] = [];
    const run = async (label: string, count: number): Promise<number[]> => {
      const samples: number[] = [];
      wrote.length = 0;
      const progress = bar(label);
      progress.start(count, 0);
      for (let i = 0; i < count; i++) {
        const writtenBefore = await written();
        const t0 = process.hrtime.bigint();
        const result = await executeCommand(store, stream, flowDecider, { command: allocate(), actor: FOUNDATION_STAFF as Actor, commandId: `bench-cmd-${n}`, correlationId: 'bench' });
        samples.push(ms(t0));
        wrote.push((await written()) > writtenBefore);
        if (result.events.length !== 1) throw new Error('the bench command appended nothing');
        progress.update(i + 1);
      }
      progress.stop();
      return samples;
    };

    const plain = await run('commands without snapshots', plainCommands);
    useSnapshots(store, { store: snapshots, every });
    await run('warm-up with snapshots', 20);
    const snapped = await run('commands with snapshots', commands);
    return {
      events,
      every,
      raw: percentiles(rawSamples),
      rawAppend: percentiles(appendSamples),
      withSnapshots: { ...percentiles(snapped), commands },
      withoutWrite: { ...percentiles(snapped.filter((_, i) => !wrote[i])), commands: wrote.filter((w) => !w).length },
      withWrite: { ...percentiles(snapped.filter((_, i) => wrote[i])), commands: wrote.filter((w) => w).length },
      without: { ...percentiles(plain), commands: plainCommands },
      loadAverage: { before, after: loadavg()[0] },
    };
  } finally {
    await store.close();
    await snapshots.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
