import { requiredEnv } from '@shecun/core';
import { EventStore, openEventStore } from '@shecun/event-store';
import { BusParkedEventsAdmin, BusProjector, runParkedCommand } from '@shecun/projections';
import { DataSource } from 'typeorm';

/**
 * `main.js parked`, `main.js replay [<projection>] [--event <id>]` and `main.js skip <projection>
 * --event <id> --reason <text>`: the projector's parked events, in its read database
 * (READ_DATABASE_URL); a replay reads each event back from the event store (EVENT_STORE_URL),
 * opened on first use. Returns the exit code.
 */
export async function projectorParkedCommand(args: string[], projectors: BusProjector[], dataSource: DataSource): Promise<number> {
  let store: Promise<EventStore> | undefined;
  const admin = new BusParkedEventsAdmin(
    projectors.map((p) => p.projection),
    dataSource,
    () => (store ??= openEventStore(requiredEnv('EVENT_STORE_URL'))),
  );
  try {
    return await runParkedCommand(args, admin);
  } finally {
    if (store) await (await store).close();
  }
}
