import { Actor, conflict, Decider, DecisionContext, forbidden, invalid, notFound, withinScope } from '@shecun/core';
import { IdentityEvent } from './identity.events';
import { Grant, GrantSpec, grantShapeProblem, normalizeUsername, USERNAME } from './identity.model';

export type UserCommand =
  | { type: 'RegisterUser'; userId: string; username: string; displayName: string; passwordHash: string | null; externalSubject: string | null }
  | { type: 'ChangePassword'; passwordHash: string }
  | { type: 'GiveGrant'; grantId: string; grant: GrantSpec }
  | { type: 'RevokeGrant'; grantId: string; reason: string };

export interface UserState {
  exists: boolean;
  userId: string;
  username: string;
  displayName: string;
  passwordHash: string | null;
  externalSubject: string | null;
  /** Every grant ever given, revoked ones included (ids are never reused). */
  grants: (Grant & { revokedAt: string | null })[];
}

export const initialUserState: UserState = { exists: false, userId: '', username: '', displayName: '', passwordHash: null, externalSubject: null, grants: [] };

export const activeGrants = (state: UserState): Grant[] =>
  state.grants.filter((g) => !g.revokedAt).map(({ revokedAt: _revoked, ...grant }) => grant);

const ADMINS = ['admin', 'system'];

/**
 * Who may give or revoke a grant: system administrators any; bureau staff coordinator grants
 * within their own division scope and organization / hub grants; nobody else.
 */
export function mayManageGrant(actor: Actor, grant: GrantSpec): boolean {
  if (ADMINS.includes(actor.role)) return true;
  if (actor.role !== 'bureau') return false;
  if (grant.role === 'coordinator') return withinScope(grant.scope ?? '', actor.scope);
  return grant.role === 'organization' || grant.role === 'hub';
}

function requireUser(state: UserState): void {
  if (!state.exists) throw notFound('用户不存在 (user not found)');
}

function decide(command: UserCommand, state: UserState, { actor, now }: DecisionContext): IdentityEvent[] {
  const at = now.toISOString();
  switch (command.type) {
    case 'RegisterUser': {
      if (!ADMINS.includes(actor.role) && actor.role !== 'bureau') throw forbidden(`角色 ${actor.role} 不能创建用户 (role ${actor.role} may not create users)`);
      const username = normalizeUsername(command.username);
      if (!USERNAME.test(username)) throw invalid('用户名须为 3-64 位小写字母、数字或 ._- (username: 3-64 lowercase letters, digits or ._-)');
      if (!command.displayName.trim()) throw invalid('姓名不能为空 (displayName must not be empty)');
      if (state.exists) throw conflict(`用户名 ${username} 已被使用 (username ${username} is taken)`);
      if (!command.passwordHash && !command.externalSubject) throw invalid('需要密码或外部身份 (a password or an external identity is required)');
      return [
        {
          type: 'UserRegistered',
          data: { userId: command.userId, username, displayName: command.displayName.trim(), passwordHash: command.passwordHash, externalSubject: command.externalSubject, registeredAt: at },
        },
      ];
    }
    case 'ChangePassword': {
      requireUser(state);
      if (actor.id !== state.userId && !ADMINS.includes(actor.role)) throw forbidden('只能修改自己的密码 (you may only change your own password)');
      return [{ type: 'PasswordChanged', data: { userId: state.userId, passwordHash: command.passwordHash, changedAt: at } }];
    }
    case 'GiveGrant': {
      requireUser(state);
      const problem = grantShapeProblem(command.grant);
      if (problem) throw invalid(problem);
      if (!mayManageGrant(actor, command.grant)) throw forbidden(`角色 ${actor.role} 不能授予此权限 (role ${actor.role} may not give this grant)`);
      if (state.grants.some((g) => g.id === command.grantId)) throw conflict('授权编号已使用 (grant id already used)');
      const same = activeGrants(state).find(
        (g) => g.role === command.grant.role && g.scope === command.grant.scope && g.organizationId === command.grant.organizationId,
      );
      if (same) throw conflict('该用户已有相同授权 (the user already holds this grant)', { grantId: same.id });
      const grant: GrantSpec = { role: command.grant.role };
      if (command.grant.scope) grant.scope = command.grant.scope;
      if (command.grant.organizationId) grant.organizationId = command.grant.organizationId;
      if (command.grant.organizationAdmin) grant.organizationAdmin = true;
      return [{ type: 'GrantGiven', data: { userId: state.userId, grantId: command.grantId, grant, givenAt: at } }];
    }
    case 'RevokeGrant': {
      requireUser(state);
      const grant = state.grants.find((g) => g.id === command.grantId);
      if (!grant) throw notFound('授权不存在 (grant not found)');
      if (!mayManageGrant(actor, grant)) throw forbidden(`角色 ${actor.role} 不能撤销此授权 (role ${actor.role} may not revoke this grant)`);
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
      };
    case 'PasswordChanged':
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

export const userDecider: Decider<UserCommand, UserState, IdentityEvent> = { initialState: initialUserState, decide, evolve };
