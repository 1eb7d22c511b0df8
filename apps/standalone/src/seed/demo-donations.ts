import { CommandBus } from '@nestjs/cqrs';
import { Actor, CommandResult } from '@shecun/core';
import { ExecuteFlowCommand, ExecuteFundCommand, FlowRequest, FlowState } from '@shecun/donations';
import { Tick } from './demo-organizations';

const DAY = 86_400_000;

/** One step of the donations demo: a command at a point of the simulated history. */
interface Step {
  /** Days before now. */
  age: number;
  actor: Actor;
  flow: string;
  request: FlowRequest;
}

const staff = (organizationId: string, role: Actor['role'] = 'organization'): Actor => ({ id: `staff-${organizationId}`, role, organizationId });
const FDN = staff('org-gz-edu-fdn');
const CHARITY = staff('org-gz-charity');
const FEDERATION = staff('org-gz-federation', 'hub');
const ECOMMERCE = staff('org-gz-ecommerce');
const FOOD = staff('org-gz-food');

/**
 * Donation flows of the demo, each hop through the command path: an e-commerce association's gift
 * to the education foundation's rural education fund, passed on to the city charity and used for
 * 三排镇's new desks (confirmed by the village, disclosed, with a refund listed as a correction);
 * part of it allocated to a village project used without evidence and not yet confirmed; gifts of
 * individuals received long ago and not yet allocated; goods (rice) from the food association to
 * the federation for 三排镇's elders. Anomalies and every status are on show for the auditor.
 */
export const FUND_ID = 'fund-gz-rural-edu';
export const DONATION_STEPS = 18;

export async function seedDonations(bus: CommandBus, seedId: (name: string) => string, needId: (key: string) => string, now: number, tick: Tick): Promise<{ flows: number }> {
  const at = (age: number) => new Date(now - age * DAY);
  await bus.execute(
    new ExecuteFundCommand(FUND_ID, { type: 'EstablishFund', holderOrganizationId: 'org-gz-edu-fdn', name: '乡村教育专项基金', purpose: '资助粤东西北乡村学校的设施和师资' }, { actor: FDN, commandId: seedId('fund/rural-edu'), correlationId: seedId('fund/rural-edu') }, at(95)),
  );
  tick();

  const gift = seedId('flow/ecommerce-gift');
  const individuals = seedId('flow/individuals');
  const rice = seedId('flow/food-rice');
  const states = new Map<string, FlowState>();
  const run = async (step: Step, name: string): Promise<FlowState> => {
    const commandId = seedId(`flow-step/${name}`);
    const result = await bus.execute<ExecuteFlowCommand, CommandResult<FlowState>>(new ExecuteFlowCommand(step.flow, step.request, { actor: step.actor, commandId, correlationId: seedId(`flow/${step.flow}`) }, at(step.age)));
    states.set(result.state.id, result.state);
    tick();
    return result.state;
  };

  await run({ age: 90, actor: ECOMMERCE, flow: gift, request: { type: 'PledgeDonation', donor: { kind: 'organization', organizationId: 'org-gz-ecommerce' }, recipient: { kind: 'fund', id: FUND_ID }, resource: { kind: 'money' }, amount: 50_000_000, note: '会员单位联合捐赠' } }, 'gift/pledge');
  await run({ age: 88, actor: FDN, flow: gift, request: { type: 'ReceiveDonation', receiptNumber: 'GZJY-2026-0001', amount: 50_000_000, receivedOn: at(88).toISOString().slice(0, 10) } }, 'gift/receive');
  const toCharity = await run({ age: 85, actor: FDN, flow: gift, request: { type: 'AllocateDonation', allocationId: 'a-charity', target: { kind: 'organization', id: 'org-gz-charity' }, amount: 30_000_000, note: '委托慈善会实施' } }, 'gift/to-charity');
  await run({ age: 70, actor: FDN, flow: gift, request: { type: 'AllocateDonation', allocationId: 'a-library', target: { kind: 'village', villageCode: '441826105201', project: '村小图书角' }, amount: 5_000_000, note: '' } }, 'gift/library');
  await run({ age: 60, actor: FDN, flow: gift, request: { type: 'RecordUse', useId: 'u-library', allocationId: 'a-library', amount: 3_000_000, evidence: [], usedOn: at(60).toISOString().slice(0, 10), note: '图书采购，发票待补' } }, 'gift/library-use');
  await run({ age: 50, actor: FDN, flow: gift, request: { type: 'DiscloseDonation' } }, 'gift/disclose');
  await run({ age: 20, actor: FDN, flow: gift, request: { type: 'RefundDonation', amount: 1_000_000, reason: '捐赠方指定用途调整，部分退回' } }, 'gift/refund');

  const child = toCharity.allocations.find((a) => a.id === 'a-charity')!.childFlowId!;
  await run({ age: 84, actor: CHARITY, flow: '', request: { type: 'ReceiveTransfer', parentFlowId: gift, allocationId: 'a-charity', receiptNumber: 'GZCS-2026-0107', amount: 30_000_000, receivedOn: at(84).toISOString().slice(0, 10) } }, 'charity/receive');
  const desks = await run({ age: 78, actor: CHARITY, flow: child, request: { type: 'AllocateDonation', allocationId: 'a-desks', target: { kind: 'need', needId: needId('sanpai-desks') }, amount: 12_000_000, note: '课桌椅 120 套' } }, 'charity/desks');
  const village = desks.allocations.find((a) => a.id === 'a-desks')!.target as { villageCode: string };
  await run({ age: 75, actor: CHARITY, flow: child, request: { type: 'RecordUse', useId: 'u-desks', allocationId: 'a-desks', amount: 12_000_000, evidence: [{ kind: 'invoice', ref: '44011234 No.20260315', amountFen: 12_000_000 }, { kind: 'photo', ref: 'demo/sanpai-desks/handover.jpg' }], usedOn: at(75).toISOString().slice(0, 10), note: '课桌椅采购与安装' } }, 'charity/desks-use');
  await run({ age: 72, actor: { id: `cadre-${village.villageCode}`, role: 'coordinator', scope: village.villageCode }, flow: child, request: { type: 'ConfirmUse', useId: 'u-desks', note: '已验收，学生已使用' } }, 'charity/desks-confirm');
  await run({ age: 70, actor: CHARITY, flow: child, request: { type: 'DiscloseDonation' } }, 'charity/disclose');

  await run({ age: 80, actor: CHARITY, flow: individuals, request: { type: 'PledgeDonation', donor: { kind: 'individual' }, recipient: { kind: 'organization', id: 'org-gz-charity' }, resource: { kind: 'money' }, amount: 2_000_000, note: '线上募捐' } }, 'individuals/pledge');
  await run({ age: 79, actor: CHARITY, flow: individuals, request: { type: 'ReceiveDonation', receiptNumber: 'GZCS-2026-0093', amount: 2_000_000, receivedOn: at(79).toISOString().slice(0, 10) } }, 'individuals/receive');

  await run({ age: 35, actor: FOOD, flow: rice, request: { type: 'PledgeDonation', donor: { kind: 'organization', organizationId: 'org-gz-food' }, recipient: { kind: 'organization', id: 'org-gz-federation' }, resource: { kind: 'goods', item: '大米', unit: '袋', estimatedValueFen: 1_500_000 }, amount: 300, note: '每袋 10 公斤' } }, 'rice/pledge');
  await run({ age: 33, actor: FEDERATION, flow: rice, request: { type: 'ReceiveDonation', receiptNumber: 'GZSL-2026-0021', amount: 300, receivedOn: at(33).toISOString().slice(0, 10) } }, 'rice/receive');
  await run({ age: 25, actor: FEDERATION, flow: rice, request: { type: 'AllocateDonation', allocationId: 'a-elders', target: { kind: 'need', needId: needId('sanpai-elders') }, amount: 120, note: '独居老人暖冬' } }, 'rice/elders');
  return { flows: states.size };
}
