import { CommandBus } from '@nestjs/cqrs';
import { Actor } from '@shecun/core';
import { ExecuteFlowCommand, FlowRequest } from '@shecun/donations';
import { randomUUID } from 'node:crypto';
import { actAs, futureDate, staffOf, TestActor } from '../../support/embedded-app';
import { registerOrganizations } from '../../support/organizations';
import type { Running } from './browser';

/**
 * Organizations of their own (registered beside the demo seed, whose donations never mix with
 * theirs), and a village of 三排镇 with its coordinator.
 */
export const DONOR = 'org-web-donor';
export const DONOR_NAME = '佛山市南海区乡贤慈善会';
export const FOUNDATION = 'org-web-fdn';
export const FOUNDATION_NAME = '广东省瑶乡助学基金会';
export const HUB = 'org-web-hub';
export const HUB_NAME = '连南瑶族自治县社会组织联合会';
export const VILLAGE = '441826105201';
export const SANPAI_COORDINATOR: TestActor = { id: 'cadre-sanpai-donations', role: 'coordinator', scope: '441826105', name: '梁晓燕' };
/** The 连南 hub's staff member who allocates, uses and discloses the money. */
export const HUB_STAFF: TestActor = { id: 'staff-hub-donations', role: 'hub', organizationId: HUB, name: '陈志强' };
export const FUND_NAME = '瑶寨助学专项基金';
export const NEED_TITLE = '瑶寨小学课桌椅更新';

export interface DonationChain {
  fundId: string;
  rootId: string;
  childId: string;
  needId: string;
  /** A date (YYYY-MM-DD, China time) between the transfer to the hub and the hub's allocation to the need. */
  beforeNeed: string;
}

const daysAgo = (n: number) => new Date(Date.now() - n * 86_400_000);
/** The calendar date in China time (the API reads a date as the end of that day there). */
export const chinaDate = (d: Date) => new Date(d.getTime() + 8 * 3_600_000).toISOString().slice(0, 10);

/**
 * Money followed through three hops, set up through the API as its users would (the first hops
 * dated weeks back through the command bus, as the donations e2e test does, so that an "as of" date
 * shows less): a Foshan charity gives ¥10,000 to a foundation's 瑶寨助学专项基金 (20 days ago,
 * received 18 days ago); the fund passes ¥7,000 on to the 连南 hub (15 and 14 days ago); today the
 * hub allocates ¥5,000 to a 三排镇 village need, uses ¥3,000 with an invoice, the village confirms
 * it, and both flows are disclosed.
 */
export async function setUpDonationChain(running: Running): Promise<DonationChain> {
  const t = running.app;
  const http = t.http();
  await registerOrganizations(t, [
    { id: DONOR, name: DONOR_NAME, homeDivisionCode: '4406', categories: ['education', 'care'] },
    { id: FOUNDATION, name: FOUNDATION_NAME, type: 'foundation', homeDivisionCode: '4401' },
    { id: HUB, name: HUB_NAME, hubKind: 'hub', homeDivisionCode: '441826', categories: ['education', 'industry'] },
  ]);
  const fdn = await actAs(t, staffOf(FOUNDATION));
  const hub = await actAs(t, HUB_STAFF);
  const coordinator = await actAs(t, SANPAI_COORDINATOR);

  const fund = await http.post('/api/funds').set(fdn).send({ holderOrganizationId: FOUNDATION, name: FUND_NAME, purpose: '资助粤东西北乡村学校' }).expect(201);
  const fundId = fund.body.fundId as string;

  const bus = t.app.get(CommandBus);
  const run = (actor: Actor, flowId: string, request: FlowRequest, at: Date) =>
    bus.execute(new ExecuteFlowCommand(flowId, request, { actor, commandId: randomUUID(), correlationId: randomUUID() }, at));
  const donorStaff: Actor = { id: 'staff-donor-donations', role: 'organization', organizationId: DONOR };
  const fdnStaff: Actor = { id: `staff-${FOUNDATION}`, role: 'organization', organizationId: FOUNDATION };
  const hubStaff: Actor = { id: 'staff-hub-donations', role: 'hub', organizationId: HUB };

  const rootId = randomUUID();
  await run(donorStaff, rootId, { type: 'PledgeDonation', donor: { kind: 'organization', organizationId: DONOR }, recipient: { kind: 'fund', id: fundId }, resource: { kind: 'money' }, amount: 1_000_000, note: '' }, daysAgo(20));
  await run(fdnStaff, rootId, { type: 'ReceiveDonation', receiptNumber: 'GD-2026-0001', amount: 1_000_000, receivedOn: chinaDate(daysAgo(18)) }, daysAgo(18));
  await run(fdnStaff, rootId, { type: 'AllocateDonation', allocationId: 'a-to-hub', target: { kind: 'organization', id: HUB }, amount: 700_000, note: '转拨三排镇项目' }, daysAgo(15));
  const child = (await run(hubStaff, '', { type: 'ReceiveTransfer', parentFlowId: rootId, allocationId: 'a-to-hub', receiptNumber: 'GZ-2026-0042', amount: 700_000, receivedOn: chinaDate(daysAgo(14)) }, daysAgo(14))) as { state: { id: string } };
  const childId = child.state.id;

  const need = await http.post('/api/needs').set(coordinator).send({
    villageCode: VILLAGE, title: NEED_TITLE, description: '村小 40 套课桌椅老化', category: 'education', dueDate: futureDate(60), autoAccept: false, publish: true,
    lineItems: [{ kind: 'funds', description: '购置课桌椅', unit: '分', quantity: 800_000 }],
  }).expect(201);
  const needId = need.body.needId as string;
  await t.projections.waitFor(await t.store.headPosition());

  const allocation = await http.post(`/api/donations/${childId}/allocations`).set(hub).send({ targetKind: 'need', needId, amount: 500_000 }).expect(201);
  const used = await http.post(`/api/donations/${childId}/uses`).set(hub).send({
    allocationId: allocation.body.allocationId, needId, amount: 300_000, usedOn: chinaDate(new Date()),
    evidence: [{ kind: 'invoice', ref: '44001234 No.00056789', amountFen: 300_000 }, { kind: 'recipient_list', ref: 'files/sanpai-desks.xlsx' }],
  }).expect(201);
  await http.post(`/api/donations/${childId}/uses/${used.body.useId}/confirm`).set(coordinator).send({ note: '课桌椅已到校' }).expect(200);
  await http.post(`/api/donations/${childId}/disclose`).set(hub).send({}).expect(200);
  await http.post(`/api/donations/${rootId}/disclose`).set(fdn).send({}).expect(200);
  await t.projections.waitFor(await t.store.headPosition());
  return { fundId, rootId, childId, needId, beforeNeed: chinaDate(daysAgo(7)) };
}
