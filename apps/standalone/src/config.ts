import { IdentityOptions, identityOptionsFromEnv, RateLimits, rateLimitsFromEnv } from '@shecun/identity';
import { flagEnv, httpOptionsFromEnv } from '@shecun/core';
import { PushOptions, pushOptionsFromEnv } from '@shecun/push';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

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
  /** Push needs to organizations as they are published (PUSH_DISPATCH; default on). */
  pushDispatch?: boolean;
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

/** The identity options of an embedded app: as configured, or from the environment with the data folder's dev key. */
export function identityOptionsOf(config: AppConfig, env: NodeJS.ProcessEnv = process.env): IdentityOptions {
  return config.identity ?? identityOptionsFromEnv(env, config.dataDir);
}

/**
 * Push options: webhooks are signed with secrets derived from WEBHOOK_SIGNING_SECRET, or from a
 * random secret kept in the data folder (`keys/webhook-secret`, made on first start).
 */
export function pushOptionsOf(config: AppConfig, env: NodeJS.ProcessEnv = process.env): PushOptions {
  let serverSecret = env.WEBHOOK_SIGNING_SECRET;
  if (!serverSecret) {
    const file = join(config.dataDir, 'keys', 'webhook-secret');
    if (!existsSync(file)) {
      mkdirSync(join(config.dataDir, 'keys'), { recursive: true });
      writeFileSync(file, randomBytes(32).toString('hex'), { mode: 0o600 });
    }
    serverSecret = readFileSync(file, 'utf8').trim();
  }
  const options = pushOptionsFromEnv(env, serverSecret);
  return config.pushDispatch === undefined ? options : { ...options, dispatch: config.pushDispatch };
}
