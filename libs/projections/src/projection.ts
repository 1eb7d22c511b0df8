import { RecordedEvent } from '@shecun/event-store';
import { Column, Entity, EntityManager, EntityTarget, ObjectLiteral, PrimaryColumn } from 'typeorm';

/** A read model fed by events. `apply` must be deterministic: the same events give the same rows. */
export interface Projection {
  readonly name: string;
  /** Read-model tables this projection owns; emptied on rebuild. */
  readonly entities: EntityTarget<ObjectLiteral>[];
  apply(event: RecordedEvent, manager: EntityManager): Promise<void>;
}

export const numberTransformer = {
  to: (value: number | null | undefined) => value,
  from: (value: string | number | null) => (value === null || value === undefined ? value : Number(value)),
};

/** Where each projection is in the global log, written in the same transaction as its rows. */
@Entity('projection_checkpoints')
export class ProjectionCheckpoint {
  @PrimaryColumn({ type: 'varchar', length: 100 })
  name: string;

  @Column({ type: 'bigint', transformer: numberTransformer })
  position: number;

  @Column({ type: 'varchar', length: 40 })
  updatedAt: string;
}
