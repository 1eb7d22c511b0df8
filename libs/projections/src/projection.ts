import { RecordedEvent } from '@shecun/event-store';
import { Column, Entity, EntityManager, EntityTarget, ObjectLiteral, PrimaryColumn } from 'typeorm';

/** A read model fed by events. `apply` must be deterministic: the same events give the same rows. */
export interface Projection {
  readonly name: string;
  /** Read-model tables this projection owns; emptied on rebuild. */
  readonly entities: EntityTarget<ObjectLiteral>[];
  apply(event: RecordedEvent, manager: EntityManager): Promise<void>;
  /**
   * Optional: every event type `apply` acts on. Where several projections are fed from one read of
   * the log (see catchUpTogether), only events of these types are handed to this one; the others
   * cost it nothing. Absent: every event is handed to it.
   */
  readonly eventTypes?: readonly string[];
  /**
   * Optional: applies a whole batch (in order, inside the runner's transaction) with the same
   * result as `apply` on each event in turn, for projections that read and write in bulk. It may
   * hold its writes until `flush`; several batches may share one transaction.
   */
  applyBatch?(events: RecordedEvent[], manager: EntityManager): Promise<void>;
  /** Optional: called once at the end of each runner transaction, before the checkpoint is written. */
  flush?(manager: EntityManager): Promise<void>;
  /** Optional: events per transaction while catching up or rebuilding (default 1000). */
  readonly batchSize?: number;
  /**
   * What the projection does past an event it parks (see FailurePolicy). `continue` (the default):
   * the events after it are applied, the read model misses that one until it is replayed. `stop`:
   * the projection halts at the event — nothing after it is applied, the others go on — until it
   * is replayed or skipped; for read models whose rows fold every event of a stream (a flow's
   * money), where going on would show figures that silently miss a movement.
   */
  readonly onParked?: OnParked;
  /**
   * True when the rows do not depend on the order of a stream's events (one row per event, a
   * tally): a parked event may then be replayed after later events of its stream were applied.
   * Otherwise such a replay is refused, and a rebuild puts the event in its place.
   */
  readonly replaysOutOfOrder?: boolean;
  /**
   * Optional: the version of the rows this projection writes (default 1). Raise it with any change
   * to what its rows hold (a new column's content, another document shape, another fold state):
   * rows stored by another version are rebuilt from the event store before the projection is
   * followed again (see projection-versions.ts).
   */
  readonly version?: number;
}

export type OnParked = 'continue' | 'stop';

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

export interface ProjectionStatus {
  name: string;
  checkpoint: number;
  caughtUp: boolean;
  error?: string;
  /** Events parked and not resolved yet (see FailurePolicy): the read model misses them. */
  parked: number;
  /** A projection declared `onParked: 'stop'`, halted at this parked event until it is replayed or skipped. */
  stoppedAt?: { eventId: string; eventType: string; position: number; error: string };
  /** Switched off in this process (PUSH_DISPATCH=false): it does not follow the log, and its lag is no reason not to be ready. */
  off?: true;
}

export type ProgressListener = (done: number, total: number) => void;
