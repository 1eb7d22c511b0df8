import { spreadsheetRows } from '@shecun/core';
import { RecordedEvent } from '@shecun/event-store';
import { stringify } from 'csv-stringify/sync';
import { create } from 'xmlbuilder2';
import { Donor, isTransfer, Party } from './donation.model';
import { FlowEvent, FlowState, valueOf } from './flow.decider';

/**
 * Exports of the donations ledger: a CSV with one row per sealed event, and an IATI-style
 * activity file (IATI 2.03 activity standard): one activity per flow, its events as transactions
 * with provider and receiver organizations and their activity ids, values in CNY.
 */

export interface FlowHistory {
  state: FlowState;
  events: RecordedEvent[];
}

const LEDGER_COLUMNS = [
  'position', 'stream', 'revision', 'event_id', 'type', 'occurred_at', 'actor_id', 'actor_role', 'actor_organization_id',
  'flow_id', 'item_id', 'amount', 'unit', 'value_fen', 'counterpart', 'reference', 'prev_hash', 'hash',
] as const;

const unitOf = (s: FlowState) => (s.resource.kind === 'money' ? '分' : s.resource.unit);
const partyName = (p: Party) => `${p.kind}:${p.id} ${p.name}`;
const donorName = (d: Donor) => (d.kind === 'individual' ? 'individual' : d.kind === 'transfer' ? partyName(d.from) : `${d.kind}:${d.organizationId} ${d.name}`);

/** What one event moved: item, amount (in the flow's unit, signed), counterpart and reference. */
function movement(e: FlowEvent, s: FlowState): { itemId: string; amount: number | null; counterpart: string; reference: string } {
  const d = e.data;
  switch (e.type) {
    case 'DonationPledged':
      return { itemId: '', amount: e.data.amount, counterpart: donorName(e.data.donor), reference: e.data.note };
    case 'DonationReceived':
      return { itemId: '', amount: e.data.amount, counterpart: donorName(s.donor), reference: e.data.receiptNumber };
    case 'TransferReceived':
      return { itemId: e.data.parent.allocationId, amount: e.data.amount, counterpart: `flow:${e.data.parent.flowId}`, reference: e.data.receiptNumber };
    case 'DonationAllocated': {
      const t = e.data.target;
      const counterpart = t.kind === 'need' ? `need:${t.needId} ${t.title} (${t.villageCode})` : t.kind === 'village' ? `village:${t.villageCode} ${t.project}` : partyName(t.party);
      return { itemId: e.data.allocationId, amount: e.data.amount, counterpart, reference: e.data.childFlowId ? `flow:${e.data.childFlowId}` : '' };
    }
    case 'AllocationReturned':
      return { itemId: e.data.allocationId, amount: -e.data.amount, counterpart: '', reference: e.data.reason };
    case 'DonationUsed':
      return { itemId: e.data.useId, amount: e.data.amount, counterpart: `village:${e.data.villageCode}${e.data.needId ? ` need:${e.data.needId}` : ''}`, reference: e.data.evidence.map((x) => `${x.kind}:${x.ref}`).join('; ') };
    case 'UseEvidenceAdded':
      return { itemId: e.data.useId, amount: null, counterpart: '', reference: e.data.evidence.map((x) => `${x.kind}:${x.ref}`).join('; ') };
    case 'UseConfirmed':
      return { itemId: e.data.useId, amount: null, counterpart: '', reference: e.data.note };
    case 'DonationDisclosed':
      return { itemId: '', amount: null, counterpart: '', reference: '' };
    case 'DonationRefunded':
      return { itemId: '', amount: -e.data.amount, counterpart: donorName(s.donor), reference: e.data.reason };
    case 'ReceiptCorrected':
      return { itemId: '', amount: e.data.to.amount - e.data.from.amount, counterpart: '', reference: `${e.data.from.receiptNumber} → ${e.data.to.receiptNumber}: ${e.data.reason}` };
  }
  return { itemId: '', amount: null, counterpart: '', reference: JSON.stringify(d) };
}

export function ledgerCsv(flows: FlowHistory[]): string {
  const rows = flows
    .flatMap(({ state, events }) => events.map((e) => ({ state, e })))
    .sort((a, b) => a.e.position - b.e.position)
    .map(({ state, e }) => {
      const m = movement({ type: e.type, data: e.data } as FlowEvent, state);
      const seal = (e.data as { ledger?: { prevHash: string; hash: string } }).ledger;
      return [
        e.position, e.streamName, e.revision, e.id, e.type, e.metadata.occurredAt, e.metadata.actorId, e.metadata.actorRole, e.metadata.actorOrganizationId ?? '',
        state.id, m.itemId, m.amount ?? '', unitOf(state), m.amount === null ? '' : Math.sign(m.amount) * valueOf(state, Math.abs(m.amount)), m.counterpart, m.reference,
        seal?.prevHash ?? '', seal?.hash ?? '',
      ];
    });
  // A byte order mark so that spreadsheet programs read the Chinese text as UTF-8; amounts stay
  // numbers, text a spreadsheet could run as a formula is neutralised (spreadsheetRows).
  return '\ufeff' + stringify(spreadsheetRows([LEDGER_COLUMNS, ...rows]));
}

/** IATI transaction type codes (TransactionType codelist). */
const IATI = { incomingFunds: '1', outgoingCommitment: '2', disbursement: '3', expenditure: '4', incomingCommitment: '11', outgoingPledge: '12', incomingPledge: '13' } as const;

export const iatiIdentifier = (prefix: string, flowId: string) => `${prefix}-${flowId}`;
const yuan = (fen: number) => (fen / 100).toFixed(2);

export function iatiActivities(flows: FlowHistory[], options: { prefix: string; generatedAt: Date }): string {
  const root = create({ version: '1.0', encoding: 'UTF-8' }).ele('iati-activities', { version: '2.03', 'generated-datetime': options.generatedAt.toISOString() });
  for (const { state: s, events } of flows) {
    const id = iatiIdentifier(options.prefix, s.id);
    const activity = root.ele('iati-activity', { 'default-currency': 'CNY', 'last-updated-datetime': events[events.length - 1]?.metadata.occurredAt ?? options.generatedAt.toISOString() });
    activity.ele('iati-identifier').txt(id);
    activity.ele('reporting-org', { ref: s.recipient.organizationId, type: '22' }).ele('narrative', { 'xml:lang': 'zh' }).txt(s.recipient.name);
    const title = s.resource.kind === 'money' ? `捐赠资金 ${s.receiptNumber ?? ''}`.trim() : `捐赠物资 ${s.resource.item}（${s.pledged}${s.resource.unit}）`;
    activity.ele('title').ele('narrative', { 'xml:lang': 'zh' }).txt(title);
    activity.ele('activity-status', { code: s.uses.length > 0 && s.uses.every((u) => u.confirmedAt) ? '3' : '2' });
    if (s.parent) activity.ele('related-activity', { ref: iatiIdentifier(options.prefix, s.parent.flowId), type: '1' });
    for (const a of s.allocations) if (a.childFlowId) activity.ele('related-activity', { ref: iatiIdentifier(options.prefix, a.childFlowId), type: '2' });

    const provider = (t: ReturnType<typeof activity.ele>) => {
      const d = s.donor;
      const attrs: Record<string, string> = {};
      if (d.kind === 'organization' || d.kind === 'member_unit') attrs.ref = d.organizationId;
      if (d.kind === 'transfer') {
        attrs.ref = d.from.organizationId;
        if (s.parent) attrs['provider-activity-id'] = iatiIdentifier(options.prefix, s.parent.flowId);
      }
      t.ele('provider-org', attrs).ele('narrative', { 'xml:lang': 'zh' }).txt(d.kind === 'individual' ? '个人捐赠者' : d.kind === 'transfer' ? d.from.name : d.name);
    };
    const receiver = (t: ReturnType<typeof activity.ele>, name: string, attrs: Record<string, string>) => t.ele('receiver-org', attrs).ele('narrative', { 'xml:lang': 'zh' }).txt(name);
    const transaction = (e: RecordedEvent, code: string, amount: number, description: string) => {
      const t = activity.ele('transaction', { ref: e.id });
      t.ele('transaction-type', { code });
      t.ele('transaction-date', { 'iso-date': e.metadata.occurredAt.slice(0, 10) });
      t.ele('value', { 'value-date': e.metadata.occurredAt.slice(0, 10) }).txt(yuan(Math.sign(amount) * valueOf(s, Math.abs(amount))));
      if (description) t.ele('description').ele('narrative', { 'xml:lang': 'zh' }).txt(description);
      return t;
    };
    for (const recorded of events) {
      const e = { type: recorded.type, data: recorded.data } as FlowEvent;
      switch (e.type) {
        case 'DonationPledged':
          provider(transaction(recorded, IATI.incomingPledge, e.data.amount, '认捐'));
          break;
        case 'DonationReceived':
        case 'TransferReceived':
          provider(transaction(recorded, IATI.incomingFunds, e.data.amount, `到账 ${e.data.receiptNumber}`));
          break;
        case 'DonationAllocated': {
          const target = e.data.target;
          if (isTransfer(target)) {
            const t = transaction(recorded, IATI.disbursement, e.data.amount, '转拨');
            receiver(t, target.party.name, { ref: target.party.organizationId, ...(e.data.childFlowId ? { 'receiver-activity-id': iatiIdentifier(options.prefix, e.data.childFlowId) } : {}) });
          } else {
            const t = transaction(recorded, IATI.outgoingCommitment, e.data.amount, target.kind === 'need' ? `使用安排：${target.title}` : `使用安排：${target.project}`);
            receiver(t, target.villageCode, { ref: `CN-DIVISION-${target.villageCode}` });
          }
          break;
        }
        case 'AllocationReturned':
          transaction(recorded, IATI.outgoingCommitment, -e.data.amount, `退回安排：${e.data.reason}`);
          break;
        case 'DonationUsed': {
          const t = transaction(recorded, IATI.expenditure, e.data.amount, `使用${e.data.evidence.length ? `（凭证 ${e.data.evidence.map((x) => x.ref).join('，')}）` : '（无凭证）'}`);
          receiver(t, e.data.villageCode, { ref: `CN-DIVISION-${e.data.villageCode}` });
          break;
        }
        case 'DonationRefunded':
          provider(transaction(recorded, IATI.incomingFunds, -e.data.amount, `退款：${e.data.reason}`));
          break;
        case 'ReceiptCorrected':
          transaction(recorded, IATI.incomingFunds, e.data.to.amount - e.data.from.amount, `更正：${e.data.reason}`);
          break;
        default:
          break;
      }
    }
  }
  return root.end({ prettyPrint: true });
}
