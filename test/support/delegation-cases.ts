import { Actor } from '@shecun/core';
import { GrantSpec, OrganizationScope } from '@shecun/identity';

/**
 * The delegation table of README.md ("Delegation"), as data: which grants each kind of granter may
 * give — and so revoke, and give to a user they create — inside their reach. Outside it (an
 * organization registered elsewhere, another organization, a village or scope outside their
 * division) only administrators may. The specs generate every granter × grant × target case from
 * it, for the decider and through HTTP.
 */
export const GRANT_KINDS = ['coordinator', 'organization', 'organization+admin', 'hub', 'bureau', 'auditor', 'admin'] as const;
export type GrantKind = (typeof GRANT_KINDS)[number];

/** 连南瑶族自治县 (441826, 清远 4418): inside both bureau granters' scopes; the organization granters' own. */
export const ORG_IN: OrganizationScope = { organizationId: 'org-ln-yao-embroidery', homeDivisionCode: '441826', hubKind: 'hub' };
/** 广州市社会组织联合会 (广州 4401): outside every non-admin granter's reach. */
export const ORG_OUT: OrganizationScope = { organizationId: 'org-gz-federation', homeDivisionCode: '4401', hubKind: 'hub' };
export const KNOWN_ORGANIZATIONS = [ORG_IN, ORG_OUT];

export const GRANTERS = {
  admin: { role: 'admin' },
  'bureau:city': { role: 'bureau', scope: '4418' },
  'bureau:county': { role: 'bureau', scope: '441826' },
  'organization:admin': { role: 'organization', organizationId: ORG_IN.organizationId, organizationAdmin: true },
  'organization:staff': { role: 'organization', organizationId: ORG_IN.organizationId },
  'hub:admin': { role: 'hub', organizationId: ORG_IN.organizationId },
  coordinator: { role: 'coordinator', scope: '441826105' },
  auditor: { role: 'auditor', scope: '4418' },
} as const satisfies Record<string, Omit<Actor, 'id'>>;
export type GranterKey = keyof typeof GRANTERS;

/** What each granter may give inside their reach; administrators give everything everywhere. */
export const MAY_GIVE_IN_REACH: Record<GranterKey, readonly GrantKind[]> = {
  admin: GRANT_KINDS,
  'bureau:city': ['coordinator', 'organization', 'organization+admin', 'hub', 'bureau'],
  'bureau:county': ['coordinator', 'organization', 'organization+admin', 'hub', 'bureau'],
  'organization:admin': ['organization', 'organization+admin'],
  'organization:staff': [],
  'hub:admin': ['organization', 'organization+admin', 'hub'],
  coordinator: [],
  auditor: [],
};

export type Target = 'in' | 'out';

/**
 * The grant of a kind inside or outside the granters' reach: a village of 三排镇 (连南) or of 从化;
 * ORG_IN or ORG_OUT; a bureau or auditor scope of 连南 (narrower than 清远, equal to 连南's) or 广州.
 */
export function grantFor(kind: GrantKind, target: Target): GrantSpec {
  const inside = target === 'in';
  switch (kind) {
    case 'coordinator':
      return { role: 'coordinator', scope: inside ? '441826105201' : '440117001001' };
    case 'organization':
      return { role: 'organization', organizationId: (inside ? ORG_IN : ORG_OUT).organizationId };
    case 'organization+admin':
      return { role: 'organization', organizationId: (inside ? ORG_IN : ORG_OUT).organizationId, organizationAdmin: true };
    case 'hub':
      return { role: 'hub', organizationId: (inside ? ORG_IN : ORG_OUT).organizationId };
    case 'bureau':
    case 'auditor':
      return { role: kind, scope: inside ? '441826' : '4401' };
    case 'admin':
      return { role: 'admin' };
  }
}

export interface DelegationCase {
  granter: GranterKey;
  kind: GrantKind;
  target: Target;
  grant: GrantSpec;
  allowed: boolean;
}

/** Every granter × grant kind × target (an admin grant has no target: one case). */
export const DELEGATION_CASES: DelegationCase[] = (Object.keys(GRANTERS) as GranterKey[]).flatMap((granter) =>
  GRANT_KINDS.flatMap((kind) =>
    (kind === 'admin' ? (['in'] as const) : (['in', 'out'] as const)).map((target) => ({
      granter,
      kind,
      target,
      grant: grantFor(kind, target),
      allowed: granter === 'admin' || (target === 'in' && MAY_GIVE_IN_REACH[granter].includes(kind)),
    })),
  ),
);

/** What the service would look up for a grant: where its organization is registered (null: unknown). */
export const organizationOf = (grant: GrantSpec): OrganizationScope | null | undefined =>
  grant.role === 'organization' || grant.role === 'hub' ? (KNOWN_ORGANIZATIONS.find((o) => o.organizationId === grant.organizationId) ?? null) : undefined;
