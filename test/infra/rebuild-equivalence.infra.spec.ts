import { INestApplicationContext } from '@nestjs/common';
import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DataSource } from 'typeorm';
import { EVENT_STORE, EventStore } from '@shecun/event-store';
import { catchUpTogether, ProjectionHost, ProjectionRunner } from '@shecun/projections';
import { READ_MODEL_ENTITIES } from '../../apps/standalone/src/infrastructure.module';
import { ROOT } from '../support/child-app';
import { removeDir } from '../support/embedded-app';
import { createTestDatabase } from '../support/pg';
import { oneEventAtATime, readModelChecksums } from '../support/read-model-checksum';
import { openToolContext, seedRealisticHistory } from '../support/rebuild-fixture';

/**
 * The same as test/e2e/rebuild-equivalence.spec.ts on PostgreSQL read models (a database of its
 * own on the local server): every projection fed from one read of the log, batched, gives the
 * same rows in every table as event-at-a-time application; also after a process rebuilding into
 * it is SIGKILLed midway and the projections continue from their checkpoints, and after a run
 * stopped between chunks is continued.
 */
describe('rebuild from one read of the log (PostgreSQL read models)', () => {
  let dataDir: string;
  let head: number;
  let app: INestApplicationContext;
  let store: EventStore;
  let db: { url: string; drop: () => Promise<void> };
  let pg: DataSource;
  let runners: ProjectionRunner[];
  let reference: Record<string, string>;

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'shecun-rebuild-pg-'));
    head = seedRealisticHistory(dataDir);
    db = await createTestDatabase('shecun_rebuild');
    pg = await new DataSource({ type: 'postgres', url: db.url, entities: READ_MODEL_ENTITIES, synchronize: true }).initialize();
    app = await openToolContext(dataDir);
    store = app.get<EventStore>(EVENT_STORE);
    const host = app.get(ProjectionHost);
    const projections = host.names().map((name) => host.runner(name).projection);
    for (const projection of projections) await new ProjectionRunner(store, pg, oneEventAtATime(projection)).catchUp();
    reference = await checksums();
    runners = projections.map((projection) => new ProjectionRunner(store, pg, projection));
  }, 600_000);

  afterAll(async () => {
    await pg?.destroy();
    await app?.close();
    await db?.drop();
    removeDir(dataDir);
  });

  // What version built each projection's tables is bookkeeping of the runs, not of the rows (the reference is built without one).
  const checksums = () => readModelChecksums(pg, { skipTables: ['projection_versions'] });

  const rebuildAll = async (chunkSize: number, shouldContinue?: () => boolean) => {
    for (const runner of runners) await runner.reset();
    return catchUpTogether(store, runners, { chunkSize, shouldContinue });
  };

  it('gives the same tables as event-at-a-time application', async () => {
    expect(Object.values(reference).filter((sum) => !sum.startsWith('0:')).length).toBeGreaterThanOrEqual(20);
    expect(Number(reference.needs_view.split(':')[0])).toBeGreaterThan(1000);
    const result = await rebuildAll(700);
    expect(result.events).toBe(head);
    expect(await checksums()).toEqual(reference);
  }, 300_000);

  it('killed midway (SIGKILL), then caught up from the checkpoints, gives the same tables', async () => {
    const child = spawn(process.execPath, [join(ROOT, 'test/support/pg-rebuild-child.js')], { cwd: ROOT, env: { ...process.env, DATA_DIR: dataDir, PG_URL: db.url, CHUNK: '50' }, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    const needsAt = async () => Number((await pg.query(`SELECT position FROM projection_checkpoints WHERE name = 'needs'`))[0]?.position ?? -1);
    let emptied = false;
    for (let tries = 0; tries < 30_000 && child.exitCode === null; tries++) {
      const position = await needsAt();
      if (position < head / 4) emptied = true;
      else if (emptied) break;
      await new Promise((r) => setTimeout(r, 5));
    }
    child.kill('SIGKILL');
    await exited;
    expect(stderr).toBe('');
    expect(emptied).toBe(true);
    expect(child.signalCode).toBe('SIGKILL');
    const at: { position: string }[] = await pg.query('SELECT position FROM projection_checkpoints');
    expect(Math.min(...at.map((r) => Number(r.position)))).toBeLessThan(head);
    await catchUpTogether(store, runners);
    expect(await checksums()).toEqual(reference);
  }, 300_000);

  it('stopped between chunks, then continued, gives the same tables', async () => {
    let chunks = 0;
    await rebuildAll(400, () => ++chunks <= 5);
    expect(await checksums()).not.toEqual(reference);
    await catchUpTogether(store, runners, { chunkSize: 3000 });
    expect(await checksums()).toEqual(reference);
  }, 300_000);
});
