import { requiredEnv } from '@shecun/core';
import { EventStore, openEventStore } from '@shecun/event-store';
import { allParked, BusProjector, ReplayResult, runParkedCommand } from '@shecun/projections';
import { DataSource } from 'typeorm';

/**
 * `main.js parked` and `main.js replay [<projection>] [--event <id>]`: the projector's parked
 * events, in its read database (READ_DATABASE_URL); a replay reads each event back from the event
 * store (EVENT_STORE_URL), never from Kafka, whose retention may have dropped it. Runs beside the
 * consumers (a replayed event is applied in its own transaction). Returns the exit code.
 */
export async function projectorParkedCommand(args: string[], projectors: BusProjector[], dataSource: DataSource): Promise<number> {
  let store: EventStore | undefined;
  try {
    return await runParkedCommand(args, {
      names: () => projectors.map((p) => p.projection.name),
      parked: () => allParked(dataSource),
      replay: async (projection, eventId) => {
        store ??= await openEventStore(requiredEnv('EVENT_STORE_URL'));
        const results: ReplayResult[] = [];
        for (const projector of projectors.filter((p) => !projection || p.projection.name === projection)) results.push(...(await projector.replayParked(store, eventId)));
        return results;
      },
    });
  } finally {
    await store?.close();
  }
}
