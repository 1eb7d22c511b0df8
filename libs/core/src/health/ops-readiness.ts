import type { OpsHealth } from '../http/ops-server';
import { standaloneTerminus } from './health.module';
import { checkReadiness, HealthSettings, notReadyProblem, ReadinessCheck, readyBody } from './readiness';

/** What a process without a Nest app says of itself beside its checks: its `status` word (`ok`, `degraded`, `starting`) and other fields. */
export type OpsState = { status: string } & Record<string, unknown>;

/**
 * The readiness of the relay or the projector, for {@link createOpsServer}: its checks run through
 * terminus, each bounded by the settings' timeout. Ready: 200 with the process's own fields and the
 * checks' details; not ready: 503 problem+json naming what is down, the process's `status` word as
 * `state`, its other fields kept.
 */
export async function opsReadiness(checks: readonly ReadinessCheck[], settings: HealthSettings, state: () => OpsState): Promise<{ health: () => Promise<OpsHealth>; close: () => Promise<void> }> {
  const terminus = await standaloneTerminus();
  const health = async (): Promise<OpsHealth> => {
    const readiness = await checkReadiness(terminus.health, terminus.indicators, checks, settings.timeoutMs);
    const { status, ...fields } = state();
    if (readiness.ready) return { status: 200, body: readyBody(readiness, { status, ...fields }) };
    return { status: 503, body: notReadyProblem(readiness, checks, '/health', { state: status, ...fields }) };
  };
  return { health, close: terminus.close };
}
