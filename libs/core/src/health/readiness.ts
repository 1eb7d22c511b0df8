import { ServiceUnavailableException } from '@nestjs/common';
import { HealthCheckResult, HealthCheckService, HealthIndicatorService } from '@nestjs/terminus';
import { positiveNumberEnv } from '../env';
import { problem, ProblemDetails } from '../problem';

/**
 * One dependency a process needs before it may take traffic: its database, its event store, its
 * Kafka broker, its consumers' lag. `check` resolves (with details for the answer) when it is up and
 * rejects (with why) when it is down; it is given a signal aborted when the check's time is up.
 */
export interface ReadinessCheck {
  /** Key in the answer: `database`, `eventStore`, `kafka`, `projections`… */
  key: string;
  /** What it is, in Chinese and in English, for the problem's detail. */
  zh: string;
  en: string;
  check: (signal: AbortSignal) => Promise<Record<string, unknown> | void>;
}

export interface HealthSettings {
  /** Each check is down when it has not answered within this many milliseconds (HEALTH_CHECK_TIMEOUT_MS). */
  timeoutMs: number;
  /** Consumers and projections further behind the log than this many events make the process not ready (HEALTH_MAX_LAG_EVENTS); unset: no bound. */
  maxLagEvents?: number;
}

/** Default of HEALTH_CHECK_TIMEOUT_MS. */
export const DEFAULT_HEALTH_CHECK_TIMEOUT_MS = 2_000;

/** HEALTH_CHECK_TIMEOUT_MS (a whole number of milliseconds, default 2000) and HEALTH_MAX_LAG_EVENTS (a whole number of events, no bound when unset); anything else stops the start. */
export function healthSettingsFromEnv(env: NodeJS.ProcessEnv = process.env): HealthSettings {
  const timeoutMs = positiveNumberEnv('HEALTH_CHECK_TIMEOUT_MS', env.HEALTH_CHECK_TIMEOUT_MS, DEFAULT_HEALTH_CHECK_TIMEOUT_MS);
  if (!Number.isInteger(timeoutMs) || timeoutMs > 2_147_483_647) {
    throw new Error(`HEALTH_CHECK_TIMEOUT_MS must be a whole number of milliseconds (got "${env.HEALTH_CHECK_TIMEOUT_MS}")`);
  }
  const raw = env.HEALTH_MAX_LAG_EVENTS?.trim();
  if (raw === undefined || raw === '') return { timeoutMs };
  const maxLagEvents = Number(raw);
  if (!Number.isInteger(maxLagEvents) || maxLagEvents < 0) throw new Error(`HEALTH_MAX_LAG_EVENTS must be a whole number of events (got "${env.HEALTH_MAX_LAG_EVENTS}")`);
  return { timeoutMs, maxLagEvents };
}

/** What a readiness check found: the terminus result (`info`, `error`, `details` by key) and the keys of the checks that are down. */
export interface Readiness {
  ready: boolean;
  down: string[];
  result: HealthCheckResult;
}

/**
 * Runs every check through terminus, each bounded by `timeoutMs` (a check that does not answer in
 * time is down, "timeout of N ms exceeded"), all at once.
 */
export async function checkReadiness(health: HealthCheckService, indicators: HealthIndicatorService, checks: readonly ReadinessCheck[], timeoutMs: number): Promise<Readiness> {
  const functions = checks.map((c) => () => indicators.check(c.key).attempt(({ signal }) => c.check(signal)).withTimeout(timeoutMs));
  let result: HealthCheckResult;
  try {
    result = await health.check(functions);
  } catch (error) {
    if (!(error instanceof ServiceUnavailableException)) throw error;
    result = error.getResponse() as HealthCheckResult;
  }
  const down = checks.filter((c) => result.details[c.key]?.status !== 'up').map((c) => c.key);
  return { ready: down.length === 0, down, result };
}

/** The 503 answer of a process that is not ready: problem+json naming what is down, with the checks' details and `extensions`. */
export function notReadyProblem(readiness: Readiness, checks: readonly ReadinessCheck[], instance: string, extensions: Record<string, unknown> = {}): ProblemDetails {
  const down = checks.filter((c) => readiness.down.includes(c.key));
  const reasons = down.map((c) => `${c.en}: ${String((readiness.result.details[c.key] as { message?: unknown } | undefined)?.message ?? 'down')}`);
  return problem(503, `尚未就绪：${down.map((c) => c.zh).join('、')}不可用 (not ready: ${reasons.join('; ')})`, {
    instance,
    down: readiness.down,
    ...extensions,
    info: readiness.result.info ?? {},
    error: readiness.result.error ?? {},
    details: readiness.result.details,
  });
}

/** The 200 answer of a ready process: `status: "ok"`, `extensions`, then the checks' details. */
export function readyBody(readiness: Readiness, extensions: Record<string, unknown> = {}): Record<string, unknown> {
  return { status: 'ok', ...extensions, info: readiness.result.info ?? {}, details: readiness.result.details };
}

/** Checks of the parts most processes have. */
export const readinessChecks = {
  /** A TypeORM data source (PostgreSQL or SQLite) answers a query. */
  database(dataSource: { query: (sql: string) => Promise<unknown> }, what: { zh: string; en: string } = { zh: '数据库', en: 'database' }): ReadinessCheck {
    return {
      key: 'database',
      ...what,
      check: async () => {
        await dataSource.query('SELECT 1');
      },
    };
  },
  /** The event store answers with its head position. */
  eventStore(store: { headPosition: () => Promise<number> }): ReadinessCheck {
    return { key: 'eventStore', zh: '事件存储', en: 'event store', check: async () => ({ head: await store.headPosition() }) };
  },
  /** A lag in events, down beyond `maxLagEvents` (no bound when it is undefined: the lag is only reported). */
  lag(key: string, what: { zh: string; en: string }, lag: () => Promise<Record<string, number>>, maxLagEvents: number | undefined): ReadinessCheck {
    return {
      key,
      ...what,
      check: async () => {
        const lags = await lag();
        const behind = Object.entries(lags).filter(([, events]) => maxLagEvents !== undefined && events > maxLagEvents);
        if (behind.length > 0) throw new Error(`${behind.map(([name, events]) => `${name} ${events} events behind`).join(', ')} (HEALTH_MAX_LAG_EVENTS ${maxLagEvents})`);
        return { lag: lags, ...(maxLagEvents === undefined ? {} : { maxLagEvents }) };
      },
    };
  },
};
