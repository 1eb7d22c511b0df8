import Database from 'better-sqlite3';
import { SqliteEventStore } from '@shecun/event-store';
import { copyFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { appendNeedBacklog } from '../support/backlog';
import { runCli, startChild, stopChild, waitHealthy } from '../support/child-app';
import { actAs, COORDINATOR, futureDate, removeDir, startEmbeddedApp } from '../support/embedded-app';

const READ_TABLES: Array<[string, string]> = [
  ['needs_view', 'id'],
  ['need_line_items_view', 'needId, lineItemId'],
  ['commitments_view', 'needId, id'],
  ['projection_checkpoints', 'name'],
];

function dumpReadModel(dataDir: string): Record<string, unknown[]> {
  const db = new Database(join(dataDir, 'read.sqlite'), { readonly: true });
  try {
    return Object.fromEntries(
      READ_TABLES.map(([table, key]) => [
        table,
        db.prepare(`SELECT * FROM ${table} ORDER BY ${key}`).all().map((row) => {
          const { updatedAt: _ignored, ...rest } = row as Record<string, unknown>;
          // projection_checkpoints.updatedAt is the wall clock of the commit; every other column is derived from events.
          return table === 'projection_checkpoints' ? rest : row;
        }),
      ]),
    );
  } finally {
    db.close();
  }
}

function checkpointOf(dataDir: string): number {
  try {
    const db = new Database(join(dataDir, 'read.sqlite'), { readonly: true, fileMustExist: true });
    try {
      const row = db.prepare("SELECT position FROM projection_checkpoints WHERE name = 'needs'").get() as { position: number } | undefined;
      return Number(row?.position ?? -1);
    } finally {
      db.close();
    }
  } catch {
    return -1; // not created yet
  }
}

describe('the real process: SIGKILL while projecting, and restart persistence', () => {
  const dirs: string[] = [];
  afterAll(() => dirs.forEach(removeDir));
  const tempDir = () => {
    const d = mkdtempSync(join(tmpdir(), 'shecun-proc-'));
    dirs.push(d);
    return d;
  };

  it('killed mid-backlog, restarted: the read model equals a full rebuild', async () => {
    const dataDir = tempDir();
    const store = new SqliteEventStore({ path: join(dataDir, 'events.sqlite') });
    const villages = ['441826105201', '441402001001', '440117100201'];
    const total = await appendNeedBacklog(store, 3000, villages);
    const head = await store.headPosition();
    await store.close();
    expect(total).toBeGreaterThan(25_000);

    // The backlog is dated June: an app started on it would file last month's reports (定期报表) of
    // its own, appending after the head this test compares the checkpoint with. Not what is tested here.
    const quiet = { REPORT_SCHEDULE: 'false' };
    const first = await startChild(dataDir, quiet);
    let seen = -1;
    const healthWhileCatchingUp = new Set<number>();
    while (seen < head * 0.2) {
      if (first.child.exitCode !== null) throw new Error(first.output());
      await new Promise((r) => setTimeout(r, 20));
      seen = checkpointOf(dataDir);
      const status = await fetch(`${first.url}/health`).then((r) => r.status, () => 0);
      if (status) healthWhileCatchingUp.add(status);
    }
    await stopChild(first, 'SIGKILL');
    const atKill = checkpointOf(dataDir);
    expect(atKill).toBeGreaterThan(0);
    expect(atKill).toBeLessThan(head); // really in the middle
    expect([...healthWhileCatchingUp]).toEqual([503]); // not ready while the backlog is projected

    const second = await startChild(dataDir, quiet);
    await waitHealthy(second);
    expect(checkpointOf(dataDir)).toBe(head);
    await stopChild(second);

    const rebuiltDir = tempDir();
    copyFileSync(join(dataDir, 'events.sqlite'), join(rebuiltDir, 'events.sqlite'));
    const out = runCli(rebuiltDir, ['rebuild']);
    expect(out).toMatch(/rebuilt [^:]*\bneeds\b[^:]*: \d+ events read once/);
    expect(dumpReadModel(dataDir)).toEqual(dumpReadModel(rebuiltDir));
  }, 240_000);

  it('stop and start: everything is still there', async () => {
    const dataDir = tempDir();
    // Sign the coordinator in on this data folder first: the child keeps its key and grants.
    const setup = await startEmbeddedApp(dataDir);
    const coordinator = await actAs(setup, COORDINATOR);
    await setup.close();
    const first = await startChild(dataDir);
    await waitHealthy(first);
    const village = '441826105201';
    const res = await fetch(`${first.url}/api/needs`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...coordinator },
      body: JSON.stringify({ villageCode: village, title: '村卫生室药品柜', category: 'health', publish: true, dueDate: futureDate(), lineItems: [{ kind: 'goods', description: '药品柜', unit: '个', quantity: 2 }] }),
    });
    expect(res.status).toBe(201);
    const { needId, position } = (await res.json()) as { needId: string; position: number };
    const before = await (await fetch(`${first.url}/api/needs/${needId}`, { headers: { ...coordinator, 'X-Min-Position': String(position) } })).json();
    await stopChild(first);
    // Nest closes the app on SIGTERM, then re-raises the signal.
    expect(first.child.exitCode === 0 || first.child.signalCode === 'SIGTERM').toBe(true);

    const second = await startChild(dataDir);
    await waitHealthy(second);
    const after = await (await fetch(`${second.url}/api/needs/${needId}`, { headers: coordinator })).json();
    expect(after).toEqual(before);
    const history = (await (await fetch(`${second.url}/api/needs/${needId}/events`, { headers: coordinator })).json()) as Array<{ type: string }>;
    expect(history.map((e) => e.type)).toEqual(['NeedDrafted', 'NeedPublished']);
    await stopChild(second);
  }, 120_000);
});
