import { Actor, chinaDate, conflict, Decider, DecisionContext, forbidden, invalid, notFound, Role, withinScope } from '@shecun/core';
import { CommitmentTeam, MemberShare, NeedEvent, NeedFields } from './need.events';
import { OrganizationStandingForNeeds } from './organization-standings';
import { KnownTeam } from './team-rosters';
import {
  CommitmentStatus,
  DEFAULT_UNIT,
  Evidence,
  ItemQuantity,
  LineItem,
  LineItemStatus,
  NeedLifecycle,
  NeedStatus,
} from './need.model';

// ---------------------------------------------------------------------------------------------
// Commands
// ---------------------------------------------------------------------------------------------

export type LineItemInput = Omit<LineItem, 'id' | 'unit'> & { id?: string; unit?: string };
type NeedFieldsInput = Omit<NeedFields, 'lineItems'> & { lineItems: LineItemInput[] };

export type NeedCommand =
  | ({ type: 'DraftNeed'; needId: string; villageCode: string; publish?: boolean } & NeedFieldsInput)
  | { type: 'PublishNeed' }
  /** Only the fields sent change (merge-patch); a line item list sent replaces the list. */
  | ({ type: 'ReviseNeed'; reason: string } & Partial<NeedFieldsInput>)
  | { type: 'WithdrawNeed'; reason: string }
  | { type: 'ExpireNeed' }
  | { type: 'FulfilNeed'; note: string }
  | { type: 'CloseNeed'; note: string }
  | {
      type: 'OfferCommitment';
      commitmentId: string;
      organizationId: string;
      organizationName: string;
      items: ItemQuantity[];
      promisedBy: string;
      note: string;
      /**
       * The organization's standing as the needs context knows it (set by the command handler
       * from its standings view). Missing counts as unregistered: only `normal` may commit.
       */
      organizationStanding?: OrganizationStandingForNeeds;
      /** 组团帮扶: offered by the team's lead hub on behalf of the team, with each member's share. */
      teamId?: string;
      shares?: MemberShare[];
      /** Set by the handler from the needs context's team-roster view; null when it knows no such team. */
      team?: TeamForCommitment | null;
    }
  | { type: 'AcceptCommitment'; commitmentId: string }
  | { type: 'DeclineCommitment'; commitmentId: string; reason: string }
  | { type: 'WithdrawCommitment'; commitmentId: string; reason: string }
  | { type: 'RecordDelivery'; commitmentId: string; deliveryId: string; items: ItemQuantity[]; evidence: Evidence[]; note: string }
  /** reason: required when the delivery has no evidence, recorded in the event. */
  | { type: 'ConfirmDelivery'; commitmentId: string; deliveryId: string; note: string; reason?: string }
  | {
      type: 'RequestHandover';
      commitmentId: string;
      toOrganizationId: string;
      reason: string;
      /** Set by the handler from the standings view (missing counts as unregistered). */
      toOrganizationStanding?: OrganizationStandingForNeeds;
      toOrganizationName?: string;
    }
  | {
      type: 'AcceptHandover';
      commitmentId: string;
      /** The accepting organization's standing and registered name, set by the handler. */
      organizationStanding?: OrganizationStandingForNeeds;
      organizationName?: string;
    }
  | { type: 'DeclineHandover'; commitmentId: string; reason: string };

/** A team as the needs context knows it (team-roster view), with each member's standing (standings view). */
export interface TeamForCommitment extends Omit<KnownTeam, 'members'> {
  members: Array<KnownTeam['members'][number] & { standing: OrganizationStandingForNeeds }>;
}

// ---------------------------------------------------------------------------------------------
// State
// ---------------------------------------------------------------------------------------------

export interface DeliveryState {
  id: string;
  items: ItemQuantity[];
  evidence: Evidence[];
  note: string;
  recordedAt: string;
  confirmedAt: string | null;
  /** Why it was confirmed without evidence (only then). */
  noEvidenceReason?: string;
}

export interface CommitmentState {
  id: string;
  organizationId: string;
  organizationName: string;
  items: ItemQuantity[];
  promisedBy: string;
  note: string;
  status: Exclude<CommitmentStatus, 'delivered'>;
  offeredAt: string;
  acceptedAt: string | null;
  closedAt: string | null;
  closeReason: string | null;
  deliveries: DeliveryState[];
  /** The team it was offered on behalf of, with members' shares; null for one organization's commitment. */
  team: CommitmentTeam | null;
  /** A handover requested by the holder and not yet answered. */
  handover: PendingHandover | null;
  /** Handovers that took place, oldest first (the coordinator's views flag a handed-over commitment). */
  handovers: HandoverRecord[];
}

export interface PendingHandover {
  toOrganizationId: string;
  toOrganizationName: string;
  reason: string;
  requestedAt: string;
}

export interface HandoverRecord {
  fromOrganizationId: string;
  fromOrganizationName: string;
  toOrganizationId: string;
  toOrganizationName: string;
  reason: string;
  handedOverAt: string;
}

export interface NeedState {
  exists: boolean;
  id: string;
  villageCode: string;
  fields: NeedFields;
  lifecycle: NeedLifecycle;
  commitments: CommitmentState[];
  draftedAt: string | null;
  publishedAt: string | null;
  firstAcceptedAt: string | null;
  fulfilledAt: string | null;
  closedAt: string | null;
  endedAt: string | null;
  endReason: string | null;
}

export const initialNeedState: NeedState = {
  exists: false,
  id: '',
  villageCode: '',
  fields: { title: '', description: '', category: 'industry', lineItems: [], dueDate: null, autoAccept: false },
  lifecycle: 'draft',
  commitments: [],
  draftedAt: null,
  publishedAt: null,
  firstAcceptedAt: null,
  fulfilledAt: null,
  closedAt: null,
  endedAt: null,
  endReason: null,
};

// ---------------------------------------------------------------------------------------------
// Derived figures
// ---------------------------------------------------------------------------------------------

const sumFor = (items: ItemQuantity[], lineItemId: string) =>
  items.reduce((sum, item) => (item.lineItemId === lineItemId ? sum + item.quantity : sum), 0);

/** Quantity of a line item covered by accepted (not withdrawn) commitments. */
export function acceptedQuantity(state: NeedState, lineItemId: string): number {
  return state.commitments.reduce((sum, c) => (c.status === 'accepted' ? sum + sumFor(c.items, lineItemId) : sum), 0);
}

/** Quantity offered and still awaiting the coordinator. */
export function pendingQuantity(state: NeedState, lineItemId: string): number {
  return state.commitments.reduce((sum, c) => (c.status === 'offered' ? sum + sumFor(c.items, lineItemId) : sum), 0);
}

/** Quantity delivered and confirmed by the coordinator. */
export function confirmedQuantity(state: NeedState, lineItemId: string): number {
  let sum = 0;
  for (const c of state.commitments) for (const d of c.deliveries) if (d.confirmedAt) sum += sumFor(d.items, lineItemId);
  return sum;
}

/** Quantity recorded as delivered by a commitment (confirmed or not). */
export function recordedForCommitment(commitment: CommitmentState, lineItemId: string): number {
  return commitment.deliveries.reduce((sum, d) => sum + sumFor(d.items, lineItemId), 0);
}

/** What a line item still lacks: its quantity less what accepted commitments cover. */
export function lackingQuantity(state: NeedState, lineItem: LineItem): number {
  return Math.max(0, lineItem.quantity - acceptedQuantity(state, lineItem.id));
}

export function lineItemStatus(state: NeedState, lineItem: LineItem): LineItemStatus {
  if (state.lifecycle === 'fulfilled' || state.lifecycle === 'closed') return 'fulfilled';
  if (confirmedQuantity(state, lineItem.id) >= lineItem.quantity) return 'delivered';
  const accepted = acceptedQuantity(state, lineItem.id);
  if (accepted >= lineItem.quantity) return 'fully_committed';
  return accepted > 0 ? 'partially_committed' : 'uncommitted';
}

export function needStatus(state: NeedState): NeedStatus {
  if (state.lifecycle !== 'published') return state.lifecycle;
  const items = state.fields.lineItems.map((li) => lineItemStatus(state, li));
  if (items.length > 0 && items.every((s) => s === 'delivered')) return 'delivered';
  if (items.length > 0 && items.every((s) => s === 'delivered' || s === 'fully_committed')) return 'fully_committed';
  return items.some((s) => s !== 'uncommitted') ? 'partially_committed' : 'published';
}

export function commitmentStatus(commitment: CommitmentState): CommitmentStatus {
  if (commitment.status !== 'accepted') return commitment.status;
  const delivered = commitment.items.every((item) => {
    const confirmed = commitment.deliveries
      .filter((d) => d.confirmedAt)
      .reduce((sum, d) => sum + sumFor(d.items, item.lineItemId), 0);
    return confirmed >= item.quantity;
  });
  return delivered ? 'delivered' : 'accepted';
}

/** States projected before teams and handovers existed lack these fields. */
export const teamOf = (c: CommitmentState): CommitmentTeam | null => c.team ?? null;
export const pendingHandoverOf = (c: CommitmentState): PendingHandover | null => c.handover ?? null;
export const handoversOf = (c: CommitmentState): HandoverRecord[] => c.handovers ?? [];

/** An accepted commitment past its promised date and not yet delivered in full. */
export function isOverdue(commitment: CommitmentState, today: string): boolean {
  return commitmentStatus(commitment) === 'accepted' && commitment.promisedBy < today;
}

// ---------------------------------------------------------------------------------------------
// Decide
// ---------------------------------------------------------------------------------------------

const COORDINATOR: Role[] = ['coordinator'];
const ORGANIZATION: Role[] = ['organization', 'hub'];
const OPEN_FOR_OFFERS: NeedStatus[] = ['published', 'partially_committed'];
const ENDED: NeedLifecycle[] = ['withdrawn', 'expired', 'fulfilled', 'closed'];

/** `action` is "中文 (english)": the message reads 角色 X 不能中文 (role X may not english). */
/** Commands only the village's coordinator gives (with the action named for messages). */
const COORDINATOR_COMMANDS = new Map<NeedCommand['type'], string>([
  ['PublishNeed', '发布需求 (publish needs)'],
  ['ReviseNeed', '修改需求 (revise needs)'],
  ['WithdrawNeed', '撤回需求 (withdraw needs)'],
  ['ExpireNeed', '使需求过期 (expire needs)'],
  ['FulfilNeed', '确认需求完成 (confirm fulfilment)'],
  ['AcceptCommitment', '接受接单 (accept commitments)'],
  ['DeclineCommitment', '谢绝接单 (decline commitments)'],
  ['ConfirmDelivery', '确认交付 (confirm deliveries)'],
]);

function requireRole(actor: Actor, roles: Role[], action: string): void {
  if (!roles.includes(actor.role)) {
    const [, zh, en] = /^(.*) \((.*)\)$/.exec(action) ?? [action, action, action];
    throw forbidden(`角色 ${actor.role} 不能${zh} (role ${actor.role} may not ${en})`);
  }
}

function requireNeed(state: NeedState): void {
  if (!state.exists) throw notFound('需求不存在 (need not found)');
}

/** Roles that see needs within a division scope, drafts included. */
const SCOPED_READERS: Role[] = ['coordinator', 'bureau', 'auditor'];

/**
 * Who may see a need: published needs (and everything after) are open to every signed-in role,
 * since organizations browse them to take orders; a draft only to the platform, admins and the
 * coordinators, bureau staff and auditors whose scope holds its village.
 */
export function canSeeNeed(actor: Actor, state: Pick<NeedState, 'lifecycle' | 'villageCode'>): boolean {
  if (state.lifecycle !== 'draft') return true;
  if (actor.role === 'system' || actor.role === 'admin') return true;
  return SCOPED_READERS.includes(actor.role) && withinScope(state.villageCode, actor.scope);
}

/** A coordinator (or bureau staff) acts only for villages within their scope; the platform anywhere. */
function requireScope(actor: Actor, villageCode: string): void {
  if (actor.role === 'system' || withinScope(villageCode, actor.scope)) return;
  throw forbidden(`村 ${villageCode} 不在您的管辖范围 (village ${villageCode} is outside your scope ${actor.scope ?? '(none)'})`);
}

function requireCommitment(state: NeedState, commitmentId: string): CommitmentState {
  const commitment = state.commitments.find((c) => c.id === commitmentId);
  if (!commitment) throw notFound(`接单 ${commitmentId} 不存在 (commitment not found on this need)`);
  return commitment;
}

function requireOwnOrganization(actor: Actor, commitment: CommitmentState): void {
  if (actor.organizationId !== commitment.organizationId) {
    throw forbidden('只有接单的社会组织可以操作 (only the organization that made this commitment may do this)');
  }
}

const STANDING_REFUSALS: Record<Exclude<OrganizationStandingForNeeds, 'normal'>, string> = {
  unregistered: '该组织未在平台登记，不能接单 (the organization is not registered; only registered organizations may commit)',
  abnormal: '该组织已列入活动异常名录，不能接单 (the organization is listed as abnormal and may not take new commitments)',
  deregistered: '该组织已注销，不能接单 (the organization is deregistered and may not take new commitments)',
};

/** Only an organization in good standing takes new commitments (DOMAIN.md business rules). */
function requireGoodStanding(standing: OrganizationStandingForNeeds): void {
  if (standing !== 'normal') throw forbidden(STANDING_REFUSALS[standing], { standing });
}

const isDate = (value: string | null) =>
  value === null || (/^\d{4}-\d{2}-\d{2}$/.test(value) && !Number.isNaN(Date.parse(value)) && new Date(value).toISOString().startsWith(value));
/** Today in China: due and promised dates are dates there. */
const today = (now: Date) => chinaDate(now);

function checkFields(fields: NeedFieldsInput): void {
  if (!fields.title.trim()) throw invalid('标题不能为空 (title is required)');
  if (fields.lineItems.length === 0) throw invalid('至少需要一个需求明细 (a need has at least one line item)');
  if (!isDate(fields.dueDate)) throw invalid('dueDate must be a date YYYY-MM-DD');
  const ids = new Set<string>();
  for (const item of fields.lineItems) {
    if (!Number.isSafeInteger(item.quantity) || item.quantity <= 0) {
      throw invalid(`明细数量必须为正整数 (line item quantity must be a positive integer): ${item.description}`);
    }
    if (item.estimatedValueFen !== undefined && (!Number.isSafeInteger(item.estimatedValueFen) || item.estimatedValueFen < 0)) {
      throw invalid('estimatedValueFen must be a non-negative integer number of fen');
    }
    if (item.id !== undefined) {
      if (ids.has(item.id)) throw invalid(`line item id ${item.id} appears twice`);
      ids.add(item.id);
    }
  }
}

/** Funds always count fen; other kinds default to their usual unit; goods must name theirs. */
function unitOf(item: LineItemInput): string {
  if (item.kind === 'funds') return '分';
  const unit = item.unit?.trim() || DEFAULT_UNIT[item.kind];
  if (!unit) throw invalid(`物资需注明单位 (goods need a unit): ${item.description}`);
  return unit;
}

/** Keeps given ids, numbers new line items after the highest existing `L<n>`, fills in units. */
function assignLineItemIds(items: LineItemInput[], existing: Array<{ id?: string }>): LineItem[] {
  let next = Math.max(0, ...[...existing, ...items].map((li) => Number(/^L(\d+)$/.exec(li.id ?? '')?.[1] ?? 0))) + 1;
  return items.map((item) => ({ ...item, description: item.description.trim(), unit: unitOf(item), id: item.id ?? `L${next++}` }));
}

function checkItems(state: NeedState, items: ItemQuantity[], what: string): void {
  if (items.length === 0) throw invalid(`${what}至少包含一项明细 (${what} must cover at least one line item)`);
  const seen = new Set<string>();
  for (const item of items) {
    if (seen.has(item.lineItemId)) throw invalid(`line item ${item.lineItemId} is listed twice`);
    seen.add(item.lineItemId);
    if (!state.fields.lineItems.some((li) => li.id === item.lineItemId)) {
      throw invalid(`需求没有明细 ${item.lineItemId} (this need has no line item ${item.lineItemId})`);
    }
    if (!Number.isSafeInteger(item.quantity) || item.quantity <= 0) {
      throw invalid(`数量必须为正整数 (quantity for ${item.lineItemId} must be a positive integer)`);
    }
  }
}

const TEAM_MEMBER_STANDING: Record<Exclude<OrganizationStandingForNeeds, 'normal'>, [string, string]> = {
  unregistered: ['未在平台登记', 'is not registered'],
  abnormal: ['已列入活动异常名录', 'is listed as abnormal'],
  deregistered: ['已注销', 'is deregistered'],
};

/**
 * A team commitment: offered by the team's lead hub admin for an active team; the members' shares
 * add up to the commitment's quantities, line item by line item, and every member taking a share
 * is a member of the team in good standing. Returns the team as the commitment records it.
 */
function checkTeamCommitment(command: Extract<NeedCommand, { type: 'OfferCommitment' }>, actor: Actor): CommitmentTeam {
  const team = command.team;
  if (!team) throw notFound(`组团 ${command.teamId} 不存在 (team not found)`);
  if (actor.role !== 'hub' || actor.organizationId !== team.leadOrganizationId || command.organizationId !== team.leadOrganizationId) {
    throw forbidden('只有组团牵头枢纽组织的管理员可以代表组团接单 (only the team’s lead hub admin may commit on behalf of the team)');
  }
  if (team.status !== 'active') throw conflict(`组团已${team.status === 'completed' ? '完成' : '解散'}，不能再接单 (the team is ${team.status} and takes no new commitments)`);
  const shares = command.shares ?? [];
  if (shares.length === 0) throw invalid('组团接单需列明各成员的份额 (a team commitment lists each member’s share)');
  const seen = new Set<string>();
  for (const share of shares) {
    if (seen.has(share.organizationId)) throw invalid(`成员 ${share.organizationId} 的份额重复 (member ${share.organizationId} has two shares)`);
    seen.add(share.organizationId);
    const member = team.members.find((m) => m.organizationId === share.organizationId);
    if (!member) throw invalid(`${share.organizationId} 不是组团成员 (${share.organizationId} is not a member of the team)`, { organizationId: share.organizationId });
    if (share.items.length === 0) throw invalid(`成员 ${share.organizationId} 的份额为空 (member ${share.organizationId} has an empty share)`);
    const lines = new Set<string>();
    for (const item of share.items) {
      if (lines.has(item.lineItemId)) throw invalid(`成员 ${share.organizationId} 的份额中明细 ${item.lineItemId} 重复 (line item ${item.lineItemId} is listed twice in a share)`);
      lines.add(item.lineItemId);
      if (!command.items.some((i) => i.lineItemId === item.lineItemId)) {
        throw invalid(`份额中的明细 ${item.lineItemId} 不在本次接单内 (a share covers line item ${item.lineItemId}, which the commitment does not)`, { organizationId: share.organizationId, lineItemId: item.lineItemId });
      }
      if (!Number.isSafeInteger(item.quantity) || item.quantity <= 0) throw invalid(`份额数量必须为正整数 (share quantities must be positive integers)`);
    }
  }
  for (const item of command.items) {
    const total = shares.reduce((sum, share) => sum + sumFor(share.items, item.lineItemId), 0);
    if (total !== item.quantity) {
      throw invalid(
        `各成员份额合计 ${total} 与接单明细 ${item.lineItemId} 的数量 ${item.quantity} 不符 (members’ shares add up to ${total} for line item ${item.lineItemId}, but the commitment covers ${item.quantity})`,
        { lineItemId: item.lineItemId, committed: item.quantity, sharesTotal: total },
      );
    }
  }
  for (const share of shares) {
    const member = team.members.find((m) => m.organizationId === share.organizationId)!;
    if (member.standing !== 'normal') {
      const [zh, en] = TEAM_MEMBER_STANDING[member.standing];
      throw invalid(
        `组团成员 ${member.organizationName || member.organizationId} ${zh}，不能承担份额 (team member ${member.organizationId} ${en} and may not take a share)`,
        { organizationId: member.organizationId, standing: member.standing },
      );
    }
  }
  return {
    teamId: team.teamId,
    title: team.title,
    leadOrganizationId: team.leadOrganizationId,
    members: shares.map((share) => {
      const member = team.members.find((m) => m.organizationId === share.organizationId)!;
      return { organizationId: share.organizationId, organizationName: member.organizationName, role: member.role, items: share.items };
    }),
  };
}

const RECEIVER_STANDING: Record<Exclude<OrganizationStandingForNeeds, 'normal'>, string> = {
  unregistered: '接收组织未在平台登记，不能接手接单 (the receiving organization is not registered and may not take over commitments)',
  abnormal: '接收组织已列入活动异常名录，不能接手接单 (the receiving organization is listed as abnormal and may not take over commitments)',
  deregistered: '接收组织已注销，不能接手接单 (the receiving organization is deregistered and may not take over commitments)',
};

function requireReceiverStanding(standing: OrganizationStandingForNeeds): void {
  if (standing !== 'normal') throw forbidden(RECEIVER_STANDING[standing], { standing });
}

function requireNoOpenCommitment(state: NeedState, organizationId: string, exceptId?: string): void {
  if (state.commitments.some((c) => c.id !== exceptId && c.organizationId === organizationId && (c.status === 'offered' || c.status === 'accepted'))) {
    throw conflict('接收组织在该需求上已有进行中的接单 (the receiving organization already has an open commitment on this need)', { organizationId });
  }
}

/** The invariant: accepted quantities never exceed what a line item still lacks. */
function checkFitsLacking(state: NeedState, items: ItemQuantity[]): void {
  for (const item of items) {
    const lineItem = state.fields.lineItems.find((li) => li.id === item.lineItemId)!;
    const lacking = lackingQuantity(state, lineItem);
    if (item.quantity > lacking) {
      throw conflict(
        `明细 ${lineItem.id}（${lineItem.description}）仅缺 ${lacking} ${lineItem.unit}，本次接单 ${item.quantity} ${lineItem.unit}` +
          ` (line item ${lineItem.id} only lacks ${lacking} ${lineItem.unit}; this commitment covers ${item.quantity})`,
        { lineItemId: lineItem.id, lacking, requested: item.quantity },
      );
    }
  }
}

function decide(command: NeedCommand, state: NeedState, { actor, now }: DecisionContext): NeedEvent[] {
  const at = now.toISOString();
  const needId = state.id;
  if (command.type !== 'DraftNeed') {
    requireNeed(state);
    // A need the actor may not see does not exist for them.
    if (!canSeeNeed(actor, state)) throw notFound('需求不存在 (need not found)');
    if (COORDINATOR_COMMANDS.has(command.type)) {
      requireRole(actor, command.type === 'ExpireNeed' ? ['system', 'coordinator'] : COORDINATOR, COORDINATOR_COMMANDS.get(command.type)!);
      requireScope(actor, state.villageCode);
    }
  }
  switch (command.type) {
    case 'DraftNeed': {
      requireRole(actor, COORDINATOR, '发布需求 (post needs)');
      requireScope(actor, command.villageCode);
      if (state.exists) throw conflict('需求已存在 (a need with this id already exists)');
      checkFields(command);
      if (command.publish && command.dueDate && command.dueDate < today(now)) throw invalid('需求截止日期已过 (the due date has passed; a need cannot be published past it)');
      const fields: NeedFields = {
        title: command.title.trim(),
        description: command.description,
        category: command.category,
        lineItems: assignLineItemIds(command.lineItems, []),
        dueDate: command.dueDate,
        autoAccept: command.autoAccept,
      };
      const drafted: NeedEvent = { type: 'NeedDrafted', data: { needId: command.needId, villageCode: command.villageCode, ...fields, draftedAt: at } };
      return command.publish ? [drafted, { type: 'NeedPublished', data: { needId: command.needId, publishedAt: at } }] : [drafted];
    }
    case 'PublishNeed': {
      if (state.lifecycle !== 'draft') throw conflict(`需求状态为 ${needStatus(state)}，只有草稿可以发布 (only a draft can be published)`);
      if (state.fields.dueDate && state.fields.dueDate < today(now)) throw invalid('需求截止日期已过 (the due date has passed; revise it first)');
      return [{ type: 'NeedPublished', data: { needId, publishedAt: at } }];
    }
    case 'ReviseNeed': {
      if (ENDED.includes(state.lifecycle)) throw conflict(`需求已${needStatus(state)}，不能修改 (an ended need cannot be revised)`);
      if (!command.reason.trim()) throw invalid('请说明修改原因 (a reason is required)');
      const revised: NeedFieldsInput = {
        title: command.title ?? state.fields.title,
        description: command.description ?? state.fields.description,
        category: command.category ?? state.fields.category,
        lineItems: command.lineItems ?? state.fields.lineItems,
        dueDate: command.dueDate !== undefined ? command.dueDate : state.fields.dueDate,
        autoAccept: command.autoAccept ?? state.fields.autoAccept,
      };
      checkFields(revised);
      // Ids referenced by any commitment (even declined ones) are never handed to a new line item.
      const everUsed = [...state.fields.lineItems, ...state.commitments.flatMap((c) => c.items.map((i) => ({ id: i.lineItemId })))];
      const lineItems = assignLineItemIds(revised.lineItems, everUsed);
      if (state.lifecycle === 'published' && command.dueDate && command.dueDate < today(now)) {
        throw invalid('需求截止日期不能早于今天 (a published need cannot get a due date in the past)');
      }
      for (const old of state.fields.lineItems) {
        const kept = lineItems.find((li) => li.id === old.id);
        const taken = acceptedQuantity(state, old.id) + pendingQuantity(state, old.id);
        if (!kept && taken > 0) {
          throw conflict(`明细 ${old.id} 已有接单，不能删除 (line item ${old.id} has open commitments and cannot be removed)`);
        }
        if (kept && kept.quantity < acceptedQuantity(state, old.id)) {
          throw conflict(`明细 ${old.id} 数量不能少于已接单的 ${acceptedQuantity(state, old.id)} (cannot go below the accepted quantity)`);
        }
        if (kept && taken > 0 && (kept.kind !== old.kind || kept.unit !== old.unit)) {
          throw conflict(`明细 ${old.id} 已有接单，不能更改类型或单位 (cannot change the kind or unit of a line item with commitments)`);
        }
      }
      const fields: NeedFields = {
        title: revised.title.trim(),
        description: revised.description,
        category: revised.category,
        lineItems,
        dueDate: revised.dueDate,
        autoAccept: revised.autoAccept,
      };
      return [{ type: 'NeedRevised', data: { needId, ...fields, reason: command.reason, revisedAt: at } }];
    }
    case 'WithdrawNeed': {
      if (ENDED.includes(state.lifecycle)) throw conflict(`需求已${needStatus(state)}，不能撤回 (the need has ended)`);
      if (!command.reason.trim()) throw invalid('请说明撤回原因 (a reason is required)');
      if (state.commitments.some((c) => c.deliveries.length > 0)) {
        throw conflict('已有交付记录，请确认交付并完结需求 (deliveries are recorded; confirm them and fulfil the need instead)');
      }
      return [{ type: 'NeedWithdrawn', data: { needId, reason: command.reason, withdrawnAt: at } }];
    }
    case 'ExpireNeed': {
      if (needStatus(state) !== 'published') throw conflict('只有无人接单的已发布需求可以过期 (only a published need without accepted commitments can expire)');
      if (!state.fields.dueDate || state.fields.dueDate >= today(now)) throw conflict('需求未到截止日期 (the need is not past its due date)');
      return [{ type: 'NeedExpired', data: { needId, expiredAt: at } }];
    }
    case 'FulfilNeed': {
      if (state.lifecycle !== 'published') throw conflict(`需求状态为 ${needStatus(state)}，不能确认完成 (only an open need can be fulfilled)`);
      const deliveries = state.commitments.flatMap((c) => c.deliveries);
      if (!deliveries.some((d) => d.confirmedAt)) throw conflict('尚无已确认的交付 (no delivery has been confirmed yet)');
      if (deliveries.some((d) => !d.confirmedAt)) throw conflict('仍有交付待确认 (some deliveries still await confirmation)');
      return [{ type: 'NeedFulfilled', data: { needId, note: command.note, fulfilledAt: at } }];
    }
    case 'CloseNeed': {
      requireRole(actor, ['coordinator', 'bureau'], '关闭需求 (close needs)');
      requireScope(actor, state.villageCode);
      if (state.lifecycle !== 'fulfilled') throw conflict('只有已完成的需求可以关闭 (only a fulfilled need can be closed)');
      return [{ type: 'NeedClosed', data: { needId, note: command.note, closedAt: at } }];
    }
    case 'OfferCommitment': {
      requireRole(actor, ORGANIZATION, '接单 (commit to needs)');
      if (actor.organizationId !== command.organizationId) {
        throw forbidden('只能以本组织名义接单 (you may only commit on behalf of your own organization)');
      }
      if (command.teamId === undefined && command.shares !== undefined) throw invalid('份额只用于组团接单，请指明 teamId (shares are for team commitments: give the teamId)');
      const team = command.teamId !== undefined ? checkTeamCommitment(command, actor) : undefined;
      requireGoodStanding(command.organizationStanding ?? 'unregistered');
      const status = needStatus(state);
      if (!OPEN_FOR_OFFERS.includes(status)) throw conflict(`需求状态为 ${status}，不接受接单 (this need is not open for commitments)`);
      if (state.commitments.some((c) => c.id === command.commitmentId)) throw conflict('接单编号重复 (commitment id already used)');
      if (state.commitments.some((c) => c.organizationId === command.organizationId && (c.status === 'offered' || c.status === 'accepted'))) {
        throw conflict('该组织已有进行中的接单 (this organization already has an open commitment on this need)');
      }
      if (!isDate(command.promisedBy) || command.promisedBy < today(now)) {
        throw invalid('承诺交付日期必须是今天或以后 (promisedBy must be a date today or later)');
      }
      checkItems(state, command.items, '接单');
      checkFitsLacking(state, command.items);
      const offered: NeedEvent = {
        type: 'CommitmentOffered',
        data: {
          needId,
          commitmentId: command.commitmentId,
          organizationId: command.organizationId,
          organizationName: command.organizationName,
          items: command.items,
          promisedBy: command.promisedBy,
          note: command.note,
          offeredAt: at,
          ...(team ? { team } : {}),
        },
      };
      if (!state.fields.autoAccept) return [offered];
      return [offered, { type: 'CommitmentAccepted', data: { needId, commitmentId: command.commitmentId, automatic: true, acceptedAt: at } }];
    }
    case 'AcceptCommitment': {
      const commitment = requireCommitment(state, command.commitmentId);
      if (commitment.status !== 'offered') throw conflict(`接单状态为 ${commitmentStatus(commitment)}，不能接受 (only an offered commitment can be accepted)`);
      if (state.lifecycle !== 'published') throw conflict(`需求状态为 ${needStatus(state)}，不能接受接单 (the need is not open)`);
      checkFitsLacking(state, commitment.items);
      return [{ type: 'CommitmentAccepted', data: { needId, commitmentId: commitment.id, automatic: false, acceptedAt: at } }];
    }
    case 'DeclineCommitment': {
      const commitment = requireCommitment(state, command.commitmentId);
      if (commitment.status !== 'offered') throw conflict(`接单状态为 ${commitmentStatus(commitment)}，不能谢绝 (only an offered commitment can be declined)`);
      if (!command.reason.trim()) throw invalid('请说明谢绝原因 (a reason is required)');
      return [{ type: 'CommitmentDeclined', data: { needId, commitmentId: commitment.id, reason: command.reason, declinedAt: at } }];
    }
    case 'WithdrawCommitment': {
      requireRole(actor, ORGANIZATION, '撤回接单 (withdraw commitments)');
      const commitment = requireCommitment(state, command.commitmentId);
      requireOwnOrganization(actor, commitment);
      if (commitment.status !== 'offered' && commitment.status !== 'accepted') {
        throw conflict(`接单状态为 ${commitmentStatus(commitment)}，不能撤回 (only an open commitment can be withdrawn)`);
      }
      if (commitment.deliveries.length > 0) throw conflict('已有交付记录，不能撤回 (a commitment with recorded deliveries cannot be withdrawn)');
      if (!command.reason.trim()) throw invalid('请说明撤回原因 (a reason is required)');
      return [{ type: 'CommitmentWithdrawn', data: { needId, commitmentId: commitment.id, reason: command.reason, withdrawnAt: at } }];
    }
    case 'RecordDelivery': {
      requireRole(actor, ORGANIZATION, '登记交付 (record deliveries)');
      const commitment = requireCommitment(state, command.commitmentId);
      requireOwnOrganization(actor, commitment);
      if (commitmentStatus(commitment) !== 'accepted') {
        throw conflict(`接单状态为 ${commitmentStatus(commitment)}，不能登记交付 (deliveries are recorded on accepted commitments)`);
      }
      if (ENDED.includes(state.lifecycle)) throw conflict(`需求已${needStatus(state)} (the need has ended)`);
      if (commitment.deliveries.some((d) => d.id === command.deliveryId)) throw conflict('交付编号重复 (delivery id already used)');
      if (pendingHandoverOf(commitment)) throw conflict('该接单正在转交，待接收组织答复 (a handover of this commitment awaits the receiver’s answer)');
      if (command.evidence.length === 0) throw invalid('交付需附证明材料 (a delivery needs at least one piece of evidence)');
      checkItems(state, command.items, '交付');
      for (const item of command.items) {
        const committed = sumFor(commitment.items, item.lineItemId);
        if (committed === 0) throw invalid(`本接单不含明细 ${item.lineItemId} (this commitment does not cover line item ${item.lineItemId})`);
        const recorded = recordedForCommitment(commitment, item.lineItemId);
        if (recorded + item.quantity > committed) {
          throw conflict(`明细 ${item.lineItemId} 交付超出承诺：已登记 ${recorded}，承诺 ${committed} (delivery exceeds what was committed)`, {
            lineItemId: item.lineItemId,
            committed,
            recorded,
          });
        }
      }
      return [
        {
          type: 'DeliveryRecorded',
          data: { needId, commitmentId: commitment.id, deliveryId: command.deliveryId, items: command.items, evidence: command.evidence, note: command.note, recordedAt: at },
        },
      ];
    }
    case 'ConfirmDelivery': {
      const commitment = requireCommitment(state, command.commitmentId);
      const delivery = commitment.deliveries.find((d) => d.id === command.deliveryId);
      if (!delivery) throw notFound(`交付 ${command.deliveryId} 不存在 (delivery not found)`);
      if (delivery.confirmedAt) throw conflict('该交付已确认 (this delivery is already confirmed)');
      const reason = command.reason?.trim() ?? '';
      if (delivery.evidence.length === 0 && !reason) {
        throw invalid('该交付没有证明材料，确认前请说明原因 (this delivery has no evidence: state why you confirm it)', { deliveryId: delivery.id });
      }
      const noEvidence = delivery.evidence.length === 0 ? { noEvidenceReason: reason } : {};
      return [{ type: 'DeliveryConfirmed', data: { needId, commitmentId: commitment.id, deliveryId: delivery.id, note: command.note, ...noEvidence, confirmedAt: at } }];
    }
    case 'RequestHandover': {
      requireRole(actor, ORGANIZATION, '转交接单 (hand over commitments)');
      const commitment = requireCommitment(state, command.commitmentId);
      requireOwnOrganization(actor, commitment);
      if (commitmentStatus(commitment) !== 'accepted' || ENDED.includes(state.lifecycle)) {
        throw conflict(`接单状态为 ${commitmentStatus(commitment)}，只有已接受的接单可以转交 (only an accepted commitment can be handed over)`);
      }
      if (teamOf(commitment)) throw invalid('组团接单不能转交，请调整组团成员份额 (a team commitment is not handed over; it stays with the team)');
      if (commitment.deliveries.length > 0) throw conflict('已有交付记录，不能转交 (a commitment with recorded deliveries cannot be handed over)');
      if (pendingHandoverOf(commitment)) throw conflict('该接单已在转交中 (a handover of this commitment is already pending)');
      if (command.toOrganizationId === commitment.organizationId) throw invalid('不能转交给本组织 (a commitment cannot be handed to its own holder)');
      if (!command.reason.trim()) throw invalid('请说明转交原因 (a reason is required)');
      requireReceiverStanding(command.toOrganizationStanding ?? 'unregistered');
      requireNoOpenCommitment(state, command.toOrganizationId);
      return [
        {
          type: 'CommitmentHandoverRequested',
          data: {
            needId, commitmentId: commitment.id, fromOrganizationId: commitment.organizationId, toOrganizationId: command.toOrganizationId,
            toOrganizationName: command.toOrganizationName ?? '', reason: command.reason.trim(), requestedAt: at,
          },
        },
      ];
    }
    case 'AcceptHandover': {
      requireRole(actor, ORGANIZATION, '接手接单 (take over commitments)');
      const commitment = requireCommitment(state, command.commitmentId);
      const pending = pendingHandoverOf(commitment);
      if (!pending) throw notFound('该接单没有待答复的转交 (no handover of this commitment is pending)');
      if (actor.organizationId !== pending.toOrganizationId) {
        throw forbidden('只有接收组织的工作人员可以接受转交 (only the receiving organization’s staff may accept the handover)');
      }
      if (commitmentStatus(commitment) !== 'accepted' || ENDED.includes(state.lifecycle)) {
        throw conflict(`接单状态为 ${commitmentStatus(commitment)}，不能接手 (only an accepted commitment can be taken over)`);
      }
      requireReceiverStanding(command.organizationStanding ?? 'unregistered');
      requireNoOpenCommitment(state, pending.toOrganizationId, commitment.id);
      return [
        {
          type: 'CommitmentHandedOver',
          data: {
            needId, commitmentId: commitment.id, fromOrganizationId: commitment.organizationId, fromOrganizationName: commitment.organizationName,
            toOrganizationId: pending.toOrganizationId, toOrganizationName: command.organizationName || pending.toOrganizationName, reason: pending.reason, handedOverAt: at,
          },
        },
      ];
    }
    case 'DeclineHandover': {
      requireRole(actor, ORGANIZATION, '答复转交 (answer handovers)');
      const commitment = requireCommitment(state, command.commitmentId);
      const pending = pendingHandoverOf(commitment);
      if (!pending) throw notFound('该接单没有待答复的转交 (no handover of this commitment is pending)');
      const by = actor.organizationId === pending.toOrganizationId ? 'receiver' : actor.organizationId === commitment.organizationId ? 'holder' : undefined;
      if (!by) throw forbidden('只有接收组织或接单组织可以谢绝或撤回转交 (only the receiving organization or the holder may decline or call off a handover)');
      return [
        {
          type: 'CommitmentHandoverDeclined',
          data: { needId, commitmentId: commitment.id, toOrganizationId: pending.toOrganizationId, by, reason: command.reason.trim(), declinedAt: at },
        },
      ];
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Evolve
// ---------------------------------------------------------------------------------------------

const updateCommitment = (state: NeedState, id: string, change: (c: CommitmentState) => CommitmentState): NeedState => ({
  ...state,
  commitments: state.commitments.map((c) => (c.id === id ? change(c) : c)),
});

function evolve(state: NeedState, event: NeedEvent): NeedState {
  switch (event.type) {
    case 'NeedDrafted': {
      const { needId, villageCode, draftedAt, ...fields } = event.data;
      return { ...initialNeedState, exists: true, id: needId, villageCode, fields, draftedAt };
    }
    case 'NeedPublished':
      return { ...state, lifecycle: 'published', publishedAt: event.data.publishedAt };
    case 'NeedRevised': {
      const { title, description, category, lineItems, dueDate, autoAccept } = event.data;
      return { ...state, fields: { title, description, category, lineItems, dueDate, autoAccept } };
    }
    case 'NeedWithdrawn':
      return { ...state, lifecycle: 'withdrawn', endedAt: event.data.withdrawnAt, endReason: event.data.reason };
    case 'NeedExpired':
      return { ...state, lifecycle: 'expired', endedAt: event.data.expiredAt };
    case 'NeedFulfilled':
      return { ...state, lifecycle: 'fulfilled', fulfilledAt: event.data.fulfilledAt };
    case 'NeedClosed':
      return { ...state, lifecycle: 'closed', closedAt: event.data.closedAt };
    case 'CommitmentOffered': {
      const d = event.data;
      return {
        ...state,
        commitments: [
          ...state.commitments,
          {
            id: d.commitmentId,
            organizationId: d.organizationId,
            organizationName: d.organizationName,
            items: d.items,
            promisedBy: d.promisedBy,
            note: d.note,
            status: 'offered',
            offeredAt: d.offeredAt,
            acceptedAt: null,
            closedAt: null,
            closeReason: null,
            deliveries: [],
            team: d.team ?? null,
            handover: null,
            handovers: [],
          },
        ],
      };
    }
    case 'CommitmentAccepted': {
      const next = updateCommitment(state, event.data.commitmentId, (c) => ({ ...c, status: 'accepted', acceptedAt: event.data.acceptedAt }));
      return { ...next, firstAcceptedAt: state.firstAcceptedAt ?? event.data.acceptedAt };
    }
    case 'CommitmentDeclined':
      return updateCommitment(state, event.data.commitmentId, (c) => ({ ...c, status: 'declined', closedAt: event.data.declinedAt, closeReason: event.data.reason }));
    case 'CommitmentWithdrawn':
      return updateCommitment(state, event.data.commitmentId, (c) => ({ ...c, status: 'withdrawn', closedAt: event.data.withdrawnAt, closeReason: event.data.reason, handover: null }));
    case 'CommitmentHandoverRequested': {
      const d = event.data;
      return updateCommitment(state, d.commitmentId, (c) => ({
        ...c,
        handover: { toOrganizationId: d.toOrganizationId, toOrganizationName: d.toOrganizationName, reason: d.reason, requestedAt: d.requestedAt },
      }));
    }
    case 'CommitmentHandedOver': {
      const d = event.data;
      return updateCommitment(state, d.commitmentId, (c) => ({
        ...c,
        organizationId: d.toOrganizationId,
        organizationName: d.toOrganizationName,
        handover: null,
        handovers: [
          ...handoversOf(c),
          { fromOrganizationId: d.fromOrganizationId, fromOrganizationName: d.fromOrganizationName, toOrganizationId: d.toOrganizationId, toOrganizationName: d.toOrganizationName, reason: d.reason, handedOverAt: d.handedOverAt },
        ],
      }));
    }
    case 'CommitmentHandoverDeclined':
      return updateCommitment(state, event.data.commitmentId, (c) => ({ ...c, handover: null }));
    case 'DeliveryRecorded': {
      const d = event.data;
      return updateCommitment(state, d.commitmentId, (c) => ({
        ...c,
        deliveries: [...c.deliveries, { id: d.deliveryId, items: d.items, evidence: d.evidence, note: d.note, recordedAt: d.recordedAt, confirmedAt: null }],
      }));
    }
    case 'DeliveryConfirmed':
      return updateCommitment(state, event.data.commitmentId, (c) => ({
        ...c,
        deliveries: c.deliveries.map((d) =>
          d.id === event.data.deliveryId ? { ...d, confirmedAt: event.data.confirmedAt, ...(event.data.noEvidenceReason ? { noEvidenceReason: event.data.noEvidenceReason } : {}) } : d,
        ),
      }));
  }
}

export const needDecider: Decider<NeedCommand, NeedState, NeedEvent> = {
  initialState: initialNeedState,
  decide,
  evolve,
};
