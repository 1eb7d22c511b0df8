import { Logger } from '@nestjs/common';
import { EventStore, RecordedEvent } from '@shecun/event-store';
import type { ProgressListener, ProjectionRunner } from './projection-runner';

export interface CatchUpTogetherOptions {
  /** Events read from the log at once, and applied per projection in one transaction (default 10,000). */
  chunkSize?: number;
  /** Positions done of the positions to do (events for the SQLite and PostgreSQL logs). */
  onProgress?: ProgressListener;
  /** Checked between chunks: false ends the run there (each projection's checkpoint is where its last transaction left it). */
  shouldContinue?: () => boolean;
  /** Stop at this position of the log instead of its head (a benchmark on part of the log). */
  until?: number;
}

export interface CatchUpTogetherResult {
  /** Events read from the log (each once, whatever the number of projections; only those of their types where all declare them). */
  events: number;
  /** Projections that stopped at a parked event (onParked: 'stop') before the head. */
  halted: string[];
}

const logger = new Logger('Projections');

/**
 * Brings several projections up to the head of the log with ONE read of it: each chunk of the log
 * is read and parsed once, then handed to every projection still behind it, each in its own
 * transaction with its checkpoint (ProjectionRunner.processUpTo: the failure policy, parking, a
 * stopping projection halting). A projection that declares its `eventTypes` is handed only those
 * events; a chunk with none of them only moves its checkpoint. Projections at different
 * checkpoints (a restart after a kill mid-rebuild) each skip what they already have, so stopping
 * anywhere and running again gives the same read models as one run.
 */
export async function catchUpTogether(store: EventStore, runners: ProjectionRunner[], options: CatchUpTogetherOptions = {}): Promise<CatchUpTogetherResult> {
  const chunkSize = options.chunkSize ?? 10_000;
  const head = Math.min(await store.headPosition(), options.until ?? Infinity);
  const positions = new Map<ProjectionRunner, number>();
  for (const runner of runners) positions.set(runner, await runner.checkpoint());
  let active = runners.filter((r) => positions.get(r)! < head);
  const halted: string[] = [];
  const from = Math.min(head, ...active.map((r) => positions.get(r)!));
  const start = Math.max(from, 0);
  let after = from;
  let events = 0;
  options.onProgress?.(0, Math.max(0, head - start));
  const filters = new Map(runners.map((r) => [r, r.projection.eventTypes ? new Set(r.projection.eventTypes) : undefined]));
  // Every projection declares its types and the store can filter: only those events are read and parsed.
  const types = runners.every((r) => filters.get(r)) && store.readAllOfTypes ? [...new Set(runners.flatMap((r) => [...filters.get(r)!]))] : undefined;
  while (active.length > 0 && after < head && (options.shouldContinue?.() ?? true)) {
    const read = types ? await store.readAllOfTypes!(after, chunkSize, types) : await store.readAll(after, chunkSize);
    const chunk = read.length > 0 && read[read.length - 1].position > head ? read.filter((e) => e.position <= head) : read;
    if (chunk.length === 0 && !types) break;
    // A filtered read short of a whole chunk has found every event of those types up to the head.
    const upTo = types && read.length < chunkSize ? head : chunk.length ? chunk[chunk.length - 1].position : head;
    events += chunk.length;
    const byType = groupByType(chunk);
    for (const runner of active) {
      const position = positions.get(runner)!;
      if (position >= upTo) continue;
      const wanted = filters.get(runner);
      const handed = (wanted ? pick(chunk, byType, wanted) : chunk).filter((e) => e.position > position);
      const reached = await runner.processUpTo(handed, upTo);
      if (reached === undefined) {
        halted.push(runner.name);
        logger.warn(`${runner.name} stopped at a parked event; the others go on`);
        positions.set(runner, head);
      } else positions.set(runner, reached);
    }
    active = active.filter((r) => positions.get(r)! < head);
    after = upTo;
    options.onProgress?.(Math.min(after, head) - start, head - start);
  }
  return { events, halted };
}

function groupByType(chunk: RecordedEvent[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const event of chunk) counts.set(event.type, (counts.get(event.type) ?? 0) + 1);
  return counts;
}

/** The chunk's events of the given types, in order; the chunk itself when all its types are wanted, nothing when none is. */
function pick(chunk: RecordedEvent[], byType: Map<string, number>, types: Set<string>): RecordedEvent[] {
  let wanted = 0;
  for (const [type, count] of byType) if (types.has(type)) wanted += count;
  if (wanted === 0) return [];
  if (wanted === chunk.length) return chunk;
  return chunk.filter((e) => types.has(e.type));
}
