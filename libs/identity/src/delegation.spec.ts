import { Actor, DecisionContext } from '@shecun/core';
import { given } from '@shecun/core/testing';
import { DELEGATION_CASES, GRANTERS, ORG_IN, ORG_OUT, organizationOf } from '../../../test/support/delegation-cases';
import { IdentityEvent } from './identity.events';
import { GrantSpec, userIdFor } from './identity.model';
import { delegation, userDecider } from './user.decider';

/**
 * The delegation model on the pure decider: every granter × grant × in / out of reach, for giving a
 * grant, revoking it, and creating a user with it — allowed exactly as the delegation table says,
 * 403 (no events) otherwise.
 */
const NOW = new Date('2026-05-01T08:00:00Z');
const AT = NOW.toISOString();
const USER = userIdFor('new.staff');
const ctx = (actor: Actor): DecisionContext => ({ actor, now: NOW });
const actorOf = (granter: keyof typeof GRANTERS): Actor => ({ id: `granter-${granter}`, ...GRANTERS[granter] });

const registered: IdentityEvent = {
  type: 'UserRegistered',
  data: { userId: USER, username: 'new.staff', displayName: '新同事', passwordHash: '$argon2id$hash', externalSubject: null, registeredAt: AT },
};
const given_ = (grant: GrantSpec): IdentityEvent => ({ type: 'GrantGiven', data: { userId: USER, grantId: 'g-t', grant, givenAt: AT } });

describe('delegation: who may give and revoke which grant', () => {
  it('the table covers every granter, grant and target', () => {
    expect(DELEGATION_CASES).toHaveLength(8 * (6 * 2 + 1));
    expect(DELEGATION_CASES.filter((c) => c.allowed).length).toBeGreaterThan(0);
    expect(DELEGATION_CASES.filter((c) => !c.allowed).length).toBeGreaterThan(0);
  });

  describe.each(DELEGATION_CASES)('$granter → $kind ($target)', ({ granter, grant, allowed }) => {
    const actor = actorOf(granter);
    const organization = organizationOf(grant);

    it(`gives: ${allowed ? 'allowed' : '403, no events'}`, () => {
      const when = given(userDecider, [registered]).when({ type: 'GiveGrant', grantId: 'g-t', grant, organization }, ctx(actor));
      if (allowed) when.then([given_(grant)]);
      else when.thenThrows('forbidden', /^角色 .* 不能授予此权限.*\(role .* may not give this grant/);
    });

    it(`revokes: ${allowed ? 'allowed' : '403, no events'}`, () => {
      const when = given(userDecider, [registered, given_(grant)]).when({ type: 'RevokeGrant', grantId: 'g-t', reason: '调离岗位', organization }, ctx(actor));
      if (allowed) when.then([{ type: 'GrantRevoked', data: { userId: USER, grantId: 'g-t', reason: '调离岗位', revokedAt: AT } }]);
      else when.thenThrows('forbidden');
    });

    it(`creates a user with it: ${allowed ? 'allowed, one append' : '403, no events'}`, () => {
      const when = given(userDecider).when(
        { type: 'RegisterUser', userId: USER, username: 'new.staff', displayName: '新同事', passwordHash: '$argon2id$hash', externalSubject: null, initialGrant: { grantId: 'g-t', grant }, organization },
        ctx(actor),
      );
      if (allowed) when.then([registered, given_(grant)]);
      else when.thenThrows('forbidden');
    });
  });

  it('清远 bureau staff may not make anyone an admin of a 广州 organization (the case found on main)', () => {
    const qingyuan: Actor = { id: 'bureau-qy', role: 'bureau', scope: '4418' };
    const grant: GrantSpec = { role: 'organization', organizationId: ORG_OUT.organizationId, organizationAdmin: true };
    given(userDecider, [registered]).when({ type: 'GiveGrant', grantId: 'g-t', grant, organization: ORG_OUT }, ctx(qingyuan)).thenThrows('forbidden', /4401/);
    given(userDecider, [registered, given_(grant)]).when({ type: 'RevokeGrant', grantId: 'g-t', reason: '越权', organization: ORG_OUT }, ctx(qingyuan)).thenThrows('forbidden');
    given(userDecider)
      .when({ type: 'RegisterUser', userId: USER, username: 'new.staff', displayName: 'x', passwordHash: 'h', externalSubject: null, initialGrant: { grantId: 'g-t', grant }, organization: ORG_OUT }, ctx(qingyuan))
      .thenThrows('forbidden');
  });

  it('hub grants only for hubs and industry associations; no new grant for a deregistered organization (422, whoever gives it)', () => {
    const plain = { organizationId: 'org-qy-plain', homeDivisionCode: '4418', hubKind: null };
    const hubGrant: GrantSpec = { role: 'hub', organizationId: 'org-qy-plain' };
    given(userDecider, [registered]).when({ type: 'GiveGrant', grantId: 'g-t', grant: hubGrant, organization: plain }, ctx(actorOf('admin'))).thenThrows('invalid', /不是枢纽型社会组织/);
    const staffGrant: GrantSpec = { role: 'organization', organizationId: 'org-qy-plain' };
    given(userDecider, [registered]).when({ type: 'GiveGrant', grantId: 'g-t', grant: staffGrant, organization: plain }, ctx(actorOf('admin'))).then([given_(staffGrant)]);
    const gone = { ...plain, deregistered: true };
    given(userDecider, [registered]).when({ type: 'GiveGrant', grantId: 'g-t', grant: staffGrant, organization: gone }, ctx(actorOf('admin'))).thenThrows('invalid', /已注销/);
    // Revoking a grant of a deregistered organization stays possible.
    given(userDecider, [registered, given_(staffGrant)]).when({ type: 'RevokeGrant', grantId: 'g-t', reason: '组织注销', organization: gone }, ctx(actorOf('admin'))).then([
      { type: 'GrantRevoked', data: { userId: USER, grantId: 'g-t', reason: '组织注销', revokedAt: expect.any(String) } },
    ]);
  });

  it('a county bureau does not reach an organization registered at the city level', () => {
    const county: Actor = { id: 'bureau-ln', role: 'bureau', scope: '441826' };
    const cityLevel = { organizationId: 'org-qy-city', homeDivisionCode: '4418' };
    expect(delegation(county, { role: 'organization', organizationId: 'org-qy-city' }, cityLevel)).toMatchObject({ allowed: false });
    expect(delegation({ ...county, scope: '4418' }, { role: 'organization', organizationId: 'org-qy-city' }, cityLevel)).toEqual({ allowed: true });
  });

  it('an organization grant names a registered organization: 404 for administrators and bureau staff when it is unknown', () => {
    const grant: GrantSpec = { role: 'organization', organizationId: 'org-nowhere' };
    for (const granter of ['admin', 'bureau:city'] as const) {
      given(userDecider, [registered]).when({ type: 'GiveGrant', grantId: 'g-t', grant, organization: null }, ctx(actorOf(granter))).thenThrows('not-found', /not registered/);
    }
    // The organization looked up must be the one the grant names.
    given(userDecider, [registered]).when({ type: 'GiveGrant', grantId: 'g-t', grant, organization: ORG_IN }, ctx(actorOf('bureau:city'))).thenThrows('not-found');
    // An organization's admin asking for another organization is refused whether it exists or not.
    given(userDecider, [registered]).when({ type: 'GiveGrant', grantId: 'g-t', grant, organization: null }, ctx(actorOf('organization:admin'))).thenThrows('forbidden');
    // The platform itself (seeds, first administrator) provisions without a lookup.
    given(userDecider, [registered]).when({ type: 'GiveGrant', grantId: 'g-t', grant }, ctx({ id: 'system', role: 'system' })).then([given_(grant)]);
  });

  it('administrators revoke grants of organizations no longer known; bureau staff cannot place them and may not', () => {
    const grant: GrantSpec = { role: 'organization', organizationId: 'org-nowhere' };
    given(userDecider, [registered, given_(grant)]).when({ type: 'RevokeGrant', grantId: 'g-t', reason: '清理', organization: null }, ctx(actorOf('admin'))).then([
      { type: 'GrantRevoked', data: { userId: USER, grantId: 'g-t', reason: '清理', revokedAt: AT } },
    ]);
    given(userDecider, [registered, given_(grant)]).when({ type: 'RevokeGrant', grantId: 'g-t', reason: '清理', organization: null }, ctx(actorOf('bureau:city'))).thenThrows('forbidden');
  });

  it('organization admins create users only together with a grant for their own organization', () => {
    const register = { type: 'RegisterUser' as const, userId: USER, username: 'new.staff', displayName: '新同事', passwordHash: '$argon2id$hash', externalSubject: null };
    given(userDecider).when(register, ctx(actorOf('organization:admin'))).thenThrows('forbidden', /together with a grant/);
    given(userDecider).when(register, ctx(actorOf('hub:admin'))).thenThrows('forbidden', /together with a grant/);
    given(userDecider).when(register, ctx(actorOf('organization:staff'))).thenThrows('forbidden', /may not create users/);
    // Administrators and bureau staff may still create a user first and give grants afterwards.
    given(userDecider).when(register, ctx(actorOf('bureau:county'))).then([registered]);
    // A taken username is a conflict, after the grant was found acceptable.
    given(userDecider, [registered])
      .when({ ...register, initialGrant: { grantId: 'g-t', grant: { role: 'organization', organizationId: ORG_IN.organizationId } }, organization: ORG_IN }, ctx(actorOf('organization:admin')))
      .thenThrows('conflict', /taken/);
    // A malformed initial grant is invalid, and nothing is appended.
    given(userDecider).when({ ...register, initialGrant: { grantId: 'g-t', grant: { role: 'organization' } } }, ctx(actorOf('admin'))).thenThrows('invalid', /organizationId/);
  });
});
