import { Actor } from '@shecun/core';
import { RecordedEvent } from '@shecun/event-store';
import { creditCodeCheckChar, makeCreditCode, organizationCodeCheckChar } from '@shecun/organizations';
import fc from 'fast-check';
import { checkIatiActivities, isUsciRef } from '../../../test/support/iati-schema';
import { Donor, flowStream, Party } from './donation.model';
import { childFlowId } from './donations.commands';
import { FlowHistory } from './exports';
import { availableOf, FlowCommand, flowDecider, netAllocation, usedOn } from './flow.decider';
import { iatiActivities, organisationTypeOf, usciIdentifier } from './iati';
import { OrganizationIdentity } from './organization-identifiers';

/**
 * The IATI export against the 2.03 schema's order and code lists (test/support/iati-schema.ts),
 * on donation graphs of every shape: a donor (organization, member unit with or without a credit
 * code, individual) gives money or goods to an organization or a fund, which passes parts on
 * through up to four more organizations or funds before the last allocates to a village or a
 * need and uses it — with returns, refunds, corrections, transfers still unreceived, and
 * organizations whose credit codes are not known.
 */

const PREFIX = 'CN-SHECUN';
const system: Actor = { id: 'system', role: 'system' };

/** Runs commands through the flow decider as the command handler would, recording the events as the store would. */
class Recorder {
  private position = 0;
  private clock = Date.parse('2026-03-01T01:00:00.000Z');
  readonly flows = new Map<string, FlowHistory>();

  run(flowId: string, command: FlowCommand): void {
    const history = this.flows.get(flowId) ?? { state: flowDecider.initialState, events: [] as RecordedEvent[] };
    const now = new Date((this.clock += 7 * 3_600_000));
    for (const e of flowDecider.decide(command, history.state, { actor: system, now })) {
      history.state = flowDecider.evolve(history.state, e);
      const revision = history.events.length;
      history.events.push({
        id: `${flowId}-${revision}`, type: e.type, schemaVersion: 1, data: e.data, streamName: flowStream(flowId), revision, position: ++this.position,
        metadata: { actorId: system.id, actorRole: system.role, correlationId: 'c', causationId: 'c', occurredAt: now.toISOString() },
      });
    }
    this.flows.set(flowId, history);
  }

  state(flowId: string) {
    return this.flows.get(flowId)!.state;
  }
}

const memberUnitCode = (serial: number) => {
  const body = `MA${String(serial).padStart(6, '0')}`;
  const first17 = `91440101${body}${organizationCodeCheckChar(body)}`;
  return first17 + creditCodeCheckChar(first17);
};

interface Hop {
  kind: 'organization' | 'fund';
  /** Percent of what is available passed on to the next hop. */
  share: number;
  /** Percent of what stays allocated to a village directly. */
  direct: number;
  known: boolean;
}

const graphs = fc.record({
  goods: fc.boolean(),
  donor: fc.constantFrom('organization', 'member_unit', 'member_unit_uncoded', 'individual'),
  donorKnown: fc.boolean(),
  amount: fc.integer({ min: 1_000, max: 50_000_000 }),
  received: fc.integer({ min: 50, max: 100 }),
  first: fc.record({ kind: fc.constantFrom('organization' as const, 'fund' as const), share: fc.integer({ min: 1, max: 100 }), direct: fc.integer({ min: 0, max: 50 }), known: fc.boolean() }),
  hops: fc.array(fc.record({ kind: fc.constantFrom('organization' as const, 'fund' as const), share: fc.integer({ min: 1, max: 100 }), direct: fc.integer({ min: 0, max: 50 }), known: fc.boolean() }), { maxLength: 4 }),
  lastReceived: fc.boolean(),
  end: fc.record({
    need: fc.boolean(),
    use: fc.integer({ min: 0, max: 100 }),
    confirm: fc.boolean(),
    giveBack: fc.integer({ min: 0, max: 100 }),
    refund: fc.integer({ min: 0, max: 100 }),
    correct: fc.boolean(),
    disclose: fc.boolean(),
  }),
});

type Graph = typeof graphs extends fc.Arbitrary<infer T> ? T : never;

function build(g: Graph) {
  const recorder = new Recorder();
  const organizations = new Map<string, OrganizationIdentity>();
  let serial = 0;
  const party = (i: number, hop: Hop): Party => {
    const holder = `org-${i}`;
    if (hop.known) organizations.set(holder, { organizationId: holder, creditCode: makeCreditCode(hop.kind === 'fund' ? 'foundation' : 'social_group', '440100', ++serial), name: `第${i}家社会组织`, memberUnits: [] });
    return hop.kind === 'fund'
      ? { kind: 'fund', id: `fund-${i}`, name: `第${i}号专项基金`, organizationId: holder, divisionCode: '4401' }
      : { kind: 'organization', id: holder, name: `第${i}家社会组织`, organizationId: holder, divisionCode: '4401' };
  };

  let donor: Donor = { kind: 'individual' };
  if (g.donor !== 'individual') {
    const unit = { name: '某会员企业', ...(g.donor === 'member_unit' ? { creditCode: memberUnitCode(++serial) } : {}) };
    if (g.donorKnown) organizations.set('org-donor', { organizationId: 'org-donor', creditCode: makeCreditCode('social_group', '440100', ++serial), name: '某行业协会', memberUnits: [unit] });
    donor = g.donor === 'organization' ? { kind: 'organization', organizationId: 'org-donor', name: '某行业协会' } : { kind: 'member_unit', organizationId: 'org-donor', name: unit.name };
  }
  const resource = g.goods ? { kind: 'goods' as const, item: '大米', unit: '袋', estimatedValueFen: g.amount * 7 } : { kind: 'money' as const };
  const rootId = 'flow-root';
  recorder.run(rootId, { type: 'PledgeDonation', flowId: rootId, donor, donorStanding: null, recipient: party(0, g.first), resource, amount: g.amount, note: '认捐' });
  const receivedAmount = Math.max(1, Math.floor((g.amount * g.received) / 100));
  recorder.run(rootId, { type: 'ReceiveDonation', receiptNumber: 'R-0001', amount: receivedAmount, receivedOn: '2026-03-01' });

  const chain = [rootId];
  const hops: Hop[] = [g.first, ...g.hops];
  let current = rootId;
  for (let i = 1; i < hops.length; i++) {
    const state = recorder.state(current);
    const direct = Math.floor((availableOf(state) * hops[i - 1].direct) / 100);
    if (direct > 0) recorder.run(current, { type: 'AllocateDonation', allocationId: `direct-${i}`, target: { kind: 'village', villageCode: '441826105201', project: '村道修缮' }, amount: direct, note: '', childFlowId: null });
    const onward = Math.floor((availableOf(recorder.state(current)) * hops[i - 1].share) / 100);
    if (onward <= 0) break;
    const allocationId = `transfer-${i}`;
    const target = party(i, hops[i]);
    const child = childFlowId(current, allocationId);
    recorder.run(current, { type: 'AllocateDonation', allocationId, target: { kind: target.kind, party: target }, amount: onward, note: '', childFlowId: child });
    if (i === hops.length - 1 && !g.lastReceived) break;
    recorder.run(child, { type: 'ReceiveTransfer', flowId: child, parent: recorder.state(current), allocationId, receiptNumber: `R-${i}`, amount: onward, receivedOn: '2026-03-02' });
    chain.push(child);
    current = child;
  }

  // The last hop reached allocates to a village or a need, uses, confirms, returns and refunds.
  const last = chain[chain.length - 1];
  const available = availableOf(recorder.state(last));
  if (available > 0) {
    const target = g.end.need ? { kind: 'need' as const, needId: 'need-1', villageCode: '441826105201', title: '村小课桌椅' } : { kind: 'village' as const, villageCode: '441826105202', project: '卫生站' };
    recorder.run(last, { type: 'AllocateDonation', allocationId: 'final', target, amount: available, note: '', childFlowId: null });
    const allocation = recorder.state(last).allocations.find((a) => a.id === 'final')!;
    const used = Math.floor((netAllocation(allocation) * g.end.use) / 100);
    if (used > 0) {
      recorder.run(last, { type: 'RecordUse', useId: 'use-1', allocationId: 'final', need: null, amount: used, evidence: g.end.confirm ? [{ kind: 'invoice', ref: 'No.0001' }] : [], usedOn: '2026-03-05', note: '' });
      if (g.end.confirm) recorder.run(last, { type: 'ConfirmUse', useId: 'use-1', note: '已收到' });
    }
    const unused = netAllocation(recorder.state(last).allocations.find((a) => a.id === 'final')!) - usedOn(recorder.state(last), 'final');
    const back = Math.floor((unused * g.end.giveBack) / 100);
    if (back > 0) recorder.run(last, { type: 'ReturnAllocation', allocationId: 'final', amount: back, reason: '项目调整' });
  }
  const refund = Math.floor((availableOf(recorder.state(last)) * g.end.refund) / 100);
  if (refund > 0) recorder.run(last, { type: 'RefundDonation', amount: refund, reason: '捐赠方要求退回' });
  const root = recorder.state(rootId);
  if (g.end.correct && root.received < root.pledged) recorder.run(rootId, { type: 'CorrectReceipt', amount: root.received + 1, receiptNumber: 'R-0001-更正', reason: '补录' });
  if (g.end.disclose) for (const id of chain) recorder.run(id, { type: 'DiscloseDonation' });
  return { recorder, organizations, chain };
}

const exportOf = (flows: FlowHistory[], organizations: Map<string, OrganizationIdentity>) =>
  iatiActivities(flows, { prefix: PREFIX, generatedAt: new Date('2026-12-01T00:00:00.000Z'), organizations });

describe('IATI 2.03 export', () => {
  it('maps credit codes to IATI organisation types', () => {
    expect(organisationTypeOf(makeCreditCode('foundation', '440100', 1))).toBe('60');
    expect(organisationTypeOf(makeCreditCode('social_group', '440100', 1))).toBe('22');
    expect(organisationTypeOf(makeCreditCode('social_service_institution', '440100', 1))).toBe('22');
    expect(organisationTypeOf(memberUnitCode(1))).toBe('70');
    expect(organisationTypeOf(undefined)).toBeUndefined();
    expect(isUsciRef(usciIdentifier(memberUnitCode(7)))).toBe(true);
    expect(isUsciRef('CN-USCI-51440100MJ0000011X')).toBe(false);
  });

  it('writes every graph of hops in the schema’s order, with the code lists, hops linked both ways', () => {
    fc.assert(
      fc.property(graphs, (g) => {
        const { recorder, organizations, chain } = build(g);
        const flows = [...recorder.flows.values()];
        const { activities, problems } = checkIatiActivities(exportOf(flows, organizations));
        expect(problems).toEqual([]);
        expect(activities).toHaveLength(flows.length);

        // Each flow is an activity of its holder (the platform's prefix where the holder's code is unknown).
        for (const { state } of flows) {
          const code = organizations.get(state.recipient.organizationId)?.creditCode;
          const id = `${code ? usciIdentifier(code) : PREFIX}-${state.id}`;
          const activity = activities.find((a) => a.id === id);
          expect(activity).toBeDefined();
          expect(activity!.reportingRef).toBe(code ? usciIdentifier(code) : PREFIX);
          // Money received less refunds is the sum of the incoming funds.
          if (!g.goods) {
            const incoming = activity!.transactions.filter((t) => t.type === '1').reduce((sum, t) => sum + Math.round(t.value * 100), 0);
            expect(incoming).toBe(state.received - state.refunds.reduce((sum, r) => sum + r.amount, 0));
          }
        }

        // From the gift down to the last hop by receiver-activity-id, and back up by provider-activity-id.
        const idOf = (flowId: string) => activities.find((a) => a.id.endsWith(`-${flowId}`))!.id;
        for (let i = 1; i < chain.length; i++) {
          const parent = activities.find((a) => a.id === idOf(chain[i - 1]))!;
          const child = activities.find((a) => a.id === idOf(chain[i]))!;
          expect(parent.transactions.some((t) => t.type === '3' && t.receiverActivityId === child.id)).toBe(true);
          expect(child.transactions.find((t) => t.type === '1')!.providerActivityId).toBe(parent.id);
        }
        // A transfer not yet received already names the activity its receiver will report.
        const pending = flows.flatMap(({ state }) => state.allocations.filter((a) => a.childFlowId && !recorder.flows.has(a.childFlowId)));
        for (const a of pending) expect(activities.some((x) => x.transactions.some((t) => t.type === '3' && t.receiverActivityId?.endsWith(`-${a.childFlowId}`)))).toBe(true);
      }),
      { numRuns: 150 },
    );
  });

  it('names an organization with no known credit code by its name only, never by an internal id', () => {
    const { recorder } = build({ goods: false, donor: 'organization', donorKnown: false, amount: 100_000, received: 100, first: { kind: 'fund', share: 50, direct: 0, known: false }, hops: [{ kind: 'organization', share: 50, direct: 0, known: false }], lastReceived: true, end: { need: true, use: 50, confirm: true, giveBack: 0, refund: 0, correct: false, disclose: true } });
    const xml = exportOf([...recorder.flows.values()], new Map());
    expect(checkIatiActivities(xml).problems).toEqual([]);
    expect(xml).not.toMatch(/ref="org-/);
    expect(xml).toContain('<iati-identifier>CN-SHECUN-flow-root</iati-identifier>');
  });
});

describe('the IATI order table', () => {
  it('catches what the 2.03 schema refuses: required elements missing, elements out of order, codes outside their lists', () => {
    const xml = `<?xml version="1.0" encoding="UTF-8"?>
<iati-activities version="2.03" generated-datetime="2026-12-01T00:00:00.000Z">
  <iati-activity default-currency="CNY" last-updated-datetime="2026-12-01T00:00:00.000Z">
    <iati-identifier>CN-SHECUN-f1</iati-identifier>
    <reporting-org ref="org-gz-charity" type="22"><narrative>广州市慈善会</narrative></reporting-org>
    <title><narrative>捐赠资金</narrative></title>
    <activity-status code="2"/>
    <transaction><transaction-date iso-date="2026-11-01"/><transaction-type code="14"/><value value-date="2026-11-01">10.00</value></transaction>
  </iati-activity>
</iati-activities>`;
    const { problems } = checkIatiActivities(xml);
    expect(problems).toEqual(
      expect.arrayContaining([
        'activity CN-SHECUN-f1: required description is missing',
        'activity CN-SHECUN-f1: required participating-org is missing',
        'activity CN-SHECUN-f1: required activity-date is missing',
        "activity CN-SHECUN-f1: the identifier does not start with the reporting organisation's identifier org-gz-charity-",
        "activity CN-SHECUN-f1/transaction[1]: transaction-type comes after transaction-date, against the schema's order",
        'activity CN-SHECUN-f1/transaction[1]/transaction-type/@code = "14" is not in the code list',
      ]),
    );
  });
});
