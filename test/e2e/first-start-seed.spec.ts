import Database from 'better-sqlite3';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RunningApp, startChild, stopChild } from '../support/child-app';
import { removeDir } from '../support/embedded-app';

/**
 * The first start's demo seed, on the real process: GET /health is 503 until the seed is complete;
 * a SIGKILL anywhere in the seed leads to the complete demo on the next start, event for event what
 * an uninterrupted seed appends.
 */

// The seed as it runs on `npm start`; the background writers (pushes of published needs, expiry
// sweeps, ledger checkpoints) are off so that the log holds the seed's events alone.
const SEEDING = { SEED_DEMO: 'true', PUSH_DISPATCH: 'false', NEED_EXPIRY_SWEEP: 'false', PAIRING_EXPIRY_SWEEP: 'false', LEDGER_CHECKPOINT_SWEEP: 'false' };
const DAY = 86_400_000;
const SIGNED_IN = { coordinator: 200, 'org-staff': 200, 'hub-admin': 200, bureau: 200, auditor: 200, ledgerIntact: true, admin: 200 };
const ISO_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/;
const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;

interface Row {
  position: number;
  stream: string;
  revision: number;
  id: string;
  type: string;
  data: string;
  metadata: string;
}

function withEvents<T>(dataDir: string, read: (db: Database.Database) => T): T {
  const db = new Database(join(dataDir, 'events.sqlite'), { readonly: true, fileMustExist: true, timeout: 5000 });
  try {
    return read(db);
  } finally {
    db.close();
  }
}

function eventCount(dataDir: string): number {
  try {
    return withEvents(dataDir, (db) => (db.prepare('SELECT count(*) AS n FROM events').get() as { n: number }).n);
  } catch {
    return 0; // not created yet
  }
}

const markersOf = (dataDir: string) =>
  withEvents(dataDir, (db) => (db.prepare("SELECT type FROM events WHERE stream = 'seed-demo' ORDER BY revision").all() as { type: string }[]).map((r) => r.type));

/**
 * The log as comparable rows: every stream's events in order with ids, types, data and metadata,
 * times expressed relative to the seed's clock (the demo is dated back from it, and each run has
 * its own); what the wall clock or a random salt makes (account events' times, password hashes,
 * the markers' times, the ledger's hashes over absolute times, positions in the global log) is left out.
 */
function normalizedLog(dataDir: string) {
  const rows = withEvents(dataDir, (db) => db.prepare('SELECT position, stream, revision, id, type, data, metadata FROM events ORDER BY stream, revision').all() as Row[]);
  const started = rows.find((r) => r.type === 'DemoSeedStarted')!;
  const clock = Date.parse(JSON.parse(started.data).clock);
  const clockDay = Date.parse(new Date(clock).toISOString().slice(0, 10));
  const relative = (value: unknown, wallClock: boolean, key = ''): unknown => {
    if (/passwordHash/i.test(key)) return '<hash>';
    // The donation ledger's hashes (hash, prevHash, allocationHash) cover absolute times: the chain is checked on its own (GET /api/audit/donations/ledger).
    if (/hash$/i.test(key)) return '<chain>';
    if (typeof value === 'string' && ISO_TIME.test(value)) return wallClock ? '<wall clock>' : `now${Date.parse(value) - clock >= 0 ? '+' : ''}${Date.parse(value) - clock}ms`;
    if (typeof value === 'string' && ISO_DATE.test(value)) return `today${(Date.parse(value) - clockDay) / DAY}d`;
    if (Array.isArray(value)) return value.map((v) => relative(v, wallClock));
    if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, relative(v, wallClock, k)]));
    return value;
  };
  return rows.map((r) => {
    // Accounts are provisioned at the wall clock's time; the markers too.
    const wallClock = r.stream.startsWith('user-') || r.stream === 'seed-demo';
    return {
      stream: r.stream,
      revision: r.revision,
      id: r.id,
      type: r.type,
      data: r.type === 'DemoSeedStarted' ? '<clock>' : relative(JSON.parse(r.data), wallClock),
      metadata: relative(JSON.parse(r.metadata), wallClock),
    };
  });
}

function eventsPerStream(dataDir: string): Record<string, number> {
  return Object.fromEntries(withEvents(dataDir, (db) => (db.prepare('SELECT stream, count(*) AS n FROM events GROUP BY stream ORDER BY stream').all() as { stream: string; n: number }[]).map((r) => [r.stream, r.n])));
}

/** Rows per read-model table (the views the console reads), without the bookkeeping tables. */
function readModelCounts(dataDir: string): Record<string, number> {
  const db = new Database(join(dataDir, 'read.sqlite'), { readonly: true, fileMustExist: true, timeout: 5000 });
  try {
    const tables = (db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name").all() as { name: string }[]).map((t) => t.name);
    return Object.fromEntries(tables.filter((t) => !/checkpoint|idempotency/.test(t)).map((t) => [t, (db.prepare(`SELECT count(*) AS n FROM "${t}"`).get() as { n: number }).n]));
  } finally {
    db.close();
  }
}

interface HealthAnswer {
  status: number;
  waitingFor?: string[];
  seed?: { phase: string; resumed?: boolean };
  markersAtAnswer?: string[];
}

/**
 * Asks GET /health every few milliseconds until it answers 200; every answer is kept with the
 * markers in the log at that moment (read after the answer: a 200 before DemoSeedCompleted would show).
 */
async function watchUntilReady(app: RunningApp, dataDir: string, timeoutMs = 180_000): Promise<HealthAnswer[]> {
  const answers: HealthAnswer[] = [];
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (app.child.exitCode !== null) throw new Error(`app exited with ${app.child.exitCode}:\n${app.output()}`);
    const answer = await fetch(`${app.url}/health`).then(
      async (res) => ({ status: res.status, contentType: res.headers.get('content-type'), body: (await res.json()) as { waitingFor?: string[]; seed?: { phase: string; resumed?: boolean } } }),
      () => undefined,
    );
    if (answer) {
      if (answer.status === 503) expect(answer.contentType).toMatch(/^application\/problem\+json/);
      answers.push({ status: answer.status, waitingFor: answer.body.waitingFor, seed: answer.body.seed, markersAtAnswer: answer.status === 200 ? markersOf(dataDir) : undefined });
      if (answer.status === 200) return answers;
    }
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error(`not ready within ${timeoutMs} ms:\n${app.output()}`);
}

/** Signs every demo account in; the auditor then checks the donation ledger's hash chains. */
async function signInAll(app: RunningApp): Promise<Record<string, number | boolean>> {
  const statuses: Record<string, number | boolean> = {};
  for (const username of ['coordinator', 'org-staff', 'hub-admin', 'bureau', 'auditor', 'admin']) {
    const res = await fetch(`${app.url}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username, password: 'shecun-demo' }) });
    statuses[username] = res.status;
    if (username === 'auditor' && res.status === 200) {
      const { accessToken } = (await res.json()) as { accessToken: string };
      const ledger = await fetch(`${app.url}/api/audit/donations/ledger`, { headers: { authorization: `Bearer ${accessToken}` } });
      statuses.ledgerIntact = ledger.status === 200 && ((await ledger.json()) as { ok: boolean }).ok;
    }
  }
  return statuses;
}

describe('the first start seeds the demo to completion, also after a SIGKILL in the middle (the real process)', () => {
  const dirs: string[] = [];
  const running: RunningApp[] = [];
  const tempDir = () => {
    const d = mkdtempSync(join(tmpdir(), 'shecun-seed-'));
    dirs.push(d);
    return d;
  };
  const start = async (dataDir: string) => {
    const app = await startChild(dataDir, SEEDING);
    running.push(app);
    return app;
  };
  afterAll(async () => {
    for (const app of running) await stopChild(app, 'SIGKILL');
    dirs.forEach(removeDir);
  });

  let reference: { log: ReturnType<typeof normalizedLog>; perStream: Record<string, number>; readModel: Record<string, number>; total: number };

  it('uninterrupted: /health is 503 problem+json waiting for the seed until it is complete, then 200', async () => {
    const dataDir = tempDir();
    const app = await start(dataDir);
    const answers = await watchUntilReady(app, dataDir);
    const waiting = answers.filter((a) => a.status === 503);
    expect(waiting.length).toBeGreaterThan(0);
    expect(waiting.some((a) => a.waitingFor?.includes('seed') && ['pending', 'running'].includes(a.seed!.phase) && a.seed!.resumed === false)).toBe(true);
    expect(answers.at(-1)).toMatchObject({ status: 200, seed: { phase: 'done' }, markersAtAnswer: ['DemoSeedStarted', 'DemoSeedCompleted'] });
    // Taken when ready, before anyone signs in (a login appends a session).
    reference = { log: normalizedLog(dataDir), perStream: eventsPerStream(dataDir), readModel: readModelCounts(dataDir), total: eventCount(dataDir) };
    expect(reference.total).toBeGreaterThan(500);
    expect(await signInAll(app)).toEqual(SIGNED_IN);
    expect(app.output()).toMatch(/演示数据 seeding 50% \(\d+\/\d+\)/);
    expect(app.output()).toMatch(/demo seeded: 403 organizations, 80 pairings, 2 teams, 21 needs/);
    await stopChild(app);
    const afterSignIn = eventCount(dataDir);

    // Started again: nothing to seed, ready at once, nothing appended.
    const again = await start(dataDir);
    const answersAgain = await watchUntilReady(again, dataDir);
    expect(answersAgain.every((a) => !a.waitingFor?.includes('seed'))).toBe(true);
    await stopChild(again);
    expect(eventCount(dataDir)).toBe(afterSignIn);
  }, 300_000);

  // Kill points spread over the seed: among the accounts and core organizations, in the middle
  // (generated organizations, key areas, pairings), and near the end (needs, teams, donations).
  it.each([0.03, 0.45, 0.9])('SIGKILLed after %p of the seed’s events: the next start completes the same demo, not ready until then', async (fraction) => {
    const dataDir = tempDir();
    const target = Math.max(2, Math.floor(reference.total * fraction));
    const first = await start(dataDir);
    while (eventCount(dataDir) < target) {
      if (first.child.exitCode !== null) throw new Error(`exited before the kill point:\n${first.output()}`);
      await new Promise((r) => setTimeout(r, 5));
    }
    await stopChild(first, 'SIGKILL');
    const atKill = eventCount(dataDir);
    expect(atKill).toBeGreaterThanOrEqual(target);
    expect(atKill).toBeLessThan(reference.total); // really in the middle
    expect(markersOf(dataDir)).toEqual(['DemoSeedStarted']);

    const second = await start(dataDir);
    const answers = await watchUntilReady(second, dataDir);
    const waiting = answers.filter((a) => a.status === 503);
    expect(waiting.length).toBeGreaterThan(0);
    expect(waiting.some((a) => a.waitingFor?.includes('seed') && a.seed!.resumed === true)).toBe(true);
    expect(answers.at(-1)).toMatchObject({ status: 200, seed: { phase: 'done', resumed: true }, markersAtAnswer: ['DemoSeedStarted', 'DemoSeedCompleted'] });
    expect(second.output()).toContain('the demo seed was interrupted: completing it');
    // When ready, before anyone signs in: the same log, event for event, and the same read model.
    expect(eventsPerStream(dataDir)).toEqual(reference.perStream);
    expect(normalizedLog(dataDir)).toEqual(reference.log);
    expect(readModelCounts(dataDir)).toEqual(reference.readModel);
    expect(await signInAll(second)).toEqual(SIGNED_IN);
    await stopChild(second);
  }, 300_000);
});
