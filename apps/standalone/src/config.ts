import { flagEnv, httpOptionsFromEnv } from '@shecun/core';
import { IdentityOptions, IdentitySettings, RateLimits, rateLimitsFromEnv } from '@shecun/identity';
import { EmbeddedHost } from '@shecun/projections';
import { NoticeClock, PushSettings } from '@shecun/push';
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
  /** A request still unanswered after this many milliseconds gets a 503 (REQUEST_TIMEOUT_MS). */
  requestTimeoutMs: number;
  /** How long a read with X-Min-Position waits for the read models (READ_YOUR_WRITES_TIMEOUT_MS; default 5 s). */
  readYourWritesTimeoutMs?: number;
  /** Periodic sweeps and webhook sending (off for the CLI's one-shot commands; default on). */
  backgroundWork?: boolean;
  /** Push needs to organizations as they are published (PUSH_DISPATCH; default on). */
  pushDispatch?: boolean;
  /** The clock 邮件 / 短信 notices go by (tests advance their own); default the system clock. */
  noticeClock?: NoticeClock;
}

/** A setting that must be a positive number: refused at start rather than read as 0 or NaN. */

export function loadConfig(env: NodeJS.ProcessEnv = process.env): AppConfig {
  const port = Number(env.PORT ?? 3000);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`PORT must be a port number, got ${env.PORT}`);
  return {
    port,
    host: env.HOST ?? '0.0.0.0',
    dataDir: resolve(env.DATA_DIR ?? './data'),
    seedDemo: flagEnv(env.SEED_DEMO, true),
    autostartProjections: true,
    rateLimits: rateLimitsFromEnv(env),
    ...httpOptionsFromEnv(env),
  };
}

/**
 * What the contexts are built with in the one process: the data folder, the environment, and
 * each context's settings from this configuration (tests set them; otherwise the environment).
 */
export function embeddedHostOf(config: AppConfig, env: NodeJS.ProcessEnv = process.env): EmbeddedHost {
  const identity: IdentitySettings = { options: config.identity, rateLimits: config.rateLimits };
  const push: PushSettings = { dispatch: config.pushDispatch, noticeClock: config.noticeClock };
  return { dataDir: config.dataDir, env, settings: { identity, push } };
}
