import { Inject, Injectable, UnauthorizedException } from '@nestjs/common';
import { Actor, CommandContext, executeCommand, foldRecorded } from '@shecun/core';
import { EVENT_STORE, EventStore } from '@shecun/event-store';
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { userStream } from './identity.model';
import { DEFAULT_SESSION_LIFETIMES, IDENTITY_OPTIONS, IdentityOptions } from './identity.options';
import { SessionCommand, sessionDecider, SessionRefused, sessionStream, userSessionsDecider } from './session.decider';
import { TokenService } from './token.service';
import { userDecider } from './user.decider';

/** `<session id>.<generation>.<secret>`: the secret is kept only as its SHA-256. */
const REFRESH_TOKEN = /^([0-9a-f-]{36})\.(\d{1,9})\.([A-Za-z0-9_-]{43})$/;

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

const newSecret = () => randomBytes(32).toString('base64url');

export interface IssuedSession {
  accessToken: string;
  tokenType: 'Bearer';
  /** Seconds the access token is valid. */
  expiresIn: number;
  /** Present it once to POST /api/auth/refresh for a new pair; presenting it twice ends the session. */
  refreshToken: string;
  /** When the session ends at the latest, whatever is refreshed (ISO). */
  sessionExpiresAt: string;
  /** A one-time password: only changing it is allowed until then (POST /api/users/{id}/password). */
  passwordChangeRequired: boolean;
}

const refusedToken = () => new UnauthorizedException('刷新令牌格式无效，请重新登录 (malformed refresh token: sign in again)');

/**
 * Sign-in sessions: started by a login, refreshed with rotating refresh tokens, ended by logout,
 * by the reuse of a refresh token (the whole session), and — through the user's session version —
 * by a password change or "sign out everywhere". Every step is an event; the authenticator refuses
 * access tokens of an ended session or an older session version.
 */
@Injectable()
export class SessionService {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(IDENTITY_OPTIONS) private readonly options: IdentityOptions,
    private readonly tokens: TokenService,
  ) {}

  private get idleSeconds() {
    return this.options.sessionIdleSeconds ?? DEFAULT_SESSION_LIFETIMES.sessionIdleSeconds;
  }

  private get maxSeconds() {
    return this.options.sessionMaxSeconds ?? DEFAULT_SESSION_LIFETIMES.sessionMaxSeconds;
  }

  /** The user's grants and session version, from the user's own stream (never a read model that may lag). */
  private async user(userId: string) {
    const events = await this.store.readStream(userStream(userId));
    return { user: foldRecorded(userDecider, events), sessions: foldRecorded(userSessionsDecider, events) };
  }

  private run(sessionId: string, command: SessionCommand, actor: Actor, context?: CommandContext) {
    const commandId = randomUUID();
    return executeCommand(this.store, sessionStream(sessionId), sessionDecider, { actor, command, commandId, correlationId: commandId, ...context });
  }

  /** Starts a session for a user who has just proven who they are, under one of their grants. */
  async start(userId: string, grant: { id: string; role: string; scope?: string | null; organizationId?: string | null }): Promise<IssuedSession> {
    const { sessions } = await this.user(userId);
    const sessionId = randomUUID();
    const secret = newSecret();
    const actor = { id: userId, role: grant.role as Actor['role'], ...(grant.organizationId ? { organizationId: grant.organizationId } : {}), ...(grant.scope ? { scope: grant.scope } : {}) };
    const result = await this.run(
      sessionId,
      { type: 'StartSession', sessionId, userId, grantId: grant.id, refreshHash: sha256(secret), sessionVersion: sessions.sessionVersion, idleSeconds: this.idleSeconds, maxSeconds: this.maxSeconds },
      actor,
    );
    const mustChangePassword = !!sessions.mustChangePassword;
    const token = await this.tokens.issue(userId, grant.id, { sessionId, sessionVersion: sessions.sessionVersion, mustChangePassword });
    return {
      accessToken: token.accessToken,
      tokenType: 'Bearer',
      expiresIn: token.expiresIn,
      refreshToken: `${sessionId}.0.${secret}`,
      sessionExpiresAt: result.state.expiresAt,
      passwordChangeRequired: mustChangePassword,
    };
  }

  /** Starts a session under a grant named by id (provisioning, tests and benchmarks). */
  async startForGrant(userId: string, grantId: string): Promise<IssuedSession> {
    const grant = (await this.user(userId)).user.grants.find((g) => g.id === grantId && !g.revokedAt);
    if (!grant) throw new UnauthorizedException('没有这项有效授权 (no such active grant for this user)');
    return this.start(userId, grant);
  }

  /** A new access token and refresh token for a refresh token presented once; a second presentation ends the session. */
  async refresh(refreshToken: string): Promise<IssuedSession & { userId: string; grantId: string }> {
    const match = REFRESH_TOKEN.exec(refreshToken);
    if (!match) throw refusedToken();
    const [, sessionId, generationText, secret] = match;
    const session = foldRecorded(sessionDecider, await this.store.readStream(sessionStream(sessionId)));
    if (!session.exists) throw refusedToken();
    const { user, sessions } = await this.user(session.userId);
    const grant = user.grants.find((g) => g.id === session.grantId);
    const nextSecret = newSecret();
    const actor = { id: session.userId, role: (grant?.role ?? 'coordinator') as Actor['role'] };
    let result;
    try {
      result = await this.run(
        sessionId,
        {
          type: 'RefreshSession',
          generation: Number(generationText),
          presentedHash: sha256(secret),
          newRefreshHash: sha256(nextSecret),
          currentSessionVersion: sessions.sessionVersion,
          grantActive: !!grant && !grant.revokedAt,
        },
        actor,
      );
    } catch (error) {
      if (error instanceof SessionRefused) throw new UnauthorizedException(error.message);
      throw error;
    }
    if (result.events.some((e) => e.type === 'SessionEnded')) {
      throw new UnauthorizedException('刷新令牌已被使用过，此会话已全部结束，请重新登录 (this refresh token was used before: the whole session has ended; sign in again)');
    }
    const mustChangePassword = !!sessions.mustChangePassword;
    const token = await this.tokens.issue(session.userId, session.grantId, { sessionId, sessionVersion: sessions.sessionVersion, mustChangePassword });
    return {
      accessToken: token.accessToken,
      tokenType: 'Bearer',
      expiresIn: token.expiresIn,
      refreshToken: `${sessionId}.${result.state.generation}.${nextSecret}`,
      sessionExpiresAt: result.state.expiresAt,
      passwordChangeRequired: mustChangePassword,
      userId: session.userId,
      grantId: session.grantId,
    };
  }

  /** Ends the caller's own session: its access and refresh tokens stop working. */
  async logout(sessionId: string, context: CommandContext): Promise<{ position?: number }> {
    try {
      const result = await this.run(sessionId, { type: 'EndSession', reason: 'logout' }, context.actor, context);
      return { position: result.position };
    } catch (error) {
      if (error instanceof SessionRefused) throw new UnauthorizedException(error.message);
      throw error;
    }
  }

  /** Ends every session of a user and every access token issued before now ("sign out everywhere"). */
  async revokeAll(userId: string, reason: string, context: CommandContext) {
    return executeCommand(this.store, userStream(userId), userSessionsDecider, { ...context, command: { type: 'RevokeSessions', userId, reason } });
  }
}
