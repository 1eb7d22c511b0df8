import { CATEGORY_LABELS } from '@shecun/categories';
import { ORGANIZATION_TYPE_LABELS } from './credit-code';
import { OrganizationState } from './organization.decider';
import { HUB_KIND_LABELS, STANDING_LABELS } from './organization.model';

/** An organization as users see it. `summary` leaves out contact and member units (directory rows). */
export function presentOrganization(state: OrganizationState, summary = false) {
  const base = {
    id: state.id,
    creditCode: state.creditCode,
    name: state.name,
    type: state.type,
    typeLabel: ORGANIZATION_TYPE_LABELS[state.type],
    homeDivisionCode: state.homeDivisionCode,
    hubKind: state.hubKind,
    hubKindLabel: state.hubKind ? HUB_KIND_LABELS[state.hubKind] : null,
    isHub: state.hubKind !== null,
    categories: state.profile.categories,
    categoryLabels: state.profile.categories.map((c) => CATEGORY_LABELS[c]),
    standing: state.standing,
    standingLabel: STANDING_LABELS[state.standing],
    standingReason: state.standingReason,
    standingSince: state.standingSince,
    registeredAt: state.registeredAt,
    updatedAt: state.updatedAt,
  };
  if (summary) return { ...base, memberUnitCount: state.profile.memberUnits.length };
  return { ...base, description: state.profile.description, contact: state.profile.contact, memberUnits: state.profile.memberUnits };
}
