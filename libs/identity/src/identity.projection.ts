import { Injectable } from '@nestjs/common';
import { RecordedEvent } from '@shecun/event-store';
import { numberTransformer, Projection } from '@shecun/projections';
import { Column, Entity, EntityManager, Index, PrimaryColumn } from 'typeorm';
import { AuditedRead, isAuditedRead } from './audited-read';
import { IdentityEvent, isIdentityEvent, isSessionEvent, SessionEvent } from './identity.events';

@Entity('users_view')
export class UserView {
  @PrimaryColumn({ type: 'varchar', length: 64 }) id: string;
  @Index({ unique: true }) @Column({ type: 'varchar', length: 64 }) username: string;
  @Column({ type: 'varchar', length: 100 }) displayName: string;
  @Column({ type: 'varchar', length: 200, nullable: true }) passwordHash: string | null;
  @Index() @Column({ type: 'varchar', length: 300, nullable: true }) externalSubject: string | null;
  @Column({ type: 'varchar', length: 40 }) registeredAt: string;
  @Column({ type: 'varchar', length: 64 }) registeredBy: string;
  /** Raised by every password change and "sign out everywhere": tokens carrying a lower one are refused. */
  @Column({ type: 'integer', default: 0 }) sessionVersion: number;
}

/** Sign-in sessions: an access token naming an ended session is refused. */
@Entity('sessions_view')
export class SessionView {
  @PrimaryColumn({ type: 'varchar', length: 64 }) id: string;
  @Index() @Column({ type: 'varchar', length: 64 }) userId: string;
  @Column({ type: 'varchar', length: 64 }) grantId: string;
  @Column({ type: 'varchar', length: 40 }) startedAt: string;
  @Column({ type: 'varchar', length: 40 }) expiresAt: string;
  @Column({ type: 'varchar', length: 40 }) idleExpiresAt: string;
  @Column({ type: 'integer', default: 0 }) generation: number;
  @Column({ type: 'varchar', length: 40, nullable: true }) endedAt: string | null;
  @Column({ type: 'varchar', length: 40, nullable: true }) endReason: string | null;
}

@Entity('grants_view')
export class GrantView {
  @PrimaryColumn({ type: 'varchar', length: 64 }) id: string;
  @Index() @Column({ type: 'varchar', length: 64 }) userId: string;
  @Column({ type: 'varchar', length: 20 }) role: string;
  @Index() @Column({ type: 'varchar', length: 12, nullable: true }) scope: string | null;
  @Index() @Column({ type: 'varchar', length: 64, nullable: true }) organizationId: string | null;
  @Column({ type: 'boolean', default: false }) organizationAdmin: boolean;
  @Column({ type: 'varchar', length: 40 }) givenAt: string;
  @Column({ type: 'varchar', length: 64 }) givenBy: string;
  @Column({ type: 'varchar', length: 40, nullable: true }) revokedAt: string | null;
  @Column({ type: 'varchar', length: 64, nullable: true }) revokedBy: string | null;
  @Column({ type: 'varchar', length: 500, nullable: true }) revokeReason: string | null;
}

/**
 * The access audit: who changed which grant (and, as contexts add them, who read what), one row
 * per event, in log order.
 */
@Entity('access_audit_view')
export class AccessAuditView {
  @PrimaryColumn({ type: 'bigint', transformer: numberTransformer }) position: number;
  @Index() @Column({ type: 'varchar', length: 40 }) at: string;
  @Index() @Column({ type: 'varchar', length: 40 }) action: string;
  @Column({ type: 'varchar', length: 64 }) actorId: string;
  @Column({ type: 'varchar', length: 20 }) actorRole: string;
  @Index() @Column({ type: 'varchar', length: 64 }) subjectId: string;
  /** The division scope the row concerns (a grant's scope), for scoping the audit to bureau staff. */
  @Index() @Column({ type: 'varchar', length: 12, nullable: true }) scope: string | null;
  /** The organization a row concerns (an organization or hub grant), scoped by where it is registered. */
  @Index() @Column({ type: 'varchar', length: 64, nullable: true }) organizationId: string | null;
  @Column({ type: 'text' }) details: string;
}

export const IDENTITY_VIEW_ENTITIES = [UserView, GrantView, AccessAuditView, SessionView];

/** Users, their grants and the audit of grant changes. */
@Injectable()
export class IdentityProjection implements Projection {
  readonly name = 'identity';
  readonly entities = IDENTITY_VIEW_ENTITIES;

  async apply(recorded: RecordedEvent, manager: EntityManager): Promise<void> {
    if (isAuditedRead(recorded)) {
      const read = (recorded as RecordedEvent<AuditedRead['data']>).data;
      await manager.save(AccessAuditView, {
        position: recorded.position,
        at: read.readAt,
        action: `read:${read.resource}`,
        actorId: recorded.metadata.actorId,
        actorRole: recorded.metadata.actorRole,
        subjectId: read.resourceId,
        scope: read.scope,
        details: JSON.stringify({ query: read.query }),
      });
      return;
    }
    if (isSessionEvent(recorded)) return this.applySession({ type: recorded.type, data: recorded.data } as SessionEvent, manager);
    if (!isIdentityEvent(recorded)) return;
    const event = { type: recorded.type, data: recorded.data } as IdentityEvent;
    const { actorId, actorRole } = recorded.metadata;
    switch (event.type) {
      case 'UserRegistered':
        await manager.save(UserView, {
          id: event.data.userId,
          username: event.data.username,
          displayName: event.data.displayName,
          passwordHash: event.data.passwordHash,
          externalSubject: event.data.externalSubject,
          registeredAt: event.data.registeredAt,
          registeredBy: actorId,
        });
        return;
      case 'PasswordChanged':
        await manager.update(UserView, { id: event.data.userId }, { passwordHash: event.data.passwordHash });
        await manager.increment(UserView, { id: event.data.userId }, 'sessionVersion', 1);
        return;
      case 'PasswordRehashed':
        await manager.update(UserView, { id: event.data.userId }, { passwordHash: event.data.passwordHash });
        return;
      case 'SessionsRevoked':
        await manager.increment(UserView, { id: event.data.userId }, 'sessionVersion', 1);
        await manager.save(AccessAuditView, {
          position: recorded.position,
          at: event.data.revokedAt,
          action: 'sessions-revoked',
          actorId,
          actorRole,
          subjectId: event.data.userId,
          scope: null,
          details: JSON.stringify({ reason: event.data.reason }),
        });
        return;
      case 'GrantGiven':
        await manager.save(GrantView, {
          id: event.data.grantId,
          userId: event.data.userId,
          role: event.data.grant.role,
          scope: event.data.grant.scope ?? null,
          organizationId: event.data.grant.organizationId ?? null,
          organizationAdmin: event.data.grant.organizationAdmin ?? false,
          givenAt: event.data.givenAt,
          givenBy: actorId,
          revokedAt: null,
          revokedBy: null,
          revokeReason: null,
        });
        await manager.save(AccessAuditView, {
          position: recorded.position,
          at: event.data.givenAt,
          action: 'grant-given',
          actorId,
          actorRole,
          subjectId: event.data.userId,
          scope: event.data.grant.scope ?? null,
          organizationId: event.data.grant.organizationId ?? null,
          details: JSON.stringify({ grantId: event.data.grantId, ...event.data.grant }),
        });
        return;
      case 'GrantRevoked':
        await manager.update(GrantView, { id: event.data.grantId }, { revokedAt: event.data.revokedAt, revokedBy: actorId, revokeReason: event.data.reason });
        const revoked = await manager.findOneBy(GrantView, { id: event.data.grantId });
        await manager.save(AccessAuditView, {
          position: recorded.position,
          at: event.data.revokedAt,
          action: 'grant-revoked',
          actorId,
          actorRole,
          subjectId: event.data.userId,
          scope: revoked?.scope ?? null,
          organizationId: revoked?.organizationId ?? null,
          details: JSON.stringify({ grantId: event.data.grantId, role: revoked?.role, reason: event.data.reason }),
        });
        return;
    }
  }

  private async applySession(event: SessionEvent, manager: EntityManager): Promise<void> {
    switch (event.type) {
      case 'SessionStarted':
        await manager.save(SessionView, {
          id: event.data.sessionId,
          userId: event.data.userId,
          grantId: event.data.grantId,
          startedAt: event.data.startedAt,
          expiresAt: event.data.expiresAt,
          idleExpiresAt: event.data.idleExpiresAt,
          generation: 0,
          endedAt: null,
          endReason: null,
        });
        return;
      case 'SessionRefreshed':
        await manager.update(SessionView, { id: event.data.sessionId }, { generation: event.data.generation, idleExpiresAt: event.data.idleExpiresAt });
        return;
      case 'SessionEnded':
        await manager.update(SessionView, { id: event.data.sessionId }, { endedAt: event.data.endedAt, endReason: event.data.reason });
        return;
    }
  }
}
