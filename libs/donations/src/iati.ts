import { chinaDate } from '@shecun/core';
import { RecordedEvent } from '@shecun/event-store';
import { create } from 'xmlbuilder2';
import type { XMLBuilder } from 'xmlbuilder2/lib/interfaces';
import { AllocationTarget, isTransfer, Party } from './donation.model';
import type { FlowHistory } from './exports';
import { allocatedOf, FlowEvent, FlowState, flowStatus, refundedOf, usedOf, valueOf } from './flow.decider';
import { OrganizationIdentity } from './organization-identifiers';

/**
 * The donations ledger as an IATI activity file (IATI Standard 2.03, iati-activities-schema.xsd):
 * one activity per donation flow, reported by the organization that holds it (a fund by its
 * holder), its events as transactions. Every child of iati-activity and of transaction is written
 * in the schema's order, with every element the schema requires (title, description,
 * participating-org, activity-status, activity-date; transaction-type, transaction-date, value).
 *
 * Organisations are named by their unified social credit code under the org-id.guide list
 * CN-USCI ("CN-USCI-" + the 18 characters), the identifier the IATI guidance asks for when an
 * organisation has no IATI registration of its own; the codes come from the donations context's
 * record of the organizations' published registrations. Where no code is known the organisation
 * is named by narrative only (as the schema allows), and villages (village committees) always are.
 *
 * The hops of a multi-hop flow (donor → fund → hub → village) link both ways: a transfer is a
 * disbursement (3) whose receiver-org names the child flow's activity (receiver-activity-id), the
 * child's incoming funds (1) name the parent's activity as provider-activity-id, and the two
 * activities name each other in related-activity (1 parent, 2 child).
 */

/** Codes used, from the IATI code lists of version 2.03. */
export const IATI_CODES = {
  /** TransactionType. Types 11 and 12 are not emitted: pledges are recorded by recipients, and a transfer is a disbursement once allocated. */
  transaction: { incomingFunds: '1', outgoingCommitment: '2', disbursement: '3', expenditure: '4', incomingPledge: '13' },
  /** ActivityStatus. */
  status: { pipeline: '1', implementation: '2', finalisation: '3', closed: '4', cancelled: '5' },
  /** OrganisationRole. */
  role: { funding: '1', accountable: '2', extending: '3', implementing: '4' },
  /** RelatedActivityType. */
  related: { parent: '1', child: '2' },
  /** ActivityDateType: actual start. */
  actualStart: '2',
  /** DescriptionType: general. */
  generalDescription: '1',
  /** OtherIdentifierType A2: the reporting organisation's internal activity identifier (the flow id). */
  internalIdentifier: 'A2',
  /** SectorVocabulary 1 (OECD DAC CRS 5-digit purpose codes), code 43040 rural development: every flow serves villages. */
  sector: { vocabulary: '1', code: '43040' },
  /** FlowType 30 private development finance; FinanceType 110 standard grant. */
  flowType: '30',
  financeType: '110',
  currency: 'CNY',
  country: 'CN',
} as const;

/** org-id.guide list of Chinese unified social credit identifiers. */
export const USCI_PREFIX = 'CN-USCI';
export const usciIdentifier = (creditCode: string) => `${USCI_PREFIX}-${creditCode}`;

/**
 * IATI OrganisationType from the credit code's registering authority and category (GB 32100):
 * 5x civil affairs — 53 foundations are 60 Foundation, other social organizations 22 National NGO;
 * 9x market regulation (enterprises) 70 Private Sector; 11 government bodies 10 Government,
 * other 1x (public institutions) 15 Other Public Sector. Undefined where none of these fits.
 */
export function organisationTypeOf(creditCode: string | undefined): string | undefined {
  if (!creditCode) return undefined;
  const [authority, category] = creditCode;
  if (authority === '5') return category === '3' ? '60' : '22';
  if (authority === '9') return '70';
  if (authority === '1') return category === '1' ? '10' : '15';
  return undefined;
}

export interface IatiOptions {
  /** Identifier of the platform, reporting in place of an organization whose credit code is not known. */
  prefix: string;
  generatedAt: Date;
  /** The organizations' identifiers, by organization id. */
  organizations: ReadonlyMap<string, OrganizationIdentity>;
}

const yuan = (fen: number) => (fen / 100).toFixed(2);
const ZH = { 'xml:lang': 'zh' };

export function iatiActivities(flows: FlowHistory[], options: IatiOptions): string {
  const orgs = options.organizations;
  const codeOf = (organizationId: string) => orgs.get(organizationId)?.creditCode;
  /** The reporting organisation of a flow held by `party`: its holder's identifier, else the platform's. */
  const reporterRef = (party: Pick<Party, 'organizationId'>) => {
    const code = codeOf(party.organizationId);
    return code ? usciIdentifier(code) : options.prefix;
  };
  const activityId = (holder: Pick<Party, 'organizationId'>, flowId: string) => `${reporterRef(holder)}-${flowId}`;
  const holderName = (party: Party) => {
    const holder = orgs.get(party.organizationId)?.name;
    return party.kind === 'fund' && holder ? `${holder}（${party.name}）` : party.name;
  };
  /** ref and type of an organization (a fund: its holder), where its credit code is known. */
  const orgAttrs = (organizationId: string, creditCode = codeOf(organizationId)): Record<string, string> => {
    if (!creditCode) return {};
    const type = organisationTypeOf(creditCode);
    return { ref: usciIdentifier(creditCode), ...(type ? { type } : {}) };
  };

  const root = create({ version: '1.0', encoding: 'UTF-8' }).ele('iati-activities', { version: '2.03', 'generated-datetime': options.generatedAt.toISOString() });
  for (const { state: s, events } of flows) {
    const id = activityId(s.recipient, s.id);
    const parentId = s.parent && s.donor.kind === 'transfer' ? activityId(s.donor.from, s.parent.flowId) : null;
    const childOf = (target: Extract<AllocationTarget, { kind: 'organization' | 'fund' }>, childFlowId: string) => activityId(target.party, childFlowId);
    const d = s.donor;
    const donorName = d.kind === 'individual' ? '个人捐赠者' : d.kind === 'transfer' ? holderName(d.from) : d.name;
    const donorAttrs =
      d.kind === 'organization' ? orgAttrs(d.organizationId)
      : d.kind === 'transfer' ? orgAttrs(d.from.organizationId)
      : d.kind === 'member_unit' ? orgAttrs('', orgs.get(d.organizationId)?.memberUnits.find((m) => m.name === d.name)?.creditCode)
      : {};
    const lastUpdated = events[events.length - 1]?.metadata.occurredAt ?? options.generatedAt.toISOString();
    const activity = root.ele('iati-activity', { 'last-updated-datetime': lastUpdated, ...ZH, 'default-currency': IATI_CODES.currency });

    activity.ele('iati-identifier').txt(id);
    const reporter = codeOf(s.recipient.organizationId);
    activity.ele('reporting-org', { ref: reporterRef(s.recipient), type: organisationTypeOf(reporter) ?? '22' }).ele('narrative').txt(holderName(s.recipient));
    const what = s.resource.kind === 'money' ? '捐赠资金' : `捐赠物资 ${s.resource.item}（${s.pledged}${s.resource.unit}）`;
    activity.ele('title').ele('narrative').txt(`${what}：${donorName} → ${s.recipient.name}${s.receiptNumber ? ` 票据 ${s.receiptNumber}` : ''}`);
    const figures = `认捐或转入 ${yuan(valueOf(s, s.pledged))} 元，到账 ${yuan(valueOf(s, s.received))} 元，退款 ${yuan(valueOf(s, refundedOf(s)))} 元，安排 ${yuan(valueOf(s, allocatedOf(s)))} 元，使用 ${yuan(valueOf(s, usedOf(s)))} 元`;
    const kind = s.resource.kind === 'money' ? '资金' : `物资 ${s.resource.item}，按估值计`;
    activity.ele('description', { type: IATI_CODES.generalDescription }).ele('narrative').txt(`捐赠流向 ${s.id}：${donorName} 捐赠给 ${holderName(s.recipient)} 的${kind}。${figures}。`);

    // participating-org: the donor funds, the holder is accountable (and implements its own uses), receivers of transfers implement.
    const participant = (role: string, name: string, attrs: Record<string, string>, activityRef?: string) =>
      activity.ele('participating-org', { ...attrs, role, ...(activityRef ? { 'activity-id': activityRef } : {}) }).ele('narrative').txt(name);
    participant(IATI_CODES.role.funding, donorName, donorAttrs, parentId ?? undefined);
    participant(IATI_CODES.role.accountable, holderName(s.recipient), orgAttrs(s.recipient.organizationId), id);
    const transfers = s.allocations.filter((a) => isTransfer(a.target) && a.childFlowId);
    if (transfers.length > 0) participant(IATI_CODES.role.extending, holderName(s.recipient), orgAttrs(s.recipient.organizationId), id);
    if (s.allocations.some((a) => !isTransfer(a.target))) participant(IATI_CODES.role.implementing, holderName(s.recipient), orgAttrs(s.recipient.organizationId), id);
    for (const a of transfers) {
      if (!isTransfer(a.target)) continue;
      participant(IATI_CODES.role.implementing, holderName(a.target.party), orgAttrs(a.target.party.organizationId), childOf(a.target, a.childFlowId!));
    }

    activity.ele('other-identifier', { ref: s.id, type: IATI_CODES.internalIdentifier });
    activity.ele('activity-status', { code: activityStatus(s) });
    activity.ele('activity-date', { type: IATI_CODES.actualStart, 'iso-date': chinaDate(s.pledgedAt ?? s.receivedAt ?? lastUpdated) });
    activity.ele('recipient-country', { code: IATI_CODES.country });
    activity.ele('sector', { vocabulary: IATI_CODES.sector.vocabulary, code: IATI_CODES.sector.code });
    activity.ele('default-flow-type', { code: IATI_CODES.flowType });
    activity.ele('default-finance-type', { code: IATI_CODES.financeType });

    const selfName = holderName(s.recipient);
    const org = (t: XMLBuilder, element: 'provider-org' | 'receiver-org', name: string, attrs: Record<string, string>) => t.ele(element, attrs).ele('narrative').txt(name);
    const fromDonor = (t: XMLBuilder) => org(t, 'provider-org', donorName, { ...donorAttrs, ...(parentId ? { 'provider-activity-id': parentId } : {}) });
    const toSelf = (t: XMLBuilder) => org(t, 'receiver-org', selfName, { ...orgAttrs(s.recipient.organizationId), 'receiver-activity-id': id });
    const fromSelf = (t: XMLBuilder) => org(t, 'provider-org', selfName, { ...orgAttrs(s.recipient.organizationId), 'provider-activity-id': id });
    const toVillage = (t: XMLBuilder, villageCode: string, what: string) => org(t, 'receiver-org', `${villageCode} 村（居）民委员会${what ? `：${what}` : ''}`, {});
    const transaction = (e: RecordedEvent, code: string, amount: number, description: string) => {
      const t = activity.ele('transaction', { ref: e.id });
      const date = chinaDate(e.metadata.occurredAt);
      t.ele('transaction-type', { code });
      t.ele('transaction-date', { 'iso-date': date });
      t.ele('value', { currency: IATI_CODES.currency, 'value-date': date }).txt(yuan(Math.sign(amount) * valueOf(s, Math.abs(amount))));
      t.ele('description').ele('narrative').txt(description);
      return t;
    };
    const targetOf = (allocationId: string) => s.allocations.find((a) => a.id === allocationId)?.target;
    const villageOf = (target: AllocationTarget | undefined) =>
      !target || isTransfer(target) ? { code: '', what: '' } : { code: target.villageCode, what: target.kind === 'need' ? target.title : target.project };

    for (const recorded of events) {
      const e = { type: recorded.type, data: recorded.data } as FlowEvent;
      switch (e.type) {
        case 'DonationPledged': {
          const t = transaction(recorded, IATI_CODES.transaction.incomingPledge, e.data.amount, '认捐');
          fromDonor(t);
          toSelf(t);
          break;
        }
        case 'DonationReceived':
        case 'TransferReceived': {
          const t = transaction(recorded, IATI_CODES.transaction.incomingFunds, e.data.amount, `到账 ${e.data.receiptNumber}`);
          fromDonor(t);
          toSelf(t);
          break;
        }
        case 'DonationAllocated': {
          const target = e.data.target;
          if (isTransfer(target)) {
            const t = transaction(recorded, IATI_CODES.transaction.disbursement, e.data.amount, `转拨给 ${holderName(target.party)}`);
            fromSelf(t);
            org(t, 'receiver-org', holderName(target.party), { ...orgAttrs(target.party.organizationId), ...(e.data.childFlowId ? { 'receiver-activity-id': childOf(target, e.data.childFlowId) } : {}) });
          } else {
            const v = villageOf(target);
            const t = transaction(recorded, IATI_CODES.transaction.outgoingCommitment, e.data.amount, `使用安排：${v.what}`);
            fromSelf(t);
            toVillage(t, v.code, v.what);
          }
          break;
        }
        case 'AllocationReturned': {
          const v = villageOf(targetOf(e.data.allocationId));
          const t = transaction(recorded, IATI_CODES.transaction.outgoingCommitment, -e.data.amount, `退回安排：${e.data.reason}`);
          fromSelf(t);
          if (v.code) toVillage(t, v.code, v.what);
          break;
        }
        case 'DonationUsed': {
          const v = villageOf(targetOf(e.data.allocationId));
          const evidence = e.data.evidence.length ? `（凭证 ${e.data.evidence.map((x) => x.ref).join('，')}）` : '（无凭证）';
          const t = transaction(recorded, IATI_CODES.transaction.expenditure, e.data.amount, `使用${evidence}`);
          fromSelf(t);
          toVillage(t, e.data.villageCode, v.what);
          break;
        }
        case 'DonationRefunded': {
          const t = transaction(recorded, IATI_CODES.transaction.incomingFunds, -e.data.amount, `退款：${e.data.reason}`);
          fromDonor(t);
          toSelf(t);
          break;
        }
        case 'ReceiptCorrected': {
          const t = transaction(recorded, IATI_CODES.transaction.incomingFunds, e.data.to.amount - e.data.from.amount, `更正：${e.data.reason}`);
          fromDonor(t);
          toSelf(t);
          break;
        }
        default:
          break;
      }
    }

    if (parentId) activity.ele('related-activity', { ref: parentId, type: IATI_CODES.related.parent });
    for (const a of transfers) if (isTransfer(a.target)) activity.ele('related-activity', { ref: childOf(a.target, a.childFlowId!), type: IATI_CODES.related.child });
  }
  return root.end({ prettyPrint: true });
}

/** Pledged only: pipeline; wholly refunded: cancelled; used, confirmed and disclosed: closed; used and confirmed: finalisation. */
function activityStatus(s: FlowState): string {
  const status = flowStatus(s);
  if (status === 'pledged') return IATI_CODES.status.pipeline;
  if (status === 'refunded') return IATI_CODES.status.cancelled;
  if (status === 'confirmed') return s.disclosedAt ? IATI_CODES.status.closed : IATI_CODES.status.finalisation;
  return IATI_CODES.status.implementation;
}
