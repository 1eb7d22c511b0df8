import { Logger } from '@nestjs/common';
import { conflict, invalid, notFound, withWriteLock } from '@shecun/core';
import { EventStore, RecordedEvent } from '@shecun/event-store';
import { Column, DataSource, Entity, EntityManager, IsNull, PrimaryColumn } from 'typeorm';
import { FailurePolicy, ProcessingControl } from './failure-policy';
import { numberTransformer } from './projection';

/** How a parked event was resolved: applied again after the fix, or skipped on an operator's request (with who and why). */
export type ParkedResolution = 'replayed' | 'skipped';

/**
 * An event a processor gave up on after PROJECTION_MAX_ATTEMPTS (see FailurePolicy), in the
 * projection's own database, written in the transaction that moves its checkpoint past the
 * event. Nothing is deleted: a replay that applies the event, or an operator's skip (who and why
 * kept), sets `resolvedAt` and `resolution`.
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
  @Column({ type: 'varchar', length: 20, nullable: true }) resolution: ParkedResolution | null;
  /** Who resolved it: `user:<id>` through the admin API, `cli:<login>` from the command line. */
  @Column({ type: 'varchar', length: 200, nullable: true }) resolvedBy: string | null;
  /** Why it was skipped (required for a skip). */
  @Column({ type: 'text', nullable: true }) resolutionNote: string | null;
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
    resolution: null,
    resolvedBy: null,
    resolutionNote: null,
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

/** The parked row of one event of a processor, if it parked it. */
export function parkedRow(manager: EntityManager, processor: string, eventId: string): Promise<ParkedEvent | null> {
  return manager.findOneBy(ParkedEvent, { projection: processor, eventId });
}

/** Whether a processor parked any event between two global positions (inclusive). */
export async function parkedBetween(manager: EntityManager, processor: string, from: number, to: number): Promise<boolean> {
  return (await manager.getRepository(ParkedEvent).createQueryBuilder('p').where('p.projection = :processor AND p.position BETWEEN :from AND :to', { processor, from, to }).getCount()) > 0;
}

/**
 * A projection declared `onParked: 'stop'` is halted at a parked event (nothing after it is
 * applied) until the event is replayed or skipped; its runner or consumer waits and looks again.
 */
export class ProjectionHaltedError extends Error {
  override readonly name = 'ProjectionHaltedError';
  constructor(
    readonly projection: string,
    readonly event: Pick<ParkedEvent, 'eventId' | 'eventType' | 'position' | 'error'>,
  ) {
    super(`projection ${projection} stopped at parked event ${event.eventId} (${event.eventType}, position ${event.position}) until it is replayed or skipped: ${event.error}`);
  }
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
  /** Not applied: later events of its stream were applied while it was parked (see {@link outOfOrderReason}). */
  outOfOrder?: true;
}

export interface ReplayParkedOptions {
  dataSource: DataSource;
  /** The projection or processor whose parked rows these are. */
  processor: string;
  store: EventStore;
  policy: FailurePolicy;
  control?: ProcessingControl;
  logger: Logger;
  /** Only this event (else every unresolved one of the processor). */
  eventId?: string;
  /** Who asks (kept on the row): `user:<id>` or `cli:<login>`. */
  by: string;
  /**
   * Applies the event again; `resolve` marks its row resolved and is called inside the
   * processor's transaction where it has one (the rows and the resolution commit together).
   */
  apply(event: RecordedEvent, resolve: (manager: EntityManager) => Promise<void>): Promise<void>;
  /**
   * For a read model, which folds each stream's events in order: whether any of `later` (events
   * of the parked event's stream after it, of the types it handles, not parked themselves) was
   * applied meanwhile. Then the parked event is not applied (see {@link replayParkedEvents}).
   * Not given for processors whose work does not depend on the order (the push dispatcher).
   */
  appliedAny?: (later: RecordedEvent[]) => Promise<boolean>;
  /** The event types the processor handles (every type when not given). */
  eventTypes?: readonly string[];
}

/**
 * Why a parked event is not applied by a replay: events of its stream after it were applied while
 * it was parked, so a read model folding the stream would take it in out of order (a revision
 * check would even drop it) and still call it resolved. A rebuild applies every event in order,
 * and resolves it.
 */
export function outOfOrderReason(processor: string, later: RecordedEvent[]): string {
  const first = later[0];
  return (
    `该事件所在流的 ${later.length} 个后续事件已在它被搁置后应用，现在补应用会打乱顺序，故仍搁置；请重建投影 ${processor}（按顺序应用全部事件，并解决它） ` +
    `(${later.length} later event(s) of its stream were applied after it was parked, the first ${first.type} at position ${first.position}: ` +
    `applied now it would land out of order, so it stays parked; rebuild the projection ${processor}, which applies every event in order and resolves it)`
  );
}

/**
 * After a rebuild from the event store (started at `startedAt`) that brought `runner` up to its
 * checkpoint: the parked rows of the runner parked before it, at or before that checkpoint, were
 * applied by it in order (one that failed again was parked anew, with a later `parkedAt`):
 * resolved as replayed by the rebuild, and the runner's count of parked events taken again.
 */
export async function settleParkedAfterRebuild(
  dataSource: DataSource,
  runner: { name: string; checkpoint(): Promise<number>; refreshParked(): Promise<number> },
  startedAt: string,
): Promise<void> {
  if (!canPark(dataSource)) return;
  const through = await runner.checkpoint();
  await withWriteLock(dataSource, () =>
    dataSource
      .createQueryBuilder()
      .update(ParkedEvent)
      .set({ resolvedAt: new Date().toISOString(), resolution: 'replayed', resolvedBy: 'rebuild', resolutionNote: 'applied by a rebuild from the event store' })
      .where('projection = :processor AND "resolvedAt" IS NULL AND "parkedAt" < :startedAt AND position <= :through', { processor: runner.name, startedAt, through })
      .execute(),
  );
  await runner.refreshParked();
}

/**
 * The replay every processor shares: each unresolved parked row (oldest first) is read back from
 * the event store, never from the bus, applied under the failure policy and marked `replayed`;
 * one that still fails keeps its row with the new error and the attempts added.
 */
export async function replayParkedEvents(options: ReplayParkedOptions): Promise<ReplayResult[]> {
  const { dataSource, processor, policy, control, logger } = options;
  const results: ReplayResult[] = [];
  const unresolved = await unresolvedParked(dataSource, { projection: processor });
  const parkedIds = new Set(unresolved.map((row) => row.eventId));
  for (const row of unresolved.filter((r) => !options.eventId || r.eventId === options.eventId)) {
    const event = await policy.waitOut(() => readParkedEvent(options.store, row), control);
    if (options.appliedAny) {
      const handles = (type: string) => !options.eventTypes || options.eventTypes.includes(type);
      const later = (await policy.waitOut(() => options.store.readStream(row.stream), control)).filter((e) => e.revision > event.revision && handles(e.type) && !parkedIds.has(e.id));
      if (later.length > 0 && (await policy.waitOut(() => options.appliedAny!(later), control))) {
        const error = outOfOrderReason(processor, later);
        logger.error(`replay of parked event ${row.eventId} (${row.eventType}, position ${row.position}) refused: ${error}`);
        results.push({ projection: processor, eventId: row.eventId, eventType: row.eventType, position: row.position, resolved: false, error, outOfOrder: true });
        continue;
      }
    }
    const resolve = (manager: EntityManager) =>
      manager.update(ParkedEvent, { projection: processor, eventId: row.eventId }, { resolvedAt: new Date().toISOString(), resolution: 'replayed', resolvedBy: options.by.slice(0, 200) }).then(() => undefined);
    const outcome = await policy.run(() => options.apply(event, resolve), control);
    const result: ReplayResult = { projection: processor, eventId: row.eventId, eventType: row.eventType, position: row.position, resolved: outcome.ok };
    if (outcome.ok) {
      logger.log(`replayed parked event ${row.eventId} (${row.eventType}, position ${row.position}) for ${options.by}: resolved`);
    } else {
      result.error = describeError(outcome.error);
      await policy.waitOut(
        () => withWriteLock(dataSource, () => dataSource.getRepository(ParkedEvent).update({ projection: processor, eventId: row.eventId }, { error: result.error, attempts: row.attempts + outcome.attempts })),
        control,
      );
      logger.error(`replay of parked event ${row.eventId} (${row.eventType}, position ${row.position}) failed again: ${result.error}`);
    }
    results.push(result);
  }
  return results;
}

/** Longest reason kept for a skip. */
export const SKIP_REASON_MAX = 500;

/**
 * Gives up on a parked event on an operator's request: the row stays, marked `skipped` with who
 * and why; the read model keeps going without the event (its checkpoint passed it when it was
 * parked). 404 when the processor parked no such event, 409 when it is resolved already.
 */
export async function skipParkedEvent(dataSource: DataSource, processor: string, eventId: string, by: string, reason: string): Promise<ParkedEvent> {
  const why = reason.trim();
  if (!why) throw invalid('跳过停放事件须写明原因 (a skip needs a reason)');
  const repository = dataSource.getRepository(ParkedEvent);
  return withWriteLock(dataSource, async () => {
    const row = await repository.findOneBy({ projection: processor, eventId });
    if (!row) throw notFound(`没有停放事件 ${eventId} (${processor}) (no parked event ${eventId} of ${processor})`);
    if (row.resolvedAt) throw conflict(`停放事件 ${eventId} 已处理 (${row.resolution ?? 'replayed'}, ${row.resolvedAt}) (the parked event is resolved already)`, { resolution: row.resolution, resolvedAt: row.resolvedAt });
    const resolvedAt = new Date().toISOString();
    const changed = await repository.update({ projection: processor, eventId, resolvedAt: IsNull() }, { resolvedAt, resolution: 'skipped', resolvedBy: by.slice(0, 200), resolutionNote: why.slice(0, SKIP_REASON_MAX) });
    if (!changed.affected) throw conflict(`停放事件 ${eventId} 已处理 (the parked event was resolved meanwhile)`);
    return { ...row, resolvedAt, resolution: 'skipped' as const, resolvedBy: by.slice(0, 200), resolutionNote: why.slice(0, SKIP_REASON_MAX) };
  });
}

/** A stopping projection met a parked event inside a batch: the batch is applied one event at a time instead. */
export class ParkedInBatch extends Error {
  override readonly name = 'ParkedInBatch';
  constructor() {
    super('a parked event lies in this batch');
  }
}
