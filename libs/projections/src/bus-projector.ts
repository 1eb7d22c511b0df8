import { Logger } from '@nestjs/common';
import { SpanKind } from '@opentelemetry/api';
import { contextFromCarrier, inSpan, linkTo, waitFor } from '@shecun/core';
import { EventStore, RecordedEvent } from '@shecun/event-store';
import { BusConsumer, ConsumedMessage, DeliveryControl, fromBusMessage, MessageBus } from '@shecun/messaging';
import { Column, DataSource, Entity, EntityManager, Index, IsNull, PrimaryColumn } from 'typeorm';
import { FailurePolicy, messageOf, ProcessingControl, ProcessingStoppedError } from './failure-policy';
import { describeError, ParkedEvent, parkedRow, parkEvent, replayParkedEvents, ReplayResult } from './parked-events';
import { Projection } from './projection';
import { ProjectionVersion } from './projection-versions';
import { ProjectionRebuild, rebuiltPosition, rebuiltThrough } from './projection-rebuilds';

/** Events a bus-fed projection has applied: the de-duplication key, written with the rows. */
@Entity('processed_events')
export class ProcessedEvent {
  @PrimaryColumn({ type: 'varchar', length: 100 }) projection: string;
  @PrimaryColumn({ type: 'varchar', length: 64 }) eventId: string;
  /** When it was applied (or parked): rows older than the retention are pruned ({@link pruneProcessedEvents}). */
  @Index('IDX_processed_events_processedAt')
  @Column({ type: 'varchar', length: 40 })
  processedAt: string;
}

/**
 * How long an event id is kept to recognise a redelivery, from PROCESSED_EVENTS_RETENTION_HOURS
 * (default 336 h, 14 days). A message can come again only while Kafka keeps it (the broker's
 * log.retention: 7 days by default) or when the relay republishes what it sent just before a crash
 * (minutes): set it above the broker's retention.
 */
export function processedRetentionHoursFromEnv(env: NodeJS.ProcessEnv = process.env): number {
  const raw = env.PROCESSED_EVENTS_RETENTION_HOURS;
  if (raw === undefined || raw === '') return 336;
  const hours = Number(raw);
  if (!Number.isSafeInteger(hours) || hours < 1) throw new Error(`PROCESSED_EVENTS_RETENTION_HOURS must be a positive whole number of hours, not ${raw}`);
  return hours;
}

/**
 * Deletes the de-duplication rows processed before `before` (all projections), a batch at a time
 * so that no statement holds the table long; returns how many. Parked events keep their own rows.
 */
export async function pruneProcessedEvents(dataSource: DataSource, before: Date, batchSize = 10_000): Promise<number> {
  let pruned = 0;
  for (;;) {
    const [, count] = (await dataSource.query(
      `DELETE FROM processed_events WHERE ctid IN (SELECT ctid FROM processed_events WHERE "processedAt" < $1 LIMIT $2)`,
      [before.toISOString(), batchSize],
    )) as [unknown, number];
    pruned += count;
    if (count < batchSize) return pruned;
  }
}

/** The channel the projector notifies in each transaction that applied events (read-your-writes waits listen on it). */
export const READ_MODELS_CHANNEL = 'shecun_read_models';

/**
 * Tells the read database's listeners (on commit) that a projection applied the events at these
 * positions: `<projection>:<position>,<position>…` (no positions when too many for a notice: then
 * every waiting read looks).
 */
export async function notifyReadModels(manager: EntityManager, projection: string, positions: number[]): Promise<void> {
  const listed = positions.join(',');
  await manager.query(`SELECT pg_notify($1, $2)`, [READ_MODELS_CHANNEL, `${projection}:${listed.length <= 4000 ? listed : ''}`]);
}

export const BUS_PROJECTOR_ENTITIES = [ProcessedEvent, ParkedEvent, ProjectionRebuild, ProjectionVersion];

/**
 * Feeds a projection from the bus (a consumer group per projection). Each message is applied in
 * one PostgreSQL transaction together with its event id; an event id seen before is skipped, so
 * redelivery after a crash or a rebalance changes nothing (the offset is committed to the group
 * after the transaction).
 *
 * Failures follow the {@link FailurePolicy}, as in the projection runner: the read-model database
 * away is waited out (heartbeating the group); any other error is tried PROJECTION_MAX_ATTEMPTS
 * times, then the event is parked — its `parked_events` row and its `processed_events` row in one
 * transaction — and the consumer goes on. A projection declared `onParked: 'stop'` parks the event
 * without its `processed_events` row and holds the partition there (heartbeating), looking at the
 * row every second until the event is replayed (applied by the replay) or skipped; then it marks
 * the event processed and goes on. {@link replayParkedOnReadModel} applies parked events again,
 * read back from the event store.
 */
export class BusProjector {
  private readonly logger: Logger;
  private consumer?: BusConsumer;
  private readonly policy: FailurePolicy;
  applied = 0;
  skipped = 0;
  /** Unresolved parked events of this projection (counted at start, then kept). */
  parked = 0;
  /** A stopping projection holding its partition at this parked event. */
  stoppedAt?: { eventId: string; eventType: string; position: number; error: string };

  constructor(
    private readonly bus: MessageBus,
    private readonly dataSource: DataSource,
    readonly projection: Projection,
    private readonly options: { topics: string[]; groupId?: string; policy?: FailurePolicy },
  ) {
    this.logger = new Logger(`Projector ${projection.name}`);
    this.policy = options.policy ?? new FailurePolicy();
  }

  /** The consumer group this projection reads in. */
  get groupId(): string {
    return this.options.groupId ?? `projector-${this.projection.name}`;
  }

  get topics(): string[] {
    return this.options.topics;
  }

  async start(): Promise<void> {
    await this.refreshParked();
    this.consumer = await this.bus.consume({
      groupId: this.groupId,
      topics: this.options.topics,
      handle: (message, control) => this.handle(message, control),
      handleBatch: (messages, control) => this.handleBatch(messages, control),
    });
  }

  /** Counts the unresolved parked events again (from the database). */
  async refreshParked(): Promise<number> {
    this.parked = await this.dataSource.getRepository(ParkedEvent).countBy({ projection: this.projection.name, resolvedAt: IsNull() });
    return this.parked;
  }

  /** One message under the failure policy: applied (or skipped as seen before), or parked. */
  async handle(message: ConsumedMessage, control: DeliveryControl): Promise<void> {
    const processing: ProcessingControl = {
      ...control,
      onFailure: (error, transient, attempts) => {
        const at = `${message.topic}/${message.partition}@${message.offset}`;
        if (transient && attempts === 1) this.logger.warn(`${at} waits for the read-model database: ${messageOf(error)}`);
        if (!transient) this.logger.warn(`${at}: attempt ${attempts} of ${this.policy.maxAttempts} failed: ${messageOf(error)}`);
      },
    };
    if (this.stops && (await this.heldAtParked(message, processing))) return;
    const outcome = await this.policy.run(() => this.apply(message), processing);
    if (outcome.ok) return;
    const event = eventOf(message);
    const parked = await this.policy.waitOut(
      () =>
        this.dataSource.transaction(async (manager) => {
          // Swapped in meanwhile by a rebuild that read it from the event store: nothing to park.
          if (await rebuiltThrough(manager, this.projection.name, event.position)) {
            await markProcessed(manager, this.projection.name, event.id);
            return false;
          }
          // A stopping projection's parked event is not processed until it is replayed or skipped.
          if (!this.stops && !(await markProcessed(manager, this.projection.name, event.id))) return false;
          await parkEvent(manager, this.projection.name, event, outcome.error, outcome.attempts, { topic: message.topic, partition: message.partition, offset: message.offset });
          return true;
        }),
      processing,
    );
    if (!parked) return;
    this.parked += 1;
    this.logger.error(
      `parked event ${event.id} (${event.type}, stream ${event.streamName}, position ${event.position}, ${message.topic}/${message.partition}@${message.offset}) after ${outcome.attempts} attempts: ${describeError(outcome.error)}; ` +
        `${this.stops ? 'the projection holds this partition here until it is replayed or skipped' : 'the projection goes on without it'}; replay it once the fault is fixed (projector parked / replay ${this.projection.name})`,
    );
    if (this.stops) await this.heldAtParked(message, processing);
  }

  private get stops(): boolean {
    return this.projection.onParked === 'stop';
  }

  /**
   * For a stopping projection: false when this message's event was never parked. Otherwise waits
   * (heartbeating) while its row is unresolved, then marks it processed — applied by its replay, or
   * skipped — and answers true. Rejects with ProcessingStoppedError when the consumer stops meanwhile
   * (the offset stays: the next owner of the partition waits in its turn).
   */
  private async heldAtParked(message: ConsumedMessage, control: ProcessingControl): Promise<boolean> {
    const id = eventOf(message).id;
    let row = null as ParkedEvent | null;
    let logged = false;
    const settled = async () => {
      row = await this.policy.waitOut(() => parkedRow(this.dataSource.manager, this.projection.name, id), control);
      if (!row || row.resolvedAt) return true;
      this.stoppedAt = { eventId: row.eventId, eventType: row.eventType, position: row.position, error: row.error };
      if (!logged) this.logger.warn(`holding ${message.topic}/${message.partition} at parked event ${id} until it is replayed or skipped`);
      logged = true;
      if (control.isRunning && !control.isRunning()) throw new ProcessingStoppedError(`stopped while held at parked event ${id}`, undefined);
      await control.keepAlive?.().catch(() => undefined);
      return false;
    };
    await waitFor(settled, { timeoutMs: Infinity, intervalMs: 1000 });
    if (!row) return false;
    await this.policy.waitOut(() => this.dataSource.transaction((manager) => markProcessed(manager, this.projection.name, id)), control);
    this.stoppedAt = undefined;
    this.logger.log(`parked event ${id} ${row.resolution ?? 'replayed'}: going on past ${message.topic}/${message.partition}@${message.offset}`);
    return true;
  }

  /**
   * Several consecutive messages of a partition in one transaction, each with its id recorded as
   * in {@link apply}: one commit instead of one per event, so a burst reaches the read model in
   * fewer round trips. False — nothing of it kept — when any of them fails (or cannot be read), or
   * for a stopping projection: the consumer then hands them one by one to {@link handle}, under the
   * failure policy.
   */
  async handleBatch(messages: ConsumedMessage[], control?: DeliveryControl): Promise<boolean> {
    if (this.stops) return false;
    let outcomes: boolean[];
    try {
      const events = messages.map((m) => fromBusMessage(m));
      outcomes = await this.dataSource.transaction(async (manager) => {
        // The rebuild lock and position once, and every event id recorded in one statement (a
        // redelivered event twice in the batch is new at most once), then the events in order.
        const rebuilt = await rebuiltPosition(manager, this.projection.name);
        const fresh = await markAllProcessed(manager, this.projection.name, events.map((e) => e.id));
        const applied: boolean[] = [];
        for (let i = 0; i < messages.length; i++) {
          const event = events[i];
          const known = { rebuilt: rebuilt !== undefined && event.position >= 0 && event.position <= rebuilt, fresh: fresh.delete(event.id) };
          applied.push(await this.applyIn(manager, messages[i], event, known));
          // A long batch on a slow database must not cost the consumer its group membership.
          await control?.keepAlive().catch(() => undefined);
        }
        if (applied.some(Boolean)) await notifyReadModels(manager, this.projection.name, events.filter((_, i) => applied[i]).map((e) => e.position));
        return applied;
      });
    } catch {
      return false;
    }
    for (const applied of outcomes) {
      if (applied) this.applied += 1;
      else this.skipped += 1;
    }
    return true;
  }

  /** Applies one message in its own transaction (see {@link applyIn}). */
  async apply(message: ConsumedMessage): Promise<void> {
    const event = fromBusMessage(message);
    const applied = await this.dataSource.transaction(async (manager) => {
      const done = await this.applyIn(manager, message, event);
      if (done) await notifyReadModels(manager, this.projection.name, [event.position]);
      return done;
    });
    if (applied) this.applied += 1;
    else this.skipped += 1;
  }

  /**
   * Applies one message's event within `manager`'s transaction, in a CONSUMER span (`apply
   * <projection>`): a child of the relay's publish (the message's `traceparent` header), else of the
   * request that appended the event (its metadata's), which it also links to. False when it was
   * processed before (or is in the tables a rebuild swapped in): recorded, not applied again.
   */
  private applyIn(manager: EntityManager, message: ConsumedMessage, event: RecordedEvent, known?: { rebuilt: boolean; fresh: boolean }): Promise<boolean> {
    const appended = contextFromCarrier(event.metadata);
    const published = contextFromCarrier(message.headers);
    const parent = linkTo(published).length ? published : appended;
    const attributes = { 'messaging.system': 'kafka', 'messaging.destination.name': message.topic, 'messaging.message.id': event.id, 'shecun.event_type': event.type, 'shecun.position': event.position };
    return inSpan(`apply ${this.projection.name}`, { kind: SpanKind.CONSUMER, parent, attributes, links: linkTo(appended, { 'shecun.link': 'appended' }) }, async (span) => {
      // Already in the tables a rebuild swapped in (read from the event store): recorded, not applied again.
      // (`known`: both already asked for the whole batch.)
      const rebuilt = known ? known.rebuilt : await rebuiltThrough(manager, this.projection.name, event.position);
      const applied = (known ? known.fresh : await markProcessed(manager, this.projection.name, event.id)) && !rebuilt;
      if (applied) await this.projection.apply(event, manager);
      span.setAttribute('shecun.applied', applied);
      return applied;
    });
  }

  async stop(): Promise<void> {
    await this.consumer?.stop();
    this.consumer = undefined;
  }
}

/** Records that a projection processed these events; answers the ids that were not there already. */
async function markAllProcessed(manager: EntityManager, projection: string, eventIds: string[]): Promise<Set<string>> {
  const inserted: Array<{ eventId: string }> = await manager.query(
    `INSERT INTO processed_events ("projection", "eventId", "processedAt") SELECT $1, id, $3 FROM unnest($2::varchar[]) AS id ON CONFLICT DO NOTHING RETURNING "eventId"`,
    [projection, eventIds, new Date().toISOString()],
  );
  return new Set(inserted.map((r) => r.eventId));
}

/** Records that a projection processed an event; false when it was there already (applied or parked before). */
async function markProcessed(manager: EntityManager, projection: string, eventId: string): Promise<boolean> {
  const inserted: unknown[] = await manager.query(
    `INSERT INTO processed_events ("projection", "eventId", "processedAt") VALUES ($1, $2, $3) ON CONFLICT DO NOTHING RETURNING "eventId"`,
    [projection, eventId, new Date().toISOString()],
  );
  return inserted.length > 0;
}

/**
 * Applies a bus-fed projection's unresolved parked events again (or only `eventId`), each read
 * back from the event store (the bus may no longer hold it) and applied in one transaction with
 * its row marked replayed (see {@link replayParkedEvents}). Runs beside the consumers: in the
 * projector's command line, or the gateway's admin API.
 */
export function replayParkedOnReadModel(options: { dataSource: DataSource; projection: Projection; store: EventStore; policy?: FailurePolicy; logger?: Logger; eventId?: string; by: string }): Promise<ReplayResult[]> {
  const { dataSource, projection } = options;
  return replayParkedEvents({
    dataSource,
    processor: projection.name,
    store: options.store,
    policy: options.policy ?? new FailurePolicy(),
    logger: options.logger ?? new Logger(`Projector ${projection.name}`),
    eventId: options.eventId,
    by: options.by,
    eventTypes: projection.eventTypes,
    // Applied by a rebuild (in the tables it swapped in), or processed by the consumers (parked ones are left out).
    appliedAny: projection.replaysOutOfOrder
      ? undefined
      : (later) =>
          dataSource.transaction(async (manager) => {
            if (await rebuiltThrough(manager, projection.name, later[0].position)) return true;
            const processed = await manager.query(`SELECT 1 FROM processed_events WHERE "projection" = $1 AND "eventId" = ANY($2) LIMIT 1`, [projection.name, later.map((e) => e.id)]);
            return processed.length > 0;
          }),
    apply: (event, resolve) =>
      dataSource.transaction(async (manager) => {
        // Waits while a rebuild swaps the projection's tables. Applied even at or before the rebuilt
        // position: an unresolved parked event is in no table (a rebuild resolves every one it applied).
        await rebuiltThrough(manager, projection.name, event.position);
        await projection.apply(event, manager);
        await resolve(manager);
        // Processed (a stopping projection's consumer, held at the event, then goes on without applying it again).
        await markProcessed(manager, projection.name, event.id);
      }),
  });
}

/** The event of a message, or what its headers tell when its body cannot be read (so that it can be parked). */
function eventOf(message: ConsumedMessage): RecordedEvent {
  try {
    return fromBusMessage(message);
  } catch {
    return {
      id: message.headers['event-id'] || `${message.topic}/${message.partition}@${message.offset}`,
      type: message.headers['event-type'] || 'unreadable',
      schemaVersion: Number(message.headers['schema-version'] ?? 0),
      streamName: message.key,
      revision: -1,
      position: -1,
      data: undefined,
      metadata: undefined as never,
    };
  }
}
