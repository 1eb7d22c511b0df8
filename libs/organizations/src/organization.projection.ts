import { Injectable } from '@nestjs/common';
import { RecordedEvent } from '@shecun/event-store';
import { numberTransformer, Projection, RowFold } from '@shecun/projections';
import { Column, Entity, EntityManager, Index, PrimaryColumn } from 'typeorm';
import { initialOrganizationState, organizationDecider, OrganizationState } from './organization.decider';
import { isOrganizationEvent, ORGANIZATION_EVENT_TYPES, OrganizationEvent } from './organization.events';

/** The organization directory (社会组织名录): filter columns and the decider's state as JSON. */
@Entity('organizations_view')
export class OrganizationView {
  @PrimaryColumn({ type: 'varchar', length: 64 }) id: string;
  @Index() @Column({ type: 'varchar', length: 18 }) creditCode: string;
  @Column({ type: 'varchar', length: 200 }) name: string;
  @Column({ type: 'varchar', length: 32 }) type: string;
  @Index() @Column({ type: 'varchar', length: 12 }) homeDivisionCode: string;
  @Index() @Column({ type: 'varchar', length: 4 }) cityCode: string;
  @Column({ type: 'varchar', length: 24, nullable: true }) hubKind: string | null;
  @Index() @Column({ type: 'boolean' }) isHub: boolean;
  /** Categories between commas (",education,care,") so that one can be matched with LIKE. */
  @Column({ type: 'varchar', length: 200 }) categories: string;
  @Index() @Column({ type: 'varchar', length: 16 }) standing: string;
  @Column({ type: 'varchar', length: 40, nullable: true }) registeredAt: string | null;
  @Column({ type: 'varchar', length: 40 }) updatedAt: string;
  @Column({ type: 'integer' }) revision: number;
  @Column({ type: 'bigint', transformer: numberTransformer }) position: number;
  @Column({ type: 'text' }) state: string;
}

export const ORGANIZATION_VIEW_ENTITIES = [OrganizationView];

@Injectable()
export class OrganizationsProjection implements Projection {
  readonly name = 'organizations';
  readonly eventTypes = ORGANIZATION_EVENT_TYPES;
  readonly entities = ORGANIZATION_VIEW_ENTITIES;

  apply(event: RecordedEvent, manager: EntityManager): Promise<void> {
    return this.applyBatch([event], manager);
  }

  /** Each organization's row read once per batch, every event folded in memory, each changed row written once. */
  async applyBatch(events: RecordedEvent[], manager: EntityManager): Promise<void> {
    const mine = events.filter((e): e is RecordedEvent & OrganizationEvent => isOrganizationEvent(e));
    if (mine.length === 0) return;
    const rows = new RowFold(OrganizationView, 'id');
    await rows.load(manager, mine.map((e) => e.data.organizationId));
    for (const event of mine) {
      const id = event.data.organizationId;
      const row = rows.get(id);
      if (row && row.revision >= event.revision) continue; // already applied
      const before: OrganizationState = row ? JSON.parse(row.state) : initialOrganizationState;
      const state = organizationDecider.evolve(before, event);
      rows.set(Object.assign(new OrganizationView(), {
        id,
        creditCode: state.creditCode,
        name: state.name,
        type: state.type,
        homeDivisionCode: state.homeDivisionCode,
        cityCode: state.homeDivisionCode.slice(0, 4),
        hubKind: state.hubKind,
        isHub: state.hubKind !== null,
        categories: `,${state.profile.categories.join(',')},`,
        standing: state.standing,
        registeredAt: state.registeredAt,
        updatedAt: event.metadata.occurredAt,
        revision: event.revision,
        position: event.position,
        state: JSON.stringify(state),
      }));
    }
    await rows.flush(manager);
  }
}
