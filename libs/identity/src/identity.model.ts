import { Role } from '@shecun/core';
import { v5 as uuidv5 } from 'uuid';

/** Namespace of user ids derived from usernames: one username, one user stream. */
const USER_ID_NAMESPACE = '2d0c5b1e-7f3a-5e4b-8c9d-1a2b3c4d5e6f';

/** Roles a grant can give; `system` is the platform itself and is never granted. */
export const GRANTABLE_ROLES = ['coordinator', 'organization', 'hub', 'bureau', 'auditor', 'admin'] as const satisfies readonly Role[];
export type GrantableRole = (typeof GRANTABLE_ROLES)[number];

/** What a grant lets its holder act as: a role within a division scope or for an organization. */
export interface GrantSpec {
  role: GrantableRole;
  /** Division code prefix: coordinator (village 12 / town 9 digits), bureau (city 4 / county 6, or 44), auditor (any prefix). */
  scope?: string;
  /** Organization staff and hub admins act for this organization. */
  organizationId?: string;
  /** Organization staff who administer their organization's profile and staff. */
  organizationAdmin?: boolean;
}

export interface Grant extends GrantSpec {
  id: string;
}

/**
 * What the user commands are told about the organization an `organization` / `hub` grant names:
 * where it is registered (登记地). The service looks it up in the identity context's own view of
 * the organizations context's events; null when no registration is known.
 */
export interface OrganizationScope {
  organizationId: string;
  homeDivisionCode: string;
  /** `hub` or `industry_association` when registered as one (only those take hub grants). */
  hubKind?: string | null;
  /** Deregistered organizations take no new grants. */
  deregistered?: boolean;
}

/** Whether a grant acts for an organization (`organization` staff or `hub` admin). */
export const isOrganizationGrant = (grant: Pick<GrantSpec, 'role'>) => grant.role === 'organization' || grant.role === 'hub';

export const USERNAME = /^[a-z0-9][a-z0-9._-]{2,63}$/;

export const normalizeUsername = (username: string) => username.trim().toLowerCase();

/** The user id a username always maps to. */
export const userIdFor = (username: string) => uuidv5(normalizeUsername(username), USER_ID_NAMESPACE);

export const userStream = (userId: string) => `user-${userId}`;

/** The scope lengths each role accepts, and why. */
const SCOPE_LENGTHS: Partial<Record<GrantableRole, number[]>> = {
  coordinator: [9, 12],
  bureau: [2, 4, 6],
  auditor: [2, 4, 6, 9, 12],
};

/** Checks a grant's shape for its role; returns a message when it does not fit, or undefined. */
export function grantShapeProblem(grant: GrantSpec): string | undefined {
  const lengths = SCOPE_LENGTHS[grant.role];
  if (lengths) {
    if (!grant.scope || !/^\d+$/.test(grant.scope) || !lengths.includes(grant.scope.length)) {
      return `角色 ${grant.role} 需要 ${lengths.join('/')} 位行政区划代码作为范围 (role ${grant.role} needs a scope of a ${lengths.join(', ')}-digit division code)`;
    }
    if (!grant.scope.startsWith('44')) return '范围必须在广东省内 (the scope must lie within Guangdong, code 44…)';
    if (grant.organizationId) return `角色 ${grant.role} 不属于某个社会组织 (role ${grant.role} takes no organization)`;
  } else if (grant.role === 'organization' || grant.role === 'hub') {
    if (!grant.organizationId) return `角色 ${grant.role} 需要社会组织编号 (role ${grant.role} needs an organizationId)`;
    if (grant.scope) return `角色 ${grant.role} 不使用行政区划范围 (role ${grant.role} takes no division scope)`;
  } else if (grant.scope || grant.organizationId) {
    return '系统管理员授权不带范围 (an admin grant takes neither scope nor organization)';
  }
  if (grant.organizationAdmin && grant.role !== 'organization') return '只有社会组织工作人员可以是组织管理员 (only organization staff can be organization admins)';
  return undefined;
}
