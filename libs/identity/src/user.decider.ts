import { Actor, conflict, Decider, DecisionContext, everyCommandCommutes, forbidden, invalid, notFound, withinScope } from '@shecun/core';
import { IdentityEvent } from './identity.events';
import { Grant, GrantSpec, grantShapeProblem, isOrganizationGrant, normalizeUsername, OrganizationScope, USERNAME } from './identity.model';

export type UserCommand =
  | {
      type: 'RegisterUser';
      userId: string;
      username: string;
      displayName: string;
      passwordHash: string | null;
      externalSubject: string | null;
      /** A grant given in the same append as the registration (required when an organization's admin creates the user). */
      initialGrant?: { grantId: string; grant: GrantSpec };
      /** The organization the initial grant names, as the service found it (null: not registered). */
      organization?: OrganizationScope | null;
      /** A one-time password: every session is limited to changing it until it is changed. */
      mustChangePassword?: boolean;
      /** A contact number (bulk onboarding lists carry one). */
      phone?: string;
    }
  | { type: 'ChangePassword'; passwordHash: string }
  /** Replaces `previousHash` with a hash of the same password under current parameters (nothing when the password changed meanwhile). */
  | { type: 'RehashPassword'; passwordHash: string; previousHash: string; reason: string }
  | { type: 'GiveGrant'; grantId: string; grant: GrantSpec; organization?: OrganizationScope | null }
  | { type: 'RevokeGrant'; grantId: string; reason: string; organization?: OrganizationScope | null };

export interface UserState {
  exists: boolean;
  userId: string;
  username: string;
  displayName: string;
  passwordHash: string | null;
  externalSubject: string | null;
  phone?: string;
  /** Every grant ever given, revoked ones included (ids are never reused). */
  grants: (Grant & { revokedAt: string | null })[];
}

export const initialUserState: UserState = { exists: false, userId: '', username: '', displayName: '', passwordHash: null, externalSubject: null, grants: [] };

export const activeGrants = (state: UserState): Grant[] =>
  state.grants.filter((g) => !g.revokedAt).map(({ revokedAt: _revoked, ...grant }) => grant);

const ADMINS = ['admin', 'system'];

/** Whether the actor administers an organization: its admin-flagged staff, or its hub admin. */
export const administersOrganization = (actor: Actor): boolean =>
  !!actor.organizationId && ((actor.role === 'organization' && !!actor.organizationAdmin) || actor.role === 'hub');

/** The delegation model's answer: allowed, or why not (the organization unknown, or no authority). */
export type Delegation = { allowed: true } | { allowed: false; unknownOrganization?: true; zh: string; en: string };

const ALLOWED: Delegation = { allowed: true };
const refused = (zh: string, en: string): Delegation => ({ allowed: false, zh, en });

/**
 * Who may give a grant — and so revoke it: nobody gives a grant broader than one they hold, and
 * nobody revokes a grant they could not have given (README.md, "Delegation"):
 * - `admin` (and `system`, the platform itself): every grant; organization grants name a registered
 *   organization (`system` provisioning excepted);
 * - `bureau` with scope S: `coordinator` and `bureau` grants whose scope lies within S (S itself
 *   included); `organization` (admin-flagged or not) and `hub` grants for organizations registered
 *   within S (their registered division, `organization`, as the service looked it up); never
 *   `auditor` (auditors supervise the bureau) or `admin` grants;
 * - an organization's admin (`organization` with `organizationAdmin`): `organization` grants for
 *   their own organization, admin-flagged or not;
 * - a hub admin (`hub`): `organization` (admin-flagged or not) and `hub` grants for their own
 *   organization;
 * - organization staff without the admin flag, coordinators and auditors: none.
 */
export function delegation(actor: Actor, grant: GrantSpec, organization?: OrganizationScope | null): Delegation {
  const forOrganization = isOrganizationGrant(grant);
  const registered = forOrganization && !!organization && organization.organizationId === grant.organizationId ? organization : undefined;
  const unknown: Delegation = {
    allowed: false,
    unknownOrganization: true,
    zh: `社会组织 ${grant.organizationId} 未登记`,
    en: `organization ${grant.organizationId} is not registered`,
  };
  switch (actor.role) {
    case 'system':
      return ALLOWED;
    case 'admin':
      return forOrganization && !registered ? unknown : ALLOWED;
    case 'bureau':
      if (grant.role === 'coordinator' || grant.role === 'bureau') {
        return withinScope(grant.scope ?? '', actor.scope)
          ? ALLOWED
          : refused(`范围 ${grant.scope} 不在您的管辖范围 ${actor.scope ?? '-'} 内`, `scope ${grant.scope} lies outside your scope ${actor.scope ?? '-'}`);
      }
      if (!forOrganization) return refused(`只有系统管理员可以授予 ${grant.role} 权限`, `only administrators give ${grant.role} grants`);
      if (!registered) return unknown;
      return withinScope(registered.homeDivisionCode, actor.scope)
        ? ALLOWED
        : refused(
            `社会组织 ${grant.organizationId} 的登记地 ${registered.homeDivisionCode} 不在您的管辖范围 ${actor.scope ?? '-'} 内`,
            `organization ${grant.organizationId} is registered in ${registered.homeDivisionCode}, outside your scope ${actor.scope ?? '-'}`,
          );
    case 'organization':
    case 'hub': {
      if (!administersOrganization(actor)) return refused('只有组织管理员可以管理本组织的授权', "only an organization's admins manage its grants");
      if (!forOrganization || grant.organizationId !== actor.organizationId) {
        return refused(`只能管理本组织 ${actor.organizationId} 的授权`, `you manage grants of your own organization ${actor.organizationId} only`);
      }
      if (grant.role === 'hub' && actor.role !== 'hub') return refused('组织管理员不能授予枢纽组织管理员权限', 'organization admins may not give hub grants');
      return ALLOWED;
    }
    default:
      return refused(`角色 ${actor.role} 不能管理授权`, `role ${actor.role} may not manage grants`);
  }
}

/** Whether the actor may give (and revoke) the grant; `organization` is where the grant's organization is registered. */
export const mayManageGrant = (actor: Actor, grant: GrantSpec, organization?: OrganizationScope | null): boolean =>
  delegation(actor, grant, organization).allowed;

/** Refuses a grant the actor may not give: 404 for an organization that is not registered, 403 otherwise. */
function requireMayGive(actor: Actor, grant: GrantSpec, organization: OrganizationScope | null | undefined): void {
  const verdict = delegation(actor, grant, organization);
  if (!verdict.allowed) {
    if (verdict.unknownOrganization) throw notFound(`${verdict.zh} (${verdict.en})`);
    throw forbidden(`角色 ${actor.role} 不能授予此权限：${verdict.zh} (role ${actor.role} may not give this grant: ${verdict.en})`);
  }
  // What the organization is, whoever gives the grant (the platform's own provisioning aside).
  if (actor.role === 'system' || !organization || organization.organizationId !== grant.organizationId) return;
  if (organization.deregistered) throw invalid(`社会组织 ${organization.organizationId} 已注销，不能再授予权限 (organization ${organization.organizationId} is deregistered and takes no new grants)`);
  if (grant.role === 'hub' && !organization.hubKind) {
    throw invalid(`社会组织 ${organization.organizationId} 不是枢纽型社会组织或行业协会商会，不能授予 hub 权限 (organization ${organization.organizationId} is not a hub or industry association: no hub grant)`);
  }
}

/**
 * Refuses revoking a grant the actor could not have given (403). Administrators also revoke
 * grants of organizations that are not (or no longer) known; nobody else can place them.
 */
function requireMayRevoke(actor: Actor, grant: GrantSpec, organization: OrganizationScope | null | undefined): void {
  const verdict = delegation(actor, grant, organization);
  if (verdict.allowed || (verdict.unknownOrganization && ADMINS.includes(actor.role))) return;
  throw forbidden(`角色 ${actor.role} 不能撤销此授权：${verdict.zh} (role ${actor.role} may not revoke this grant: ${verdict.en})`);
}

/** The grant as stored: only the fields its role uses. */
function normalizeGrant(spec: GrantSpec): GrantSpec {
  const grant: GrantSpec = { role: spec.role };
  if (spec.scope) grant.scope = spec.scope;
  if (spec.organizationId) grant.organizationId = spec.organizationId;
  if (spec.organizationAdmin) grant.organizationAdmin = true;
  return grant;
}

function requireUser(state: UserState): void {
  if (!state.exists) throw notFound('用户不存在 (user not found)');
}

function decide(command: UserCommand, state: UserState, { actor, now }: DecisionContext): IdentityEvent[] {
  const at = now.toISOString();
  switch (command.type) {
    case 'RegisterUser': {
      const initial = command.initialGrant;
      if (!ADMINS.includes(actor.role) && actor.role !== 'bureau') {
        if (!administersOrganization(actor)) throw forbidden(`角色 ${actor.role} 不能创建用户 (role ${actor.role} may not create users)`);
        if (!initial) {
          throw forbidden('组织管理员创建用户时须同时授予本组织的授权 (organization admins create users together with a grant for their own organization)');
        }
      }
      const username = normalizeUsername(command.username);
      if (!USERNAME.test(username)) throw invalid('用户名须为 3-64 位小写字母、数字或 ._- (username: 3-64 lowercase letters, digits or ._-)');
      if (!command.displayName.trim()) throw invalid('姓名不能为空 (displayName must not be empty)');
      if (!command.passwordHash && !command.externalSubject) throw invalid('需要密码或外部身份 (a password or an external identity is required)');
      if (initial) {
        const problem = grantShapeProblem(initial.grant);
        if (problem) throw invalid(problem);
        requireMayGive(actor, initial.grant, command.organization);
      }
      if (state.exists) throw conflict(`用户名 ${username} 已被使用 (username ${username} is taken)`);
      const registered: IdentityEvent = {
        type: 'UserRegistered',
        data: {
          userId: command.userId,
          username,
          displayName: command.displayName.trim(),
          passwordHash: command.passwordHash,
          externalSubject: command.externalSubject,
          registeredAt: at,
          ...(command.mustChangePassword ? { mustChangePassword: true } : {}),
          ...(command.phone ? { phone: command.phone } : {}),
        },
      };
      if (!initial) return [registered];
      return [registered, { type: 'GrantGiven', data: { userId: command.userId, grantId: initial.grantId, grant: normalizeGrant(initial.grant), givenAt: at } }];
    }
    case 'ChangePassword': {
      requireUser(state);
      if (actor.id !== state.userId && !ADMINS.includes(actor.role)) throw forbidden('只能修改自己的密码 (you may only change your own password)');
      return [{ type: 'PasswordChanged', data: { userId: state.userId, passwordHash: command.passwordHash, changedAt: at } }];
    }
    case 'RehashPassword': {
      requireUser(state);
      if (actor.id !== state.userId && !ADMINS.includes(actor.role)) throw forbidden('只能更新自己的密码摘要 (you may only rehash your own password)');
      if (state.passwordHash !== command.previousHash || command.passwordHash === command.previousHash) return [];
      return [{ type: 'PasswordRehashed', data: { userId: state.userId, passwordHash: command.passwordHash, reason: command.reason, rehashedAt: at } }];
    }
    case 'GiveGrant': {
      requireUser(state);
      const problem = grantShapeProblem(command.grant);
      if (problem) throw invalid(problem);
      requireMayGive(actor, command.grant, command.organization);
      if (state.grants.some((g) => g.id === command.grantId)) throw conflict('授权编号已使用 (grant id already used)');
      const same = activeGrants(state).find(
        (g) => g.role === command.grant.role && g.scope === command.grant.scope && g.organizationId === command.grant.organizationId,
      );
      if (same) throw conflict('该用户已有相同授权 (the user already holds this grant)', { grantId: same.id });
      return [{ type: 'GrantGiven', data: { userId: state.userId, grantId: command.grantId, grant: normalizeGrant(command.grant), givenAt: at } }];
    }
    case 'RevokeGrant': {
      requireUser(state);
      const grant = state.grants.find((g) => g.id === command.grantId);
      if (!grant) throw notFound('授权不存在 (grant not found)');
      requireMayRevoke(actor, grant, command.organization);
      if (grant.revokedAt) throw conflict('授权已撤销 (the grant is already revoked)');
      if (!command.reason.trim()) throw invalid('请说明撤销原因 (a reason is required)');
      return [{ type: 'GrantRevoked', data: { userId: state.userId, grantId: grant.id, reason: command.reason.trim(), revokedAt: at } }];
    }
  }
}

function evolve(state: UserState, event: IdentityEvent): UserState {
  switch (event.type) {
    case 'UserRegistered':
      return {
        ...state,
        exists: true,
        userId: event.data.userId,
        username: event.data.username,
        displayName: event.data.displayName,
        passwordHash: event.data.passwordHash,
        externalSubject: event.data.externalSubject,
        ...(event.data.phone ? { phone: event.data.phone } : {}),
      };
    case 'PasswordChanged':
    case 'PasswordRehashed':
      return { ...state, passwordHash: event.data.passwordHash };
    case 'GrantGiven':
      return { ...state, grants: [...state.grants, { id: event.data.grantId, ...event.data.grant, revokedAt: null }] };
    case 'GrantRevoked':
      return { ...state, grants: state.grants.map((g) => (g.id === event.data.grantId ? { ...g, revokedAt: event.data.revokedAt } : g)) };
    default:
      // Events of the user's stream that other deciders own (SessionsRevoked).
      return state;
  }
}

export const userDecider: Decider<UserCommand, UserState, IdentityEvent> = { initialState: initialUserState, decide, evolve, commutes: everyCommandCommutes };
