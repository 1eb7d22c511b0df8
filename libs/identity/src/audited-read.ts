import { randomUUID } from 'node:crypto';
import { Actor, DomainEvent, eventToAppend } from '@shecun/core';
import { EventStore, RecordedEvent } from '@shecun/event-store';

/**
 * A read of an audited record (a donation trace, say): who read what, when, under which scope.
 * Appended to the reader's own `access-<actor id>` stream and shown in the access audit.
 */
export type AuditedRead = DomainEvent<'AuditedRead', { resource: string; resourceId: string; scope: string | null; query: Record<string, string>; readAt: string }>;

export const accessStream = (actorId: string) => `access-${actorId}`;
export const isAuditedRead = (event: RecordedEvent): boolean => event.streamName.startsWith('access-') && event.type === 'AuditedRead';

export async function recordAuditedRead(
  store: EventStore,
  actor: Actor,
  read: { resource: string; resourceId: string; scope: string | null; query?: Record<string, string> },
  correlationId: string = randomUUID(),
): Promise<void> {
  const now = new Date().toISOString();
  const event: AuditedRead = { type: 'AuditedRead', data: { resource: read.resource, resourceId: read.resourceId, scope: read.scope, query: read.query ?? {}, readAt: now } };
  await store.append(accessStream(actor.id), [eventToAppend(event, { id: randomUUID(), actor, correlationId, causationId: correlationId, occurredAt: now })], 'any');
}
