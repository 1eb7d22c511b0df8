import { getDataSourceToken } from '@nestjs/typeorm';
import Database from 'better-sqlite3';
import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DataSource } from 'typeorm';
import { EVENT_STORE, EventStore } from '@shecun/event-store';
import { ProjectionHost, ProjectionRunner } from '@shecun/projections';
import { ROOT } from '../support/child-app';
import { removeDir } from '../support/embedded-app';
import { oneEventAtATime, readModelChecksums } from '../support/read-model-checksum';
import { CLI, cliSync, openToolContext as openApp, seedRealisticHistory } from '../support/rebuild-fixture';

/** The read models' checksums after applying the whole log to every projection one event at a time, each event through `apply`. */
async function eventAtATimeChecksums(dataDir: string): Promise<Record<string, string>> {
  const app = await openApp(dataDir);
  try {
    const host = app.get(ProjectionHost);
    const dataSource = app.get<DataSource>(getDataSourceToken());
    const store = app.get<EventStore>(EVENT_STORE);
    for (const name of host.names()) {
      const runner = host.runner(name);
      await runner.reset();
      await new ProjectionRunner(store, dataSource, oneEventAtATime(runner.projection)).catchUp();
    }
    return await readModelChecksums(dataSource);
  } finally {
    await app.close();
  }
}

async function checksumsOf(dataDir: string, work?: (host: ProjectionHost) => Promise<unknown>): Promise<Record<string, string>> {
  const app = await openApp(dataDir);
  try {
    if (work) await work(app.get(ProjectionHost));
    return await readModelChecksums(app.get<DataSource>(getDataSourceToken()));
  } finally {
    await app.close();
  }
}

/**
 * `cli rebuild` feeds every projection from one read of the log, each in batches, only the event
 * types it declares: the read models must come out exactly as applying every event in turn
 * through `apply` gives them — every table, every row — also after the rebuild is killed midway
 * and the projections then continue from their checkpoints.
 */
describe('rebuild from one read of the log (SQLite read models)', () => {
  let dataDir: string;
  let reference: Record<string, string>;
  let head: number;

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'shecun-rebuild-'));
    head = seedRealisticHistory(dataDir);
    reference = await eventAtATimeChecksums(dataDir);
  }, 600_000);

  afterAll(() => removeDir(dataDir));

  it('gives the same tables as event-at-a-time application', async () => {
    expect(head).toBeGreaterThan(5000);
    // The reference holds the history: needs, commitments, organizations, pairings, teams, donations, users.
    expect(Object.values(reference).filter((sum) => !sum.startsWith('0:')).length).toBeGreaterThanOrEqual(20);
    expect(Number(reference.needs_view.split(':')[0])).toBeGreaterThan(1000);
    cliSync(dataDir, ['rebuild', '--chunk', '700']);
    expect(await checksumsOf(dataDir)).toEqual(reference);
  }, 300_000);

  it('killed midway (SIGKILL), then caught up from the checkpoints, gives the same tables', async () => {
    const child = spawn(process.execPath, [CLI, 'rebuild', '--chunk', '50'], { cwd: ROOT, env: { ...process.env, DATA_DIR: dataDir }, stdio: 'ignore' });
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    const read = new Database(join(dataDir, 'read.sqlite'), { readonly: true, fileMustExist: true });
    let at: number[] = [];
    let emptied = false;
    try {
      // Waits for the rebuild to empty the needs read model, then to replay a quarter of the log into it.
      for (let tries = 0; tries < 60_000 && child.exitCode === null; tries++) {
        const needs = read.prepare(`SELECT position FROM projection_checkpoints WHERE name = 'needs'`).get() as { position: number } | undefined;
        const position = needs ? Number(needs.position) : -1;
        if (position < head / 4) emptied = true;
        else if (emptied) break;
        await new Promise((r) => setTimeout(r, 2));
      }
      child.kill('SIGKILL');
      await exited;
      at = (read.prepare('SELECT position FROM projection_checkpoints').all() as { position: number }[]).map((r) => Number(r.position));
    } finally {
      read.close();
    }
    expect(emptied).toBe(true);
    expect(child.signalCode).toBe('SIGKILL');
    // Killed in the middle: projections stand at checkpoints before the head.
    expect(Math.min(...at)).toBeLessThan(head);
    expect(await checksumsOf(dataDir, (host) => host.catchUpTogether())).toEqual(reference);
  }, 300_000);

  it('stopped between chunks at different points, then continued, gives the same tables', async () => {
    let chunks = 0;
    const stopped = await checksumsOf(dataDir, async (host) => {
      await host.rebuild(['needs', 'matching', 'organizations'], { chunkSize: 500, shouldContinue: () => ++chunks <= 3 });
      // Some projections further than others: those three midway, the rest at the head.
      await host.rebuild(['monitoring'], { chunkSize: 300, shouldContinue: () => ++chunks <= 9 });
    });
    expect(stopped).not.toEqual(reference);
    expect(await checksumsOf(dataDir, (host) => host.catchUpTogether(host.names(), { chunkSize: 1000 }))).toEqual(reference);
  }, 300_000);
});
