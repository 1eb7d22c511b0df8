import { DomainError } from '@shecun/core';
import { SessionEvent } from './identity.events';
import { SessionCommand, sessionDecider, SessionRefused, SessionState, userSessionsDecider } from './session.decider';

const USER = { id: 'u-1', role: 'coordinator' as const, scope: '441826105' };
const T0 = new Date('2026-12-04T08:00:00.000Z');
const at = (minutes: number) => new Date(T0.getTime() + minutes * 60_000);

const started: SessionEvent = {
  type: 'SessionStarted',
  data: {
    sessionId: 's-1', userId: 'u-1', grantId: 'g-1', refreshHash: 'h0', sessionVersion: 2, idleSeconds: 1800,
    startedAt: T0.toISOString(), expiresAt: at(12 * 60).toISOString(), idleExpiresAt: at(30).toISOString(),
  },
};

/** given events, when a command at a minute after sign-in, then the events it decides (or the error it throws). */
function when(given: SessionEvent[], command: SessionCommand, minute = 1, actor = USER): SessionEvent[] {
  const state = given.reduce<SessionState>((s, e) => sessionDecider.evolve(s, e), sessionDecider.initialState);
  return sessionDecider.decide(command, state, { actor, now: at(minute) });
}

const refresh = (over: Partial<Extract<SessionCommand, { type: 'RefreshSession' }>> = {}): SessionCommand => ({
  type: 'RefreshSession', generation: 0, presentedHash: 'h0', newRefreshHash: 'h1', currentSessionVersion: 2, grantActive: true, ...over,
});

describe('session decider', () => {
  it('starts a session with its absolute and idle ends', () => {
    const [event] = when([], { type: 'StartSession', sessionId: 's-1', userId: 'u-1', grantId: 'g-1', refreshHash: 'h0', sessionVersion: 2, idleSeconds: 1800, maxSeconds: 43200 }, 0);
    expect(event).toEqual(started);
  });

  it('rotates the refresh token: the next generation, a new hash, the idle end moved on', () => {
    expect(when([started], refresh(), 20)).toEqual([
      { type: 'SessionRefreshed', data: { sessionId: 's-1', userId: 'u-1', generation: 1, refreshHash: 'h1', refreshedAt: at(20).toISOString(), idleExpiresAt: at(50).toISOString() } },
    ]);
  });

  it('ends the whole session when an earlier refresh token is presented again (reuse)', () => {
    const rotated: SessionEvent = { type: 'SessionRefreshed', data: { sessionId: 's-1', userId: 'u-1', generation: 1, refreshHash: 'h1', refreshedAt: at(10).toISOString(), idleExpiresAt: at(40).toISOString() } };
    expect(when([started, rotated], refresh({ generation: 0, presentedHash: 'h0' }), 11)).toEqual([
      { type: 'SessionEnded', data: { sessionId: 's-1', userId: 'u-1', reason: 'refresh-token-reuse', endedAt: at(11).toISOString() } },
    ]);
  });

  it.each<[string, SessionEvent[], SessionCommand, number]>([
    ['a wrong secret', [started], refresh({ presentedHash: 'forged' }), 1],
    ['a generation from the future', [started], refresh({ generation: 5 }), 1],
    ['an idle session', [started], refresh(), 31],
    ['a session past its maximum lifetime', [started, { type: 'SessionRefreshed', data: { sessionId: 's-1', userId: 'u-1', generation: 1, refreshHash: 'h0', refreshedAt: at(719).toISOString(), idleExpiresAt: at(720).toISOString() } }], refresh({ generation: 1 }), 720],
    ['a password changed since sign-in', [started], refresh({ currentSessionVersion: 3 }), 1],
    ['a revoked grant', [started], refresh({ grantActive: false }), 1],
    ['an ended session', [started, { type: 'SessionEnded', data: { sessionId: 's-1', userId: 'u-1', reason: 'logout', endedAt: at(1).toISOString() } }], refresh(), 2],
    ['an unknown session', [], refresh(), 1],
  ])('refuses a refresh with %s, recording nothing', (_name, given, command, minute) => {
    expect(() => when(given, command, minute)).toThrow(SessionRefused);
  });

  it('logout ends the session once, and only its own user may log it out', () => {
    expect(when([started], { type: 'EndSession', reason: 'logout' })).toEqual([
      { type: 'SessionEnded', data: { sessionId: 's-1', userId: 'u-1', reason: 'logout', endedAt: at(1).toISOString() } },
    ]);
    expect(when([started, ...when([started], { type: 'EndSession', reason: 'logout' })], { type: 'EndSession', reason: 'logout' })).toEqual([]);
    expect(() => when([started], { type: 'EndSession', reason: 'logout' }, 1, { id: 'u-2', role: 'coordinator', scope: '441826105' })).toThrow(DomainError);
  });
});

describe('user sessions decider', () => {
  const registered = { type: 'UserRegistered' as const, data: { userId: 'u-1', username: 'li', displayName: '李', passwordHash: 'x', externalSubject: null, registeredAt: T0.toISOString() } };
  const fold = (events: Parameters<typeof userSessionsDecider.evolve>[1][]) => events.reduce((s, e) => userSessionsDecider.evolve(s, e), userSessionsDecider.initialState);

  it('raises the session version with every password change and every "sign out everywhere"', () => {
    const state = fold([
      registered,
      { type: 'PasswordChanged', data: { userId: 'u-1', passwordHash: 'y', changedAt: T0.toISOString() } },
      { type: 'GrantGiven', data: { userId: 'u-1', grantId: 'g', grant: { role: 'auditor', scope: '44' }, givenAt: T0.toISOString() } },
      { type: 'SessionsRevoked', data: { userId: 'u-1', reason: '手机遗失', revokedAt: T0.toISOString() } },
    ]);
    expect(state).toEqual({ exists: true, sessionVersion: 2, mustChangePassword: false });
  });

  it('a one-time password is to be changed until the first password change', () => {
    const oneTime = { ...registered, data: { ...registered.data, mustChangePassword: true } };
    expect(fold([oneTime]).mustChangePassword).toBe(true);
    expect(fold([oneTime, { type: 'PasswordChanged', data: { userId: 'u-1', passwordHash: 'y', changedAt: T0.toISOString() } }]).mustChangePassword).toBe(false);
    expect(fold([registered]).mustChangePassword).toBeUndefined();
  });

  it('lets administrators and the user themselves end all sessions, nobody else', () => {
    const state = fold([registered]);
    const command = { type: 'RevokeSessions' as const, userId: 'u-1', reason: '手机遗失' };
    expect(userSessionsDecider.decide(command, state, { actor: USER, now: T0 })).toEqual([{ type: 'SessionsRevoked', data: { userId: 'u-1', reason: '手机遗失', revokedAt: T0.toISOString() } }]);
    expect(userSessionsDecider.decide(command, state, { actor: { id: 'root', role: 'admin' }, now: T0 })).toHaveLength(1);
    expect(() => userSessionsDecider.decide(command, state, { actor: { id: 'b', role: 'bureau', scope: '44' }, now: T0 })).toThrow(DomainError);
    expect(() => userSessionsDecider.decide({ ...command, reason: ' ' }, state, { actor: USER, now: T0 })).toThrow(DomainError);
    expect(() => userSessionsDecider.decide(command, userSessionsDecider.initialState, { actor: USER, now: T0 })).toThrow(DomainError);
  });
});
