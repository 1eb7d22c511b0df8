/**
 * The donations API's shapes (libs/donations/src/donations.queries.ts, audit.ts, ledger.ts) and
 * their labels, [中文, English].
 */
type Pair = readonly [string, string];

export interface Party {
  kind: 'organization' | 'fund';
  id: string;
  name: string;
  organizationId: string;
  divisionCode: string;
}

export type Donor =
  | { kind: 'organization'; organizationId: string; name: string }
  | { kind: 'member_unit'; organizationId: string; name: string }
  | { kind: 'individual' }
  | { kind: 'transfer'; from: Party };

export type Resource = { kind: 'money' } | { kind: 'goods'; item: string; unit: string; estimatedValueFen: number };

export type AllocationTarget =
  | { kind: 'need'; needId: string; villageCode: string; title: string; teamId?: string }
  | { kind: 'village'; villageCode: string; project: string }
  | { kind: 'organization'; party: Party }
  | { kind: 'fund'; party: Party };

export interface Evidence {
  kind: string;
  ref: string;
  amountFen?: number;
  note?: string;
  file?: import('./api').EvidenceFile;
}

export interface Allocation {
  id: string;
  target: AllocationTarget;
  amount: number;
  valueFen: number;
  returned: number;
  net: number;
  used: number | null;
  childFlowId: string | null;
  note: string;
  allocatedAt: string;
}

export interface Use {
  id: string;
  allocationId: string;
  needId: string | null;
  villageCode: string;
  amount: number;
  valueFen: number;
  evidence: Evidence[];
  usedOn: string;
  note: string;
  usedAt: string;
  confirmedAt: string | null;
  noEvidenceReason?: string;
}

export interface Figures {
  receivedFen: number;
  allocatedFen: number;
  usedFen: number;
  confirmedFen: number;
}

export interface Flow {
  id: string;
  status: string;
  parentFlowId: string | null;
  parentAllocationId: string | null;
  donor: Donor;
  recipient: Party;
  resource: Resource;
  unit: string;
  pledged: number;
  received: number;
  refunded: number;
  allocated: number;
  available: number;
  used: number;
  confirmed: number;
  figures: Figures;
  receiptNumber: string | null;
  receivedOn: string | null;
  pledgedAt: string | null;
  receivedAt: string | null;
  disclosedAt: string | null;
  allocations: Allocation[];
  uses: Use[];
  refunds: Array<{ amount: number; reason: string; at: string }>;
  corrections: Array<{ from: { amount: number; receiptNumber: string }; to: { amount: number; receiptNumber: string }; reason: string; at: string }>;
  ledger: { events: number; lastHash: string | null };
}

export interface FlowPage {
  page: number;
  pageSize: number;
  total: number;
  items: Flow[];
}

export interface TraceEvent {
  revision: number;
  position: number;
  type: string;
  occurredAt: string;
  /** Who did it: the person's display name and the organization's name where the donations context knows them. */
  actor: { id: string; role: string; organizationId: string | null; name?: string | null; organizationName?: string | null };
}

export interface TraceHop extends Flow {
  depth: number;
  events: TraceEvent[];
}

export interface Trace {
  flowId: string;
  asOf: string;
  rootFlowId: string;
  upstream: string[];
  downstream: string[];
  hops: TraceHop[];
}

export interface BalanceRow extends Figures {
  kind: 'organization' | 'fund' | 'need' | 'village';
  id: string;
  name: string;
  unallocatedFen: number;
}

export interface Balances {
  asOf: string;
  flows: number;
  items: BalanceRow[];
}

export interface Anomaly {
  kind: string;
  flowId: string;
  itemId: string | null;
  holder: string;
  amount: number;
  valueFen: number;
  since: string | null;
  days: number | null;
  detail: string;
}

export interface Anomalies {
  asOf: string;
  days: number;
  total: number;
  items: Anomaly[];
}

export interface LedgerReport {
  ok: boolean;
  eventsChecked: number;
  streamsChecked: number;
  head: string;
  firstBrokenLink: { position: number; stream: string; revision: number; eventId: string; type: string; problem: string; expected: string | number | null; found: string | number | null } | null;
  brokenLinks: number;
}

export interface Fund {
  id: string;
  name: string;
  holderOrganizationId: string;
  holderName?: string;
  purpose?: string;
  divisionCode?: string;
  establishedAt?: string;
}

export interface FundDetail extends Fund {
  flows: number;
  totals: Figures;
}

export interface OrganizationDisclosure {
  organizationId: string;
  recipients: string[];
  flows: number;
  totals: Figures;
  donors: Array<{ donor: string; kind: string; flows: number; receivedFen: number }>;
  projects: Array<{ kind: string; id: string; title: string; villageCode: string; allocatedFen: number; usedFen: number; confirmedFen: number }>;
  corrections: DisclosureCorrection[];
  /** Evidence files marked public on the uses of disclosed flows (absent from older servers). */
  evidence?: PublicEvidence[];
}

export interface NeedDisclosure {
  needId: string;
  title: string;
  villageCode: string;
  flows: number;
  totals: Omit<Figures, 'receivedFen'>;
  byOrganization: Array<{ organization: string; allocatedFen: number; usedFen: number; confirmedFen: number }>;
  corrections: DisclosureCorrection[];
  /** Evidence files marked public on the uses of disclosed flows (absent from older servers). */
  evidence?: PublicEvidence[];
}

export interface DisclosureCorrection {
  flowId: string;
  kind: string;
  reason: string;
  at: string;
  before: Figures;
  after: Figures;
}

// ---------------------------------------------------------------------------------------------
// Labels
// ---------------------------------------------------------------------------------------------

export const FLOW_STATUSES = ['pledged', 'received', 'allocated', 'used', 'confirmed', 'refunded'] as const;
export const FLOW_STATUS_LABELS: Record<string, Pair> = {
  pledged: ['已认捐', 'Pledged'],
  received: ['已到账', 'Received'],
  allocated: ['已安排', 'Allocated'],
  used: ['已使用', 'Used'],
  confirmed: ['村已确认', 'Confirmed'],
  refunded: ['已退款', 'Refunded'],
};
export const FLOW_STATUS_COLORS: Record<string, string> = {
  pledged: 'default',
  received: 'blue',
  allocated: 'cyan',
  used: 'gold',
  confirmed: 'success',
  refunded: 'default',
};

export const DONOR_KIND_LABELS: Record<string, Pair> = {
  organization: ['社会组织', 'Organization'],
  member_unit: ['会员单位', 'Member unit'],
  individual: ['个人', 'Individual'],
  transfer: ['转拨', 'Transfer'],
};

export const PARTY_KIND_LABELS: Record<string, Pair> = {
  organization: ['社会组织', 'Organization'],
  fund: ['专项基金', 'Fund'],
  need: ['需求项目', 'Need'],
  village: ['村（社区）', 'Village'],
};

export const ANOMALY_KINDS = ['received-unallocated', 'allocated-unused', 'transfer-not-received', 'use-without-evidence', 'use-unconfirmed', 'imbalance'] as const;
export const ANOMALY_LABELS: Record<string, Pair> = {
  'received-unallocated': ['到账后未安排', 'Received, not allocated'],
  'allocated-unused': ['安排后未使用', 'Allocated, not used'],
  'transfer-not-received': ['转拨未确认到账', 'Transfer not acknowledged'],
  'use-without-evidence': ['使用无凭证', 'Use without evidence'],
  'use-unconfirmed': ['使用未经村确认', 'Use not confirmed by the village'],
  imbalance: ['账目不平', 'Imbalance'],
};
export const ANOMALY_COLORS: Record<string, string> = {
  'received-unallocated': 'gold',
  'allocated-unused': 'gold',
  'transfer-not-received': 'orange',
  'use-without-evidence': 'volcano',
  'use-unconfirmed': 'orange',
  imbalance: 'red',
};

export const FLOW_EVENT_LABELS: Record<string, Pair> = {
  DonationPledged: ['认捐', 'Pledged'],
  DonationReceived: ['到账（开具捐赠票据）', 'Received (receipt issued)'],
  TransferReceived: ['转拨到账', 'Transfer received'],
  DonationAllocated: ['使用安排', 'Allocated'],
  AllocationReturned: ['退回安排', 'Allocation returned'],
  DonationUsed: ['使用', 'Used'],
  UseEvidenceAdded: ['补充凭证', 'Evidence added'],
  UseConfirmed: ['受益村确认', 'Confirmed by the village'],
  DonationDisclosed: ['信息公开', 'Disclosed'],
  DonationRefunded: ['退款', 'Refunded'],
  ReceiptCorrected: ['更正', 'Corrected'],
};

export const USE_EVIDENCE_LABELS: Record<string, Pair> = {
  invoice: ['发票', 'Invoice'],
  receipt: ['收据', 'Receipt'],
  recipient_list: ['受益人名单', 'Recipient list'],
  photo: ['照片', 'Photo'],
  document: ['文件', 'Document'],
  link: ['链接', 'Link'],
};

export const LEDGER_PROBLEM_LABELS: Record<string, Pair> = {
  'missing-seal': ['缺少链上签章', 'Seal missing'],
  'sequence-gap': ['序号不连续', 'Sequence gap'],
  'previous-hash-mismatch': ['前序哈希不符', 'Previous hash does not match'],
  'content-hash-mismatch': ['事件哈希不符（内容被改动）', 'Hash does not match (content changed)'],
  'parent-link-mismatch': ['上游安排哈希不符', 'Parent allocation hash does not match'],
};

/** The donor of a flow in words: an organization's name, "个人捐赠", or the flow it was passed on from. */
export function donorName(donor: Donor, pick: (pair: Pair) => string): string {
  if (donor.kind === 'individual') return pick(['个人捐赠', 'Individual donors']);
  if (donor.kind === 'transfer') return donor.from.name;
  return donor.name;
}

/** What a flow carries: money, or goods with their item and unit. */
export function resourceText(flow: Pick<Flow, 'resource'>, pick: (pair: Pair) => string): string {
  return flow.resource.kind === 'money' ? pick(['资金', 'Money']) : `${pick(['物资', 'Goods'])} · ${flow.resource.item}`;
}

/** A public evidence file of a disclosed flow, as the disclosure lists it. */
export interface PublicEvidence {
  flowId: string;
  useId: string;
  needId: string | null;
  usedOn: string;
  kind: string;
  sha256: string;
  mediaType: string;
  size: number;
  thumbnail: string | null;
}
