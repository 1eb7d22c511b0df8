import { RecordedEvent } from '@shecun/event-store';
import { Projection } from '@shecun/projections';
import { Column, Entity, EntityManager, Index, PrimaryColumn } from 'typeorm';
import { VolunteerEvent } from './volunteer.decider';

/** One row per record, keyed by its event id (a replay writes the same row). */
@Entity('volunteer_service')
@Index(['organizationId', 'serviceDate'])
export class VolunteerServiceView {
  @PrimaryColumn({ type: 'varchar', length: 64 }) eventId: string;
  @Column({ type: 'varchar', length: 64 }) organizationId: string;
  @Column({ type: 'integer' }) volunteers: number;
  @Column({ type: 'integer' }) hours: number;
  @Column({ type: 'varchar', length: 200 }) activity: string;
  @Column({ type: 'varchar', length: 10 }) serviceDate: string;
  @Column({ type: 'varchar', length: 64 }) recordedBy: string;
  @Column({ type: 'varchar', length: 40 }) recordedAt: string;
}

export class VolunteerProjection implements Projection {
  readonly name = 'volunteer';
  readonly entities = [VolunteerServiceView];

  async apply(event: RecordedEvent, manager: EntityManager): Promise<void> {
    if (event.type !== 'VolunteerServiceRecorded') return;
    const { data } = event as unknown as VolunteerEvent;
    await manager.upsert(VolunteerServiceView, { eventId: event.id, ...data, recordedBy: event.metadata.actorId, recordedAt: event.metadata.occurredAt }, ['eventId']);
  }
}
