import { Actor, DomainEvent, fold } from '@shecun/core';
import { EventStore, NewEvent, SqliteEventStore } from '@shecun/event-store';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { NeedCommand, needDecider, NeedEvent, needStream } from '@shecun/needs';
import { v5 as uuidv5 } from 'uuid';

const NS = '5a0b7c9d-1e2f-5a3b-8c4d-6e7f8a9b0c1d';

/**
 * Appends a realistic backlog straight to the event store: each need goes through the decider
 * (draft, publish, offers, accepts, a delivery) and its events are appended in one batch.
 * Returns the number of events appended.
 */
export async function appendNeedBacklog(store: EventStore, needs: number, villages: string[], seed = 'backlog'): Promise<number> {
  const coordinator: Actor = { id: 'cadre', role: 'coordinator', scope: '44' };
  const org = (i: number): Actor => ({ id: `staff-${i}`, role: 'organization', organizationId: `org-${i}` });
  let total = 0;
  const now = new Date('2026-06-01T08:00:00Z');
  for (let n = 0; n < needs; n++) {
    const needId = uuidv5(`${seed}/${n}`, NS);
    const events: NeedEvent[] = [];
    const run = (actor: Actor, command: NeedCommand) => {
      events.push(...needDecider.decide(command, fold(needDecider, events), { actor, now }));
    };
    run(coordinator, {
      type: 'DraftNeed', needId, villageCode: villages[n % villages.length], title: `需求 ${n}`, description: '', category: 'care',
      lineItems: [{ kind: 'goods', description: '棉被', unit: '床', quantity: 10 }, { kind: 'funds', description: '运费', quantity: 100_000 }],
      dueDate: '2026-12-31', autoAccept: false, publish: true,
    });
    for (let c = 0; c < 3; c++) {
      run(org(c), { type: 'OfferCommitment', commitmentId: `c${c}`, organizationId: `org-${c}`, organizationName: `组织${c}`, items: [{ lineItemId: 'L1', quantity: 3 }], promisedBy: '2026-07-01', note: '', organizationStanding: 'normal' });
    }
    run(coordinator, { type: 'AcceptCommitment', commitmentId: 'c0' });
    run(coordinator, { type: 'AcceptCommitment', commitmentId: 'c1' });
    run(coordinator, { type: 'DeclineCommitment', commitmentId: 'c2', reason: '重复' });
    run(org(0), { type: 'RecordDelivery', commitmentId: 'c0', deliveryId: 'd0', items: [{ lineItemId: 'L1', quantity: 3 }], evidence: [{ kind: 'photo', ref: 'x.jpg' }], note: '' });
    if (n % 2 === 0) run(coordinator, { type: 'ConfirmDelivery', commitmentId: 'c0', deliveryId: 'd0', note: '' });
    const batch: NewEvent[] = events.map((e: DomainEvent, i) => ({
      id: uuidv5(`${needId}/${i}`, NS),
      type: e.type,
      data: e.data,
      metadata: { actorId: 'seed', actorRole: 'system', correlationId: needId, causationId: needId, occurredAt: now.toISOString() },
    }));
    await store.append(needStream(needId), batch, 'no-stream');
    total += batch.length;
  }
  return total;
}

/** The id of the `n`th need of a backlog appended with `seed`. */
export const backlogNeedId = (seed: string, n: number): string => uuidv5(`${seed}/${n}`, NS);

/** Events of one need of a backlog (the same in every store and for every seed), counted on a scratch store. */
export async function eventsPerBacklogNeed(): Promise<number> {
  const dir = mkdtempSync(join(tmpdir(), 'backlog-count-'));
  const scratch = new SqliteEventStore({ path: join(dir, 'events.sqlite') });
  try {
    return await appendNeedBacklog(scratch, 1, ['441826105201'], 'count');
  } finally {
    await scratch.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
