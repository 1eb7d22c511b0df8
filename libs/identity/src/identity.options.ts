import { createPrivateKey, createPublicKey, generateKeyPairSync, KeyObject } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { LoginBackoffPolicy, loginBackoffFromEnv } from './login-attempts';
import { PasswordHashingLimits, passwordHashingLimitsFromEnv } from './password';

export const IDENTITY_OPTIONS = Symbol('IDENTITY_OPTIONS');

/** An external OpenID Connect provider whose access tokens are accepted beside our own. */
export interface OidcOptions {
  issuer: string;
  audience: string;
  /** Defaults to the `jwks_uri` of `<issuer>/.well-known/openid-configuration`. */
  jwksUri?: string;
}

export interface IdentityOptions {
  /** `iss` of the tokens this platform issues (JWT_ISSUER, default `shecun`). */
  issuer: string;
  /** `aud` of the tokens this platform issues and accepts (JWT_AUDIENCE, default `shecun-api`). */
  audience: string;
  /** Lifetime of issued access tokens in seconds (JWT_TTL_SECONDS, default 900). */
  ttlSeconds: number;
  /** A session not refreshed for this long ends (SESSION_IDLE_MINUTES, default 30). */
  sessionIdleSeconds?: number;
  /** A session ends this long after sign-in, however it is used (SESSION_MAX_HOURS, default 12). */
  sessionMaxSeconds?: number;
  /** Event streams one user may hold open on one instance (STREAMS_PER_USER_MAX, default 5). */
  streamsPerUser?: number;
  /** The RS256 key that signs tokens; absent on services that only verify. */
  signingKey?: KeyObject;
  /** Public keys accepted for our own tokens: the signing key's, plus previous keys during a rotation. */
  verificationKeys: KeyObject[];
  oidc?: OidcOptions;
  /** Hashes at once and waiting (PASSWORD_HASH_CONCURRENCY, default the cores; PASSWORD_HASH_QUEUE_MAX, default 512). */
  passwordHashing?: PasswordHashingLimits;
  /** Per-account back-off after wrong passwords (LOGIN_FREE_FAILURES, default 5; LOGIN_BACKOFF_MAX_SECONDS, default 900). */
  loginBackoff?: LoginBackoffPolicy;
}

/** Access tokens live 15 minutes; a session 30 idle minutes, 12 hours at most (OWASP ASVS 3.3.2, level 2). */
export const DEFAULT_SESSION_LIFETIMES = { ttlSeconds: 900, sessionIdleSeconds: 30 * 60, sessionMaxSeconds: 12 * 3600 };

/** Open event streams one user may hold on one instance (STREAMS_PER_USER_MAX). */
export const DEFAULT_STREAMS_PER_USER = 5;

export function streamsPerUserFromEnv(env: NodeJS.ProcessEnv = process.env): number {
  const value = Number(env.STREAMS_PER_USER_MAX ?? DEFAULT_STREAMS_PER_USER);
  if (!Number.isInteger(value) || value < 1) throw new Error('STREAMS_PER_USER_MAX must be a positive integer');
  return value;
}

const readKey = (file: string) => readFileSync(file, 'utf8');

/**
 * The embedded default's signing key: generated on first start into `<dataDir>/keys/`, kept
 * across restarts (so sessions survive them), readable by the owner only.
 */
export function devSigningKey(dataDir: string): KeyObject {
  const file = join(dataDir, 'keys', 'jwt-signing-key.pem');
  if (!existsSync(file)) {
    mkdirSync(dirname(file), { recursive: true });
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    writeFileSync(file, privateKey.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600 });
  }
  return createPrivateKey(readKey(file));
}

/**
 * Options from the environment:
 * - JWT_PRIVATE_KEY_FILE: PEM RSA private key that signs tokens (production); without it, a
 *   process given `dataDir` generates and keeps a development key there;
 * - JWT_PUBLIC_KEY_FILES: comma-separated PEM public keys also accepted (the previous key while
 *   rotating; the issuer's key on services that only verify);
 * - JWT_ISSUER, JWT_AUDIENCE, JWT_TTL_SECONDS (access token lifetime, default 900 s);
 * - SESSION_IDLE_MINUTES (default 30), SESSION_MAX_HOURS (default 12): when a session's refresh token stops working;
 * - STREAMS_PER_USER_MAX (default 5): open event streams per user and instance;
 * - OIDC_ISSUER, OIDC_AUDIENCE, OIDC_JWKS_URI: accept an external identity provider's tokens;
 * - PASSWORD_HASH_CONCURRENCY (default: the cores), PASSWORD_HASH_QUEUE_MAX (default 512): password hashing;
 * - LOGIN_FREE_FAILURES (default 5), LOGIN_BACKOFF_MAX_SECONDS (default 900): per-account back-off.
 */
export function identityOptionsFromEnv(env: NodeJS.ProcessEnv = process.env, dataDir?: string): IdentityOptions {
  const signingKey = env.JWT_PRIVATE_KEY_FILE ? createPrivateKey(readKey(env.JWT_PRIVATE_KEY_FILE)) : dataDir ? devSigningKey(dataDir) : undefined;
  const extra = (env.JWT_PUBLIC_KEY_FILES ?? '')
    .split(',')
    .map((f) => f.trim())
    .filter(Boolean)
    .map((f) => createPublicKey(readKey(f)));
  const verificationKeys = [...(signingKey ? [createPublicKey(signingKey)] : []), ...extra];
  if (verificationKeys.length === 0 && !env.OIDC_ISSUER) {
    throw new Error('No token keys: set JWT_PRIVATE_KEY_FILE (issuing service), JWT_PUBLIC_KEY_FILES (verifying service) or OIDC_ISSUER');
  }
  const ttlSeconds = Number(env.JWT_TTL_SECONDS ?? DEFAULT_SESSION_LIFETIMES.ttlSeconds);
  if (!Number.isInteger(ttlSeconds) || ttlSeconds < 60) throw new Error('JWT_TTL_SECONDS must be an integer ≥ 60');
  const idleMinutes = Number(env.SESSION_IDLE_MINUTES ?? DEFAULT_SESSION_LIFETIMES.sessionIdleSeconds / 60);
  if (!Number.isInteger(idleMinutes) || idleMinutes < 1) throw new Error('SESSION_IDLE_MINUTES must be a positive integer');
  const maxHours = Number(env.SESSION_MAX_HOURS ?? DEFAULT_SESSION_LIFETIMES.sessionMaxSeconds / 3600);
  if (!Number.isInteger(maxHours) || maxHours < 1 || maxHours * 60 < idleMinutes) throw new Error('SESSION_MAX_HOURS must be a positive integer, not shorter than SESSION_IDLE_MINUTES');
  return {
    issuer: env.JWT_ISSUER ?? 'shecun',
    audience: env.JWT_AUDIENCE ?? 'shecun-api',
    ttlSeconds,
    sessionIdleSeconds: idleMinutes * 60,
    sessionMaxSeconds: maxHours * 3600,
    streamsPerUser: streamsPerUserFromEnv(env),
    passwordHashing: passwordHashingLimitsFromEnv(env),
    loginBackoff: loginBackoffFromEnv(env),
    signingKey,
    verificationKeys,
    oidc: env.OIDC_ISSUER
      ? { issuer: env.OIDC_ISSUER, audience: env.OIDC_AUDIENCE ?? env.JWT_AUDIENCE ?? 'shecun-api', jwksUri: env.OIDC_JWKS_URI }
      : undefined,
  };
}
