import { DomainEvent } from '@shecun/core';
import { RecordedEvent } from '@shecun/event-store';
import { GrantSpec } from './identity.model';

export type IdentityEvent =
  | DomainEvent<'UserRegistered', { userId: string; username: string; displayName: string; passwordHash: string | null; externalSubject: string | null; registeredAt: string }>
  | DomainEvent<'PasswordChanged', { userId: string; passwordHash: string; changedAt: string }>
  | DomainEvent<'GrantGiven', { userId: string; grantId: string; grant: GrantSpec; givenAt: string }>
  | DomainEvent<'GrantRevoked', { userId: string; grantId: string; reason: string; revokedAt: string }>;

export const IDENTITY_EVENT_TYPES: ReadonlySet<string> = new Set<IdentityEvent['type']>(['UserRegistered', 'PasswordChanged', 'GrantGiven', 'GrantRevoked']);

export const isIdentityEvent = (event: RecordedEvent): boolean => event.streamName.startsWith('user-') && IDENTITY_EVENT_TYPES.has(event.type);
