import { requiredEnv } from '@shecun/core';
import { openEventStore } from '@shecun/event-store';
import { rateBar } from '@shecun/hosting';
import { BusRebuildPhase, cleanRebuildLeftovers, commandLineOperator, Projection, rebuildBusProjections, RebuildRunningError } from '@shecun/projections';
import { DataSource } from 'typeorm';
import { openReadModelSchema } from './read-model';

export const REBUILD_USAGE = `rebuild [<projection>…] [--chunk N]
                                           rebuild the projections (default: all) from the event store (EVENT_STORE_URL)
                                           into new tables beside the serving ones, then switch to them in one transaction
                                           (refused while another rebuild of the read database runs; drops first the
                                           schemas of rebuilds that did not finish)
  rebuild --clean                          only drop the schemas of rebuilds that did not finish (killed)`;

/**
 * `main.js rebuild [<projection>…] [--chunk N]`: the projector's read models rebuilt from the event
 * store (not Kafka) beside the running projector and gateway (see rebuildBusProjections). Prints
 * progress bars (events/s, time left) and a summary; returns the exit code (2: a wrong command
 * line, 1: not switched because a stopping projection parked an event, or refused because another
 * rebuild of the read database is running). `rebuild --clean`: only the schemas left by rebuilds
 * that did not finish dropped (as every rebuild does first), under the same lock.
 */
export async function projectorRebuildCommand(
  args: string[],
  projections: Projection[],
  dataSource: DataSource,
  out: (line: string) => void = console.log,
  by = commandLineOperator(),
): Promise<number> {
  return REBUILD_EXIT_CODES[await projectorRebuild(args, projections, dataSource, out, by)];
}

/** How a rebuild ended: switched (or cleaned), a wrong command line, not switched (a parked event), or refused (another rebuild runs). */
export type RebuildOutcome = 'done' | 'usage' | 'not-switched' | 'refused';

const REBUILD_EXIT_CODES: Record<RebuildOutcome, number> = { done: 0, usage: 2, 'not-switched': 1, refused: 1 };

/** The rebuild of `projectorRebuildCommand`, answering how it ended (the projector's start waits and tries again when refused). */
export async function projectorRebuild(
  args: string[],
  projections: Projection[],
  dataSource: DataSource,
  out: (line: string) => void = console.log,
  by = commandLineOperator(),
): Promise<RebuildOutcome> {
  if (args.includes('--clean')) {
    if (args.length > 1) {
      out(`usage: ${REBUILD_USAGE}`);
      return 'usage';
    }
    try {
      const dropped = await cleanRebuildLeftovers(dataSource, by);
      out(dropped.length ? `dropped ${dropped.length} leftover schema(s) of rebuilds that did not finish: ${dropped.join(', ')}` : 'no leftover schema of a rebuild');
      return 'done';
    } catch (error) {
      if (!(error instanceof RebuildRunningError)) throw error;
      out(error.message);
      return 'refused';
    }
  }
  const at = args.indexOf('--chunk');
  const chunkSize = at >= 0 ? Number(args[at + 1]) : undefined;
  const names = args.filter((_, i) => at < 0 || (i !== at && i !== at + 1));
  const unknown = names.filter((n) => !projections.some((p) => p.name === n));
  if ((chunkSize !== undefined && !(Number.isSafeInteger(chunkSize) && chunkSize > 0)) || unknown.length) {
    if (unknown.length) out(`unknown projection ${unknown.join(', ')}; one of ${projections.map((p) => p.name).join(', ')}`);
    out(`usage: ${REBUILD_USAGE}`);
    return 'usage';
  }
  const chosen = names.length ? projections.filter((p) => names.includes(p.name)) : projections;
  const store = await openEventStore(requiredEnv('EVENT_STORE_URL'));
  const url = requiredEnv('READ_DATABASE_URL');
  const bars = new Map<BusRebuildPhase, ReturnType<typeof rateBar>>();
  const started = Date.now();
  try {
    const result = await rebuildBusProjections({
      dataSource,
      store,
      projections: chosen,
      all: projections,
      openSchema: (schema) => openReadModelSchema(url, schema),
      by,
      chunkSize,
      onProgress: (phase, done, total) => {
        if (!bars.has(phase)) {
          for (const bar of bars.values()) bar.stop();
          bars.set(phase, rateBar(phase === 'build' ? `rebuild ${chosen.length} projections` : 'events appended meanwhile'));
        }
        bars.get(phase)!.onProgress(done, total);
      },
    }).catch((error) => {
      if (error instanceof RebuildRunningError) return error;
      throw error;
    });
    for (const bar of bars.values()) bar.stop();
    if (result instanceof RebuildRunningError) {
      out(result.message);
      return 'refused';
    }
    const seconds = (Date.now() - started) / 1000;
    for (const p of result.parked) out(`parked\t${p.projection}\t${p.eventId}\tposition ${p.position}\t${p.error}`);
    if (result.through === undefined) {
      out(`not switched: ${result.halted.join(', ')} stopped at a parked event (the serving tables are unchanged; see the log above)`);
      return 'not-switched';
    }
    out(
      `rebuilt ${chosen.map((p) => p.name).join(', ')} up to position ${result.through}: ${result.events} events read in ${seconds.toFixed(1)} s ` +
        `(${(result.events / Math.max(seconds, 0.001)).toFixed(0)} events/s), ${result.tail} of them while the projector was held for the switch; ` +
        `${result.parked.length} parked` +
        (result.leftovers?.length ? `; dropped the schemas left by rebuilds that did not finish: ${result.leftovers.join(', ')}` : ''),
    );
    return 'done';
  } finally {
    for (const bar of bars.values()) bar.stop();
    await store.close();
  }
}
