import { needStream } from '@shecun/needs';
import { ParkedEvent, runParkedCommand } from '@shecun/projections';
import { DataSource } from 'typeorm';
import { appendNeedBacklog, backlogNeedId, eventsPerBacklogNeed } from '../support/backlog';
import { actAs, useEmbeddedApp, userIdOf } from '../support/embedded-app';

const ADMIN = { id: 'ops-admin', role: 'admin' as const };
const BUREAU = { id: 'ops-bureau', role: 'bureau' as const, scope: '44' };

/**
 * Parked events through the admin API of the embedded app: listed, a replay that still fails,
 * then skipped on request with who and why — the read model goes on without the event, the row
 * stays. Only system administrators may; bad input changes nothing. The distributed topology's
 * projector does the same from its command line (test/infra/projection-failures).
 */
describe('parked events through the admin API', () => {
  const app = useEmbeddedApp({ PROJECTION_MAX_ATTEMPTS: '2' });

  it('lists, replays and skips a parked event for administrators only, keeping who and why', async () => {
    const t = app();
    const read = t.app.get(DataSource);
    const admin = await actAs(t, ADMIN);
    const bureau = await actAs(t, BUREAU);
    // The fault: the read model refuses the last event of 需求 0.
    const last = (await eventsPerBacklogNeed()) - 1;
    for (const op of ['INSERT', 'UPDATE']) {
      await read.query(`CREATE TRIGGER poison_${op.toLowerCase()} BEFORE ${op} ON needs_view WHEN NEW.title = '需求 0' AND NEW.revision = ${last} BEGIN SELECT RAISE(ABORT, 'poison: 需求 0 refused'); END`);
    }
    await appendNeedBacklog(t.store, 2, ['441826105201'], 'skip');
    expect(await t.projections.waitFor(await t.store.headPosition(), 20_000)).toBe(true);

    const poison = (await t.store.readStream(needStream(backlogNeedId('skip', 0))))[last];
    await t.http().get('/api/admin/parked').expect(401);
    const refused = await t.http().get('/api/admin/parked').set(bureau).expect(403);
    expect(refused.headers['content-type']).toMatch(/problem\+json/);

    const listed = await t.http().get('/api/admin/parked?state=unresolved').set(admin).expect(200);
    expect(listed.body).toMatchObject({ unresolved: 1, resolved: 0, items: [expect.objectContaining({ projection: 'needs', eventId: poison.id, eventType: poison.type, attempts: 2, resolvedAt: null })] });
    expect(listed.body.processors).toContain('needs');

    // The fault remains: a replay through the API fails again and counts the attempts.
    const again = await t.http().post('/api/admin/parked/replay').set(admin).send({ projection: 'needs' }).expect(200);
    expect(again.body).toMatchObject({ resolved: 0, stillFailing: 1, results: [expect.objectContaining({ eventId: poison.id, resolved: false, error: expect.stringContaining('poison: 需求 0 refused') })] });

    // Bad requests change nothing: no reason, an invisible reason, an unknown projection, a bureau account, an event never parked.
    await t.http().post('/api/admin/parked/skip').set(admin).send({ projection: 'needs', eventId: poison.id }).expect(400);
    await t.http().post('/api/admin/parked/skip').set(admin).send({ projection: 'needs', eventId: poison.id, reason: '\u200b\u200b' }).expect(400);
    await t.http().post('/api/admin/parked/skip').set(admin).send({ projection: 'no-such', eventId: poison.id, reason: '测试' }).expect(422);
    await t.http().post('/api/admin/parked/skip').set(bureau).send({ projection: 'needs', eventId: poison.id, reason: '测试' }).expect(403);
    await t.http().post('/api/admin/parked/skip').set(admin).send({ projection: 'needs', eventId: 'never-parked', reason: '测试' }).expect(404);
    expect(await read.getRepository(ParkedEvent).findOneByOrFail({ eventId: poison.id })).toMatchObject({ resolvedAt: null, resolution: null, attempts: 4 });

    const reason = '该修订由数据修复脚本重写，跳过 (rewritten by the data repair)';
    const skipped = await t.http().post('/api/admin/parked/skip').set(admin).send({ projection: 'needs', eventId: poison.id, reason }).expect(200);
    expect(skipped.body).toMatchObject({ eventId: poison.id, resolution: 'skipped', resolvedBy: `user:${userIdOf(ADMIN)}`, resolutionNote: reason, resolvedAt: expect.any(String) });
    const twice = await t.http().post('/api/admin/parked/skip').set(admin).send({ projection: 'needs', eventId: poison.id, reason }).expect(409);
    expect(twice.body.detail).toContain('已处理');

    // Nothing is deleted; the projection goes on without the event; health is no longer degraded.
    expect(await read.getRepository(ParkedEvent).findOneByOrFail({ eventId: poison.id })).toMatchObject({ resolution: 'skipped', resolutionNote: reason });
    expect(t.projections.status()).toMatchObject({ degraded: false, parked: 0 });
    expect((await t.http().get('/health').expect(200)).body.projections.find((p: { name: string }) => p.name === 'needs')).toMatchObject({ parked: 0 });
    expect((await t.http().post('/api/admin/parked/replay').set(admin).send({}).expect(200)).body).toEqual({ results: [], resolved: 0, stillFailing: 0 });
    expect(await read.query(`SELECT title, revision FROM needs_view ORDER BY title`)).toEqual([{ title: '需求 0', revision: last - 1 }, { title: '需求 1', revision: expect.any(Number) }]);

    // The command line lists it with who skipped it and why.
    const lines: string[] = [];
    expect(await runParkedCommand(['parked'], t.projections, (l) => lines.push(l))).toBe(0);
    expect(lines[0]).toContain(`skipped `);
    expect(lines[0]).toContain(`by user:${userIdOf(ADMIN)} (${reason})\tneeds\t${poison.id}`);
    expect(lines[1]).toBe('0 parked events unresolved, 1 resolved');
  }, 60_000);
});
