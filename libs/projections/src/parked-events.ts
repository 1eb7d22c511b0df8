import { EventStore, RecordedEvent } from '@shecun/event-store';
import { Column, DataSource, Entity, EntityManager, IsNull, PrimaryColumn } from 'typeorm';
import { numberTransformer } from './projection';

/**
 * An event a processor gave up on after PROJECTION_MAX_ATTEMPTS (see FailurePolicy), in the
 * projection's own database, written in the transaction that moves its checkpoint past the
 * event. Nothing is deleted: a replay that applies the event sets `resolvedAt`.
 */
@Entity('parked_events')
export class ParkedEvent {
  @PrimaryColumn({ type: 'varchar', length: 100 }) projection: string;
  @PrimaryColumn({ type: 'varchar', length: 64 }) eventId: string;
  /** Position in the event store's global log (where a replay reads the event back). */
  @Column({ type: 'bigint', transformer: numberTransformer }) position: number;
  /** Where the bus delivered it (the bus projector), else null. */
  @Column({ type: 'varchar', length: 200, nullable: true }) topic: string | null;
  @Column({ type: 'integer', nullable: true }) partition: number | null;
  @Column({ type: 'varchar', length: 30, nullable: true }) offset: string | null;
  @Column({ type: 'varchar', length: 200 }) eventType: string;
  @Column({ type: 'varchar', length: 200 }) stream: string;
  /** The last error (of the failed replay, after one). */
  @Column({ type: 'text' }) error: string;
  /** Failed calls in all, replays included. */
  @Column({ type: 'integer' }) attempts: number;
  @Column({ type: 'varchar', length: 40 }) parkedAt: string;
  @Column({ type: 'varchar', length: 40, nullable: true }) resolvedAt: string | null;
}

export interface ParkedAt {
  topic: string;
  partition: number;
  offset: string;
}

/** Writes (or, parked again after a rebuild, rewrites) the parked row of `event`; inside the caller's transaction. */
export async function parkEvent(manager: EntityManager, projection: string, event: RecordedEvent, error: unknown, attempts: number, at?: ParkedAt): Promise<void> {
  await manager.save(ParkedEvent, {
    projection,
    eventId: event.id,
    position: event.position,
    topic: at?.topic ?? null,
    partition: at?.partition ?? null,
    offset: at?.offset ?? null,
    eventType: event.type.slice(0, 200),
    stream: event.streamName.slice(0, 200),
    error: describeError(error),
    attempts,
    parkedAt: new Date().toISOString(),
    resolvedAt: null,
  });
}

export function describeError(error: unknown): string {
  return (error instanceof Error ? `${error.name}: ${error.message}` : String(error)).slice(0, 4000);
}

/** Whether this database has the parked_events table's entity (tools and tests may open read models without it). */
export const canPark = (dataSource: DataSource): boolean => dataSource.hasMetadata(ParkedEvent);

/** Parked events not resolved yet, oldest first; of one projection, or one event, when named. */
export function unresolvedParked(dataSource: DataSource, filter: { projection?: string; eventId?: string } = {}): Promise<ParkedEvent[]> {
  return dataSource.getRepository(ParkedEvent).find({
    where: { resolvedAt: IsNull(), ...(filter.projection ? { projection: filter.projection } : {}), ...(filter.eventId ? { eventId: filter.eventId } : {}) },
    order: { position: 'ASC', projection: 'ASC' },
  });
}

/** Every parked row (resolved ones too), oldest first. */
export function allParked(dataSource: DataSource): Promise<ParkedEvent[]> {
  return dataSource.getRepository(ParkedEvent).find({ order: { position: 'ASC', projection: 'ASC' } });
}

/** Unresolved parked events per projection. */
export async function parkedCounts(dataSource: DataSource): Promise<Map<string, number>> {
  const rows: Array<{ projection: string; count: string | number }> = await dataSource
    .getRepository(ParkedEvent)
    .createQueryBuilder('p')
    .select('p.projection', 'projection')
    .addSelect('COUNT(*)', 'count')
    .where('p.resolvedAt IS NULL')
    .groupBy('p.projection')
    .getRawMany();
  return new Map(rows.map((r) => [r.projection, Number(r.count)]));
}

/**
 * Reads a parked event back from the event store, never from the bus (whose retention may have
 * dropped it): at its global position, else from its stream by id.
 */
export async function readParkedEvent(store: EventStore, row: Pick<ParkedEvent, 'eventId' | 'position' | 'stream'>): Promise<RecordedEvent> {
  const [atPosition] = await store.readAll(row.position - 1, 1);
  if (atPosition?.id === row.eventId) return atPosition;
  const inStream = (await store.readStream(row.stream)).find((e) => e.id === row.eventId);
  if (!inStream) throw new Error(`event ${row.eventId} is not in the event store (stream ${row.stream}, position ${row.position})`);
  return inStream;
}

/** The outcome of replaying one parked event. */
export interface ReplayResult {
  projection: string;
  eventId: string;
  eventType: string;
  position: number;
  resolved: boolean;
  error?: string;
}
