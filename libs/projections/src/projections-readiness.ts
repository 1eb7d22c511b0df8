import { ReadinessCheck } from '@shecun/core';
import type { EventStore } from '@shecun/event-store';
import type { ProjectionHost } from './projections.module';

/**
 * Readiness of a process's in-process projections: down until every one has caught up with the log
 * since the start (or failed without a parked event to stop at), and — with HEALTH_MAX_LAG_EVENTS —
 * while one is further behind the event store's head than that (positions counted as events, as the
 * SQLite and PostgreSQL stores number them). Parked events, and processors switched off here, do
 * not make it down.
 */
export function projectionsReadiness(host: ProjectionHost, store: Pick<EventStore, 'headPosition'>, maxLagEvents: number | undefined): ReadinessCheck {
  return {
    key: 'projections',
    zh: '读模型',
    en: 'projections',
    check: async () => {
      const status = host.status();
      const head = await store.headPosition();
      // Positions start at 1; a checkpoint of -1 (START) has applied none of them.
      const lag = Object.fromEntries(status.projections.filter((p) => !p.off).map((p) => [p.name, Math.max(0, head - Math.max(0, p.checkpoint))]));
      if (!status.ready) {
        const behind = status.projections.filter((p) => !(p.caughtUp || p.stoppedAt) || p.error).map((p) => `${p.name}${p.error ? ` (${p.error})` : ''}`);
        throw new Error(`catching up with the log: ${behind.join(', ')}`);
      }
      const tooFar = maxLagEvents === undefined ? [] : Object.entries(lag).filter(([, events]) => events > maxLagEvents);
      if (tooFar.length > 0) throw new Error(`${tooFar.map(([name, events]) => `${name} ${events} events behind`).join(', ')} (HEALTH_MAX_LAG_EVENTS ${maxLagEvents})`);
      return { head, lag, parked: status.parked, ...(maxLagEvents === undefined ? {} : { maxLagEvents }) };
    },
  };
}
