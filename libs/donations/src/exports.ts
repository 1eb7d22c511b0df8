import { exportColumns, ExportSheet } from '@shecun/core';
import { RecordedEvent } from '@shecun/event-store';
import { Donor, Party } from './donation.model';
import { FlowEvent, FlowState, valueOf } from './flow.decider';

/**
 * Exports of the donations ledger: a sheet with one row per sealed event, written as CSV or XLSX
 * (libs/core/src/spreadsheet-export.ts; this file), and the IATI activity file (iati.ts).
 */

export interface FlowHistory {
  state: FlowState;
  events: RecordedEvent[];
}

/** Chinese and English column names; the value is money (元 and 分), the occurrence an instant shown in China time. */
const LEDGER_COLUMNS = exportColumns([
  ['位置', 'position', 'number'],
  ['事件流', 'stream'],
  ['版本', 'revision', 'number'],
  ['事件编号', 'event_id'],
  ['事件类型', 'type'],
  ['发生时间', 'occurred_at', 'instant'],
  ['操作人', 'actor_id'],
  ['操作人角色', 'actor_role'],
  ['操作人所属组织', 'actor_organization_id'],
  ['捐赠流编号', 'flow_id'],
  ['分配或使用编号', 'item_id'],
  ['数量（按单位）', 'amount', 'number'],
  ['单位', 'unit'],
  ['价值', 'value', 'money'],
  ['对方', 'counterpart'],
  ['凭证或说明', 'reference'],
  ['前一哈希', 'prev_hash'],
  ['哈希', 'hash'],
]);

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

export function ledgerSheet(flows: FlowHistory[]): ExportSheet {
  const rows = flows
    .flatMap(({ state, events }) => events.map((e) => ({ state, e })))
    .sort((a, b) => a.e.position - b.e.position)
    .map(({ state, e }) => {
      const m = movement({ type: e.type, data: e.data } as FlowEvent, state);
      const seal = (e.data as { ledger?: { prevHash: string; hash: string } }).ledger;
      return [
        e.position, e.streamName, e.revision, e.id, e.type, e.metadata.occurredAt, e.metadata.actorId, e.metadata.actorRole, e.metadata.actorOrganizationId,
        state.id, m.itemId, m.amount, unitOf(state), m.amount === null ? null : Math.sign(m.amount) * valueOf(state, Math.abs(m.amount)), m.counterpart, m.reference,
        seal?.prevHash, seal?.hash,
      ];
    });
  return { name: '捐赠账本', columns: LEDGER_COLUMNS, rows };
}
