import { INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import Database from 'better-sqlite3';
import { Presets, SingleBar } from 'cli-progress';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { ProjectionHost } from '@shecun/projections';
import { AppModule } from '../apps/standalone/src/app.module';
import { loadConfig } from '../apps/standalone/src/config';
import { rawLogPass } from './support/synthetic-log';

export interface RebuildBenchResult {
  events: number;
  rawPerSecond: number;
  fullSeconds: number;
  fullPerSecond: number;
  /** CPU time (user + system) of this process during the full rebuild: on a busy machine, the wall time also counts waiting for a core. */
  fullCpuSeconds: number;
  /** Max resident set size of the process (MB) up to the end of the full rebuild. */
  maxRssMb: number;
  alone: { name: string; perSecond: number; seconds: number; cpuSeconds: number }[];
  loadAverage: [number, number];
}

const seconds = (t0: bigint) => Number(process.hrtime.bigint() - t0) / 1e9;

/**
 * Rebuild of every read model of the embedded default (SQLite event store, SQLite read models) on
 * a copy of a data folder's event store (`source`, e.g. the scale seed's, left untouched), into a
 * fresh read.sqlite. Measured in one run:
 *  - raw: better-sqlite3 reads of the same log in chunks of 5000 with JSON.parse of data and
 *    metadata, nothing else;
 *  - full: `ProjectionHost.rebuild()` of every projection, the log read once (what `cli rebuild` runs);
 *  - alone: each projection (or those in `only`) rebuilt by itself, the log read again for it.
 * `until` limits the log to its first positions (profiling).
 */
export async function rebuildBench(source: string, options: { only?: string[]; until?: number; chunkSize?: number } = {}): Promise<RebuildBenchResult> {
  if (!existsSync(join(source, 'events.sqlite'))) throw new Error(`${source}/events.sqlite not found: seed it first (DATA_DIR=${source} node dist/apps/standalone/src/cli.js seed-scale)`);
  const dir = mkdtempSync(join(tmpdir(), 'bench-rebuild-'));
  const load0 = loadavg()[0];
  let app: INestApplicationContext | undefined;
  try {
    // A consistent copy of the store (its WAL checkpointed into the copy), so the source stays usable by others.
    const from = new Database(join(source, 'events.sqlite'), { readonly: true });
    await from.backup(join(dir, 'events.sqlite'));
    from.close();

    const reader = new Database(join(dir, 'events.sqlite'), { readonly: true });
    const rawPass = rawLogPass(reader, 5000, options.until);
    rawPass(); // warms the page cache for both measurements alike
    let t0 = process.hrtime.bigint();
    const events = rawPass();
    const rawPerSecond = events / seconds(t0);
    reader.close();

    const config = { ...loadConfig({ DATA_DIR: dir }), seedDemo: false, autostartProjections: false, backgroundWork: false, pushDispatch: false };
    app = await NestFactory.createApplicationContext(AppModule.forRoot(config), { logger: ['warn', 'error'] });
    const host = app.get(ProjectionHost);
    const withBar = async (label: string, work: (onProgress: (done: number, total: number) => void) => Promise<unknown>) => {
      const bar = new SingleBar({ format: `${label} [{bar}] {percentage}% | {value}/{total} events | ETA {eta_formatted}`, noTTYOutput: true, notTTYSchedule: 5000 }, Presets.shades_classic);
      bar.start(1, 0);
      const cpu0 = process.cpuUsage();
      t0 = process.hrtime.bigint();
      await work((done, total) => {
        bar.setTotal(Math.max(total, 1));
        bar.update(done);
      });
      const s = seconds(t0);
      const cpu = process.cpuUsage(cpu0);
      bar.stop();
      return { s, cpu: (cpu.user + cpu.system) / 1e6 };
    };
    const chunkSize = options.chunkSize;
    const full = await withBar('full rebuild', (onProgress) => host.rebuild(host.names(), { onProgress, until: options.until, chunkSize }));
    const maxRssMb = process.resourceUsage().maxRSS / 1024;
    const alone: RebuildBenchResult['alone'] = [];
    for (const name of options.only ?? host.names()) {
      const { s, cpu } = await withBar(`alone ${name}`, (onProgress) => host.rebuild([name], { onProgress, until: options.until, chunkSize }));
      alone.push({ name, seconds: s, perSecond: events / s, cpuSeconds: cpu });
    }
    return { events, rawPerSecond, fullSeconds: full.s, fullPerSecond: events / full.s, fullCpuSeconds: full.cpu, maxRssMb, alone, loadAverage: [load0, loadavg()[0]] };
  } finally {
    await app?.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
