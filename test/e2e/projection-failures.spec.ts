import { fold } from '@shecun/core';
import { needDecider, NeedEvent, needStream } from '@shecun/needs';
import { ParkedEvent, ProjectionHost, runParkedCommand } from '@shecun/projections';
import { PUSH_TARGETING, PushDispatcher, PushTargeting } from '@shecun/push';
import { randomUUID } from 'node:crypto';
import { DataSource, IsNull } from 'typeorm';
import { appendNeedBacklog, backlogNeedId, eventsPerBacklogNeed } from '../support/backlog';
import { useEmbeddedApp } from '../support/embedded-app';

const parkedCommand = (host: ProjectionHost, args: string[]) => {
  const lines: string[] = [];
  return runParkedCommand(args, host, (l) => lines.push(l)).then((code) => ({ code, lines }));
};

/**
 * Makes the needs read model refuse the row of the need titled `title` at `revision` (triggers
 * standing for a bug that this event's data trips); answers what removes them (the fix).
 */
async function poisonNeedsView(read: DataSource, title: string, revision: number): Promise<() => Promise<void>> {
  for (const op of ['insert', 'update']) {
    await read.query(`CREATE TRIGGER poison_${op} BEFORE ${op.toUpperCase()} ON needs_view WHEN NEW.title = '${title}' AND NEW.revision = ${revision} BEGIN SELECT RAISE(ABORT, 'poison: the read model refuses ${title} at revision ${revision}'); END`);
  }
  return async () => {
    for (const op of ['insert', 'update']) await read.query(`DROP TRIGGER poison_${op}`);
  };
}

/**
 * The embedded topology (projection runner, SQLite read model) and a poison event: the read model
 * refuses the row one event writes (a trigger standing for a bug that this event's data trips). It
 * is tried PROJECTION_MAX_ATTEMPTS times, parked, the events after it are applied, /health shows
 * it, and `cli projections replay` applies it once the fault is gone. test/infra/projection-failures
 * shows the same in the distributed topology.
 */
describe('a poison event in the embedded topology', () => {
  const app = useEmbeddedApp({ PROJECTION_MAX_ATTEMPTS: '3' });

  it('is parked after PROJECTION_MAX_ATTEMPTS, later events apply, health reports it, and a replay after the fix resolves it', async () => {
    const t = app();
    const read = t.app.get(DataSource);
    const last = (await eventsPerBacklogNeed()) - 1;
    const cure = await poisonNeedsView(read, '需求 0', last);

    await appendNeedBacklog(t.store, 3, ['441826105201'], 'poison');
    const head = await t.store.headPosition();
    expect(await t.projections.waitFor(head, 20_000)).toBe(true);

    const needId = backlogNeedId('poison', 0);
    const poison = (await t.store.readStream(needStream(needId)))[last];
    const parked = await read.getRepository(ParkedEvent).find();
    expect(parked).toEqual([
      expect.objectContaining({ projection: 'needs', eventId: poison.id, position: poison.position, eventType: poison.type, stream: needStream(needId), attempts: 3, resolvedAt: null, topic: null }),
    ]);
    expect(parked[0].error).toContain('poison: the read model refuses 需求 0');
    // The events after it were applied: the other needs are complete, 需求 0 stops just before the poison.
    const rows: Array<{ title: string; revision: number }> = await read.query(`SELECT title, revision FROM needs_view ORDER BY title`);
    expect(rows).toEqual([{ title: '需求 0', revision: last - 1 }, { title: '需求 1', revision: expect.any(Number) }, { title: '需求 2', revision: last }]);

    // Ready (the rest is applied) but degraded: /health names the projection and its count.
    const health = await t.http().get('/health').expect(200);
    expect(health.body.projections.find((p: { name: string }) => p.name === 'needs')).toMatchObject({ parked: 1, caughtUp: true });
    expect(t.projections.status()).toMatchObject({ ready: true, degraded: true, parked: 1 });
    const listed = await parkedCommand(t.projections, ['parked']);
    expect(listed.lines[0]).toContain(`unresolved\tneeds\t${poison.id}\t${poison.type}`);

    // While the fault remains, a replay fails again and keeps it parked.
    const failing = await parkedCommand(t.projections, ['replay', 'needs']);
    expect(failing.code).toBe(1);
    expect(failing.lines[0]).toContain(`still failing\tneeds\t${poison.id}`);

    // The fault fixed, the replay (read back from the event log) applies it and marks it resolved; the row stays.
    await cure();
    const replayed = await parkedCommand(t.projections, ['replay', 'needs', '--event', poison.id]);
    expect(replayed).toEqual({ code: 0, lines: [`resolved\tneeds\t${poison.id}\t${poison.type}\tposition ${poison.position}`, '1 replayed and resolved, 0 still failing'] });
    expect((await read.query(`SELECT revision FROM needs_view WHERE title = '需求 0'`))[0].revision).toBe(last);
    const row = await read.getRepository(ParkedEvent).findOneByOrFail({ eventId: poison.id });
    expect(row.resolvedAt).toEqual(expect.any(String));
    expect(row.attempts).toBe(6);
    const after = await t.http().get('/health').expect(200);
    expect(after.body.projections.find((p: { name: string }) => p.name === 'needs')).toMatchObject({ parked: 0 });
    expect(t.projections.status()).toMatchObject({ degraded: false, parked: 0 });
  }, 60_000);
});

/**
 * A read model folds each stream's events in order. When a parked event's stream went on (a later
 * event applied while it was parked), applying it now would take it in out of order — the needs
 * projection's revision check would even drop it and the row would say resolved. The replay
 * refuses it and says to rebuild; the rebuild applies every event in order and resolves it.
 */
describe('a parked event whose stream went on', () => {
  const app = useEmbeddedApp({ PROJECTION_MAX_ATTEMPTS: '2' });

  it('is not replayed out of order; a rebuild applies it in order and resolves it', async () => {
    const t = app();
    const read = t.app.get(DataSource);
    const last = (await eventsPerBacklogNeed()) - 1;
    // The last event of 需求 0 is its delivery's confirmation (d0).
    const cure = await poisonNeedsView(read, '需求 0', last);
    await appendNeedBacklog(t.store, 1, ['441826105201'], 'held');
    expect(await t.projections.waitFor(await t.store.headPosition(), 20_000)).toBe(true);
    const needId = backlogNeedId('held', 0);
    const stream = await t.store.readStream(needStream(needId));
    const poison = stream[last];
    expect(poison.type).toBe('DeliveryConfirmed');
    expect(await read.getRepository(ParkedEvent).findBy({ resolvedAt: IsNull() })).toEqual([expect.objectContaining({ eventId: poison.id, projection: 'needs' })]);

    // The stream goes on: a second delivery, applied on top of the fold without the confirmation.
    const later = needDecider.decide(
      { type: 'RecordDelivery', commitmentId: 'c1', deliveryId: 'd1', items: [{ lineItemId: 'L1', quantity: 3 }], evidence: [{ kind: 'photo', ref: 'y.jpg' }], note: '' },
      fold(needDecider, stream as unknown as NeedEvent[]),
      { actor: { id: 'staff-1', role: 'organization', organizationId: 'org-1' }, now: new Date('2026-06-02T08:00:00Z') },
    );
    const metadata = { actorId: 'staff-1', actorRole: 'organization', correlationId: 'held', causationId: 'held', occurredAt: '2026-06-02T08:00:00.000Z' };
    await t.store.append(needStream(needId), later.map((e) => ({ id: randomUUID(), type: e.type, data: e.data, metadata })), last);
    expect(await t.projections.waitFor(await t.store.headPosition(), 20_000)).toBe(true);
    const confirmedAt = async () => {
      const [row] = await read.query(`SELECT revision, document FROM needs_view WHERE title = '需求 0'`);
      return { revision: row.revision, confirmedAt: JSON.parse(row.document).commitments[0].deliveries[0].confirmedAt };
    };
    expect(await confirmedAt()).toEqual({ revision: last + 1, confirmedAt: null });

    // The fault fixed, a replay refuses it: it stays parked, and the operator is told to rebuild.
    await cure();
    const replayed = await parkedCommand(t.projections, ['replay', 'needs']);
    expect(replayed.code).toBe(1);
    expect(replayed.lines[0]).toMatch(new RegExp(`^out of order\tneeds\t${poison.id}\tDeliveryConfirmed\tposition ${poison.position}\t.*rebuild the projection needs`));
    expect(replayed.lines[1]).toBe('0 replayed and resolved, 0 still failing, 1 out of order (rebuild the projection)');
    expect((await read.getRepository(ParkedEvent).findOneByOrFail({ eventId: poison.id })).resolvedAt).toBeNull();
    expect(await confirmedAt()).toEqual({ revision: last + 1, confirmedAt: null });

    // The rebuild applies every event in order: the confirmation is in the row, and resolved.
    await t.projections.rebuild(['needs']);
    expect(await confirmedAt()).toEqual({ revision: last + 1, confirmedAt: poison.metadata.occurredAt });
    expect(await read.getRepository(ParkedEvent).findOneByOrFail({ eventId: poison.id })).toMatchObject({ resolution: 'replayed', resolvedBy: 'rebuild', resolutionNote: 'applied by a rebuild from the event store' });
    expect(t.projections.status()).toMatchObject({ parked: 0, degraded: false });
  }, 60_000);
});

/** The push dispatcher is a processor of the log too: the same policy, parked rows and replay. */
describe('a poison event for the push dispatcher', () => {
  // The backlog's needs were published in June.
  const app = useEmbeddedApp({ PROJECTION_MAX_ATTEMPTS: '3', PUSH_MAX_AGE_DAYS: '100000' }, { pushDispatch: true });

  it('parks a publication whose dispatch keeps failing, pushes the next ones, and dispatches it on replay after the fix', async () => {
    const t = app();
    const targeting = t.app.get<PushTargeting>(PUSH_TARGETING);
    const ranking = targeting.candidatesFor.bind(targeting);
    targeting.candidatesFor = async (need) => {
      if (need.title === '需求 1') throw new TypeError('cannot rank 需求 1');
      return ranking(need);
    };
    await appendNeedBacklog(t.store, 3, ['441826105201'], 'push-poison');
    const head = await t.store.headPosition();
    const dispatcher = t.app.get(PushDispatcher);
    for (let i = 0; i < 400 && dispatcher.position < head; i++) await new Promise((r) => setTimeout(r, 25));
    expect(dispatcher.position).toBe(head);

    const needId = backlogNeedId('push-poison', 1);
    const published = (await t.store.readStream(needStream(needId))).find((e) => e.type === 'NeedPublished')!;
    const read = t.app.get(DataSource);
    expect(await read.getRepository(ParkedEvent).find()).toEqual([
      expect.objectContaining({ projection: 'push-dispatch', eventId: published.id, eventType: 'NeedPublished', attempts: 3, error: 'TypeError: cannot rank 需求 1', resolvedAt: null }),
    ]);
    const health = await t.http().get('/health').expect(200);
    expect(health.body.projections.find((p: { name: string }) => p.name === 'push-dispatch')).toMatchObject({ parked: 1 });

    targeting.candidatesFor = ranking;
    const replayed = await parkedCommand(t.projections, ['replay', 'push-dispatch']);
    expect(replayed.code).toBe(0);
    expect(replayed.lines[0]).toBe(`resolved\tpush-dispatch\t${published.id}\tNeedPublished\tposition ${published.position}`);
    expect(t.projections.status()).toMatchObject({ degraded: false, parked: 0 });
  }, 60_000);
});
