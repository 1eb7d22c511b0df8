import { Decider, DecisionContext, DomainError, everyCommandCommutes, forbidden, invalid, notFound } from '@shecun/core';
import { IdentityEvent, SessionEvent } from './identity.events';

/**
 * A sign-in session: started by a login, kept alive by refreshing (each refresh rotates the refresh
 * token: a new generation with a new secret), ended by logout, by a refresh token used twice, or
 * by its user's credentials changing. Access tokens name their session (`sid`), so ending the
 * session ends every access token issued under it.
 */
export type SessionCommand =
  | {
      type: 'StartSession';
      sessionId: string;
      userId: string;
      grantId: string;
      /** SHA-256 (hex) of the first refresh secret. */
      refreshHash: string;
      /** The user's session version when signing in (see UserState.sessionVersion). */
      sessionVersion: number;
      idleSeconds: number;
      maxSeconds: number;
    }
  | {
      type: 'RefreshSession';
      /** Generation and secret hash named by the presented refresh token. */
      generation: number;
      presentedHash: string;
      newRefreshHash: string;
      /** The user's session version now, read from the user's stream. */
      currentSessionVersion: number;
      /** Whether the session's grant is still active. */
      grantActive: boolean;
    }
  | { type: 'EndSession'; reason: SessionEndReason };

export type SessionEndReason = 'logout' | 'refresh-token-reuse' | 'revoked';

export interface SessionState {
  exists: boolean;
  sessionId: string;
  userId: string;
  grantId: string;
  generation: number;
  refreshHash: string;
  sessionVersion: number;
  startedAt: string;
  /** No refresh after this instant (absolute lifetime). */
  expiresAt: string;
  /** No refresh after this instant unless refreshed before (idle lifetime). */
  idleExpiresAt: string;
  idleSeconds: number;
  endedAt: string | null;
  endReason: SessionEndReason | null;
}

export const initialSessionState: SessionState = {
  exists: false, sessionId: '', userId: '', grantId: '', generation: 0, refreshHash: '', sessionVersion: 0,
  startedAt: '', expiresAt: '', idleExpiresAt: '', idleSeconds: 0, endedAt: null, endReason: null,
};

/** Refused refreshes are 401s: the client signs in again. */
export class SessionRefused extends DomainError {
  constructor(message: string) {
    super('invalid', message);
  }
}

const refused = (reason: string) => new SessionRefused(`登录会话无效：${reason}，请重新登录 (session refused: ${reason}; sign in again)`);

function decide(command: SessionCommand, state: SessionState, { actor, now }: DecisionContext): SessionEvent[] {
  const at = now.toISOString();
  switch (command.type) {
    case 'StartSession': {
      if (state.exists) throw invalid('会话编号已使用 (session id already used)');
      if (command.idleSeconds < 60 || command.maxSeconds < command.idleSeconds) throw invalid('会话时长设置无效 (invalid session lifetimes)');
      const idle = Math.min(now.getTime() + command.idleSeconds * 1000, now.getTime() + command.maxSeconds * 1000);
      return [
        {
          type: 'SessionStarted',
          data: {
            sessionId: command.sessionId,
            userId: command.userId,
            grantId: command.grantId,
            refreshHash: command.refreshHash,
            sessionVersion: command.sessionVersion,
            idleSeconds: command.idleSeconds,
            startedAt: at,
            expiresAt: new Date(now.getTime() + command.maxSeconds * 1000).toISOString(),
            idleExpiresAt: new Date(idle).toISOString(),
          },
        },
      ];
    }
    case 'RefreshSession': {
      if (!state.exists) throw refused('会话不存在 (no such session)');
      if (state.endedAt) throw refused('会话已结束 (the session has ended)');
      if (command.generation < state.generation) {
        // An earlier refresh token presented again: it was copied. End the whole session (every
        // token of this sign-in) so that neither the thief nor the owner keeps it.
        return [{ type: 'SessionEnded', data: { sessionId: state.sessionId, userId: state.userId, reason: 'refresh-token-reuse', endedAt: at } }];
      }
      if (command.generation !== state.generation || command.presentedHash !== state.refreshHash) throw refused('刷新令牌不正确 (wrong refresh token)');
      if (at >= state.expiresAt) throw refused('会话已到最长时限 (the session reached its maximum lifetime)');
      if (at >= state.idleExpiresAt) throw refused('会话闲置超时 (the session was idle too long)');
      if (command.currentSessionVersion !== state.sessionVersion) throw refused('密码已修改或会话已被撤销 (the password changed or sessions were revoked)');
      if (!command.grantActive) throw refused('授权已被撤销 (the grant was revoked)');
      const idle = Math.min(now.getTime() + state.idleSeconds * 1000, Date.parse(state.expiresAt));
      return [
        {
          type: 'SessionRefreshed',
          data: { sessionId: state.sessionId, userId: state.userId, generation: state.generation + 1, refreshHash: command.newRefreshHash, refreshedAt: at, idleExpiresAt: new Date(idle).toISOString() },
        },
      ];
    }
    case 'EndSession': {
      if (!state.exists) throw refused('会话不存在 (no such session)');
      if (command.reason === 'logout' && actor.id !== state.userId) throw forbidden('只能退出自己的会话 (you may only end your own session)');
      if (state.endedAt) return [];
      return [{ type: 'SessionEnded', data: { sessionId: state.sessionId, userId: state.userId, reason: command.reason, endedAt: at } }];
    }
  }
}

function evolve(state: SessionState, event: SessionEvent): SessionState {
  switch (event.type) {
    case 'SessionStarted':
      return {
        ...state,
        exists: true,
        sessionId: event.data.sessionId,
        userId: event.data.userId,
        grantId: event.data.grantId,
        generation: 0,
        refreshHash: event.data.refreshHash,
        sessionVersion: event.data.sessionVersion,
        startedAt: event.data.startedAt,
        expiresAt: event.data.expiresAt,
        idleExpiresAt: event.data.idleExpiresAt,
        idleSeconds: event.data.idleSeconds,
      };
    case 'SessionRefreshed':
      return { ...state, generation: event.data.generation, refreshHash: event.data.refreshHash, idleExpiresAt: event.data.idleExpiresAt };
    case 'SessionEnded':
      return { ...state, endedAt: event.data.endedAt, endReason: event.data.reason };
  }
}

export const sessionDecider: Decider<SessionCommand, SessionState, SessionEvent> = { initialState: initialSessionState, decide, evolve, commutes: everyCommandCommutes };

export const sessionStream = (sessionId: string) => `session-${sessionId}`;

/**
 * The part of a user's stream that sessions depend on: its session version, raised by every
 * password change and every "sign out everywhere". A token or a session started under an earlier
 * version no longer works.
 */
export type UserSessionsCommand = { type: 'RevokeSessions'; userId: string; reason: string };

export interface UserSessionsState {
  exists: boolean;
  sessionVersion: number;
  /** Registered with a one-time password not yet changed. */
  mustChangePassword?: boolean;
}

type UserStreamEvent = IdentityEvent;

export const userSessionsDecider: Decider<UserSessionsCommand, UserSessionsState, UserStreamEvent> = {
  initialState: { exists: false, sessionVersion: 0 },
  decide(command, state, { actor, now }) {
    if (!state.exists) throw notFound('用户不存在 (user not found)');
    if (!['admin', 'system'].includes(actor.role) && actor.id !== command.userId) {
      throw forbidden('只有系统管理员或本人可以结束该用户的全部会话 (only administrators or the user may end all of a user’s sessions)');
    }
    const reason = command.reason.trim();
    if (!reason) throw invalid('请说明原因 (a reason is required)');
    return [{ type: 'SessionsRevoked', data: { userId: command.userId, reason, revokedAt: now.toISOString() } }];
  },
  evolve(state, event) {
    switch (event.type) {
      case 'UserRegistered':
        return { ...state, exists: true, ...(event.data.mustChangePassword ? { mustChangePassword: true } : {}) };
      case 'PasswordChanged':
        return { ...state, sessionVersion: state.sessionVersion + 1, mustChangePassword: false };
      case 'SessionsRevoked':
        return { ...state, sessionVersion: state.sessionVersion + 1 };
      default:
        return state;
    }
  },
  commutes: everyCommandCommutes,
};
