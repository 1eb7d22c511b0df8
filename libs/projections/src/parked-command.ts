import { DomainError } from '@shecun/core';
import { userInfo } from 'node:os';
import { ParkedEvent, ReplayResult } from './parked-events';

export const PARKED_COMMANDS_USAGE = `parked                                   list parked events (resolved ones too)
  replay [<projection>] [--event <id>]     apply the unresolved parked events again (of one projection, or one event),
                                           read back from the event store; exit 1 if one still fails
  skip <projection> --event <id> --reason <text>
                                           give up on one parked event (the read model goes on without it);
                                           the row stays, marked skipped with who and why`;

/** Where parked events are listed, replayed and skipped: the embedded app's projection host, or the projector's bus projectors. */
export interface ParkedEventsAdmin {
  /** The projections and processors that park events. */
  parkingNames(): string[];
  parked(): Promise<ParkedEvent[]>;
  /** `by`: who asks (`user:<id>`, `cli:<login>`), kept on each resolved row. */
  replay(projection: string | undefined, eventId: string | undefined, by: string): Promise<ReplayResult[]>;
  skip(projection: string, eventId: string, by: string, reason: string): Promise<ParkedEvent>;
}

/** Who runs a command line: `cli:<login>`. */
export function commandLineOperator(): string {
  try {
    return `cli:${userInfo().username}`;
  } catch {
    return `cli:${process.env.USER ?? process.env.LOGNAME ?? 'unknown'}`;
  }
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
    if (projection && !known(admin, projection, out)) return 2;
    const results = await admin.replay(projection, eventId, commandLineOperator());
    for (const r of results) out(`${r.resolved ? 'resolved' : r.outOfOrder ? 'out of order' : 'still failing'}\t${r.projection}\t${r.eventId}\t${r.eventType}\tposition ${r.position}${r.error ? `\t${r.error}` : ''}`);
    const failing = results.filter((r) => !r.resolved).length;
    const outOfOrder = results.filter((r) => r.outOfOrder).length;
    out(`${results.length - failing} replayed and resolved, ${failing - outOfOrder} still failing${outOfOrder ? `, ${outOfOrder} out of order (rebuild the projection)` : ''}`);
    return failing > 0 ? 1 : 0;
  }
  if (command === 'skip') {
    const eventId = valueOf(rest, '--event');
    const reason = valueOf(rest, '--reason');
    const positional = rest.filter((a, i) => !a.startsWith('--') && rest[i - 1] !== '--event' && rest[i - 1] !== '--reason');
    if (!eventId || !reason?.trim() || positional.length !== 1) return usage(out);
    const [projection] = positional;
    if (!known(admin, projection, out)) return 2;
    try {
      const row = await admin.skip(projection, eventId, commandLineOperator(), reason);
      out(formatParked(row));
      return 0;
    } catch (error) {
      if (!(error instanceof DomainError)) throw error;
      out(error.message);
      return 1;
    }
  }
  return usage(out);
}

const valueOf = (args: string[], flag: string): string | undefined => {
  const at = args.indexOf(flag);
  return at >= 0 ? args[at + 1] : undefined;
};

function known(admin: ParkedEventsAdmin, projection: string, out: (line: string) => void): boolean {
  if (admin.parkingNames().includes(projection)) return true;
  out(`unknown projection ${projection}; known: ${admin.parkingNames().join(', ')}`);
  return false;
}

function usage(out: (line: string) => void): number {
  out(`usage:\n  ${PARKED_COMMANDS_USAGE}`);
  return 2;
}

export function formatParked(row: ParkedEvent): string {
  const where = row.topic ? `\t${row.topic}/${row.partition}@${row.offset}` : '';
  const state = !row.resolvedAt ? 'unresolved' : row.resolution === 'skipped' ? `skipped ${row.resolvedAt} by ${row.resolvedBy} (${row.resolutionNote})` : `resolved ${row.resolvedAt}`;
  return `${state}\t${row.projection}\t${row.eventId}\t${row.eventType}\t${row.stream}\tposition ${row.position}${where}\t${row.attempts} attempts\tparked ${row.parkedAt}\t${row.error}`;
}
