import { RecordedEvent } from '@shecun/event-store';
import { ProjectionCheckpoint, ProjectionRunner } from '@shecun/projections';
import { RegionsService } from '@shecun/regions';
import { DataSource } from 'typeorm';
import {
  MatchingChangeCounter,
  MatchingNeedRow,
  MatchingOrganizationRow,
  MatchingPairingRow,
  MatchingProjection,
  MatchingTeamRow,
  MATCHING_VIEW_ENTITIES,
  SequencedMatchingProjection,
} from './matching.projection';
import { MatchingService } from './matching.service';

/**
 * The matching projection reads and writes each batch's rows once: applied in batches of any
 * size, or a batch delivered twice, it must leave the same rows as one event at a time — and the
 * records it keeps must be the ones the events imply.
 */
function events(): RecordedEvent[] {
  let position = 0;
  const revisions = new Map<string, number>();
  const out: RecordedEvent[] = [];
  const at = (day: number) => new Date(Date.UTC(2026, 0, 1) + day * 86_400_000).toISOString();
  const push = (type: string, stream: string, data: object, day = 0) => {
    const revision = (revisions.get(stream) ?? -1) + 1;
    revisions.set(stream, revision);
    out.push({ id: `e${position + 1}`, type, schemaVersion: 1, data, streamName: stream, revision, position: ++position, metadata: { actorId: 't', actorRole: 'system', correlationId: 'c', causationId: 'c', occurredAt: at(day) } });
  };
  const org = (id: string, home: string, categories: string[], hubKind: string | null = null) =>
    push('OrganizationRegistered', `org-${id}`, { organizationId: id, name: id, homeDivisionCode: home, hubKind, categories, creditCode: '', type: 'social_group', contact: {}, memberUnits: [], description: '', registeredAt: at(0) });
  for (let i = 0; i < 12; i++) org(`o${i}`, i % 2 ? '4401' : '441826', i % 3 ? ['education'] : ['care', 'health'], i === 0 ? 'hub' : null);
  push('OrganizationProfileUpdated', 'org-o3', { organizationId: 'o3', categories: ['greening'], contact: {}, memberUnits: [], description: '', updatedAt: at(1) });
  push('OrganizationListedAbnormal', 'org-o4', { organizationId: 'o4', reason: 'x', listedAt: at(1) });
  push('OrganizationStandingRestored', 'org-o4', { organizationId: 'o4', note: 'y', restoredAt: at(2) });
  push('OrganizationDeregistered', 'org-o5', { organizationId: 'o5', reason: 'z', deregisteredAt: at(2) });
  const pairing = (id: string, orgId: string, target: string) => push('PairingProposed', `pairing-${id}`, { pairingId: id, term: 1, organizationId: orgId, organizationName: '', targetCode: target, targetLevel: 'village', startDate: '2026-01-01', endDate: '2027-01-01', categories: ['care'], note: '', proposedAt: at(1) });
  pairing('p1', 'o1', '441826105201');
  push('PairingConfirmed', 'pairing-p1', { pairingId: 'p1', term: 1, confirmedAt: at(2) });
  pairing('p2', 'o2', '441826105');
  push('PairingConfirmed', 'pairing-p2', { pairingId: 'p2', term: 1, confirmedAt: at(2) });
  push('PairingEnded', 'pairing-p2', { pairingId: 'p2', term: 1, reason: 'done', endedAt: at(3) });
  push('TeamFormed', 'team-t1', { teamId: 't1', leadOrganizationId: 'o0', leadOrganizationName: '', leadHubKind: 'hub', leadShare: 10, targetCode: '441826105', title: 't', description: '', categories: ['education'], targetNeedIds: [], formedAt: at(2) });
  push('TeamInvitationAccepted', 'team-t1', { teamId: 't1', organizationId: 'o6', organizationName: '', role: 'implementing', share: 10, acceptedAt: at(3) });
  push('TeamFormed', 'team-t2', { teamId: 't2', leadOrganizationId: 'o0', leadOrganizationName: '', leadHubKind: 'hub', leadShare: 10, targetCode: '4418', title: 't', description: '', categories: ['care'], targetNeedIds: [], formedAt: at(2) });
  push('TeamDissolved', 'team-t2', { teamId: 't2', reason: 'r', dissolvedAt: at(4) });
  const need = (n: number, village = '441826105201') => {
    const needId = `n${n}`;
    push('NeedDrafted', `need-${needId}`, { needId, villageCode: village, draftedAt: at(5), title: needId, description: '', category: 'education', dueDate: null, autoAccept: false, lineItems: [{ id: 'L1', kind: 'goods', description: 'x', unit: '件', quantity: 10 }, { id: 'L2', kind: 'goods', description: 'y', unit: '件', quantity: 4 }] }, 5);
    push('NeedPublished', `need-${needId}`, { needId, publishedAt: at(5) }, 5);
    return (type: string, data: object, day = 6) => push(type, `need-${needId}`, { needId, ...data }, day);
  };
  const offer = (orgId: string, quantity = 10, promisedBy = '2026-01-20', extra: object = {}) => ({ commitmentId: 'c1', organizationId: orgId, organizationName: orgId, items: [{ lineItemId: 'L1', quantity }], promisedBy, note: '', offeredAt: at(6), ...extra });
  // Delivered on time, and late.
  let e = need(1);
  e('CommitmentOffered', offer('o1'));
  e('CommitmentAccepted', { commitmentId: 'c1', automatic: false, acceptedAt: at(6) });
  e('DeliveryRecorded', { commitmentId: 'c1', deliveryId: 'd1', items: [{ lineItemId: 'L1', quantity: 10 }], evidence: [], note: '', recordedAt: at(10) });
  e('DeliveryConfirmed', { commitmentId: 'c1', deliveryId: 'd1', note: '', confirmedAt: at(40) });
  e = need(2);
  e('CommitmentOffered', offer('o1', 10, '2026-01-08'));
  e('CommitmentAccepted', { commitmentId: 'c1', automatic: false, acceptedAt: at(6) });
  e('DeliveryRecorded', { commitmentId: 'c1', deliveryId: 'd1', items: [{ lineItemId: 'L1', quantity: 10 }], evidence: [], note: '', recordedAt: at(12) });
  e('DeliveryConfirmed', { commitmentId: 'c1', deliveryId: 'd1', note: '', confirmedAt: at(13) });
  // Withdrawn after acceptance (counts), and an unanswered offer withdrawn (does not); declined.
  e = need(3);
  e('CommitmentOffered', offer('o2'));
  e('CommitmentAccepted', { commitmentId: 'c1', automatic: false, acceptedAt: at(6) });
  e('CommitmentWithdrawn', { commitmentId: 'c1', reason: 'r', withdrawnAt: at(7) });
  e = need(4);
  e('CommitmentOffered', offer('o2'));
  e('CommitmentWithdrawn', { commitmentId: 'c1', reason: 'r', withdrawnAt: at(7) });
  e = need(5);
  e('CommitmentOffered', offer('o7'));
  e('CommitmentDeclined', { commitmentId: 'c1', reason: 'r', declinedAt: at(7) });
  // Open: offered (o7), accepted (o8, partly delivered); handed over o8 → o9; a team commitment (o0 with o6).
  e = need(6);
  e('CommitmentOffered', offer('o7', 3));
  e = need(7);
  e('CommitmentOffered', offer('o8', 6));
  e('CommitmentAccepted', { commitmentId: 'c1', automatic: false, acceptedAt: at(6) });
  e('CommitmentHandoverRequested', { commitmentId: 'c1', fromOrganizationId: 'o8', toOrganizationId: 'o9', toOrganizationName: 'o9', reason: 'r', requestedAt: at(7) });
  e('CommitmentHandedOver', { commitmentId: 'c1', fromOrganizationId: 'o8', fromOrganizationName: 'o8', toOrganizationId: 'o9', toOrganizationName: 'o9', reason: 'r', handedOverAt: at(8) });
  e = need(8, '441826105202');
  e('CommitmentOffered', offer('o0', 10, '2026-02-01', { team: { teamId: 't1', title: 't', leadOrganizationId: 'o0', members: [{ organizationId: 'o0', organizationName: 'o0', role: 'lead', items: [{ lineItemId: 'L1', quantity: 4 }] }, { organizationId: 'o6', organizationName: 'o6', role: 'implementing', items: [{ lineItemId: 'L1', quantity: 6 }] }] } }));
  e('CommitmentAccepted', { commitmentId: 'c1', automatic: false, acceptedAt: at(6) });
  // A need withdrawn with an accepted commitment on it: neither open nor counted any more.
  e = need(9);
  e('CommitmentOffered', offer('o10'));
  e('CommitmentAccepted', { commitmentId: 'c1', automatic: false, acceptedAt: at(6) });
  e('NeedWithdrawn', { reason: 'r', withdrawnAt: at(9) });
  // An organization first seen through a commitment, registered afterwards.
  e = need(10);
  e('CommitmentOffered', offer('late-org', 2));
  org('late-org', '4418', ['care']);
  return out;
}

const dump = async (ds: DataSource) => ({
  organizations: await ds.getRepository(MatchingOrganizationRow).find({ order: { id: 'ASC' } }),
  needs: await ds.getRepository(MatchingNeedRow).find({ order: { id: 'ASC' } }),
  pairings: await ds.getRepository(MatchingPairingRow).find({ order: { id: 'ASC' } }),
  teams: await ds.getRepository(MatchingTeamRow).find({ order: { id: 'ASC' } }),
});

async function build(batchSize: number, replay = false) {
  const ds = new DataSource({ type: 'better-sqlite3', database: ':memory:', entities: [...MATCHING_VIEW_ENTITIES, ProjectionCheckpoint], synchronize: true });
  await ds.initialize();
  const runner = new ProjectionRunner(undefined as never, ds, new MatchingProjection());
  const all = events();
  for (let i = 0; i < all.length; i += batchSize) {
    const batch = all.slice(i, i + batchSize);
    await runner.processBatch(batch);
    // The same batch again (a redelivery): the checkpoint skips it; the projection's revisions would too.
    if (replay) await ds.transaction((m) => new MatchingProjection().applyBatch(batch, m));
  }
  const rows = await dump(ds);
  await ds.destroy();
  return rows;
}

/** Every row without its position (the stamp differs between the two projections). */
const unstamped = (rows: Awaited<ReturnType<typeof dump>>) =>
  Object.fromEntries(Object.entries(rows).map(([table, list]) => [table, (list as Array<{ position: number }>).map(({ position: _, ...rest }) => rest)]));

describe('MatchingProjection', () => {
  it('leaves the same rows applied one event at a time, in batches of any size, or with every batch delivered twice', async () => {
    const one = await build(1);
    expect(await build(7)).toEqual(one);
    expect(await build(1000)).toEqual(one);
    expect(await build(5, true)).toEqual(one);
  });

  it('keeps each organization’s open commitments and delivery record', async () => {
    const { organizations, needs, pairings, teams } = await build(50);
    const org = (id: string) => organizations.find((o) => o.id === id)!;
    const open = (id: string) => (JSON.parse(org(id).open) as unknown[][]).map(([needId, , promisedBy]) => [needId, promisedBy]);
    expect([org('o1').deliveredOnTime, org('o1').deliveredLate]).toEqual([1, 1]);
    expect(org('o1').open).toBe('[]');
    expect(org('o2').withdrawn).toBe(1); // the unanswered offer withdrawn does not count
    expect(open('o2')).toEqual([]);
    expect(open('o7')).toEqual([['n6', null]]); // offered, not accepted: no promise to keep yet; the declined one gone
    expect(open('o8')).toEqual([]); // handed over …
    expect(open('o9')).toEqual([['n7', '2026-01-20']]); // … to o9, accepted
    expect(open('o0')).toEqual([['n8', '2026-02-01']]);
    expect(open('o6')).toEqual([['n8', '2026-02-01']]); // a member with a share of the team commitment
    expect(open('o10')).toEqual([]); // the need was withdrawn
    expect([org('o3').categories, org('o4').standing, org('o5').standing]).toEqual([1 << 6, 'normal', 'deregistered']);
    expect(org('late-org')).toMatchObject({ standing: 'normal', homeDivisionCode: '4418', open: JSON.stringify([['n10', 'c1', null]]) });
    expect(needs.find((n) => n.id === 'n1')).toMatchObject({ open: true, status: 'partially_committed', lacking: JSON.stringify([{ id: 'L2', kind: 'goods', description: 'y', unit: '件', quantity: 4, lacking: 4 }]) });
    expect(needs.find((n) => n.id === 'n9')).toMatchObject({ open: false, status: 'withdrawn' });
    expect(pairings.map((p) => [p.id, p.active])).toEqual([['p1', true], ['p2', false]]);
    expect(teams.map((t) => [t.id, t.status, t.members])).toEqual([['t1', 'active', '["o6"]'], ['t2', 'dissolved', '[]']]);
  });
});

describe('SequencedMatchingProjection (the distributed projector’s consumer group)', () => {
  it('applied topic by topic — every need event before any registration, as a lagging consumer sees them — leaves the rows one event at a time does, stamped by the change counter; the queries read by the counter', async () => {
    const ds = new DataSource({ type: 'better-sqlite3', database: ':memory:', entities: [...MATCHING_VIEW_ENTITIES, MatchingChangeCounter], synchronize: true });
    await ds.initialize();
    const projection = new SequencedMatchingProjection();
    const service = new MatchingService(ds, new RegionsService(), 'counter');
    const all = events();
    const needsTopic = all.filter((e) => e.streamName.startsWith('need-'));
    const organizationsTopic = all.filter((e) => !e.streamName.startsWith('need-'));
    // One transaction per message, as the bus projector applies them.
    for (const event of needsTopic) await ds.transaction((m) => projection.apply(event, m));
    expect((await ds.getRepository(MatchingChangeCounter).findOneByOrFail({ name: 'matching' })).sequence).toBe(needsTopic.length);
    // Organizations so far known only from commitments.
    expect((await service.current()).organization('o1')).toMatchObject({ homeDivisionCode: '', standing: 'unregistered' });

    for (const event of organizationsTopic) await ds.transaction((m) => projection.apply(event, m));
    // The registrations carry smaller event positions than the need events already read; the counter
    // stamps still tell the queries that these rows changed.
    expect(organizationsTopic[0].position).toBeLessThan(needsTopic[0].position);
    const index = await service.current();
    expect(index.organization('o1')).toMatchObject({ homeDivisionCode: '4401', standing: 'normal', onTime: 1, late: 1 });
    expect(index.organization('o5')).toMatchObject({ standing: 'deregistered' });

    const rows = await dump(ds);
    const counter = (await ds.getRepository(MatchingChangeCounter).findOneByOrFail({ name: 'matching' })).sequence;
    expect(counter).toBe(all.length);
    expect(Math.max(...rows.organizations.map((o) => o.position))).toBe(counter);
    expect(unstamped(rows)).toEqual(unstamped(await build(1)));
    await ds.destroy();
  });
});
