import { metricsRegistry, reportProjections } from '@shecun/core';
import type { BusProjector } from '@shecun/projections';
import { Counter } from 'prom-client';

type Feed = Pick<BusProjector, 'applied' | 'skipped' | 'parked'> & { projection: { name: string } };

/**
 * The projector's series, read from its feeds at each scrape: events each one applied and skipped
 * (seen before) since start, and its parked events (shecun_projection_parked_events, as in the
 * embedded topology; no lag series: a feed's position is a Kafka offset, not the log's).
 */
export function registerProjectorMetrics(feeds: readonly Feed[]): void {
  reportProjections(async () => feeds.map((f) => ({ projection: f.projection.name, parked: f.parked })));
  new Counter({
    name: 'shecun_projector_events_total',
    help: 'Events a projector feed processed since start, by outcome: applied, or skipped as seen before',
    labelNames: ['projection', 'outcome'] as const,
    registers: [metricsRegistry],
    collect() {
      this.reset();
      for (const f of feeds) {
        this.inc({ projection: f.projection.name, outcome: 'applied' }, f.applied);
        this.inc({ projection: f.projection.name, outcome: 'skipped' }, f.skipped);
      }
    },
  });
}
