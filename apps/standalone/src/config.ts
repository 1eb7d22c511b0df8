import { IdentityOptions, identityOptionsFromEnv, RateLimits, rateLimitsFromEnv } from '@shecun/identity';
import { resolve } from 'node:path';

/** Configuration of the embedded topology, from environment variables. */
export interface AppConfig {
  port: number;
  host: string;
  dataDir: string;
  /** Seed the demo data on first start (empty data folder). */
  seedDemo: boolean;
  /** Start projections with the app (off for the rebuild tool). */
  autostartProjections: boolean;
  /** Token keys, issuer and audience; absent: read from the environment (a dev key in the data folder). */
  identity?: IdentityOptions;
  rateLimits: RateLimits;
  /** A request still unanswered after this many milliseconds gets a 503. */
  requestTimeoutMs: number;
}

function flag(value: string | undefined, fallback: boolean): boolean {
  if (value === undefined || value === '') return fallback;
  return !['false', '0', 'no', 'off'].includes(value.toLowerCase());
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): AppConfig {
  const port = Number(env.PORT ?? 3000);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`PORT must be a port number, got ${env.PORT}`);
  return {
    port,
    host: env.HOST ?? '0.0.0.0',
    dataDir: resolve(env.DATA_DIR ?? './data'),
    seedDemo: flag(env.SEED_DEMO, true),
    autostartProjections: true,
    rateLimits: rateLimitsFromEnv(env),
    requestTimeoutMs: Number(env.REQUEST_TIMEOUT_MS ?? 15_000),
  };
}

/** The identity options of an embedded app: as configured, or from the environment with the data folder's dev key. */
export function identityOptionsOf(config: AppConfig, env: NodeJS.ProcessEnv = process.env): IdentityOptions {
  return config.identity ?? identityOptionsFromEnv(env, config.dataDir);
}
