import { ParkedEvent, ReplayResult } from './parked-events';

export const PARKED_COMMANDS_USAGE = `parked                                   list parked events (resolved ones too)
  replay [<projection>] [--event <id>]     apply the unresolved parked events again (of one projection, or one event),
                                           read back from the event store; exit 1 if one still fails`;

/** Where parked events are listed and replayed: the embedded app's projection host, or the projector's bus projectors. */
export interface ParkedEventsAdmin {
  names(): string[];
  parked(): Promise<ParkedEvent[]>;
  replay(projection: string | undefined, eventId: string | undefined): Promise<ReplayResult[]>;
}

/**
 * `parked` and `replay [<projection>] [--event <id>]`, the same in both topologies. Prints to
 * `out`; returns the exit code (2 for a wrong command line, 1 when a replayed event still fails).
 */
export async function runParkedCommand(args: string[], admin: ParkedEventsAdmin, out: (line: string) => void = console.log): Promise<number> {
  const [command, ...rest] = args;
  if (command === 'parked' && rest.length === 0) {
    const rows = await admin.parked();
    for (const row of rows) out(formatParked(row));
    const open = rows.filter((r) => !r.resolvedAt).length;
    out(`${open} parked event${open === 1 ? '' : 's'} unresolved, ${rows.length - open} resolved`);
    return 0;
  }
  if (command === 'replay') {
    const at = rest.indexOf('--event');
    const eventId = at >= 0 ? rest[at + 1] : undefined;
    const positional = rest.filter((_, i) => at < 0 || (i !== at && i !== at + 1));
    if ((at >= 0 && !eventId) || positional.length > 1 || positional.some((a) => a.startsWith('--'))) return usage(out);
    const [projection] = positional;
    if (projection && !admin.names().includes(projection)) {
      out(`unknown projection ${projection}; known: ${admin.names().join(', ')}`);
      return 2;
    }
    const results = await admin.replay(projection, eventId);
    for (const r of results) out(`${r.resolved ? 'resolved' : 'still failing'}\t${r.projection}\t${r.eventId}\t${r.eventType}\tposition ${r.position}${r.error ? `\t${r.error}` : ''}`);
    const failing = results.filter((r) => !r.resolved).length;
    out(`${results.length - failing} replayed and resolved, ${failing} still failing`);
    return failing > 0 ? 1 : 0;
  }
  return usage(out);
}

function usage(out: (line: string) => void): number {
  out(`usage:\n  ${PARKED_COMMANDS_USAGE}`);
  return 2;
}

export function formatParked(row: ParkedEvent): string {
  const where = row.topic ? `\t${row.topic}/${row.partition}@${row.offset}` : '';
  return `${row.resolvedAt ? `resolved ${row.resolvedAt}` : 'unresolved'}\t${row.projection}\t${row.eventId}\t${row.eventType}\t${row.stream}\tposition ${row.position}${where}\t${row.attempts} attempts\tparked ${row.parkedAt}\t${row.error}`;
}
