import { Logger } from '@nestjs/common';
import { EventStore, RecordedEvent, START, Subscription } from '@shecun/event-store';
import { DataSource, EntityManager, IsNull } from 'typeorm';
import { Projection, ProjectionCheckpoint } from './projection';
import { backoffDelay, withWriteLock } from '@shecun/core';
import { FailurePolicy, messageOf, ProcessingControl } from './failure-policy';
import { canPark, describeError, ParkedEvent, parkEvent, replayParkedEvents, ReplayResult } from './parked-events';

export interface ProjectionStatus {
  name: string;
  checkpoint: number;
  caughtUp: boolean;
  error?: string;
  /** Events parked and not resolved yet (see FailurePolicy): the read model misses them. */
  parked: number;
}

export type ProgressListener = (done: number, total: number) => void;

/** Most events read from the log at once while catching up. */
const READ_CHUNK = 1000;

/**
 * Feeds one projection from the global log. Each batch is applied and the checkpoint advanced in
 * one database transaction; events at or before the stored checkpoint are skipped, so a batch
 * delivered twice (after a crash, or by two runners) changes nothing.
 *
 * Failures follow the {@link FailurePolicy}: a transient one (the database away) is waited out;
 * when a batch fails otherwise, its events are applied one per transaction, each tried up to
 * PROJECTION_MAX_ATTEMPTS times, and an event that still fails is parked (a `parked_events` row
 * written with the checkpoint that passes it) while the runner goes on. A database without the
 * parked_events table (tools, tests) keeps the batch failing and retried instead.
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
  private readonly policy: FailurePolicy;
  private readonly control: ProcessingControl;

  constructor(
    private readonly store: EventStore,
    private readonly dataSource: DataSource,
    readonly projection: Projection,
    private readonly options: { batchSize?: number; policy?: FailurePolicy } = {},
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
    return { name: this.name, checkpoint: this.position, caughtUp: this.caughtUp, parked: this.parked, ...(this.lastError ? { error: this.lastError } : {}) };
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

  /** One event in its own transaction, tried under the policy, parked when it keeps failing. */
  private async processOne(event: RecordedEvent): Promise<void> {
    const outcome = await this.policy.run(
      () =>
        this.inTransaction(async (manager, from) => {
          if (event.position <= from) return from;
          await this.applyEvents([event], manager);
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
          return event.position;
        }, false),
      this.control,
    );
    if (!parked) return;
    this.parked += 1;
    this.logger.error(
      `parked event ${event.id} (${event.type}, stream ${event.streamName}, position ${event.position}) after ${outcome.attempts} attempts: ${describeError(outcome.error)}; ` +
        `the projection goes on without it; replay it once the fault is fixed (parked / replay ${this.name})`,
    );
  }

  /**
   * One read-model transaction: reads the stored checkpoint, runs `work` (which applies events
   * after it and returns the position reached), lets the projection flush, and stores the new
   * checkpoint with the rows.
   */
  private inTransaction(work: (manager: EntityManager, from: number) => Promise<number>, flush = true): Promise<number> {
    return withWriteLock(this.dataSource, () =>
      this.dataSource.transaction(async (manager) => {
        const stored = await manager.findOneBy(ProjectionCheckpoint, { name: this.name });
        const from = stored?.position ?? START;
        const position = await work(manager, from);
        if (position <= from) return from;
        if (flush) await this.projection.flush?.(manager);
        await manager.save(ProjectionCheckpoint, { name: this.name, position, updatedAt: new Date().toISOString() });
        return position;
      }),
    ).then((position) => (this.position = position));
  }

  private async applyEvents(events: RecordedEvent[], manager: EntityManager): Promise<void> {
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
          this.position = checkpoint;
          this.subscription = this.store.subscribeAll(checkpoint, async (events) => void (await this.processBatch(events)), {
            batchSize: this.options.batchSize ?? 500,
            onLive: () => {
              this.caughtUp = true;
              this.lastError = undefined;
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
    this.lastError = messageOf(error);
    this.subscription = undefined;
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
  }

  /**
   * Reads and applies everything up to the current head, reporting progress: one transaction per
   * `batchSize` events (the projection's own, or 1000), read from the log in chunks of at most
   * 1000 so that a chunk is released once applied, however large the transaction.
   */
  async catchUp(onProgress?: ProgressListener, batchSize = this.projection.batchSize ?? 1000): Promise<void> {
    const head = await this.store.headPosition();
    let position = await this.checkpoint();
    // Progress counts positions: events for the SQLite log (positions 1…n), bytes for EventStoreDB.
    const start = Math.max(position, 0);
    onProgress?.(0, Math.max(0, head - start));
    const chunk = Math.min(batchSize, READ_CHUNK);
    let reachedHead = false;
    while (!reachedHead && position < head) {
      const catchUpOnce = () => this.inTransaction(async (manager, from) => {
        let after = from;
        for (let applied = 0; applied < batchSize; ) {
          const batch = await this.store.readAll(after, Math.min(chunk, batchSize - applied));
          const fresh = batch.filter((e) => e.position <= head);
          if (fresh.length > 0) {
            await this.applyEvents(fresh, manager);
            applied += fresh.length;
            after = fresh[fresh.length - 1].position;
          }
          if (fresh.length === 0 || fresh.length < batch.length || after >= head) {
            reachedHead = true;
            break;
          }
        }
        return after;
      });
      try {
        position = await this.policy.waitOut(catchUpOnce, this.control);
      } catch (error) {
        if (this.policy.isTransient(error) || !canPark(this.dataSource)) throw error;
        // Something in the transaction fails: the next chunk one event per transaction, under the policy.
        reachedHead = false;
        const events = (await this.store.readAll(await this.checkpoint(), chunk)).filter((e) => e.position <= head);
        for (const event of events) await this.processOne(event);
        position = await this.checkpoint();
        if (events.length === 0) break;
      }
      onProgress?.(Math.min(position, head) - start, head - start);
    }
  }

  /**
   * Applies this projection's unresolved parked events again (or only `eventId`), each read back
   * from the event store and applied in one transaction with its row marked replayed (see
   * {@link replayParkedEvents}). The checkpoint does not move. Run it once the fault is fixed.
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
      apply: (event, resolve) =>
        withWriteLock(this.dataSource, () =>
          this.dataSource.transaction(async (manager) => {
            await this.applyEvents([event], manager);
            await this.projection.flush?.(manager);
            await resolve(manager);
          }),
        ),
    });
    await this.refreshParked();
    return results;
  }

  /** Empties the projection's tables and checkpoint in one transaction, then replays from the start. */
  async rebuild(onProgress?: ProgressListener): Promise<void> {
    const wasRunning = this.running;
    await this.stop();
    this.stopping = false;
    await withWriteLock(this.dataSource, () =>
      this.dataSource.transaction(async (manager) => {
        for (const entity of this.projection.entities) await manager.clear(entity);
        await manager.delete(ProjectionCheckpoint, { name: this.name });
      }),
    );
    this.position = START;
    this.caughtUp = false;
    await this.catchUp(onProgress);
    if (wasRunning) await this.start();
  }
}
