import { PostgresEventStore } from '@shecun/event-store';
import { needStream } from '@shecun/needs';
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { appendNeedBacklog, backlogNeedId, eventsPerBacklogNeed } from '../support/backlog';
import { requireBuild, ROOT } from '../support/child-app';
import { provisionDistributed, tokenKeys, untilAuthorized } from '../support/distributed-identity';
import { createTestDatabase } from '../support/pg';
import { ServiceProcess, startService, waitForHealth } from '../support/processes';

const KAFKA_BROKERS = process.env.KAFKA_BROKERS ?? '127.0.0.1:19092';

interface ProjectorHealth {
  status: string;
  parked: number;
  projectors: Array<{ name: string; applied: number; skipped: number; parked: number }>;
}

/** The projector's command line (`main.js parked|replay …`) as an operator runs it. */
function projectorCommand(args: string[], env: Record<string, string>): Promise<{ code: number; stdout: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [join(ROOT, 'dist', 'apps', 'projector', 'src', 'main.js'), ...args], { cwd: ROOT, env: { ...process.env, ...env } }, (error, stdout, stderr) => {
      resolve({ code: error ? Number((error as { code?: number }).code ?? 1) : 0, stdout: stdout + stderr });
    });
  });
}

/**
 * The distributed topology (relay → real Kafka → the projector's bus projectors → PostgreSQL read
 * model, all as real processes) and the same poison event as test/e2e/projection-failures.spec.ts:
 * the read model refuses the row the last event of 需求 0 writes. It is tried
 * PROJECTION_MAX_ATTEMPTS times and parked (with its topic, partition and offset), the events after
 * it are applied, the projector's health is degraded (still 200), and `main.js replay`, reading the
 * event back from the event store, applies it once the fault is fixed and marks it resolved.
 */
describe('a poison event in the distributed topology', () => {
  const prefix = `f${randomBytes(4).toString('hex')}.`;
  const services: ServiceProcess[] = [];
  let events: Awaited<ReturnType<typeof createTestDatabase>>;
  let read: Awaited<ReturnType<typeof createTestDatabase>>;
  let store: PostgresEventStore;
  let env: Record<string, string>;

  beforeAll(async () => {
    requireBuild();
    [events, read] = await Promise.all([createTestDatabase(), createTestDatabase()]);
    store = await PostgresEventStore.open({ connectionString: events.url });
    env = { EVENT_STORE_URL: events.url, DATABASE_URL: events.url, READ_DATABASE_URL: read.url, KAFKA_BROKERS, TOPIC_PREFIX: prefix, PROJECTION_MAX_ATTEMPTS: '3', KAFKA_SESSION_TIMEOUT_MS: '6000' };
  }, 60_000);

  afterAll(async () => {
    await Promise.all(services.map((s) => s.stop()));
    await store?.close();
    await events?.drop();
    await read?.drop();
  }, 60_000);

  const health = async (projector: ServiceProcess): Promise<{ code: number; body: ProjectorHealth }> => {
    const res = await fetch(`${projector.url}/health`);
    return { code: res.status, body: (await res.json()) as ProjectorHealth };
  };
  const sql = async <T>(query: string): Promise<T[]> => {
    const client = new Client({ connectionString: read.url });
    await client.connect();
    try {
      return (await client.query(query)).rows as T[];
    } finally {
      await client.end();
    }
  };

  it('is parked after PROJECTION_MAX_ATTEMPTS, later events apply, health is degraded, and a replay from the event store resolves it after the fix', async () => {
    const projector = await startService('projector', env);
    services.push(projector);
    await waitForHealth(projector, 90_000);

    // The fault: the read model refuses the row that the last event of 需求 0 writes.
    const last = (await eventsPerBacklogNeed()) - 1;
    await sql(`CREATE FUNCTION poison() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN
      IF NEW.title = '需求 0' AND NEW.revision = ${last} THEN RAISE EXCEPTION 'poison: the read model refuses 需求 0 at revision %', NEW.revision; END IF;
      RETURN NEW; END $$`);
    await sql(`CREATE TRIGGER poison BEFORE INSERT OR UPDATE ON needs_view FOR EACH ROW EXECUTE FUNCTION poison()`);

    const total = await appendNeedBacklog(store, 3, ['441826105201'], 'poison');
    services.push(await startService('relay', env));
    const needs = async () => (await health(projector)).body.projectors.find((p) => p.name === 'needs')!;
    const deadline = Date.now() + 90_000;
    while (Date.now() < deadline && !((await needs()).parked === 1 && (await needs()).applied === total - 1)) await new Promise((r) => setTimeout(r, 250));
    expect(await needs()).toMatchObject({ applied: total - 1, parked: 1 });

    const needId = backlogNeedId('poison', 0);
    const poison = (await store.readStream(needStream(needId)))[last];
    const [row, ...others] = await sql<Record<string, unknown>>(`SELECT * FROM parked_events`);
    expect(others).toEqual([]);
    expect(row).toMatchObject({ projection: 'needs', eventId: poison.id, position: String(poison.position), eventType: poison.type, stream: needStream(needId), topic: `${prefix}shecun.needs.v1`, attempts: 3, resolvedAt: null });
    expect(row.partition).toEqual(expect.any(Number));
    expect(row.offset).toMatch(/^\d+$/);
    expect(row.error).toContain('poison: the read model refuses 需求 0');
    expect(await sql(`SELECT title, revision FROM needs_view ORDER BY title`)).toEqual([
      { title: '需求 0', revision: last - 1 },
      { title: '需求 1', revision: expect.any(Number) },
      { title: '需求 2', revision: last },
    ]);
    // Degraded, still serving.
    expect(await health(projector)).toMatchObject({ code: 200, body: { status: 'degraded', parked: 1 } });
    const listed = await projectorCommand(['parked'], env);
    expect(listed.code).toBe(0);
    expect(listed.stdout).toContain(`unresolved\tneeds\t${poison.id}\t${poison.type}`);

    // While the fault remains, the replay fails again and the event stays parked.
    const failing = await projectorCommand(['replay', 'needs'], env);
    expect(failing.code).toBe(1);
    expect(failing.stdout).toContain(`still failing\tneeds\t${poison.id}`);

    // Fixed: the replay reads it back from the event store (not Kafka), applies it, and keeps the row as resolved.
    await sql(`DROP TRIGGER poison ON needs_view`);
    const replayed = await projectorCommand(['replay', 'needs', '--event', poison.id], env);
    expect(replayed.stdout).toContain(`resolved\tneeds\t${poison.id}\t${poison.type}\tposition ${poison.position}`);
    expect(replayed.code).toBe(0);
    expect(await sql(`SELECT revision FROM needs_view WHERE title = '需求 0'`)).toEqual([{ revision: last }]);
    const [resolved] = await sql<{ resolvedAt: string | null; attempts: number }>(`SELECT "resolvedAt", attempts FROM parked_events`);
    expect(resolved.resolvedAt).toEqual(expect.any(String));
    expect(resolved.attempts).toBe(6);
    const healthDeadline = Date.now() + 15_000;
    while (Date.now() < healthDeadline && (await health(projector)).body.parked !== 0) await new Promise((r) => setTimeout(r, 250));
    expect(await health(projector)).toMatchObject({ code: 200, body: { status: 'ok', parked: 0 } });
    expect(services.map((s) => s.child.exitCode)).toEqual([null, null]);
  }, 240_000);

  it('another poison is skipped on request through the gateway’s admin API (administrators only), and the command line lists who skipped it and why', async () => {
    const [projector] = services;
    const keys = tokenKeys(mkdtempSync(join(tmpdir(), 'shecun-keys-')));
    const users = await provisionDistributed(events.url, keys.tokens, [
      { username: 'ops-admin', grant: { role: 'admin' } },
      { username: 'ops-bureau', grant: { role: 'bureau', scope: '44' } },
    ]);
    // The gateway answers the admin API itself; no command is forwarded in this test.
    const gateway = await startService('gateway', { ...env, ...keys.issuerEnv, NEEDS_SERVICE_URL: 'http://127.0.0.1:9' });
    services.push(gateway);
    await waitForHealth(gateway);

    // The same fault as before, met by 需求 0 of a second backlog.
    const last = (await eventsPerBacklogNeed()) - 1;
    await sql(`CREATE TRIGGER poison BEFORE INSERT OR UPDATE ON needs_view FOR EACH ROW EXECUTE FUNCTION poison()`);
    await appendNeedBacklog(store, 2, ['441826105201'], 'poison-skip');
    const poison = (await store.readStream(needStream(backlogNeedId('poison-skip', 0))))[last];
    const deadline = Date.now() + 90_000;
    while (Date.now() < deadline && (await health(projector)).body.parked !== 1) await new Promise((r) => setTimeout(r, 250));
    expect(await health(projector)).toMatchObject({ body: { status: 'degraded', parked: 1 } });

    const admin = { ...users['ops-admin'], 'content-type': 'application/json' };
    const listed = await untilAuthorized(() => fetch(`${gateway.url}/api/admin/parked?state=unresolved`, { headers: admin }));
    expect(listed.status).toBe(200);
    expect(await listed.json()).toMatchObject({ unresolved: 1, items: [expect.objectContaining({ projection: 'needs', eventId: poison.id, topic: `${prefix}shecun.needs.v1`, resolvedAt: null })] });
    const bureau = await untilAuthorized(() => fetch(`${gateway.url}/api/admin/parked`, { headers: users['ops-bureau'] }), 0);
    expect(bureau.status).toBe(403);

    const reason = '该需求由村里重新发布，跳过 (published again by the village)';
    const skip = () => fetch(`${gateway.url}/api/admin/parked/skip`, { method: 'POST', headers: admin, body: JSON.stringify({ projection: 'needs', eventId: poison.id, reason }) });
    const skipped = await skip();
    expect(skipped.status).toBe(200);
    expect(await skipped.json()).toMatchObject({ eventId: poison.id, resolution: 'skipped', resolvedBy: expect.stringMatching(/^user:/), resolutionNote: reason });
    expect((await skip()).status).toBe(409);

    // The row stays; the projector's count follows (it reads it again every few seconds); the read model went on without the event.
    expect(await sql(`SELECT resolution, "resolutionNote" FROM parked_events WHERE "eventId" = '${poison.id}'`)).toEqual([{ resolution: 'skipped', resolutionNote: reason }]);
    const healthDeadline = Date.now() + 15_000;
    while (Date.now() < healthDeadline && (await health(projector)).body.parked !== 0) await new Promise((r) => setTimeout(r, 250));
    expect(await health(projector)).toMatchObject({ code: 200, body: { status: 'ok', parked: 0 } });
    const listedByCli = await projectorCommand(['parked'], env);
    expect(listedByCli.stdout).toContain(`(${reason})\tneeds\t${poison.id}`);
    expect(listedByCli.stdout).toMatch(/\nskipped \S+ by user:\S+ \(/);
    // The command line's skip refuses an event resolved already (exit 1), and a call without a reason (exit 2).
    expect(await projectorCommand(['skip', 'needs', '--event', poison.id, '--reason', 'again'], env)).toMatchObject({ code: 1, stdout: expect.stringContaining('已处理') });
    expect((await projectorCommand(['skip', 'needs', '--event', poison.id], env)).code).toBe(2);
  }, 240_000);
});
