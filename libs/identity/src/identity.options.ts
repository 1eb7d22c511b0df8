import { createPrivateKey, createPublicKey, generateKeyPairSync, KeyObject } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

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
  /** Lifetime of issued tokens in seconds (JWT_TTL_SECONDS, default 3600). */
  ttlSeconds: number;
  /** The RS256 key that signs tokens; absent on services that only verify. */
  signingKey?: KeyObject;
  /** Public keys accepted for our own tokens: the signing key's, plus previous keys during a rotation. */
  verificationKeys: KeyObject[];
  oidc?: OidcOptions;
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
 * - JWT_ISSUER, JWT_AUDIENCE, JWT_TTL_SECONDS;
 * - OIDC_ISSUER, OIDC_AUDIENCE, OIDC_JWKS_URI: accept an external identity provider's tokens.
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
  const ttlSeconds = Number(env.JWT_TTL_SECONDS ?? 3600);
  if (!Number.isInteger(ttlSeconds) || ttlSeconds < 60) throw new Error('JWT_TTL_SECONDS must be an integer ≥ 60');
  return {
    issuer: env.JWT_ISSUER ?? 'shecun',
    audience: env.JWT_AUDIENCE ?? 'shecun-api',
    ttlSeconds,
    signingKey,
    verificationKeys,
    oidc: env.OIDC_ISSUER
      ? { issuer: env.OIDC_ISSUER, audience: env.OIDC_AUDIENCE ?? env.JWT_AUDIENCE ?? 'shecun-api', jwksUri: env.OIDC_JWKS_URI }
      : undefined,
  };
}
