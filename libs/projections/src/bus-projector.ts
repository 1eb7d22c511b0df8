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
  private consumer?: BusConsumer;
  applied = 0;
  skipped = 0;

  constructor(
    private readonly bus: MessageBus,
    private readonly dataSource: DataSource,
    readonly projection: Projection,
    private readonly options: { topics: string[]; groupId?: string },
  ) {}

  async start(): Promise<void> {
    this.consumer = await this.bus.consume({
      groupId: this.options.groupId ?? `projector-${this.projection.name}`,
      topics: this.options.topics,
      handle: (message) => this.apply(message),
      // The read-model database restarting is an outage to wait out, not a poison message.
      isTransient: isDatabaseUnavailable,
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

const CONNECTION_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'EAI_AGAIN']);
const CONNECTION_MESSAGES = /Connection terminated|connection timeout|timeout exceeded when trying to connect|not queryable|terminating connection|the database system is (starting up|shutting down|in recovery mode)|Connection ended/i;

/**
 * Whether an error means the PostgreSQL server could not be reached or went away (rather than the
 * statement being wrong): socket errors, SQLSTATE class 08 (connection exception), 57P01–57P03
 * (administrator/crash shutdown, cannot connect now) and 53300 (too many connections). Looks
 * through TypeORM's QueryFailedError (`driverError`) and `cause` chains.
 */
export function isDatabaseUnavailable(error: unknown): boolean {
  for (let e = error, depth = 0; e && typeof e === 'object' && depth < 5; depth++) {
    const { code, message } = e as { code?: unknown; message?: unknown };
    if (typeof code === 'string' && (CONNECTION_CODES.has(code) || code.startsWith('08') || ['57P01', '57P02', '57P03', '53300'].includes(code))) return true;
    if (typeof message === 'string' && CONNECTION_MESSAGES.test(message)) return true;
    e = (e as { driverError?: unknown }).driverError ?? (e as { cause?: unknown }).cause;
  }
  return false;
}
