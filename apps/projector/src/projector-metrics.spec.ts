import { metricsRegistry } from '@shecun/core';
import { registerProjectorMetrics } from './projector-metrics';

describe('the projector’s metrics', () => {
  it('report each feed’s applied and skipped events and its parked events, read at each scrape', async () => {
    const needs = { projection: { name: 'needs' }, applied: 5, skipped: 1, parked: 0 };
    const matching = { projection: { name: 'matching' }, applied: 2, skipped: 0, parked: 1 };
    registerProjectorMetrics([needs, matching]);

    let text = await metricsRegistry.metrics();
    expect(text).toContain('shecun_projector_events_total{projection="needs",outcome="applied"} 5');
    expect(text).toContain('shecun_projector_events_total{projection="needs",outcome="skipped"} 1');
    expect(text).toContain('shecun_projection_parked_events{projection="matching"} 1');
    expect(text).toContain('shecun_projection_parked_events{projection="needs"} 0');
    // A bus-fed projection's position is a Kafka offset: no lag series.
    expect(text).not.toMatch(/^shecun_projection_lag_events\{/m);

    needs.applied = 8;
    needs.parked = 2;
    text = await metricsRegistry.metrics();
    expect(text).toContain('shecun_projector_events_total{projection="needs",outcome="applied"} 8');
    expect(text).toContain('shecun_projection_parked_events{projection="needs"} 2');
  });
});
