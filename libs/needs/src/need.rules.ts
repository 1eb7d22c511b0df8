/** The rules the needs decider checks: roles, scope, standing, fields, line items, teams, what is lacking. */
import { Actor, chinaDate, conflict, forbidden, invalid, notFound, Role, withinScope } from '@shecun/core';
import { CommitmentTeam } from './need.events';
import { OrganizationStandingForNeeds } from './organization-standings';
import { DEFAULT_UNIT, ItemQuantity, LineItem, NeedLifecycle, NeedStatus } from './need.model';
import { LineItemInput, NeedCommand, CommitmentState, NeedState, lackingQuantity, NeedFieldsInput, sumFor } from './need.state';

export const COORDINATOR: Role[] = ['coordinator'];
export const ORGANIZATION: Role[] = ['organization', 'hub'];
export const OPEN_FOR_OFFERS: NeedStatus[] = ['published', 'partially_committed'];
export const ENDED: NeedLifecycle[] = ['withdrawn', 'expired', 'fulfilled', 'closed'];

/** `action` is "中文 (english)": the message reads 角色 X 不能中文 (role X may not english). */
/** Commands only the village's coordinator gives (with the action named for messages). */
export const COORDINATOR_COMMANDS = new Map<NeedCommand['type'], string>([
  ['PublishNeed', '发布需求 (publish needs)'],
  ['ReviseNeed', '修改需求 (revise needs)'],
  ['WithdrawNeed', '撤回需求 (withdraw needs)'],
  ['ExpireNeed', '使需求过期 (expire needs)'],
  ['FulfilNeed', '确认需求完成 (confirm fulfilment)'],
  ['AcceptCommitment', '接受接单 (accept commitments)'],
  ['DeclineCommitment', '谢绝接单 (decline commitments)'],
  ['ConfirmDelivery', '确认交付 (confirm deliveries)'],
]);

export function requireRole(actor: Actor, roles: Role[], action: string): void {
  if (!roles.includes(actor.role)) {
    const [, zh, en] = /^(.*) \((.*)\)$/.exec(action) ?? [action, action, action];
    throw forbidden(`角色 ${actor.role} 不能${zh} (role ${actor.role} may not ${en})`);
  }
}

export function requireNeed(state: NeedState): void {
  if (!state.exists) throw notFound('需求不存在 (need not found)');
}

/** Roles that see needs within a division scope, drafts included. */
export const SCOPED_READERS: Role[] = ['coordinator', 'bureau', 'auditor'];

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
export function requireScope(actor: Actor, villageCode: string): void {
  if (actor.role === 'system' || withinScope(villageCode, actor.scope)) return;
  throw forbidden(`村 ${villageCode} 不在您的管辖范围 (village ${villageCode} is outside your scope ${actor.scope ?? '(none)'})`);
}

export function requireCommitment(state: NeedState, commitmentId: string): CommitmentState {
  const commitment = state.commitments.find((c) => c.id === commitmentId);
  if (!commitment) throw notFound(`接单 ${commitmentId} 不存在 (commitment not found on this need)`);
  return commitment;
}

export function requireOwnOrganization(actor: Actor, commitment: CommitmentState): void {
  if (actor.organizationId !== commitment.organizationId) {
    throw forbidden('只有接单的社会组织可以操作 (only the organization that made this commitment may do this)');
  }
}

export const STANDING_REFUSALS: Record<Exclude<OrganizationStandingForNeeds, 'normal'>, string> = {
  unregistered: '该组织未在平台登记，不能接单 (the organization is not registered; only registered organizations may commit)',
  abnormal: '该组织已列入活动异常名录，不能接单 (the organization is listed as abnormal and may not take new commitments)',
  deregistered: '该组织已注销，不能接单 (the organization is deregistered and may not take new commitments)',
};

/** Only an organization in good standing takes new commitments (DOMAIN.md business rules). */
export function requireGoodStanding(standing: OrganizationStandingForNeeds): void {
  if (standing !== 'normal') throw forbidden(STANDING_REFUSALS[standing], { standing });
}

export const isDate = (value: string | null) =>
  value === null || (/^\d{4}-\d{2}-\d{2}$/.test(value) && !Number.isNaN(Date.parse(value)) && new Date(value).toISOString().startsWith(value));
/** Today in China: due and promised dates are dates there. */
export const today = (now: Date) => chinaDate(now);

export function checkFields(fields: NeedFieldsInput): void {
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
export function unitOf(item: LineItemInput): string {
  if (item.kind === 'funds') return '分';
  const unit = item.unit?.trim() || DEFAULT_UNIT[item.kind];
  if (!unit) throw invalid(`物资需注明单位 (goods need a unit): ${item.description}`);
  return unit;
}

/** Keeps given ids, numbers new line items after the highest existing `L<n>`, fills in units. */
export function assignLineItemIds(items: LineItemInput[], existing: Array<{ id?: string }>): LineItem[] {
  let next = Math.max(0, ...[...existing, ...items].map((li) => Number(/^L(\d+)$/.exec(li.id ?? '')?.[1] ?? 0))) + 1;
  return items.map((item) => ({ ...item, description: item.description.trim(), unit: unitOf(item), id: item.id ?? `L${next++}` }));
}

export function checkItems(state: NeedState, items: ItemQuantity[], what: string): void {
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

export const TEAM_MEMBER_STANDING: Record<Exclude<OrganizationStandingForNeeds, 'normal'>, [string, string]> = {
  unregistered: ['未在平台登记', 'is not registered'],
  abnormal: ['已列入活动异常名录', 'is listed as abnormal'],
  deregistered: ['已注销', 'is deregistered'],
};

/**
 * A team commitment: offered by the team's lead hub admin for an active team; the members' shares
 * add up to the commitment's quantities, line item by line item, and every member taking a share
 * is a member of the team in good standing. Returns the team as the commitment records it.
 */
export function checkTeamCommitment(command: Extract<NeedCommand, { type: 'OfferCommitment' }>, actor: Actor): CommitmentTeam {
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

export const RECEIVER_STANDING: Record<Exclude<OrganizationStandingForNeeds, 'normal'>, string> = {
  unregistered: '接收组织未在平台登记，不能接手接单 (the receiving organization is not registered and may not take over commitments)',
  abnormal: '接收组织已列入活动异常名录，不能接手接单 (the receiving organization is listed as abnormal and may not take over commitments)',
  deregistered: '接收组织已注销，不能接手接单 (the receiving organization is deregistered and may not take over commitments)',
};

export function requireReceiverStanding(standing: OrganizationStandingForNeeds): void {
  if (standing !== 'normal') throw forbidden(RECEIVER_STANDING[standing], { standing });
}

export function requireNoOpenCommitment(state: NeedState, organizationId: string, exceptId?: string): void {
  if (state.commitments.some((c) => c.id !== exceptId && c.organizationId === organizationId && (c.status === 'offered' || c.status === 'accepted'))) {
    throw conflict('接收组织在该需求上已有进行中的接单 (the receiving organization already has an open commitment on this need)', { organizationId });
  }
}

/** The invariant: accepted quantities never exceed what a line item still lacks. */
export function checkFitsLacking(state: NeedState, items: ItemQuantity[]): void {
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
