import { Inject, Injectable, UnauthorizedException } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import { JwksClient } from 'jwks-rsa';
import { createHash, createPublicKey, KeyObject, randomUUID } from 'node:crypto';
import { IDENTITY_OPTIONS, IdentityOptions } from './identity.options';

/** What a verified token says. */
export interface VerifiedToken {
  /** Our user id, or the provider's subject for external tokens. */
  sub: string;
  /** The grant the holder acts under (our tokens always name one). */
  gid?: string;
  /** True for tokens of the external identity provider. */
  external: boolean;
  iss: string;
  /** Our tokens: the sign-in session they were issued under, and the user's session version then. */
  sid?: string;
  sv?: number;
  /** The user must change a one-time password before doing anything else. */
  pwc?: boolean;
}

/** The sign-in session a token is issued under (see session.decider.ts). */
export interface TokenSession {
  sessionId: string;
  sessionVersion: number;
  mustChangePassword?: boolean;
}

const publicOf = (key: KeyObject) => (key.type === 'public' ? key : createPublicKey(key));

/** Key id: the first 16 characters of the base64url SHA-256 of the public key (SPKI). */
export const keyId = (key: KeyObject) =>
  createHash('sha256')
    .update(publicOf(key).export({ type: 'spki', format: 'der' }))
    .digest('base64url')
    .slice(0, 16);

const unauthorized = (reason: string) => new UnauthorizedException(`登录凭证无效：${reason} (invalid token: ${reason})`);

/** Issues RS256 access tokens and verifies ours (by key id) and the external provider's (by JWKS). */
@Injectable()
export class TokenService {
  private readonly jwt = new JwtService();
  /**
   * Accepted public keys by key id. Keys are handed to the signer and the verifier as key objects,
   * never as PEM: a PEM would be parsed again on every sign-in and every request.
   */
  private readonly keys: Map<string, KeyObject>;
  private readonly signing?: { kid: string; key: KeyObject };
  private jwks?: Promise<JwksClient>;

  constructor(@Inject(IDENTITY_OPTIONS) private readonly options: IdentityOptions) {
    this.keys = new Map(options.verificationKeys.map((k) => [keyId(k), publicOf(k)]));
    const key = options.signingKey;
    if (key) this.signing = { kid: keyId(key), key };
  }

  async issue(userId: string, grantId: string, session: TokenSession): Promise<{ accessToken: string; expiresIn: number }> {
    const key = this.signing;
    if (!key) throw new Error('this service verifies tokens but has no signing key (JWT_PRIVATE_KEY_FILE)');
    const accessToken = await this.jwt.signAsync(
      { gid: grantId, sid: session.sessionId, sv: session.sessionVersion, ...(session.mustChangePassword ? { pwc: true } : {}) },
      {
        algorithm: 'RS256',
        privateKey: key.key,
        keyid: key.kid,
        subject: userId,
        issuer: this.options.issuer,
        audience: this.options.audience,
        expiresIn: this.options.ttlSeconds,
        jwtid: randomUUID(),
      },
    );
    return { accessToken, expiresIn: this.options.ttlSeconds };
  }

  /** The public keys as a JWKS document, for services and clients that verify our tokens. */
  jwksDocument(): { keys: object[] } {
    return {
      keys: [...this.keys.entries()].map(([kid, key]) => ({ ...key.export({ format: 'jwk' }), kid, alg: 'RS256', use: 'sig' })),
    };
  }

  async verify(token: string): Promise<VerifiedToken> {
    let decoded: { header?: { kid?: string; alg?: string }; payload?: { iss?: string } } | null;
    try {
      decoded = this.jwt.decode(token, { complete: true }) as unknown as typeof decoded;
    } catch {
      decoded = null;
    }
    if (!decoded || typeof decoded !== 'object' || !decoded.header || !decoded.payload) throw unauthorized('不是 JWT (not a JWT)');
    const { kid, alg } = decoded.header;
    const iss = decoded.payload.iss;
    if (alg === 'none' || !alg) throw unauthorized('未签名 (unsigned tokens are not accepted)');
    if (iss === this.options.issuer) {
      const key = kid ? this.keys.get(kid) : undefined;
      if (!key) throw unauthorized('未知签名密钥 (unknown signing key)');
      const payload = await this.check(token, key, this.options.issuer, this.options.audience, ['RS256']);
      if (typeof payload.gid !== 'string') throw unauthorized('缺少授权编号 (no grant in token)');
      if (typeof payload.sid !== 'string' || !payload.sid) throw unauthorized('缺少会话编号 (no session in token)');
      if (typeof payload.sv !== 'number' || !Number.isInteger(payload.sv) || payload.sv < 0) throw unauthorized('缺少会话版本 (no session version in token)');
      return { sub: payload.sub, gid: payload.gid, sid: payload.sid, sv: payload.sv, pwc: payload.pwc === true, external: false, iss };
    }
    const oidc = this.options.oidc;
    if (oidc && iss === oidc.issuer) {
      if (!kid) throw unauthorized('缺少密钥编号 (no key id)');
      let publicKey: string;
      try {
        publicKey = (await (await this.jwksClient()).getSigningKey(kid)).getPublicKey();
      } catch {
        throw unauthorized('身份提供方密钥不可用 (the identity provider key is not available)');
      }
      const payload = await this.check(token, publicKey, oidc.issuer, oidc.audience, ['RS256', 'PS256', 'ES256']);
      return { sub: payload.sub, external: true, iss };
    }
    throw unauthorized('签发方不受信任 (untrusted issuer)');
  }

  private async check(token: string, publicKey: KeyObject | string, issuer: string, audience: string, algorithms: ('RS256' | 'PS256' | 'ES256')[]) {
    try {
      // jsonwebtoken takes a key object as it is; @nestjs/jwt types this option narrower than what it passes on.
      const payload = await this.jwt.verifyAsync<{ sub?: unknown; gid?: unknown; exp?: unknown }>(token, { publicKey: publicKey as string, issuer, audience, algorithms });
      if (typeof payload.sub !== 'string' || !payload.sub) throw unauthorized('缺少主体 (no subject)');
      // A token without an expiry would work for ever: refused, whoever signed it.
      if (typeof payload.exp !== 'number' || !Number.isFinite(payload.exp)) throw unauthorized('缺少有效期 (no expiry in token)');
      return payload as { sub: string; gid?: unknown; sid?: unknown; sv?: unknown; pwc?: unknown };
    } catch (error) {
      if (error instanceof UnauthorizedException) throw error;
      const name = (error as Error).name;
      if (name === 'TokenExpiredError') throw unauthorized('已过期 (expired)');
      throw unauthorized((error as Error).message);
    }
  }

  private jwksClient(): Promise<JwksClient> {
    const oidc = this.options.oidc!;
    this.jwks ??= (async () => {
      let jwksUri = oidc.jwksUri;
      if (!jwksUri) {
        const response = await fetch(`${oidc.issuer.replace(/\/$/, '')}/.well-known/openid-configuration`);
        if (!response.ok) throw new Error(`OIDC discovery failed: ${response.status}`);
        jwksUri = ((await response.json()) as { jwks_uri: string }).jwks_uri;
      }
      return new JwksClient({ jwksUri, cache: true, rateLimit: true, jwksRequestsPerMinute: 10 });
    })().catch((error) => {
      this.jwks = undefined;
      throw error;
    });
    return this.jwks;
  }
}
