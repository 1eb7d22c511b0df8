import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { RecordedEvent } from '@shecun/event-store';
import { Projection } from '@shecun/projections';
import { Column, DataSource, Entity, EntityManager, PrimaryColumn } from 'typeorm';
import { OrganizationScope } from './identity.model';

/**
 * The identity context's own view of where organizations are registered, fed by the organizations
 * context's published events (never its tables): the user commands look an organization up here
 * and hand its registered division to the user decider, which checks the granter's scope against
 * it (see the delegation table in README.md).
 *
 * Consumed events (the organizations context's published contract, by type and data):
 *   OrganizationRegistered { organizationId, homeDivisionCode, hubKind }   (登记地 and hub kind, fixed at registration)
 *   OrganizationDeregistered { organizationId, deregisteredAt }
 */
export const ORGANIZATION_SCOPES_CONSUMED = ['OrganizationRegistered', 'OrganizationDeregistered'] as const;

@Entity('identity_organization_scopes')
export class OrganizationScopeView {
  @PrimaryColumn({ type: 'varchar', length: 64 }) organizationId: string;
  /** The division the organization is registered in (its registering authority's area). */
  @Column({ type: 'varchar', length: 12 }) homeDivisionCode: string;
  @Column({ type: 'integer' }) revision: number;
  @Column({ type: 'varchar', length: 30, nullable: true }) hubKind: string | null;
  @Column({ type: 'varchar', length: 40, nullable: true }) deregisteredAt: string | null;
}

/** Tables of the identity context's view of organizations: wherever users and grants are managed (not in services that only verify tokens). */
export const IDENTITY_ORGANIZATION_SCOPE_ENTITIES = [OrganizationScopeView];

@Injectable()
export class IdentityOrganizationScopesProjection implements Projection {
  readonly name = 'identity-organization-scopes';
  readonly entities = IDENTITY_ORGANIZATION_SCOPE_ENTITIES;

  async apply(event: RecordedEvent, manager: EntityManager): Promise<void> {
    if (!(ORGANIZATION_SCOPES_CONSUMED as readonly string[]).includes(event.type)) return;
    const data = event.data as { organizationId?: string; homeDivisionCode?: string; hubKind?: string | null; deregisteredAt?: string };
    if (!data.organizationId) return;
    const row = await manager.findOneBy(OrganizationScopeView, { organizationId: data.organizationId });
    if (row && row.revision >= event.revision) return; // already applied
    if (event.type === 'OrganizationRegistered') {
      if (!data.homeDivisionCode) return;
      await manager.save(OrganizationScopeView, {
        organizationId: data.organizationId,
        homeDivisionCode: data.homeDivisionCode,
        revision: event.revision,
        hubKind: data.hubKind ?? null,
        deregisteredAt: null,
      });
    } else if (row) {
      await manager.update(OrganizationScopeView, { organizationId: data.organizationId }, { revision: event.revision, deregisteredAt: data.deregisteredAt ?? event.metadata.occurredAt });
    }
  }
}

/** Looks organizations up in the identity context's view; null when no registration was seen. */
@Injectable()
export class OrganizationScopes {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async of(organizationId: string | undefined): Promise<OrganizationScope | null> {
    if (!organizationId) return null;
    const row = await this.dataSource.getRepository(OrganizationScopeView).findOneBy({ organizationId });
    return row ? { organizationId: row.organizationId, homeDivisionCode: row.homeDivisionCode, hubKind: row.hubKind, deregistered: !!row.deregisteredAt } : null;
  }
}
