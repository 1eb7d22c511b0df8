import { DomainEvent } from '@shecun/core';
import { RecordedEvent } from '@shecun/event-store';
import { GrantSpec } from './identity.model';

export type IdentityEvent =
  | DomainEvent<'UserRegistered', { userId: string; username: string; displayName: string; passwordHash: string | null; externalSubject: string | null; registeredAt: string; mustChangePassword?: boolean; phone?: string }>
  | DomainEvent<'PasswordChanged', { userId: string; passwordHash: string; changedAt: string }>
  /** The same password hashed again with current parameters, on a sign-in that proved it: sessions go on. */
  | DomainEvent<'PasswordRehashed', { userId: string; passwordHash: string; reason: string; rehashedAt: string }>
  | DomainEvent<'GrantGiven', { userId: string; grantId: string; grant: GrantSpec; givenAt: string }>
  | DomainEvent<'GrantRevoked', { userId: string; grantId: string; reason: string; revokedAt: string }>
  /** Every session of the user ends (and every access token issued before): "sign out everywhere". */
  | DomainEvent<'SessionsRevoked', { userId: string; reason: string; revokedAt: string }>;

/** Events of a sign-in session's stream (`session-<id>`). Refresh secrets are kept only as SHA-256 hashes. */
export type SessionEvent =
  | DomainEvent<
      'SessionStarted',
      { sessionId: string; userId: string; grantId: string; refreshHash: string; sessionVersion: number; idleSeconds: number; startedAt: string; expiresAt: string; idleExpiresAt: string }
    >
  | DomainEvent<'SessionRefreshed', { sessionId: string; userId: string; generation: number; refreshHash: string; refreshedAt: string; idleExpiresAt: string }>
  | DomainEvent<'SessionEnded', { sessionId: string; userId: string; reason: 'logout' | 'refresh-token-reuse' | 'revoked'; endedAt: string }>;

export const IDENTITY_EVENT_TYPES: ReadonlySet<string> = new Set<IdentityEvent['type']>(['UserRegistered', 'PasswordChanged', 'GrantGiven', 'GrantRevoked', 'SessionsRevoked', 'PasswordRehashed']);

export const SESSION_EVENT_TYPES: ReadonlySet<string> = new Set<SessionEvent['type']>(['SessionStarted', 'SessionRefreshed', 'SessionEnded']);

export const isIdentityEvent = (event: RecordedEvent): boolean => event.streamName.startsWith('user-') && IDENTITY_EVENT_TYPES.has(event.type);

export const isSessionEvent = (event: RecordedEvent): boolean => event.streamName.startsWith('session-') && SESSION_EVENT_TYPES.has(event.type);
