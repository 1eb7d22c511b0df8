import { EventStore } from '@shecun/event-store';
import { DataSource } from 'typeorm';
import { replayParkedOnReadModel } from './bus-projector';
import { ParkedEventsAdmin } from './parked-command';
import { allParked, ParkedEvent, ReplayResult, skipParkedEvent } from './parked-events';
import { Projection } from './projection';

/**
 * The parked events of the distributed topology's read models (the projector's projections, in
 * the read database), for the projector's command line and the gateway's admin API. A replay
 * reads each event back from the event store, never from Kafka, whose retention may have dropped
 * it; it runs beside the consumers (each event in its own transaction). The running projector
 * counts its parked events again every few seconds.
 */
export class BusParkedEventsAdmin implements ParkedEventsAdmin {
  constructor(
    private readonly projections: Projection[],
    private readonly dataSource: DataSource,
    private readonly store: () => Promise<EventStore>,
    /** Told after a replay or a skip changed a projection's rows (the projector refreshes its counts). */
    private readonly changed: (projection: string) => Promise<unknown> = async () => undefined,
  ) {}

  parkingNames(): string[] {
    return this.projections.map((p) => p.name);
  }

  parked(): Promise<ParkedEvent[]> {
    return allParked(this.dataSource);
  }

  async replay(projection: string | undefined, eventId: string | undefined, by: string): Promise<ReplayResult[]> {
    const store = await this.store();
    const results: ReplayResult[] = [];
    for (const target of this.projections.filter((p) => !projection || p.name === projection)) {
      results.push(...(await replayParkedOnReadModel({ dataSource: this.dataSource, projection: target, store, eventId, by })));
      await this.changed(target.name);
    }
    return results;
  }

  async skip(projection: string, eventId: string, by: string, reason: string): Promise<ParkedEvent> {
    const row = await skipParkedEvent(this.dataSource, projection, eventId, by, reason);
    await this.changed(projection);
    return row;
  }
}
