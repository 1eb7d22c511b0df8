import { CommandBus } from '@nestjs/cqrs';
import { Actor } from '@shecun/core';
import { ExecuteFlowCommand, FlowRequest } from '@shecun/donations';
import Database from 'better-sqlite3';
import { parse } from 'csv-parse/sync';
import { spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { requireBuild, ROOT } from '../support/child-app';
import { actAs, COORDINATOR, futureDate, removeDir, staffOf, startEmbeddedApp, TestActor, TestApp, userIdOf } from '../support/embedded-app';
import { checkIatiActivities, IatiActivity } from '../support/iati-schema';
import { PROVINCE_BUREAU, registerOrganizations } from '../support/organizations';

/**
 * Donation flows end to end on the embedded app: donor → fund → hub organization → village need,
 * traced both ways by an auditor (and the trace read shows in the access audit), balances and
 * anomalies as of a date, invariants under concurrent requests, disclosure with corrections, and
 * the ledger check catching an event edited directly in the SQLite event store.
 */

const FDN = 'org-don-fdn';
const HUB = 'org-don-hub';
const DONOR = 'org-don-donor';
const BAD_DONOR = 'org-don-bad';
const VILLAGE = '441826105201';
const OTHER_VILLAGE = '441826106201';
const AUDITOR: TestActor = { id: 'auditor-don-01', role: 'auditor', scope: '44' };
const FAR_AUDITOR: TestActor = { id: 'auditor-don-sz', role: 'auditor', scope: '4403' };
const OTHER_COORDINATOR: TestActor = { id: 'cadre-other-01', role: 'coordinator', scope: '441826106' };

describe('donations: flows, trace, audit views, disclosure, ledger', () => {
  let t: TestApp;
  const as = new Map<string, Record<string, string>>();
  const h = (actor: TestActor) => as.get(actor.id)!;
  /** Credit codes of the organizations registered for the suite. */
  const codes = new Map<string, string>();
  let needId = '';
  let otherNeedId = '';

  async function postNeed(actor: TestActor, villageCode: string): Promise<string> {
    const res = await t.http().post('/api/needs').set(h(actor)).send({
      villageCode, title: '村小学课桌椅', description: '', category: 'education', dueDate: futureDate(60), autoAccept: false, publish: true,
      lineItems: [{ kind: 'funds', description: '购置课桌椅', unit: '分', quantity: 800_000 }],
    }).expect(201);
    return res.body.needId;
  }

  beforeAll(async () => {
    t = await startEmbeddedApp();
    for (const actor of [staffOf(FDN), staffOf(HUB), staffOf(DONOR), staffOf(BAD_DONOR), COORDINATOR, OTHER_COORDINATOR, AUDITOR, FAR_AUDITOR, PROVINCE_BUREAU]) as.set(actor.id, await actAs(t, actor));
    const registered = await registerOrganizations(t, [
      { id: FDN, name: '广东省乡村振兴基金会', type: 'foundation', homeDivisionCode: '4401' },
      { id: HUB, name: '清远市社会组织总会', hubKind: 'hub', homeDivisionCode: '4418' },
      { id: DONOR, name: '广州某企业慈善会', homeDivisionCode: '4401' },
      { id: BAD_DONOR, name: '某异常协会', homeDivisionCode: '4401' },
    ]);
    [FDN, HUB, DONOR, BAD_DONOR].forEach((id, i) => codes.set(id, registered[i]));
    await t.http().post(`/api/organizations/${BAD_DONOR}/abnormal`).set(h(PROVINCE_BUREAU)).send({ reason: '未报送年报' }).expect(200);
    needId = await postNeed(COORDINATOR, VILLAGE);
    otherNeedId = await postNeed(OTHER_COORDINATOR, OTHER_VILLAGE);
  });
  afterAll(async () => {
    await t.close();
    removeDir(t.dataDir);
  });

  const settle = async () => t.projections.waitFor(await t.store.headPosition());

  let rootId = '';
  let childId = '';
  let transferId = '';
  let needAllocationId = '';
  let useId = '';

  it('follows money from a donor through a fund and a hub to a village need, confirmed by the village', async () => {
    const fund = await t.http().post('/api/funds').set(h(staffOf(FDN))).send({ fundId: 'fund-edu', holderOrganizationId: FDN, name: '乡村教育专项基金' }).expect(201);
    expect(fund.body.fund).toMatchObject({ holderOrganizationId: FDN, divisionCode: '4401' });
    // Only foundations and hubs may hold a fund.
    await t.http().post('/api/funds').set(h(staffOf(DONOR))).send({ holderOrganizationId: DONOR, name: '某基金' }).expect(422);

    const pledged = await t.http().post('/api/donations').set(h(staffOf(DONOR))).send({ donorKind: 'organization', donorOrganizationId: DONOR, recipientKind: 'fund', recipientId: 'fund-edu', resourceKind: 'money', amount: 1_000_000 }).expect(201);
    rootId = pledged.body.flowId;
    expect(pledged.body.donation).toMatchObject({ status: 'pledged', donor: { kind: 'organization', name: '广州某企业慈善会' }, recipient: { kind: 'fund', organizationId: FDN } });
    // Only the recipient's staff record the receipt.
    await t.http().post(`/api/donations/${rootId}/receive`).set(h(staffOf(DONOR))).send({ receiptNumber: 'GD-0001', amount: 1_000_000, receivedOn: '2026-11-20' }).expect(403);
    await t.http().post(`/api/donations/${rootId}/receive`).set(h(staffOf(FDN))).send({ receiptNumber: 'GD-0001', amount: 1_000_000, receivedOn: '2026-11-20' }).expect(200);

    const transfer = await t.http().post(`/api/donations/${rootId}/allocations`).set(h(staffOf(FDN))).send({ targetKind: 'organization', targetId: HUB, amount: 700_000 }).expect(201);
    transferId = transfer.body.allocationId;
    childId = transfer.body.donation.allocations[0].childFlowId;
    expect(childId).toEqual(expect.any(String));
    const received = await t.http().post(`/api/donations/${rootId}/allocations/${transferId}/receive`).set(h(staffOf(HUB))).send({ receiptNumber: 'QY-0001', amount: 700_000, receivedOn: '2026-11-21' }).expect(201);
    expect(received.body.flowId).toBe(childId);
    expect(received.body.donation).toMatchObject({ parentFlowId: rootId, donor: { kind: 'transfer', from: { kind: 'fund', id: 'fund-edu' } }, recipient: { id: HUB }, received: 700_000 });

    const allocation = await t.http().post(`/api/donations/${childId}/allocations`).set(h(staffOf(HUB))).send({ targetKind: 'need', needId, amount: 500_000 }).expect(201);
    needAllocationId = allocation.body.allocationId;
    expect(allocation.body.donation.allocations[0].target).toMatchObject({ kind: 'need', needId, villageCode: VILLAGE, title: '村小学课桌椅' });
    const used = await t.http().post(`/api/donations/${childId}/uses`).set(h(staffOf(HUB))).send({
      allocationId: needAllocationId, needId, amount: 300_000, usedOn: '2026-11-22', evidence: [{ kind: 'invoice', ref: '44001234 No.00056789', amountFen: 300_000 }, { kind: 'recipient_list', ref: 'files/list.xlsx' }],
    }).expect(201);
    useId = used.body.useId;
    await t.http().post(`/api/donations/${childId}/uses/${useId}/confirm`).set(h(OTHER_COORDINATOR)).send({}).expect(403);
    const confirmed = await t.http().post(`/api/donations/${childId}/uses/${useId}/confirm`).set(h(COORDINATOR)).send({ note: '课桌椅已到校' }).expect(200);
    expect(confirmed.body.donation).toMatchObject({ used: 300_000, confirmed: 300_000, figures: { receivedFen: 700_000, allocatedFen: 500_000, usedFen: 300_000, confirmedFen: 300_000 } });
  });

  it('traces a use up to the donor and a gift down to the village, and records who read the trace', async () => {
    await settle();
    const up = await t.http().get(`/api/donations/${childId}/trace`).set(h(AUDITOR)).expect(200);
    expect(up.body).toMatchObject({ rootFlowId: rootId, upstream: [rootId], downstream: [] });
    expect(up.body.hops.map((hop: { id: string; depth: number }) => [hop.id, hop.depth])).toEqual([[rootId, -1], [childId, 0]]);
    const child = up.body.hops[1];
    expect(child.uses[0]).toMatchObject({ needId, villageCode: VILLAGE, amount: 300_000, evidence: [expect.objectContaining({ kind: 'invoice' }), expect.objectContaining({ kind: 'recipient_list' })], confirmedAt: expect.any(String) });
    expect(child.events.map((e: { type: string }) => e.type)).toEqual(['TransferReceived', 'DonationAllocated', 'DonationUsed', 'UseConfirmed']);
    // Who did it, by name as the donations context recorded them (the test users' display names are their ids).
    expect(child.events[3].actor).toMatchObject({ role: 'coordinator', id: userIdOf(COORDINATOR), name: COORDINATOR.id, organizationId: null, organizationName: null });

    const down = await t.http().get(`/api/donations/${rootId}/trace`).set(h(AUDITOR)).expect(200);
    expect(down.body).toMatchObject({ rootFlowId: rootId, upstream: [], downstream: [childId] });
    // Amounts balance at every hop: donor → fund (1,000,000 received), fund → hub (700,000 allocated
    // and received), hub → village need (500,000 allocated, 300,000 used and confirmed).
    type Hop = { id: string; received: number; refunded: number; allocated: number; available: number; used: number; confirmed: number; allocations: { net: number; used: number | null; childFlowId: string | null }[]; uses: { amount: number; allocationId: string }[] };
    const hops = down.body.hops as Hop[];
    expect(hops.map((x) => [x.received, x.allocated, x.available, x.used, x.confirmed])).toEqual([[1_000_000, 700_000, 300_000, 0, 0], [700_000, 500_000, 200_000, 300_000, 300_000]]);
    for (const hop of hops) {
      expect(hop.received - hop.refunded).toBe(hop.allocated + hop.available);
      expect(hop.allocations.reduce((sum, a) => sum + a.net, 0)).toBe(hop.allocated);
      expect(hop.uses.reduce((sum, u) => sum + u.amount, 0)).toBe(hop.used);
      for (const a of hop.allocations) {
        if (a.childFlowId) expect(hops.find((x) => x.id === a.childFlowId)!.received).toBe(a.net);
        else expect(a.used!).toBeLessThanOrEqual(a.net);
      }
    }
    expect(down.body.hops[0].events[0]).toMatchObject({ type: 'DonationPledged', actor: { role: 'organization', organizationId: DONOR, organizationName: '广州某企业慈善会', name: staffOf(DONOR).id } });

    // Outside the flow's parties and scope: not found; the coordinator of the village sees it.
    await t.http().get(`/api/donations/${rootId}/trace`).set(h(FAR_AUDITOR)).expect(404);
    await t.http().get(`/api/donations/${childId}/trace`).set(h(COORDINATOR)).expect(200);

    await settle();
    const audit = await t.http().get('/api/audit/access').set(h(AUDITOR)).expect(200);
    const reads = audit.body.items.filter((r: { action: string }) => r.action === 'read:donation-trace');
    expect(reads.map((r: { subjectId: string; actorRole: string }) => [r.subjectId, r.actorRole])).toEqual(
      expect.arrayContaining([[childId, 'auditor'], [rootId, 'auditor'], [childId, 'coordinator']]),
    );
    // A denied trace read (the far auditor's 404) is not recorded as a read.
    expect(reads.filter((r: { subjectId: string }) => r.subjectId === rootId)).toHaveLength(1);
  });

  it('balances per organization, fund, need and village; organization staff are not auditors', async () => {
    await settle();
    const { body } = await t.http().get('/api/audit/donations/balances').set(h(AUDITOR)).expect(200);
    const row = (kind: string, id: string) => body.items.find((r: { kind: string; id: string }) => r.kind === kind && r.id === id);
    expect(row('fund', 'fund-edu')).toMatchObject({ receivedFen: 1_000_000, allocatedFen: 700_000, unallocatedFen: 300_000, usedFen: 0 });
    expect(row('organization', HUB)).toMatchObject({ receivedFen: 700_000, allocatedFen: 500_000, usedFen: 300_000, confirmedFen: 300_000, unallocatedFen: 200_000 });
    expect(row('need', needId)).toMatchObject({ allocatedFen: 500_000, usedFen: 300_000, confirmedFen: 300_000 });
    expect(row('village', VILLAGE)).toMatchObject({ allocatedFen: 500_000, usedFen: 300_000, confirmedFen: 300_000 });
    await t.http().get('/api/audit/donations/balances').set(h(staffOf(HUB))).expect(403);
    const far = await t.http().get('/api/audit/donations/balances').set(h(FAR_AUDITOR)).expect(200);
    expect(far.body.items).toEqual([]);
  });

  it('replays the views as of a date, and lists anomalies older than N days', async () => {
    const bus = t.app.get(CommandBus);
    const fdnStaff: Actor = { id: 'staff-org-don-fdn', role: 'organization', organizationId: FDN };
    const daysAgo = (n: number) => new Date(Date.now() - n * 86_400_000);
    const run = (flowId: string, request: FlowRequest, at: Date) => bus.execute(new ExecuteFlowCommand(flowId, request, { actor: fdnStaff, commandId: randomUUID(), correlationId: randomUUID() }, at));
    const old = randomUUID();
    await run(old, { type: 'PledgeDonation', donor: { kind: 'individual' }, recipient: { kind: 'organization', id: FDN }, resource: { kind: 'goods', item: '冬衣', unit: '件', estimatedValueFen: 2_000_000 }, amount: 400, note: '' }, daysAgo(62));
    await run(old, { type: 'ReceiveDonation', receiptNumber: 'GD-0002', amount: 400, receivedOn: daysAgo(60).toISOString().slice(0, 10) }, daysAgo(60));
    await run(old, { type: 'AllocateDonation', allocationId: 'a-old', target: { kind: 'village', villageCode: VILLAGE, project: '冬季送温暖' }, amount: 400, note: '' }, daysAgo(10));
    await settle();

    const then = daysAgo(20).toISOString();
    const past = await t.http().get(`/api/audit/donations/balances?asOf=${encodeURIComponent(then)}`).set(h(AUDITOR)).expect(200);
    const org = (items: { kind: string; id: string }[]) => items.find((r) => r.kind === 'organization' && r.id === FDN);
    expect(past.body.flows).toBe(1); // only the goods flow existed then
    expect(org(past.body.items)).toMatchObject({ receivedFen: 2_000_000, allocatedFen: 0, unallocatedFen: 2_000_000 });
    const pastAnomalies = await t.http().get(`/api/audit/donations/anomalies?asOf=${encodeURIComponent(then)}&days=30`).set(h(AUDITOR)).expect(200);
    expect(pastAnomalies.body.items).toEqual([expect.objectContaining({ kind: 'received-unallocated', flowId: old, amount: 400, valueFen: 2_000_000, days: 40 })]);

    const now = await t.http().get('/api/audit/donations/balances').set(h(AUDITOR)).expect(200);
    expect(org(now.body.items)).toMatchObject({ receivedFen: 2_000_000, allocatedFen: 2_000_000, unallocatedFen: 0 });
    const current = await t.http().get('/api/audit/donations/anomalies?days=30').set(h(AUDITOR)).expect(200);
    expect(current.body.items.filter((a: { flowId: string }) => a.flowId === old)).toEqual([]);
    const later = await t.http().get(`/api/audit/donations/anomalies?asOf=${futureDate(45)}&days=30`).set(h(AUDITOR)).expect(200);
    expect(later.body.items.map((a: { kind: string; flowId: string }) => [a.kind, a.flowId])).toEqual(
      expect.arrayContaining([['received-unallocated', rootId], ['allocated-unused', childId], ['allocated-unused', old]]),
    );
  });

  /** What the live views showed at one instant, to compare with the same views replayed "as of" that instant later. */
  let snapshot: { at: string; balances: unknown; anomalies: unknown; trace: unknown } | undefined;

  it('keeps allocations within receipts and uses within allocations under concurrent requests', async () => {
    await settle();
    const balancesThen = (await t.http().get('/api/audit/donations/balances').set(h(AUDITOR)).expect(200)).body;
    const anomaliesThen = (await t.http().get('/api/audit/donations/anomalies?days=0').set(h(AUDITOR)).expect(200)).body;
    const { asOf: _asOf, ...traceThen } = (await t.http().get(`/api/donations/${rootId}/trace`).set(h(AUDITOR)).expect(200)).body;
    const at = new Date().toISOString();
    snapshot = { at, balances: { flows: balancesThen.flows, items: balancesThen.items }, anomalies: anomaliesThen.items, trace: traceThen };
    await new Promise((r) => setTimeout(r, 5));

    const pledged = await t.http().post('/api/donations').set(h(staffOf(HUB))).send({ donorKind: 'individual', recipientKind: 'organization', recipientId: HUB, resourceKind: 'money', amount: 1_000_000 }).expect(201);
    const id = pledged.body.flowId;
    await t.http().post(`/api/donations/${id}/receive`).set(h(staffOf(HUB))).send({ receiptNumber: 'QY-0100', amount: 1_000_000, receivedOn: '2026-11-22' }).expect(200);
    const allocations = await Promise.all(
      Array.from({ length: 16 }, () => t.http().post(`/api/donations/${id}/allocations`).set(h(staffOf(HUB))).send({ targetKind: 'village', villageCode: VILLAGE, project: '并发测试', amount: 100_000 })),
    );
    const ok = allocations.filter((r) => r.status === 201);
    expect(ok).toHaveLength(10);
    expect(allocations.filter((r) => r.status !== 201).every((r) => r.status === 422 || r.status === 409)).toBe(true);
    const state = (await t.http().get(`/api/donations/${id}/trace`).set(h(staffOf(HUB))).expect(200)).body.hops[0];
    expect(state).toMatchObject({ allocated: 1_000_000, available: 0 });

    const allocationId = ok[0].body.allocationId;
    const uses = await Promise.all(
      Array.from({ length: 8 }, () => t.http().post(`/api/donations/${id}/uses`).set(h(staffOf(HUB))).send({ allocationId, amount: 30_000, usedOn: '2026-11-22', evidence: [{ kind: 'invoice', ref: 'x' }] })),
    );
    expect(uses.filter((r) => r.status === 201)).toHaveLength(3);
    expect(uses.filter((r) => r.status !== 201).every((r) => r.status === 422 || r.status === 409)).toBe(true);
  });

  it('refuses a use for another village’s need, donors in bad standing and bad amounts, appending nothing', async () => {
    const before = await t.eventCount();
    const other = await t.http().post(`/api/donations/${childId}/uses`).set(h(staffOf(HUB))).send({ allocationId: needAllocationId, needId: otherNeedId, amount: 1, usedOn: '2026-11-22', evidence: [] }).expect(422);
    expect(other.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(other.body.detail).toContain('this allocation is for need');
    const village = await t.http().post(`/api/donations/${rootId}/allocations`).set(h(staffOf(FDN))).send({ targetKind: 'village', villageCode: VILLAGE, project: '路灯', amount: 10_000 }).expect(201);
    const afterAllocation = await t.eventCount();
    const wrongVillage = await t.http().post(`/api/donations/${rootId}/uses`).set(h(staffOf(FDN))).send({ allocationId: village.body.allocationId, needId: otherNeedId, amount: 1, usedOn: '2026-11-22', evidence: [] }).expect(422);
    expect(wrongVillage.body.detail).toContain('another village');
    await t.http().post('/api/donations').set(h(staffOf(BAD_DONOR))).send({ donorKind: 'organization', donorOrganizationId: BAD_DONOR, recipientKind: 'organization', recipientId: FDN, resourceKind: 'money', amount: 100 }).expect(403);
    await t.http().post('/api/donations').set(h(staffOf(DONOR))).send({ donorKind: 'organization', donorOrganizationId: DONOR, recipientKind: 'organization', recipientId: FDN, resourceKind: 'money', amount: 0.5 }).expect(400);
    await t.http().post(`/api/donations/${rootId}/allocations`).set(h(staffOf(FDN))).send({ targetKind: 'need', needId, amount: 999_999_999 }).expect(422);
    expect(await t.eventCount()).toBe(afterAllocation);
    expect(afterAllocation).toBe(before + 1);
  });

  it('discloses totals without personal data, and lists corrections to disclosed figures', async () => {
    await t.http().post(`/api/donations/${childId}/disclose`).set(h(staffOf(HUB))).expect(200);
    await t.http().post(`/api/donations/${rootId}/disclose`).set(h(staffOf(FDN))).expect(200);
    await settle();
    const report = await t.http().get(`/api/disclosure/organizations/${HUB}`).expect(200);
    expect(report.body).toMatchObject({ flows: 1, totals: { receivedFen: 700_000, allocatedFen: 500_000, usedFen: 300_000, confirmedFen: 300_000 }, corrections: [] });
    expect(report.body.projects).toEqual([expect.objectContaining({ kind: 'need', id: needId, allocatedFen: 500_000, usedFen: 300_000, confirmedFen: 300_000 })]);
    expect(report.body.donors).toEqual([expect.objectContaining({ donor: '乡村教育专项基金', kind: 'transfer' })]);

    await t.http().post(`/api/donations/${childId}/refunds`).set(h(staffOf(HUB))).send({ amount: 50_000, reason: '项目结余退回' }).expect(200);
    await settle();
    const corrected = await t.http().get(`/api/disclosure/organizations/${HUB}`).expect(200);
    expect(corrected.body.totals.receivedFen).toBe(650_000);
    expect(corrected.body.corrections).toEqual([
      expect.objectContaining({ flowId: childId, kind: 'DonationRefunded', reason: '项目结余退回', before: expect.objectContaining({ receivedFen: 700_000 }), after: expect.objectContaining({ receivedFen: 650_000 }) }),
    ]);
    const project = await t.http().get(`/api/disclosure/needs/${needId}`).expect(200);
    expect(project.body).toMatchObject({ needId, title: '村小学课桌椅', villageCode: VILLAGE, totals: { allocatedFen: 500_000, usedFen: 300_000, confirmedFen: 300_000 } });
    // Individuals appear only in aggregate: no donor field carries a person.
    const fdn = await t.http().get(`/api/disclosure/organizations/${FDN}`).expect(200);
    expect(JSON.stringify(fdn.body)).not.toMatch(/staff-|actorId|receiptNumber/);
  });

  it('opens the disclosure with the organizations and donations disclosed lately, by city, naming no donor', async () => {
    const province = await t.http().get('/api/disclosure/recent').expect(200);
    const hub = province.body.organizations.find((o: { organizationId: string }) => o.organizationId === HUB);
    // The published figures, the refund after disclosure included, under the organization's name.
    // Its money came from the fund's transfer: the same money as the foundation's, not new money.
    expect(hub).toEqual({ organizationId: HUB, name: '清远市社会组织总会', flows: 1, receivedFen: 650_000, fromDonorsFen: 0, transferredInFen: 650_000, usedFen: 300_000, confirmedFen: 300_000, updatedAt: expect.any(String) });
    const fdn = province.body.organizations.find((o: { organizationId: string }) => o.organizationId === FDN);
    const fdnPage = (await t.http().get(`/api/disclosure/organizations/${FDN}`).expect(200)).body;
    expect(fdn).toMatchObject({ receivedFen: fdnPage.totals.receivedFen, fromDonorsFen: fdnPage.counting.fromDonorsFen, transferredInFen: fdnPage.counting.transferredInFen });
    expect(fdn.transferredInFen).toBe(0);
    expect(province.body.organizations.map((o: { organizationId: string }) => o.organizationId).sort()).toEqual([FDN, HUB].sort());
    // The refund was the last change: the hub's flow is the latest donation, serving the village.
    expect(province.body.donations[0]).toMatchObject({ flowId: childId, organizationId: HUB, organizationName: '清远市社会组织总会', transferFrom: { organizationId: FDN, name: '广东省乡村振兴基金会' }, villageCodes: [VILLAGE], receivedFen: 650_000 });
    expect(province.body.donations.find((d: { flowId: string }) => d.flowId === rootId).transferFrom).toBeNull();
    expect(province.body.donations.map((d: { flowId: string }) => d.flowId).sort()).toEqual([childId, rootId].sort());
    expect(JSON.stringify(province.body)).not.toMatch(/广州某企业慈善会|staff-|actorId|receiptNumber|"state"/);

    const qingyuan = await t.http().get('/api/disclosure/recent?city=4418&limit=5').expect(200);
    expect(qingyuan.body.city).toBe('4418');
    expect(qingyuan.body.organizations.map((o: { organizationId: string }) => o.organizationId)).toContain(HUB);
    expect(qingyuan.body.donations.map((d: { flowId: string }) => d.flowId)).toContain(childId);
    const shenzhen = await t.http().get('/api/disclosure/recent?city=4403').expect(200);
    expect(shenzhen.body).toEqual({ city: '4403', organizations: [], donations: [] });
    const limited = await t.http().get('/api/disclosure/recent?limit=1').expect(200);
    expect([limited.body.organizations.length, limited.body.donations.length]).toEqual([1, 1]);

    for (const bad of ['city=44', 'city=4401%25', 'limit=0', 'limit=101', 'limit=x']) {
      const res = await t.http().get(`/api/disclosure/recent?${bad}`).expect(400);
      expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
    }
  });

  it('takes pledges from an association’s member units (会员单位) it lists, and no others', async () => {
    await t.http().post(`/api/organizations/${HUB}/profile`).set(h(staffOf(HUB))).send({ categories: ['education'], memberUnits: [{ name: '清远某建材有限公司' }] }).expect(200);
    const pledged = await t.http().post('/api/donations').set(h(staffOf(HUB)))
      .send({ donorKind: 'member_unit', donorOrganizationId: HUB, memberUnitName: '清远某建材有限公司', recipientKind: 'fund', recipientId: 'fund-edu', resourceKind: 'goods', item: '水泥', unit: '吨', estimatedValueFen: 4_500_000, amount: 100 })
      .expect(201);
    expect(pledged.body.donation).toMatchObject({ donor: { kind: 'member_unit', organizationId: HUB, name: '清远某建材有限公司' }, resource: { kind: 'goods', item: '水泥', unit: '吨' }, unit: '吨', pledged: 100 });
    const unknown = await t.http().post('/api/donations').set(h(staffOf(HUB)))
      .send({ donorKind: 'member_unit', donorOrganizationId: HUB, memberUnitName: '某不相干公司', recipientKind: 'fund', recipientId: 'fund-edu', resourceKind: 'money', amount: 100 })
      .expect(422);
    expect(unknown.body.detail).toContain('not a member unit');
  });

  it('answers "as of" an earlier instant exactly what the live views showed then', async () => {
    const at = encodeURIComponent(snapshot!.at);
    const balances = (await t.http().get(`/api/audit/donations/balances?asOf=${at}`).set(h(AUDITOR)).expect(200)).body;
    expect({ flows: balances.flows, items: balances.items }).toEqual(snapshot!.balances);
    const anomalies = (await t.http().get(`/api/audit/donations/anomalies?asOf=${at}&days=0`).set(h(AUDITOR)).expect(200)).body;
    expect(anomalies.items).toEqual(snapshot!.anomalies);
    const { asOf: _asOf, ...trace } = (await t.http().get(`/api/donations/${rootId}/trace?asOf=${at}`).set(h(AUDITOR)).expect(200)).body;
    expect(trace).toEqual(snapshot!.trace);
    // And the live views have moved on since (a refund, disclosures, more flows).
    const now = (await t.http().get('/api/audit/donations/balances').set(h(AUDITOR)).expect(200)).body;
    expect(now.items).not.toEqual(balances.items);
  });

  it('exports the ledger as CSV and as IATI 2.03 activities', async () => {
    const csv = await t.http().get('/api/audit/donations/ledger.csv?lang=en').set(h(AUDITOR)).expect(200).expect('content-type', /text\/csv/);
    const rows = parse(csv.text.replace(/^\ufeff/, ''), { columns: true }) as Record<string, string>[];
    const used = rows.filter((r) => r.type === 'DonationUsed' && r.flow_id === childId);
    expect(used[0]).toMatchObject({ actor_role: 'organization', actor_organization_id: HUB, amount: '300000', unit: '分', value_yuan: '3000.00', value_fen: '300000', counterpart: `village:${VILLAGE} need:${needId}` });
    expect(used[0].reference).toContain('invoice:44001234 No.00056789');
    expect(used[0].hash).toMatch(/^[0-9a-f]{64}$/);
    expect(rows.filter((r) => r.flow_id === childId).map((r) => r.type)).toEqual(['TransferReceived', 'DonationAllocated', 'DonationUsed', 'UseConfirmed', 'DonationDisclosed', 'DonationRefunded']);
    expect(rows.find((r) => r.type === 'DonationRefunded' && r.flow_id === childId)).toMatchObject({ amount: '-50000', value_yuan: '-500.00', value_fen: '-50000' });
    await t.http().get('/api/audit/donations/ledger.csv').set(h(staffOf(HUB))).expect(403);

    const xml = await t.http().get('/api/audit/donations/iati.xml').set(h(AUDITOR)).expect(200).expect('content-type', /application\/xml/);
    // Valid IATI 2.03 in structure and code lists (test/support/iati-schema.ts), hops linked both ways.
    const { activities, problems } = checkIatiActivities(xml.text);
    expect(problems).toEqual([]);
    // Each flow is reported by its holder under its credit code (the fund by the foundation holding it).
    const activity = (holder: string, id: string) => activities.find((a) => a.id === `CN-USCI-${codes.get(holder)}-${id}`)!;
    const root = activity(FDN, rootId);
    const child = activity(HUB, childId);
    expect(root.reportingRef).toBe(`CN-USCI-${codes.get(FDN)}`);
    const types = (a: IatiActivity) => a.transactions.map((x) => x.type);
    expect(types(root)).toEqual(expect.arrayContaining(['13', '1', '3']));
    expect(root.transactions.find((x) => x.type === '3')!.receiverActivityId).toBe(child.id);
    expect(root.transactions.find((x) => x.type === '13')!.providerRef).toBe(`CN-USCI-${codes.get(DONOR)}`);
    expect(types(child)).toEqual(['1', '2', '4', '1']);
    expect(child.transactions[0].providerActivityId).toBe(root.id);
    expect(child.transactions.map((x) => x.value.toFixed(2))).toEqual(['7000.00', '5000.00', '3000.00', '-500.00']);
    expect(child.related).toEqual([{ ref: root.id, type: '1' }]);
  });

  it('verifies the ledger, and catches an event edited directly in the event store', async () => {
    const intact = await t.http().get('/api/audit/donations/ledger').set(h(AUDITOR)).expect(200);
    expect(intact.body).toMatchObject({ ok: true, firstBrokenLink: null, brokenLinks: 0 });
    expect(intact.body.eventsChecked).toBeGreaterThan(20);
    await t.http().get('/api/audit/donations/ledger').set(h(staffOf(FDN))).expect(403);

    const db = new Database(join(t.dataDir, 'events.sqlite'));
    const target = db.prepare(`SELECT position, id, revision FROM events WHERE stream = ? AND type = 'DonationUsed'`).get(`donation-${childId}`) as { position: number; id: string; revision: number };
    db.prepare(`UPDATE events SET data = json_set(data, '$.amount', 30000) WHERE position = ?`).run(target.position);
    db.close();

    const broken = await t.http().get('/api/audit/donations/ledger').set(h(AUDITOR)).expect(200);
    expect(broken.body).toMatchObject({ ok: false, firstBrokenLink: { stream: `donation-${childId}`, revision: target.revision, eventId: target.id, problem: 'content-hash-mismatch' } });

    requireBuild();
    const cli = spawnSync(process.execPath, [join(ROOT, 'dist', 'apps', 'standalone', 'src', 'cli.js'), 'verify-ledger'], { cwd: ROOT, env: { ...process.env, DATA_DIR: t.dataDir }, encoding: 'utf8', timeout: 120_000 });
    expect(cli.status).toBe(1);
    expect(cli.stderr).toContain(`ledger broken at donation-${childId} revision ${target.revision}`);
  });
});
