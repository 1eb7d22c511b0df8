import { Actor, DecisionContext } from '@shecun/core';
import { given } from '@shecun/core/testing';
import { IdentityEvent } from './identity.events';
import { grantShapeProblem, userIdFor } from './identity.model';
import { activeGrants, userDecider } from './user.decider';

const NOW = new Date('2026-05-01T08:00:00Z');
const AT = NOW.toISOString();
const USER = userIdFor('li.ming');
const admin: Actor = { id: 'admin-1', role: 'admin' };
const qingyuanBureau: Actor = { id: 'bureau-qy', role: 'bureau', scope: '4418' };
const guangzhouBureau: Actor = { id: 'bureau-gz', role: 'bureau', scope: '4401' };
const ctx = (actor: Actor): DecisionContext => ({ actor, now: NOW });

const registered: IdentityEvent = {
  type: 'UserRegistered',
  data: { userId: USER, username: 'li.ming', displayName: '李明', passwordHash: '$argon2id$hash', externalSubject: null, registeredAt: AT },
};
const coordinatorGrant: IdentityEvent = {
  type: 'GrantGiven',
  data: { userId: USER, grantId: 'g-1', grant: { role: 'coordinator', scope: '441826105' }, givenAt: AT },
};

describe('user decider', () => {
  describe('rehashing a password', () => {
    const rehash = { type: 'RehashPassword' as const, passwordHash: '$argon2id$new', previousHash: '$argon2id$hash', reason: 'parameters raised' };
    const system: Actor = { id: 'system', role: 'system' };

    it('replaces the hash it verified, by the platform or the user themselves', () => {
      const event: IdentityEvent = { type: 'PasswordRehashed', data: { userId: USER, passwordHash: '$argon2id$new', reason: 'parameters raised', rehashedAt: AT } };
      given(userDecider, [registered]).when(rehash, ctx(system)).then([event]);
      given(userDecider, [registered]).when(rehash, ctx({ id: USER, role: 'coordinator', scope: '441826105' })).then([event]);
    });

    it('does nothing when the password changed since it was verified; refuses anyone else', () => {
      given(userDecider, [registered, { type: 'PasswordChanged', data: { userId: USER, passwordHash: '$argon2id$other', changedAt: AT } }]).when(rehash, ctx({ id: 'system', role: 'system' })).then([]);
      given(userDecider, [registered]).when(rehash, ctx(qingyuanBureau)).thenThrows('forbidden', /rehash/);
    });
  });

  describe('registering', () => {
    it('registers a user with a normalized username', () => {
      given(userDecider)
        .when({ type: 'RegisterUser', userId: USER, username: ' Li.Ming ', displayName: ' 李明 ', passwordHash: '$argon2id$hash', externalSubject: null }, ctx(admin))
        .then([registered]);
    });

    it('refuses a username that is taken (the stream already exists)', () => {
      given(userDecider, [registered])
        .when({ type: 'RegisterUser', userId: USER, username: 'li.ming', displayName: '李明', passwordHash: 'x', externalSubject: null }, ctx(admin))
        .thenThrows('conflict', /taken/);
    });

    it('refuses malformed usernames and users without any credential', () => {
      given(userDecider).when({ type: 'RegisterUser', userId: USER, username: 'x', displayName: '李明', passwordHash: 'x', externalSubject: null }, ctx(admin)).thenThrows('invalid', /username/);
      given(userDecider).when({ type: 'RegisterUser', userId: USER, username: 'li.ming', displayName: '李明', passwordHash: null, externalSubject: null }, ctx(admin)).thenThrows('invalid', /password/);
    });

    it('refuses users created by coordinators, auditors and organization staff without a grant to give', () => {
      for (const role of ['coordinator', 'organization', 'hub', 'auditor'] as const) {
        given(userDecider)
          .when({ type: 'RegisterUser', userId: USER, username: 'li.ming', displayName: '李明', passwordHash: 'x', externalSubject: null }, ctx({ id: 'u', role }))
          .thenThrows('forbidden');
      }
    });
  });

  describe('grants', () => {
    it('bureau staff give coordinator grants within their own scope only', () => {
      given(userDecider, [registered])
        .when({ type: 'GiveGrant', grantId: 'g-1', grant: { role: 'coordinator', scope: '441826105' } }, ctx(qingyuanBureau))
        .then([coordinatorGrant]);
      given(userDecider, [registered])
        .when({ type: 'GiveGrant', grantId: 'g-1', grant: { role: 'coordinator', scope: '441826105' } }, ctx(guangzhouBureau))
        .thenThrows('forbidden');
    });

    it('only admins give auditor and admin grants; bureau staff give bureau grants within their scope', () => {
      for (const grant of [{ role: 'bureau', scope: '4401' }, { role: 'auditor', scope: '44' }, { role: 'admin' }] as const) {
        given(userDecider, [registered]).when({ type: 'GiveGrant', grantId: 'g-2', grant }, ctx(qingyuanBureau)).thenThrows('forbidden');
        given(userDecider, [registered]).when({ type: 'GiveGrant', grantId: 'g-2', grant }, ctx(admin)).then([
          { type: 'GrantGiven', data: { userId: USER, grantId: 'g-2', grant, givenAt: AT } },
        ]);
      }
      given(userDecider, [registered]).when({ type: 'GiveGrant', grantId: 'g-2', grant: { role: 'bureau', scope: '441802' } }, ctx(qingyuanBureau)).then([
        { type: 'GrantGiven', data: { userId: USER, grantId: 'g-2', grant: { role: 'bureau', scope: '441802' }, givenAt: AT } },
      ]);
    });

    it('refuses a grant whose shape does not fit its role', () => {
      given(userDecider, [registered]).when({ type: 'GiveGrant', grantId: 'g-2', grant: { role: 'coordinator', scope: '4418' } }, ctx(admin)).thenThrows('invalid', /scope/);
      given(userDecider, [registered]).when({ type: 'GiveGrant', grantId: 'g-2', grant: { role: 'organization' } }, ctx(admin)).thenThrows('invalid', /organizationId/);
      given(userDecider, [registered]).when({ type: 'GiveGrant', grantId: 'g-2', grant: { role: 'bureau', scope: '3501' } }, ctx(admin)).thenThrows('invalid', /Guangdong/);
    });

    it('refuses the same active grant twice and a reused grant id', () => {
      given(userDecider, [registered, coordinatorGrant])
        .when({ type: 'GiveGrant', grantId: 'g-9', grant: { role: 'coordinator', scope: '441826105' } }, ctx(admin))
        .thenThrows('conflict', /already holds/);
      given(userDecider, [registered, coordinatorGrant])
        .when({ type: 'GiveGrant', grantId: 'g-1', grant: { role: 'auditor', scope: '44' } }, ctx(admin))
        .thenThrows('conflict', /grant id/);
    });

    it('revokes a grant with a reason; the grant stays in the history but is no longer active', () => {
      const revoked = given(userDecider, [registered, coordinatorGrant])
        .when({ type: 'RevokeGrant', grantId: 'g-1', reason: '调岗' }, ctx(qingyuanBureau))
        .then([{ type: 'GrantRevoked', data: { userId: USER, grantId: 'g-1', reason: '调岗', revokedAt: AT } }]);
      const state = given(userDecider, [registered, coordinatorGrant, ...revoked]).state;
      expect(activeGrants(state)).toEqual([]);
      expect(state.grants).toHaveLength(1);
      given(userDecider, [registered, coordinatorGrant, ...revoked]).when({ type: 'RevokeGrant', grantId: 'g-1', reason: 'again' }, ctx(admin)).thenThrows('conflict');
    });

    it('bureau staff of another city cannot revoke a coordinator grant outside their scope', () => {
      given(userDecider, [registered, coordinatorGrant]).when({ type: 'RevokeGrant', grantId: 'g-1', reason: '调岗' }, ctx(guangzhouBureau)).thenThrows('forbidden');
    });
  });

  describe('passwords', () => {
    it('users change their own password; others only if admin', () => {
      given(userDecider, [registered]).when({ type: 'ChangePassword', passwordHash: 'new' }, ctx({ id: USER, role: 'coordinator' })).then([
        { type: 'PasswordChanged', data: { userId: USER, passwordHash: 'new', changedAt: AT } },
      ]);
      given(userDecider, [registered]).when({ type: 'ChangePassword', passwordHash: 'new' }, ctx(qingyuanBureau)).thenThrows('forbidden');
      given(userDecider, [registered]).when({ type: 'ChangePassword', passwordHash: 'new' }, ctx(admin)).then([
        { type: 'PasswordChanged', data: { userId: USER, passwordHash: 'new', changedAt: AT } },
      ]);
    });
  });

  it('grant shapes per role', () => {
    expect(grantShapeProblem({ role: 'coordinator', scope: '441826105201' })).toBeUndefined();
    expect(grantShapeProblem({ role: 'bureau', scope: '441826' })).toBeUndefined();
    expect(grantShapeProblem({ role: 'hub', organizationId: 'org-1' })).toBeUndefined();
    expect(grantShapeProblem({ role: 'admin', scope: '44' })).toMatch(/admin/);
    expect(grantShapeProblem({ role: 'hub', organizationId: 'org-1', organizationAdmin: true })).toMatch(/organization admins/);
  });
});
