import { Actor, conflict, Decider, DecisionContext, forbidden, invalid, notFound, withinScope } from '@shecun/core';
import { CATEGORIES, Category } from '@shecun/categories';
import { OrganizationType, validateAnyCreditCode, validateCreditCode } from './credit-code';
import { OrganizationEvent } from './organization.events';
import { Contact, HUB_KINDS, HubKind, MemberUnit, Profile, Standing } from './organization.model';

// ---------------------------------------------------------------------------------------------
// Commands
// ---------------------------------------------------------------------------------------------

export type OrganizationCommand =
  | ({
      type: 'RegisterOrganization';
      organizationId: string;
      creditCode: string;
      name: string;
      homeDivisionCode: string;
      hubKind: HubKind | null;
    } & Profile)
  | ({ type: 'UpdateProfile' } & Profile)
  | { type: 'ListAbnormal'; reason: string }
  | { type: 'RestoreStanding'; note: string }
  | { type: 'Deregister'; reason: string };

// ---------------------------------------------------------------------------------------------
// State
// ---------------------------------------------------------------------------------------------

export interface OrganizationState {
  exists: boolean;
  id: string;
  creditCode: string;
  name: string;
  type: OrganizationType;
  homeDivisionCode: string;
  hubKind: HubKind | null;
  profile: Profile;
  standing: Standing;
  /** Why it is abnormal or deregistered; the note of the last restoration when normal again. */
  standingReason: string | null;
  standingSince: string | null;
  registeredAt: string | null;
  updatedAt: string | null;
}

export const initialOrganizationState: OrganizationState = {
  exists: false,
  id: '',
  creditCode: '',
  name: '',
  type: 'social_group',
  homeDivisionCode: '',
  hubKind: null,
  profile: { categories: [], contact: {}, memberUnits: [], description: '' },
  standing: 'normal',
  standingReason: null,
  standingSince: null,
  registeredAt: null,
  updatedAt: null,
};

/** Whether it may take new commitments, join teams, hold new pairings or pledge donations. */
export const inGoodStanding = (state: Pick<OrganizationState, 'exists' | 'standing'>) => state.exists && state.standing === 'normal';

// ---------------------------------------------------------------------------------------------
// Authorization (pure: the actor comes with the command)
// ---------------------------------------------------------------------------------------------

/** Bureau staff whose scope covers the division; `system` (seeds, imports) too. */
export function requireBureauFor(actor: Actor, divisionCode: string, action: string): void {
  if (actor.role === 'system') return;
  const [, zh, en] = /^(.*) \((.*)\)$/.exec(action) ?? [action, action, action];
  if (actor.role !== 'bureau') throw forbidden(`只有登记管理机关可以${zh} (only bureau staff may ${en})`);
  if (!withinScope(divisionCode, actor.scope)) {
    throw forbidden(`行政区划 ${divisionCode} 不在您的管辖范围 ${actor.scope ?? '(无)'} 内 (division ${divisionCode} is outside your scope ${actor.scope ?? '(none)'})`);
  }
}

/** Staff (organization or hub role) of this very organization. */
export function requireOwnStaff(actor: Actor, organizationId: string, action: string): void {
  const [, zh, en] = /^(.*) \((.*)\)$/.exec(action) ?? [action, action, action];
  if ((actor.role !== 'organization' && actor.role !== 'hub') || actor.organizationId !== organizationId) {
    throw forbidden(`只有本组织工作人员可以${zh} (only the organization's own staff may ${en})`);
  }
}

// ---------------------------------------------------------------------------------------------
// Decide
// ---------------------------------------------------------------------------------------------

function requireOrganization(state: OrganizationState): void {
  if (!state.exists) throw notFound('社会组织不存在 (organization not found)');
}

function requireNotDeregistered(state: OrganizationState): void {
  if (state.standing === 'deregistered') throw conflict('该社会组织已注销 (the organization is deregistered)');
}

const trimContact = (contact: Contact): Contact =>
  Object.fromEntries(Object.entries(contact).filter(([, v]) => typeof v === 'string' && v.trim()).map(([k, v]) => [k, (v as string).trim()]));

function checkProfile(profile: Profile): Profile {
  if (profile.categories.length === 0) throw invalid('至少选择一个服务领域 (choose at least one service field)');
  for (const c of profile.categories) {
    if (!(CATEGORIES as readonly string[]).includes(c)) throw invalid(`未知的帮扶类型 ${c} (unknown assistance category)`);
  }
  if (new Set(profile.categories).size !== profile.categories.length) throw invalid('服务领域重复 (a service field is listed twice)');
  const names = new Set<string>();
  const memberUnits: MemberUnit[] = [];
  for (const unit of profile.memberUnits) {
    const name = unit.name.trim();
    if (!name) throw invalid('会员单位名称不能为空 (a member unit needs a name)');
    if (names.has(name)) throw invalid(`会员单位 ${name} 重复 (member unit listed twice)`);
    names.add(name);
    if (unit.creditCode !== undefined) {
      // Member units may be enterprises: format and the GB 32100 check character apply to them.
      const result = validateAnyCreditCode(unit.creditCode);
      if (!result.valid) {
        throw invalid(`会员单位 ${name} 的统一社会信用代码无效：${result.message}`, { field: 'memberUnits', check: result.check });
      }
      memberUnits.push({ name, creditCode: unit.creditCode.trim().toUpperCase() });
    } else memberUnits.push({ name });
  }
  return {
    categories: [...profile.categories] as Category[],
    contact: trimContact(profile.contact),
    memberUnits,
    description: profile.description.trim(),
  };
}

function decide(command: OrganizationCommand, state: OrganizationState, { actor, now }: DecisionContext): OrganizationEvent[] {
  const at = now.toISOString();
  switch (command.type) {
    case 'RegisterOrganization': {
      requireBureauFor(actor, command.homeDivisionCode, '登记社会组织 (register organizations)');
      if (state.exists) throw conflict(`社会组织 ${state.id} 已登记 (organization already registered)`);
      const code = validateCreditCode(command.creditCode);
      if (!code.valid) throw invalid(`统一社会信用代码无效：${code.message}`, { field: 'creditCode', check: code.check });
      const name = command.name.trim();
      if (!name) throw invalid('名称不能为空 (name is required)');
      if (command.hubKind !== null && !HUB_KINDS.includes(command.hubKind)) throw invalid(`未知的枢纽类型 ${command.hubKind} (unknown hub kind)`);
      if (command.hubKind === 'industry_association' && code.type !== 'social_group') {
        throw invalid('行业协会商会应为社会团体（代码第 2 位为 1） (an industry association is a social group: position 2 of its code is 1)');
      }
      const profile = checkProfile(command);
      return [
        {
          type: 'OrganizationRegistered',
          data: {
            organizationId: command.organizationId,
            creditCode: code.code,
            name,
            type: code.type,
            homeDivisionCode: command.homeDivisionCode,
            hubKind: command.hubKind,
            ...profile,
            registeredAt: at,
          },
        },
      ];
    }
    case 'UpdateProfile': {
      requireOrganization(state);
      requireOwnStaff(actor, state.id, '修改组织资料 (update the profile)');
      requireNotDeregistered(state);
      const profile = checkProfile(command);
      return [{ type: 'OrganizationProfileUpdated', data: { organizationId: state.id, ...profile, updatedAt: at } }];
    }
    case 'ListAbnormal': {
      requireOrganization(state);
      requireBureauFor(actor, state.homeDivisionCode, '列入活动异常名录 (list organizations as abnormal)');
      requireNotDeregistered(state);
      if (state.standing === 'abnormal') throw conflict('该社会组织已在活动异常名录中 (the organization is already listed as abnormal)');
      if (!command.reason.trim()) throw invalid('请说明列入原因 (a reason is required)');
      return [{ type: 'OrganizationListedAbnormal', data: { organizationId: state.id, reason: command.reason.trim(), listedAt: at } }];
    }
    case 'RestoreStanding': {
      requireOrganization(state);
      requireBureauFor(actor, state.homeDivisionCode, '移出活动异常名录 (restore organizations)');
      requireNotDeregistered(state);
      if (state.standing !== 'abnormal') throw conflict('该社会组织不在活动异常名录中 (the organization is not listed as abnormal)');
      if (!command.note.trim()) throw invalid('请说明移出理由 (a note is required)');
      return [{ type: 'OrganizationStandingRestored', data: { organizationId: state.id, note: command.note.trim(), restoredAt: at } }];
    }
    case 'Deregister': {
      requireOrganization(state);
      requireBureauFor(actor, state.homeDivisionCode, '注销社会组织 (deregister organizations)');
      requireNotDeregistered(state);
      if (!command.reason.trim()) throw invalid('请说明注销原因 (a reason is required)');
      return [{ type: 'OrganizationDeregistered', data: { organizationId: state.id, reason: command.reason.trim(), deregisteredAt: at } }];
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Evolve
// ---------------------------------------------------------------------------------------------

function evolve(state: OrganizationState, event: OrganizationEvent): OrganizationState {
  switch (event.type) {
    case 'OrganizationRegistered': {
      const d = event.data;
      return {
        ...initialOrganizationState,
        exists: true,
        id: d.organizationId,
        creditCode: d.creditCode,
        name: d.name,
        type: d.type,
        homeDivisionCode: d.homeDivisionCode,
        hubKind: d.hubKind,
        profile: { categories: d.categories, contact: d.contact, memberUnits: d.memberUnits, description: d.description },
        standingSince: d.registeredAt,
        registeredAt: d.registeredAt,
        updatedAt: d.registeredAt,
      };
    }
    case 'OrganizationProfileUpdated': {
      const { categories, contact, memberUnits, description, updatedAt } = event.data;
      return { ...state, profile: { categories, contact, memberUnits, description }, updatedAt };
    }
    case 'OrganizationListedAbnormal':
      return { ...state, standing: 'abnormal', standingReason: event.data.reason, standingSince: event.data.listedAt, updatedAt: event.data.listedAt };
    case 'OrganizationStandingRestored':
      return { ...state, standing: 'normal', standingReason: event.data.note, standingSince: event.data.restoredAt, updatedAt: event.data.restoredAt };
    case 'OrganizationDeregistered':
      return { ...state, standing: 'deregistered', standingReason: event.data.reason, standingSince: event.data.deregisteredAt, updatedAt: event.data.deregisteredAt };
  }
}

export const organizationDecider: Decider<OrganizationCommand, OrganizationState, OrganizationEvent> = {
  initialState: initialOrganizationState,
  decide,
  evolve,
  /** A profile update replaces the profile the person read: refused after a concurrent append, never re-decided. */
  commutes: (command) => command.type !== 'UpdateProfile',
  /** An organization's stream grows with each profile update and standing change over the years. Raise the version when OrganizationState or evolve changes. */
  snapshot: { name: 'organization', version: 1 },
};
