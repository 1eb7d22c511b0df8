import { foldRecorded } from '@shecun/core';
import { EventStore } from '@shecun/event-store';
import { OrganizationType } from './credit-code';
import { organizationDecider } from './organization.decider';
import { HubKind, organizationStream, Standing } from './organization.model';

/**
 * What another context may know of one organization: part of the organizations context's
 * published language (version 1), read from its stream (consistent, no read-model lag). Other
 * contexts use this, never the organizations decider or its state.
 */
export interface PublishedOrganization {
  organizationId: string;
  /** False for an id never registered. */
  exists: boolean;
  name: string;
  type: OrganizationType;
  hubKind: HubKind | null;
  homeDivisionCode: string;
  standing: Standing;
  /** Its member units' names (会员单位), as its profile lists them. */
  memberUnits: string[];
}

export async function readPublishedOrganization(store: EventStore, organizationId: string): Promise<PublishedOrganization> {
  const org = foldRecorded(organizationDecider, await store.readStream(organizationStream(organizationId)));
  return {
    organizationId,
    exists: org.exists,
    name: org.name,
    type: org.type,
    hubKind: org.hubKind,
    homeDivisionCode: org.homeDivisionCode,
    standing: org.standing,
    memberUnits: org.profile.memberUnits.map((unit) => unit.name),
  };
}
