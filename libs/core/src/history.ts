import { RecordedEvent } from '@shecun/event-store';

/** A stream's events as the API shows them: what happened, when, who did it, and why (correlation, causation). */
export const presentHistory = (events: readonly RecordedEvent[]) =>
  events.map((e) => ({
    revision: e.revision,
    position: e.position,
    type: e.type,
    occurredAt: e.metadata.occurredAt,
    actor: { id: e.metadata.actorId, role: e.metadata.actorRole, organizationId: e.metadata.actorOrganizationId ?? null },
    correlationId: e.metadata.correlationId,
    causationId: e.metadata.causationId,
    data: e.data,
  }));
