import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';

/**
 * The process's one Prometheus registry and the series every app shares. Gauges that read state
 * (projection lag, parked events) are computed when scraped, from the sources registered with
 * {@link reportProjections}: nothing polls.
 */
export const metricsRegistry = new Registry();

let defaultsCollected = false;

/** Adds Node's process metrics (CPU, memory, event loop, GC) to the registry; once per process. */
export function collectProcessMetrics(): void {
  if (defaultsCollected) return;
  defaultsCollected = true;
  collectDefaultMetrics({ register: metricsRegistry });
}

/** The registry in Prometheus text format, with its content type. */
export async function metricsText(): Promise<{ contentType: string; body: string }> {
  return { contentType: metricsRegistry.contentType, body: await metricsRegistry.metrics() };
}

export const httpRequestDuration = new Histogram({
  name: 'http_request_duration_seconds',
  help: 'HTTP requests by method, route pattern (never the raw URL) and status',
  labelNames: ['method', 'route', 'status'] as const,
  buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
  registers: [metricsRegistry],
});

export const eventStoreAppends = new Counter({
  name: 'shecun_event_store_appends_total',
  help: 'Appends of a command’s events to the event store that succeeded',
  registers: [metricsRegistry],
});

export const eventStoreAppendConflicts = new Counter({
  name: 'shecun_event_store_append_conflicts_total',
  help: 'Appends of a command’s events refused because the stream moved on (wrong expected revision)',
  registers: [metricsRegistry],
});

export const eventStoreAppendDuration = new Histogram({
  name: 'shecun_event_store_append_duration_seconds',
  help: 'Time an append of a command’s events took, conflicts included',
  buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1],
  registers: [metricsRegistry],
});

export const loginFailures = new Counter({
  name: 'shecun_login_failures_total',
  help: 'Sign-ins refused for a wrong username or password',
  registers: [metricsRegistry],
});

/** One projection's position: how many events of the log it has still to apply (where known), and its unresolved parked events. */
export interface ProjectionMetrics {
  projection: string;
  /** Unknown to a projection fed by the bus (the projector): no lag series then. */
  lag?: number;
  parked: number;
}

type ProjectionSource = () => Promise<ProjectionMetrics[]>;
const projectionSources = new Set<ProjectionSource>();

/** Registers what reports projections' lag and parked events at each scrape; returns the way to unregister it. */
export function reportProjections(source: ProjectionSource): () => void {
  projectionSources.add(source);
  return () => projectionSources.delete(source);
}

let reading: Promise<ProjectionMetrics[]> | undefined;

/** The sources read once per scrape: the registry collects its gauges together, and they share this read. */
function readProjections(): Promise<ProjectionMetrics[]> {
  reading ??= Promise.all([...projectionSources].map((source) => source()))
    .then((lists) => lists.flat())
    .finally(() => {
      reading = undefined;
    });
  return reading;
}

/** A gauge per projection, set at each scrape from the registered sources (a projection without the value has no series). */
function projectionGauge(name: string, help: string, value: (p: ProjectionMetrics) => number | undefined): void {
  new Gauge({
    name,
    help,
    labelNames: ['projection'] as const,
    registers: [metricsRegistry],
    async collect() {
      this.reset();
      for (const p of await readProjections()) {
        const v = value(p);
        if (v !== undefined) this.set({ projection: p.projection }, v);
      }
    },
  });
}

projectionGauge('shecun_projection_lag_events', 'Events of the log a projection has not applied yet (store head minus its checkpoint)', (p) => p.lag);
projectionGauge('shecun_projection_parked_events', 'Events a projection parked and nobody replayed or skipped yet (its read model misses them)', (p) => p.parked);

export const commandSnapshotsWritten = new Counter({
  name: 'shecun_command_snapshots_written_total',
  help: 'Snapshots of folded stream state written after commands',
  registers: [metricsRegistry],
});

export const commandSnapshotsIgnored = new Counter({
  name: 'shecun_command_snapshots_ignored_total',
  help: 'Snapshots found but not used (version: another state schema version; corrupt; stream: not the stream read; unreadable: the store failed)',
  labelNames: ['reason'] as const,
  registers: [metricsRegistry],
});

export const commandSnapshotWriteFailures = new Counter({
  name: 'shecun_command_snapshot_write_failures_total',
  help: 'Snapshots that could not be written (the command still succeeded)',
  registers: [metricsRegistry],
});
