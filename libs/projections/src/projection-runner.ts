import { Logger } from '@nestjs/common';
import { EventStore, RecordedEvent, START, Subscription } from '@shecun/event-store';
import { DataSource, EntityManager, IsNull } from 'typeorm';
import { backoffDelay, withWriteLock } from '@shecun/core';
import { ProgressListener, Projection, ProjectionCheckpoint, ProjectionStatus } from './projection';
import { catchUpTogether } from './catch-up-together';
import { FailurePolicy, messageOf, ProcessingControl } from './failure-policy';
import { keepsVersions, recordVersion } from './projection-versions';
import { canPark, describeError, ParkedEvent, parkedBetween, ParkedInBatch, parkedRow, parkEvent, ProjectionHaltedError, replayParkedEvents, ReplayResult, settleParkedAfterRebuild } from './parked-events';

/** Longest a checkpoint moved past events the projection does not handle stays unstored. */
const SKIPPED_CHECKPOINT_MS = 1000;

/** First key of the advisory lock each runner transaction on PostgreSQL takes (the second: the projection's name hashed). */
const RUNNER_LOCK_KEY = 0x5c_4e_50; // "\NP": shecun projection

/** Most events read from the log at once while catching up alone. */
const MAX_CHUNK = 10_000;

export type { ProgressListener, ProjectionStatus };

/**
 * Feeds one projection from the global log. Each batch is applied and the checkpoint advanced in
 * one database transaction; events at or before the stored checkpoint are skipped, so a batch
 * delivered twice (after a crash, or by two runners) changes nothing.
 *
 * Failures follow the {@link FailurePolicy}: a transient one (the database away) is waited out;
 * when a batch fails otherwise, its events are applied one per transaction, each tried up to
 * PROJECTION_MAX_ATTEMPTS times, and an event that still fails is parked (a `parked_events` row
 * written with the checkpoint that passes it) while the runner goes on. A projection declared
 * `onParked: 'stop'` halts at that event instead (checkpoint just before it) and looks again every
 * second: once the event is replayed (applied by the replay) or skipped, it moves past it without
 * applying it again and goes on. A database without the parked_events table (tools, tests) keeps
 * the batch failing and retried instead.
 */
export class ProjectionRunner {
  private readonly logger: Logger;
  private subscription?: Subscription;
  private caughtUp = false;
  private lastError?: string;
  private position = START;
  private restartTimer?: NodeJS.Timeout;
  private running = false;
  private stopping = false;
  private restarts = 0;
  private parked = 0;
  private stoppedAt?: ProjectionStatus['stoppedAt'];
  /** When the checkpoint was last stored, and where (see `skips`). */
  private storedAt = 0;
  private storedPosition = START;
  private readonly policy: FailurePolicy;
  private readonly control: ProcessingControl;

  constructor(
    private readonly store: EventStore,
    private readonly dataSource: DataSource,
    readonly projection: Projection,
    private readonly options: { batchSize?: number; policy?: FailurePolicy; skippedCheckpointMs?: number } = {},
  ) {
    this.logger = new Logger(`Projection ${projection.name}`);
    this.policy = options.policy ?? new FailurePolicy();
    this.control = {
      isRunning: () => !this.stopping,
      onFailure: (error, transient, attempts) => {
        if (transient && attempts === 1) this.logger.warn(`waiting for the read-model database: ${messageOf(error)}`);
        if (!transient) this.logger.warn(`attempt ${attempts} of ${this.policy.maxAttempts} failed: ${messageOf(error)}`);
      },
    };
  }

  get name(): string {
    return this.projection.name;
  }

  status(): ProjectionStatus {
    return {
      name: this.name,
      checkpoint: this.position,
      caughtUp: this.caughtUp,
      parked: this.parked,
      ...(this.stoppedAt ? { stoppedAt: this.stoppedAt } : this.lastError ? { error: this.lastError } : {}),
    };
  }

  /** Counts the unresolved parked events again (from the database). */
  async refreshParked(): Promise<number> {
    if (!canPark(this.dataSource)) return 0;
    this.parked = await this.dataSource.getRepository(ParkedEvent).countBy({ projection: this.name, resolvedAt: IsNull() });
    return this.parked;
  }

  async checkpoint(): Promise<number> {
    const row = await this.dataSource.getRepository(ProjectionCheckpoint).findOneBy({ name: this.name });
    return row?.position ?? START;
  }

  /**
   * Applies a batch and advances the checkpoint atomically, under the failure policy (an event
   * that keeps failing is parked). Returns the new checkpoint.
   */
  async processBatch(events: RecordedEvent[]): Promise<number> {
    if (this.skips(events)) return this.position;
    try {
      return await this.policy.waitOut(
        () =>
          this.inTransaction(async (manager, from) => {
            const fresh = events.filter((e) => e.position > from);
            if (fresh.length === 0) return from;
            await this.applyEvents(fresh, manager);
            return fresh[fresh.length - 1].position;
          }),
        this.control,
      );
    } catch (error) {
      if (this.policy.isTransient(error) || !canPark(this.dataSource)) throw error;
      for (const event of events) await this.processOne(event);
      return this.position;
    }
  }

  /**
   * A live batch with no event of the types the projection declares (the sign-ins that pass every
   * other read model): the checkpoint moves in memory only, and is stored with the next batch that
   * has work, or once a second at most, instead of one transaction per batch for nothing. After a
   * restart the events since the stored checkpoint are read again and skipped again.
   */
  private skips(events: RecordedEvent[]): boolean {
    const types = this.projection.eventTypes;
    // Live only: a backlog is caught up with its checkpoint stored batch by batch, as a rebuild is.
    if (!this.caughtUp || !types || events.length === 0 || events.some((e) => types.includes(e.type))) return false;
    if (Date.now() - this.storedAt >= (this.options.skippedCheckpointMs ?? SKIPPED_CHECKPOINT_MS)) return false;
    this.position = Math.max(this.position, events[events.length - 1].position);
    return true;
  }

  /**
   * Applies `events` (those of a chunk of the log this projection handles, in order) and moves the
   * checkpoint to `upTo`, the chunk's last position, in one transaction under the failure policy,
   * as {@link processBatch}. Resolves the new checkpoint, or undefined when a stopping projection
   * halted at a parked event (it stays before it).
   */
  async processUpTo(events: RecordedEvent[], upTo: number): Promise<number | undefined> {
    try {
      return await this.policy.waitOut(
        () =>
          this.inTransaction(async (manager, from) => {
            const fresh = from < upTo ? events.filter((e) => e.position > from) : [];
            if (fresh.length > 0) await this.applyEvents(fresh, manager);
            return Math.max(from, upTo);
          }),
        this.control,
      );
    } catch (error) {
      if (this.policy.isTransient(error) || !canPark(this.dataSource)) throw error;
      try {
        for (const event of events) await this.processOne(event);
      } catch (halt) {
        if (!(halt instanceof ProjectionHaltedError)) throw halt;
        this.halted(halt);
        return undefined;
      }
      return this.policy.waitOut(() => this.inTransaction(async (_manager, from) => Math.max(from, upTo), false), this.control);
    }
  }

  private halted(halt: ProjectionHaltedError): void {
    this.stoppedAt = { eventId: halt.event.eventId, eventType: halt.event.eventType, position: halt.event.position, error: halt.event.error };
    this.logger.warn(halt.message);
  }

  /** One event in its own transaction, tried under the policy, parked when it keeps failing. */
  private async processOne(event: RecordedEvent): Promise<void> {
    if (this.stops && (await this.pastParked(event))) return;
    const outcome = await this.policy.run(
      () =>
        this.inTransaction(async (manager, from) => {
          if (event.position <= from) return from;
          await this.applyEvents([event], manager, false);
          return event.position;
        }),
      this.control,
    );
    if (outcome.ok) return;
    let parked = false;
    await this.policy.waitOut(
      () =>
        this.inTransaction(async (manager, from) => {
          parked = false;
          if (event.position <= from) return from;
          await parkEvent(manager, this.name, event, outcome.error, outcome.attempts);
          parked = true;
          // A stopping projection keeps its checkpoint before the event: the transaction commits the row only.
          return this.stops ? from : event.position;
        }, false),
      this.control,
    );
    if (!parked) return;
    this.parked += 1;
    const next = this.stops ? `the projection stops here until it is replayed or skipped` : `the projection goes on without it`;
    this.logger.error(
      `parked event ${event.id} (${event.type}, stream ${event.streamName}, position ${event.position}) after ${outcome.attempts} attempts: ${describeError(outcome.error)}; ` +
        `${next}; replay it once the fault is fixed (parked / replay ${this.name})`,
    );
    if (this.stops) throw new ProjectionHaltedError(this.name, { eventId: event.id, eventType: event.type, position: event.position, error: describeError(outcome.error) });
  }

  private get stops(): boolean {
    return this.projection.onParked === 'stop';
  }

  /**
   * For a stopping projection, an event it parked before: still unresolved → halted here; skipped
   * → the checkpoint moves past it without applying it (true). A replayed one was applied by its
   * replay, which moved the checkpoint past it; met again in a rebuild, it is applied as any other.
   */
  private async pastParked(event: RecordedEvent): Promise<boolean> {
    if (!canPark(this.dataSource)) return false;
    const row = await parkedRow(this.dataSource.manager, this.name, event.id);
    if (!row || row.resolution === 'replayed') return false;
    if (!row.resolvedAt) throw new ProjectionHaltedError(this.name, row);
    await this.policy.waitOut(() => this.inTransaction(async (_manager, from) => Math.max(from, event.position), false), this.control);
    this.stoppedAt = undefined;
    return true;
  }

  /**
   * One read-model transaction: reads the stored checkpoint, runs `work` (which applies events
   * after it and returns the position reached), lets the projection flush, and stores the new
   * checkpoint with the rows.
   */
  private inTransaction(work: (manager: EntityManager, from: number) => Promise<number>, flush = true): Promise<number> {
    return withWriteLock(this.dataSource, () =>
      this.dataSource.transaction(async (manager) => {
        await this.lockAgainstOtherRunners(manager);
        const stored = await manager.findOneBy(ProjectionCheckpoint, { name: this.name });
        const from = stored?.position ?? START;
        const position = await work(manager, from);
        if (position <= from) return from;
        if (flush) await this.projection.flush?.(manager);
        await manager.save(ProjectionCheckpoint, { name: this.name, position, updatedAt: new Date().toISOString() });
        return position;
      }),
    ).then((position) => {
      this.storedAt = Date.now();
      this.storedPosition = position;
      // Past the event it stopped at (replayed, skipped): no longer stopped.
      if (this.stoppedAt && position >= this.stoppedAt.position) this.stoppedAt = undefined;
      return (this.position = position);
    });
  }

  /**
   * On PostgreSQL, where several processes may follow one projection into one database (replicas
   * of a write service): the transactions of one projection run one at a time (an advisory lock held
   * to the commit), so the checkpoint read next is the one the previous transaction stored and no
   * event is applied twice. SQLite's data folder has one process, whose writes withWriteLock orders.
   */
  private async lockAgainstOtherRunners(manager: EntityManager): Promise<void> {
    if (this.dataSource.options.type === 'postgres') await manager.query(`SELECT pg_advisory_xact_lock($1, hashtext($2))`, [RUNNER_LOCK_KEY, this.name]);
  }

  private async applyEvents(events: RecordedEvent[], manager: EntityManager, guard = true): Promise<void> {
    // A stopping projection with a parked event in the batch goes one event at a time (processOne decides).
    if (guard && this.stops && canPark(this.dataSource) && (await parkedBetween(manager, this.name, events[0].position, events[events.length - 1].position))) {
      throw new ParkedInBatch();
    }
    if (this.projection.applyBatch) await this.projection.applyBatch(events, manager);
    else for (const event of events) await this.projection.apply(event, manager);
  }

  /** Starts following the log; resolves once it has caught up with the head. */
  start(): Promise<void> {
    this.running = true;
    this.stopping = false;
    return new Promise<void>((resolve, reject) => {
      Promise.all([this.checkpoint(), this.refreshParked()])
        .then(([checkpoint]) => {
          this.position = this.storedPosition = checkpoint;
          this.subscription = this.store.subscribeAll(checkpoint, async (events) => void (await this.processBatch(events)), {
            batchSize: this.options.batchSize ?? 500,
            onLive: () => {
              this.caughtUp = true;
              this.lastError = undefined;
              this.stoppedAt = undefined;
              this.restarts = 0;
              resolve();
            },
            onError: (error) => this.failed(error),
          });
        })
        .catch(reject);
    });
  }

  /** The log could not be read (or the runner stopped mid-wait): resumes from the stored checkpoint after a pause. */
  private failed(error: unknown): void {
    this.subscription = undefined;
    if (error instanceof ProjectionHaltedError) {
      if (!this.stoppedAt) this.logger.warn(error.message);
      this.stoppedAt = { eventId: error.event.eventId, eventType: error.event.eventType, position: error.event.position, error: error.event.error };
      this.lastError = undefined;
      // Looks again every second: a replay or a skip from the CLI or the admin API lets it go on.
      if (this.running) this.restartTimer = setTimeout(() => void (this.running && this.start().catch((e) => this.failed(e))), 1000);
      return;
    }
    this.lastError = messageOf(error);
    if (!this.running) return;
    const delay = backoffDelay(this.restarts++, { minDelayMs: 250, maxDelayMs: 1000 });
    this.logger.error(`stopped at position ${this.position}: ${this.lastError}; resuming in ${delay} ms`);
    this.restartTimer = setTimeout(() => {
      if (this.running) this.start().catch((e) => this.failed(e));
    }, delay);
  }

  async stop(): Promise<void> {
    this.running = false;
    this.stopping = true;
    if (this.restartTimer) clearTimeout(this.restartTimer);
    await this.subscription?.stop();
    this.subscription = undefined;
    // A checkpoint moved in memory past events it does not handle (see `skips`) is stored on the way out.
    if (this.position > this.storedPosition && this.dataSource.isInitialized) {
      const position = this.position;
      await this.inTransaction(async (_manager, from) => Math.max(from, position), false).catch((error) => this.logger.warn(`checkpoint ${position} not stored: ${messageOf(error)}`));
    }
  }

  /**
   * Reads and applies everything up to the current head, reporting progress: the one-projection
   * case of {@link catchUpTogether} (one transaction per chunk of at most `batchSize` events, the
   * projection's own or 1000, and never more than 10,000 read at once).
   */
  async catchUp(onProgress?: ProgressListener, batchSize = this.projection.batchSize ?? 1000): Promise<void> {
    await catchUpTogether(this.store, [this], { onProgress, chunkSize: Math.min(batchSize, MAX_CHUNK) });
  }

  /**
   * Applies this projection's unresolved parked events again (or only `eventId`), each read back from the event store and
   * applied in one transaction with its row marked replayed (see {@link replayParkedEvents}). Run it once the fault is fixed.
   */
  async replayParked(eventId?: string, by = 'system'): Promise<ReplayResult[]> {
    const results = await replayParkedEvents({
      dataSource: this.dataSource,
      processor: this.name,
      store: this.store,
      policy: this.policy,
      control: this.control,
      logger: this.logger,
      eventId,
      by,
      eventTypes: this.projection.eventTypes,
      // Events reach the runner in the log's order: those at or before its checkpoint were applied (a parked one is left out).
      appliedAny: this.projection.replaysOutOfOrder ? undefined : async (later) => later[0].position <= (await this.checkpoint()),
      apply: (event, resolve) =>
        withWriteLock(this.dataSource, () =>
          this.dataSource.transaction(async (manager) => {
            await this.lockAgainstOtherRunners(manager);
            await this.applyEvents([event], manager, false);
            await this.projection.flush?.(manager);
            await resolve(manager);
            // A stopping projection is halted just before this event: applied now, its checkpoint passes it.
            const stored = await manager.findOneBy(ProjectionCheckpoint, { name: this.name });
            if (this.stops && (stored?.position ?? START) < event.position) await manager.save(ProjectionCheckpoint, { name: this.name, position: event.position, updatedAt: new Date().toISOString() });
          }),
        ),
    });
    await this.refreshParked();
    return results;
  }

  /** Empties the projection's tables and checkpoint in one transaction (recording the code's version), then replays from the start. */
  async rebuild(onProgress?: ProgressListener): Promise<void> {
    const startedAt = new Date().toISOString();
    const wasRunning = await this.reset();
    await this.catchUp(onProgress);
    await settleParkedAfterRebuild(this.dataSource, this, startedAt);
    if (wasRunning) await this.start();
  }

  /** Stops following the log and empties the tables and checkpoint in one transaction; resolves whether it was following. */
  async reset(): Promise<boolean> {
    const wasRunning = this.running;
    await this.stop();
    this.stopping = false;
    await withWriteLock(this.dataSource, () =>
      this.dataSource.transaction(async (manager) => {
        await this.lockAgainstOtherRunners(manager);
        for (const entity of this.projection.entities) await manager.clear(entity);
        await manager.delete(ProjectionCheckpoint, { name: this.name });
        // The rows written from now on are of the code's version.
        if (keepsVersions(this.dataSource)) await recordVersion(manager, this.projection);
      }),
    );
    this.position = START;
    this.caughtUp = false;
    this.stoppedAt = undefined;
    return wasRunning;
  }
}
