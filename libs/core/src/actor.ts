/**
 * Roles of DOMAIN.md, as grants give them: `organization` is an organization's staff (with
 * `organizationAdmin` when they administer it), `hub` a hub organization's admin, `admin` a
 * system administrator. `system` is the platform itself (expiry sweeps, seeds), never a person.
 */
export const ROLES = ['coordinator', 'organization', 'hub', 'bureau', 'auditor', 'admin', 'system'] as const;
export type Role = (typeof ROLES)[number];

export interface Actor {
  id: string;
  role: Role;
  /** For organization staff and hub admins: the organization they act for. */
  organizationId?: string;
  /** For organization staff: whether the grant makes them an admin of their organization (its staff and profile). */
  organizationAdmin?: boolean;
  /**
   * For coordinators, bureau staff and auditors: the division code prefix they act within (a
   * village's 12 digits or a town's 9 for a coordinator; a city's 4 or a county's 6 for bureau
   * staff; '44' for the whole province).
   */
  scope?: string;
}

export const isRole = (value: unknown): value is Role => typeof value === 'string' && (ROLES as readonly string[]).includes(value);

/** Whether a division code lies within a scope given as a division code prefix. */
export const withinScope = (divisionCode: string, scope: string | undefined): boolean =>
  scope !== undefined && scope.length > 0 && divisionCode.startsWith(scope);

/** The platform itself as the actor of what no person asked for (sweeps, pushes, periodic checkpoints). */
export const SYSTEM_ACTOR: Actor = Object.freeze({ id: 'system', role: 'system' });
