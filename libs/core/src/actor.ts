/** Roles of DOMAIN.md. `system` is the platform itself (expiry sweeps, seeds). */
export const ROLES = ['coordinator', 'organization', 'hub', 'bureau', 'auditor', 'system'] as const;
export type Role = (typeof ROLES)[number];

export interface Actor {
  id: string;
  role: Role;
  /** For organization staff and hub admins: the organization they act for. */
  organizationId?: string;
}

export const isRole = (value: unknown): value is Role => typeof value === 'string' && (ROLES as readonly string[]).includes(value);
