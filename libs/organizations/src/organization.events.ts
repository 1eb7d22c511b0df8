import { DomainEvent } from '@shecun/core';
import { Profile, Registration } from './organization.model';

/**
 * Events of the organizations context. Other contexts (needs: standings) consume them by type
 * and data; changing a field's meaning needs a new event type or schema version.
 */
export type OrganizationRegistered = DomainEvent<'OrganizationRegistered', Registration & Profile & { organizationId: string; registeredAt: string }>;
export type OrganizationProfileUpdated = DomainEvent<'OrganizationProfileUpdated', Profile & { organizationId: string; updatedAt: string }>;
export type OrganizationListedAbnormal = DomainEvent<'OrganizationListedAbnormal', { organizationId: string; reason: string; listedAt: string }>;
export type OrganizationStandingRestored = DomainEvent<'OrganizationStandingRestored', { organizationId: string; note: string; restoredAt: string }>;
export type OrganizationDeregistered = DomainEvent<'OrganizationDeregistered', { organizationId: string; reason: string; deregisteredAt: string }>;

export type OrganizationEvent =
  | OrganizationRegistered
  | OrganizationProfileUpdated
  | OrganizationListedAbnormal
  | OrganizationStandingRestored
  | OrganizationDeregistered;

export const ORGANIZATION_EVENT_TYPES: OrganizationEvent['type'][] = [
  'OrganizationRegistered',
  'OrganizationProfileUpdated',
  'OrganizationListedAbnormal',
  'OrganizationStandingRestored',
  'OrganizationDeregistered',
];

export const isOrganizationEvent = (event: { type: string }): event is OrganizationEvent =>
  (ORGANIZATION_EVENT_TYPES as string[]).includes(event.type);
