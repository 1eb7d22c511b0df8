import { ReadPosition } from '@shecun/core';
import { AppendListener, EventStore } from '@shecun/event-store';
import { EventEmitter } from 'node:events';
import { DataSource } from 'typeorm';
import { processedRetentionHoursFromEnv, READ_MODELS_CHANNEL } from './bus-projector';

/** A bus-fed projection of the distributed read models, by name, with the topics (without prefix) that feed it. */
export interface ReadModelFeed {
  name: string;
  topics: string[];
}

/**
 * Read-your-writes where the read models are fed from Kafka (the gateway): the event at a position
 * is read from the event store, and it has been applied once every projection fed by its topic has
 * recorded its id in `processed_events` (written in the same transaction as the rows). Events of
 * one stream travel in order on one partition, so the rest of the writer's command is in too. An
 * event older than PROCESSED_EVENTS_RETENTION_HOURS counts as applied (its id may have been pruned).
 * Waiting reads are woken by the projector's commits: it notifies {@link READ_MODELS_CHANNEL} in each
 * transaction, heard here on a LISTEN connection to the read database (opened while reads wait;
 * while it is down, the reads poll).
 */
export class BusReadPosition implements ReadPosition {
  constructor(
    private readonly store: EventStore,
    private readonly dataSource: DataSource,
    private readonly feeds: ReadModelFeed[],
    /** The stream catalogue's topic of a stream (without prefix). */
    private readonly topicFor: (streamName: string) => string,
    private readonly retentionHours = processedRetentionHoursFromEnv(),
  ) {
    this.changes.setMaxListeners(0);
  }

  /** Waiting reads by the position they wait for; 'all' is told of every notice. */
  private readonly changes = new EventEmitter();
  private listener?: AppendListener;
  private closed = false;

  onChange(position: number, listener: () => void): (() => void) | undefined {
    const url = (this.dataSource.options as { url?: string }).url;
    if (!url || this.closed) return undefined;
    if (!this.listener) {
      this.listener = new AppendListener({ connectionString: url }, READ_MODELS_CHANNEL, (payload) => this.notified(payload), () => this.closed);
      void this.listener.start();
    }
    const key = String(position);
    this.changes.on(key, listener);
    return () => this.changes.off(key, listener);
  }

  /** A notice names the positions a projector committed (the projector's notifyReadModels); one without any wakes every waiting read. */
  private notified(payload?: string): void {
    const positions = payload?.split(':')[1];
    if (!positions) {
      for (const key of this.changes.eventNames()) this.changes.emit(key);
      return;
    }
    for (const position of positions.split(',')) this.changes.emit(position);
  }

  async onModuleDestroy(): Promise<void> {
    this.closed = true;
    await this.listener?.end();
  }

  async pending(position: number): Promise<string[]> {
    const [event] = await this.store.readAll(position - 1, 1);
    // Not in the event store yet: no read model has it.
    if (!event) return this.feeds.map((f) => f.name);
    const topic = this.topicFor(event.streamName);
    const expected = this.feeds.filter((f) => f.topics.includes(topic)).map((f) => f.name);
    if (expected.length === 0) return [];
    const rows: Array<{ projection: string }> = await this.dataSource.query(`SELECT "projection" FROM processed_events WHERE "eventId" = $1`, [event.id]);
    const done = new Set(rows.map((r) => r.projection));
    const missing = expected.filter((name) => !done.has(name));
    if (missing.length > 0 && Date.parse(event.metadata?.occurredAt ?? '') < Date.now() - this.retentionHours * 3_600_000) return [];
    return missing;
  }
}
