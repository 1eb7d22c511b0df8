import { Actor, conflict, Decider, DecisionContext, DomainEvent, everyCommandCommutes, forbidden, invalid, notFound } from '@shecun/core';
import { CATEGORIES, Category } from '@shecun/categories';
import { HubKind, Standing } from './organization.model';

/**
 * 组团帮扶: a hub organization (枢纽型社会组织) or an industry association (行业协会商会) forms a team
 * for a target area and project, invites organizations in related fields, and the invitees accept
 * or decline. One stream per team (`team-{teamId}`): invitations and answers are decided on it, so
 * shares never add up past 100% and an invitation is answered once, under concurrency.
 *
 * Member roles follow IATI's participating-organisation roles: `lead` (the hub; IATI "accountable"),
 * `implementing` (delivers) and `funding` (gives money or goods). A member's `share` is its agreed
 * share of the project in percent (0–100); the shares of the lead, the members and the open
 * invitations add up to at most 100. What a member gives to a particular need is set per
 * commitment (the needs context checks those shares against the commitment's quantities).
 */
export const teamStream = (teamId: string) => `team-${teamId}`;

export const TEAM_ROLES = ['lead', 'implementing', 'funding'] as const;
export type TeamRole = (typeof TEAM_ROLES)[number];
export const TEAM_ROLE_LABELS: Record<TeamRole, string> = { lead: '牵头', implementing: '实施', funding: '资助' };
export const INVITABLE_ROLES = ['implementing', 'funding'] as const;
export type InvitableRole = (typeof INVITABLE_ROLES)[number];

export type TeamStatus = 'active' | 'completed' | 'dissolved';
export const TEAM_STATUSES: TeamStatus[] = ['active', 'completed', 'dissolved'];
export type TeamMemberStatus = 'invited' | 'member' | 'declined';

export type TeamFormed = DomainEvent<
  'TeamFormed',
  {
    teamId: string;
    leadOrganizationId: string;
    leadOrganizationName: string;
    leadHubKind: HubKind;
    leadShare: number;
    targetCode: string;
    title: string;
    description: string;
    categories: Category[];
    targetNeedIds: string[];
    formedAt: string;
  }
>;
export type TeamInvitationSent = DomainEvent<
  'TeamInvitationSent',
  { teamId: string; organizationId: string; organizationName: string; role: InvitableRole; share: number; note: string; invitedAt: string }
>;
export type TeamInvitationAccepted = DomainEvent<
  'TeamInvitationAccepted',
  { teamId: string; organizationId: string; organizationName: string; role: InvitableRole; share: number; acceptedAt: string }
>;
export type TeamInvitationDeclined = DomainEvent<'TeamInvitationDeclined', { teamId: string; organizationId: string; reason: string; declinedAt: string }>;
export type TeamCompleted = DomainEvent<'TeamCompleted', { teamId: string; note: string; completedAt: string }>;
export type TeamDissolved = DomainEvent<'TeamDissolved', { teamId: string; reason: string; dissolvedAt: string }>;
export type TeamEvent = TeamFormed | TeamInvitationSent | TeamInvitationAccepted | TeamInvitationDeclined | TeamCompleted | TeamDissolved;
export const TEAM_EVENT_TYPES: TeamEvent['type'][] = ['TeamFormed', 'TeamInvitationSent', 'TeamInvitationAccepted', 'TeamInvitationDeclined', 'TeamCompleted', 'TeamDissolved'];
export const isTeamEvent = (e: { type: string }): e is TeamEvent => (TEAM_EVENT_TYPES as string[]).includes(e.type);

/** What the handler knows of an organization, from its own stream in this context. */
export interface TeamOrganization {
  exists: boolean;
  standing: Standing;
  name: string;
  hubKind: HubKind | null;
}

export type TeamCommand =
  | {
      type: 'FormTeam';
      teamId: string;
      leadOrganizationId: string;
      targetCode: string;
      title: string;
      description: string;
      categories: Category[];
      targetNeedIds: string[];
      leadShare: number;
      /** Set by the handler from the lead organization's stream. */
      lead: TeamOrganization;
    }
  | { type: 'InviteToTeam'; organizationId: string; role: InvitableRole; share: number; note: string; organization: TeamOrganization }
  | { type: 'AcceptTeamInvitation'; organizationId: string; organization: TeamOrganization }
  | { type: 'DeclineTeamInvitation'; organizationId: string; reason: string }
  | { type: 'CompleteTeam'; note: string }
  | { type: 'DissolveTeam'; reason: string };

export interface TeamMember {
  organizationId: string;
  organizationName: string;
  role: TeamRole;
  share: number;
  status: TeamMemberStatus;
  note: string;
  invitedAt: string;
  joinedAt: string | null;
  declinedAt: string | null;
  declineReason: string | null;
}

export interface TeamState {
  exists: boolean;
  id: string;
  leadOrganizationId: string;
  leadOrganizationName: string;
  leadHubKind: HubKind | null;
  targetCode: string;
  title: string;
  description: string;
  categories: Category[];
  targetNeedIds: string[];
  status: TeamStatus;
  /** The lead first, then invitees in the order they were (last) invited. */
  members: TeamMember[];
  formedAt: string | null;
  closedAt: string | null;
  closeReason: string | null;
}

export const initialTeamState: TeamState = {
  exists: false, id: '', leadOrganizationId: '', leadOrganizationName: '', leadHubKind: null, targetCode: '', title: '', description: '',
  categories: [], targetNeedIds: [], status: 'active', members: [], formedAt: null, closedAt: null, closeReason: null,
};

/** Shares held by the lead, the members and open invitations (declined ones hold none). */
export const committedShares = (state: TeamState): number => state.members.reduce((sum, m) => (m.status === 'declined' ? sum : sum + m.share), 0);

const STANDING_REFUSAL = (standing: Standing) =>
  standing === 'abnormal'
    ? '该组织已列入活动异常名录，不能加入组团 (an organization listed as abnormal may not join teams)'
    : '该组织已注销，不能加入组团 (a deregistered organization may not join teams)';

function requireGoodStanding(organization: TeamOrganization, organizationId: string): void {
  if (!organization.exists) throw notFound(`社会组织 ${organizationId} 未登记 (organization not registered)`);
  if (organization.standing !== 'normal') throw forbidden(STANDING_REFUSAL(organization.standing), { organizationId, standing: organization.standing });
}

function requireTeam(state: TeamState): void {
  if (!state.exists) throw notFound('组团不存在 (team not found)');
}

function requireActive(state: TeamState, zh: string, en: string): void {
  if (state.status !== 'active') throw conflict(`组团已${state.status === 'completed' ? '完成' : '解散'}，${zh} (the team is ${state.status}; ${en})`);
}

/** The team's hub admin: role `hub` acting for the lead organization. */
function requireLeadAdmin(actor: Actor, state: TeamState, zh: string, en: string): void {
  if (actor.role !== 'hub' || actor.organizationId !== state.leadOrganizationId) {
    throw forbidden(`只有牵头枢纽组织的管理员可以${zh} (only the lead hub’s admin may ${en})`);
  }
}

function requireInvitee(actor: Actor, organizationId: string): void {
  if ((actor.role !== 'organization' && actor.role !== 'hub') || actor.organizationId !== organizationId) {
    throw forbidden('只有受邀组织的工作人员可以答复邀请 (only the invited organization’s own staff may answer the invitation)');
  }
}

const checkShare = (share: number) => {
  if (!Number.isInteger(share) || share < 0 || share > 100) throw invalid('份额须为 0–100 的整数百分比 (share must be a whole percentage 0–100)');
};

/** A member is invited for a part of the project: at least 1%. (The lead may keep none for itself.) */
const checkMemberShare = (share: number) => {
  checkShare(share);
  if (share === 0) throw invalid('受邀成员的份额至少为 1% (an invited member’s share is at least 1%)');
};

function decide(command: TeamCommand, state: TeamState, { actor, now }: DecisionContext): TeamEvent[] {
  const at = now.toISOString();
  switch (command.type) {
    case 'FormTeam': {
      if (actor.role !== 'hub' || actor.organizationId !== command.leadOrganizationId) {
        throw forbidden('只有枢纽型社会组织或行业协会商会的管理员可以组团 (only a hub or industry association’s admin may form a team, for their own organization)');
      }
      requireGoodStanding(command.lead, command.leadOrganizationId);
      if (!command.lead.hubKind) {
        throw forbidden('只有枢纽型社会组织或行业协会商会可以牵头组团 (only hubs and industry associations lead teams)', { organizationId: command.leadOrganizationId });
      }
      if (state.exists) throw conflict('组团编号已存在 (a team with this id already exists)');
      if (!command.title.trim()) throw invalid('项目名称不能为空 (the project title is required)');
      if (command.categories.length === 0) throw invalid('至少选择一个帮扶类型 (choose at least one category)');
      for (const c of command.categories) if (!(CATEGORIES as readonly string[]).includes(c)) throw invalid(`未知的帮扶类型 ${c} (unknown category)`);
      if (new Set(command.categories).size !== command.categories.length) throw invalid('帮扶类型重复 (a category is listed twice)');
      if (new Set(command.targetNeedIds).size !== command.targetNeedIds.length) throw invalid('目标需求重复 (a target need is listed twice)');
      checkShare(command.leadShare);
      return [
        {
          type: 'TeamFormed',
          data: {
            teamId: command.teamId,
            leadOrganizationId: command.leadOrganizationId,
            leadOrganizationName: command.lead.name,
            leadHubKind: command.lead.hubKind,
            leadShare: command.leadShare,
            targetCode: command.targetCode,
            title: command.title.trim(),
            description: command.description.trim(),
            categories: command.categories,
            targetNeedIds: command.targetNeedIds,
            formedAt: at,
          },
        },
      ];
    }
    case 'InviteToTeam': {
      requireTeam(state);
      requireLeadAdmin(actor, state, '邀请成员', 'invite members');
      requireActive(state, '不能再邀请 (no more invitations)', 'no more invitations');
      if (!(INVITABLE_ROLES as readonly string[]).includes(command.role)) {
        throw invalid('成员角色须为 implementing（实施）或 funding（资助）(role must be implementing or funding; the lead is the hub)');
      }
      checkMemberShare(command.share);
      if (command.organizationId === state.leadOrganizationId) throw conflict('牵头组织已是成员 (the lead organization is already a member)');
      const existing = state.members.find((m) => m.organizationId === command.organizationId);
      if (existing && existing.status !== 'declined') {
        throw conflict(existing.status === 'member' ? '该组织已是成员 (already a member)' : '该组织已受邀，待答复 (already invited; awaiting the answer)', {
          organizationId: command.organizationId,
        });
      }
      requireGoodStanding(command.organization, command.organizationId);
      const total = committedShares(state) + command.share;
      if (total > 100) {
        throw invalid(`份额合计 ${total}% 超过 100% (shares would add up to ${total}%, more than 100%)`, { total, available: 100 - committedShares(state) });
      }
      return [
        {
          type: 'TeamInvitationSent',
          data: { teamId: state.id, organizationId: command.organizationId, organizationName: command.organization.name, role: command.role, share: command.share, note: command.note.trim(), invitedAt: at },
        },
      ];
    }
    case 'AcceptTeamInvitation':
    case 'DeclineTeamInvitation': {
      requireTeam(state);
      requireInvitee(actor, command.organizationId);
      const invitation = state.members.find((m) => m.organizationId === command.organizationId && m.status === 'invited');
      if (!invitation) throw notFound('没有待答复的邀请 (no open invitation for this organization)');
      requireActive(state, '邀请已失效 (the invitation lapsed)', 'the invitation lapsed');
      if (command.type === 'DeclineTeamInvitation') {
        return [{ type: 'TeamInvitationDeclined', data: { teamId: state.id, organizationId: command.organizationId, reason: command.reason.trim(), declinedAt: at } }];
      }
      // Good standing is required at the moment of joining, not only when invited.
      requireGoodStanding(command.organization, command.organizationId);
      return [
        {
          type: 'TeamInvitationAccepted',
          data: {
            teamId: state.id,
            organizationId: command.organizationId,
            organizationName: command.organization.name || invitation.organizationName,
            role: invitation.role as InvitableRole,
            share: invitation.share,
            acceptedAt: at,
          },
        },
      ];
    }
    case 'CompleteTeam': {
      requireTeam(state);
      requireLeadAdmin(actor, state, '完成组团项目', 'complete the team');
      requireActive(state, '不能再完成 (it cannot be completed)', 'it cannot be completed');
      return [{ type: 'TeamCompleted', data: { teamId: state.id, note: command.note.trim(), completedAt: at } }];
    }
    case 'DissolveTeam': {
      requireTeam(state);
      requireLeadAdmin(actor, state, '解散组团', 'dissolve the team');
      requireActive(state, '不能再解散 (it cannot be dissolved)', 'it cannot be dissolved');
      if (!command.reason.trim()) throw invalid('请说明解散原因 (a reason is required)');
      return [{ type: 'TeamDissolved', data: { teamId: state.id, reason: command.reason.trim(), dissolvedAt: at } }];
    }
  }
}

const updateMember = (state: TeamState, organizationId: string, change: (m: TeamMember) => TeamMember): TeamState => ({
  ...state,
  members: state.members.map((m) => (m.organizationId === organizationId ? change(m) : m)),
});

function evolve(state: TeamState, event: TeamEvent): TeamState {
  switch (event.type) {
    case 'TeamFormed': {
      const d = event.data;
      return {
        ...initialTeamState,
        exists: true,
        id: d.teamId,
        leadOrganizationId: d.leadOrganizationId,
        leadOrganizationName: d.leadOrganizationName,
        leadHubKind: d.leadHubKind,
        targetCode: d.targetCode,
        title: d.title,
        description: d.description,
        categories: d.categories,
        targetNeedIds: d.targetNeedIds,
        formedAt: d.formedAt,
        members: [
          {
            organizationId: d.leadOrganizationId, organizationName: d.leadOrganizationName, role: 'lead', share: d.leadShare, status: 'member', note: '',
            invitedAt: d.formedAt, joinedAt: d.formedAt, declinedAt: null, declineReason: null,
          },
        ],
      };
    }
    case 'TeamInvitationSent': {
      const d = event.data;
      const member: TeamMember = {
        organizationId: d.organizationId, organizationName: d.organizationName, role: d.role, share: d.share, status: 'invited', note: d.note,
        invitedAt: d.invitedAt, joinedAt: null, declinedAt: null, declineReason: null,
      };
      return { ...state, members: [...state.members.filter((m) => m.organizationId !== d.organizationId), member] };
    }
    case 'TeamInvitationAccepted':
      return updateMember(state, event.data.organizationId, (m) => ({ ...m, status: 'member', organizationName: event.data.organizationName, joinedAt: event.data.acceptedAt }));
    case 'TeamInvitationDeclined':
      return updateMember(state, event.data.organizationId, (m) => ({ ...m, status: 'declined', declinedAt: event.data.declinedAt, declineReason: event.data.reason }));
    case 'TeamCompleted':
      return { ...state, status: 'completed', closedAt: event.data.completedAt, closeReason: event.data.note || null };
    case 'TeamDissolved':
      return { ...state, status: 'dissolved', closedAt: event.data.dissolvedAt, closeReason: event.data.reason };
  }
}

/** A team's stream grows with every member and assignment over the years. Raise the snapshot version when TeamState or evolve changes. */
export const teamDecider: Decider<TeamCommand, TeamState, TeamEvent> = { initialState: initialTeamState, decide, evolve, commutes: everyCommandCommutes, snapshot: { name: 'team', version: 1 } };
