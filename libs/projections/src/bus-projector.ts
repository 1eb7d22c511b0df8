import { Logger } from '@nestjs/common';
import { BusConsumer, ConsumedMessage, fromBusMessage, MessageBus } from '@shecun/messaging';
import { Column, DataSource, Entity, PrimaryColumn } from 'typeorm';
import { Projection } from './projection';

/** Events a bus-fed projection has applied: the de-duplication key, written with the rows. */
@Entity('processed_events')
export class ProcessedEvent {
  @PrimaryColumn({ type: 'varchar', length: 100 }) projection: string;
  @PrimaryColumn({ type: 'varchar', length: 64 }) eventId: string;
  @Column({ type: 'varchar', length: 40 }) processedAt: string;
}

/** The last bus offset a projection applied, per topic partition, written with the rows. */
@Entity('projector_offsets')
export class ProjectorOffset {
  @PrimaryColumn({ type: 'varchar', length: 100 }) projection: string;
  @PrimaryColumn({ type: 'varchar', length: 200 }) topic: string;
  @PrimaryColumn({ type: 'integer' }) partition: number;
  @Column({ type: 'varchar', length: 30 }) offset: string;
}

export const BUS_PROJECTOR_ENTITIES = [ProcessedEvent, ProjectorOffset];

/**
 * Feeds a projection from the bus (a consumer group per projection). Each message is applied in
 * one PostgreSQL transaction together with its event id and offset; an event id seen before is
 * skipped, so redelivery after a crash or a rebalance changes nothing.
 */
export class BusProjector {
  private readonly logger: Logger;
  private consumer?: BusConsumer;
  applied = 0;
  skipped = 0;

  constructor(
    private readonly bus: MessageBus,
    private readonly dataSource: DataSource,
    readonly projection: Projection,
    private readonly options: { topics: string[]; groupId?: string },
  ) {
    this.logger = new Logger(`BusProjector ${projection.name}`);
  }

  async start(): Promise<void> {
    this.consumer = await this.bus.consume({
      groupId: this.options.groupId ?? `projector-${this.projection.name}`,
      topics: this.options.topics,
      handle: (message) => this.apply(message),
    });
  }

  async apply(message: ConsumedMessage): Promise<void> {
    const event = fromBusMessage(message);
    const applied = await this.dataSource.transaction(async (manager) => {
      const inserted: unknown[] = await manager.query(
        `INSERT INTO processed_events ("projection", "eventId", "processedAt") VALUES ($1, $2, $3) ON CONFLICT DO NOTHING RETURNING "eventId"`,
        [this.projection.name, event.id, new Date().toISOString()],
      );
      if (inserted.length === 0) return false;
      await this.projection.apply(event, manager);
      await manager.save(ProjectorOffset, { projection: this.projection.name, topic: message.topic, partition: message.partition, offset: message.offset });
      return true;
    });
    if (applied) this.applied += 1;
    else this.skipped += 1;
  }

  async stop(): Promise<void> {
    await this.consumer?.stop();
    this.consumer = undefined;
  }
}
