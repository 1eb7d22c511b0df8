import { Logger } from '@nestjs/common';
import { EventStore, RecordedEvent, START, Subscription } from '@shecun/event-store';
import { DataSource, EntityManager } from 'typeorm';
import { Projection, ProjectionCheckpoint } from './projection';
import { withWriteLock } from '@shecun/core';

export interface ProjectionStatus {
  name: string;
  checkpoint: number;
  caughtUp: boolean;
  error?: string;
}

export type ProgressListener = (done: number, total: number) => void;

/** Most events read from the log at once while catching up. */
const READ_CHUNK = 1000;

/**
 * Feeds one projection from the global log. Each batch is applied and the checkpoint advanced in
 * one database transaction; events at or before the stored checkpoint are skipped, so a batch
 * delivered twice (after a crash, or by two runners) changes nothing.
 */
export class ProjectionRunner {
  private readonly logger: Logger;
  private subscription?: Subscription;
  private caughtUp = false;
  private lastError?: string;
  private position = START;
  private restartTimer?: NodeJS.Timeout;
  private running = false;

  constructor(
    private readonly store: EventStore,
    private readonly dataSource: DataSource,
    readonly projection: Projection,
    private readonly options: { batchSize?: number } = {},
  ) {
    this.logger = new Logger(`Projection ${projection.name}`);
  }

  get name(): string {
    return this.projection.name;
  }

  status(): ProjectionStatus {
    return { name: this.name, checkpoint: this.position, caughtUp: this.caughtUp, ...(this.lastError ? { error: this.lastError } : {}) };
  }

  async checkpoint(): Promise<number> {
    const row = await this.dataSource.getRepository(ProjectionCheckpoint).findOneBy({ name: this.name });
    return row?.position ?? START;
  }

  /** Applies a batch and advances the checkpoint atomically. Returns the new checkpoint. */
  async processBatch(events: RecordedEvent[]): Promise<number> {
    return this.inTransaction(async (manager, from) => {
      const fresh = events.filter((e) => e.position > from);
      if (fresh.length === 0) return from;
      await this.applyEvents(fresh, manager);
      return fresh[fresh.length - 1].position;
    });
  }

  /**
   * One read-model transaction: reads the stored checkpoint, runs `work` (which applies events
   * after it and returns the position reached), lets the projection flush, and stores the new
   * checkpoint with the rows.
   */
  private inTransaction(work: (manager: EntityManager, from: number) => Promise<number>): Promise<number> {
    return withWriteLock(this.dataSource, () =>
      this.dataSource.transaction(async (manager) => {
        const stored = await manager.findOneBy(ProjectionCheckpoint, { name: this.name });
        const from = stored?.position ?? START;
        const position = await work(manager, from);
        if (position <= from) return from;
        await this.projection.flush?.(manager);
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
    return new Promise<void>((resolve, reject) => {
      this.checkpoint()
        .then((checkpoint) => {
          this.position = checkpoint;
          this.subscription = this.store.subscribeAll(checkpoint, async (events) => void (await this.processBatch(events)), {
            batchSize: this.options.batchSize ?? 500,
            onLive: () => {
              this.caughtUp = true;
              this.lastError = undefined;
              resolve();
            },
            onError: (error) => this.failed(error),
          });
        })
        .catch(reject);
    });
  }

  private failed(error: unknown): void {
    this.lastError = error instanceof Error ? error.message : String(error);
    this.logger.error(`stopped at position ${this.position}: ${this.lastError}; retrying in 1 s`);
    this.subscription = undefined;
    if (!this.running) return;
    this.restartTimer = setTimeout(() => {
      if (this.running) this.start().catch((e) => this.failed(e));
    }, 1000);
  }

  async stop(): Promise<void> {
    this.running = false;
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
      position = await this.inTransaction(async (manager, from) => {
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
      onProgress?.(Math.min(position, head) - start, head - start);
    }
  }

  /** Empties the projection's tables and checkpoint in one transaction, then replays from the start. */
  async rebuild(onProgress?: ProgressListener): Promise<void> {
    const wasRunning = this.running;
    await this.stop();
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
