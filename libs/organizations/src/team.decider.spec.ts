import { Actor, DecisionContext } from '@shecun/core';
import { given } from '@shecun/core/testing';
import { committedShares, TeamCommand, teamDecider, TeamEvent } from './team.decider';

const now = new Date('2026-03-01T08:00:00.000Z');
const at = now.toISOString();
const ctx = (actor: Actor): DecisionContext => ({ actor, now });
const TEAM = 'team-1';
const hubAdmin: Actor = { id: 'h', role: 'hub', organizationId: 'org-hub' };
const hubStaff: Actor = { id: 'hs', role: 'organization', organizationId: 'org-hub' };
const otherHub: Actor = { id: 'h2', role: 'hub', organizationId: 'org-hub-2' };
const bStaff: Actor = { id: 'b', role: 'organization', organizationId: 'org-b' };
const bHub: Actor = { id: 'bh', role: 'hub', organizationId: 'org-b' };
const cStaff: Actor = { id: 'c', role: 'organization', organizationId: 'org-c' };
const bureau: Actor = { id: 'x', role: 'bureau', scope: '44' };
const hubOrg = { exists: true, standing: 'normal' as const, name: '广州市社会组织联合会', hubKind: 'hub' as const };
const plainOrg = (name = '乙协会') => ({ exists: true, standing: 'normal' as const, name, hubKind: null });

const form = (over: Partial<Extract<TeamCommand, { type: 'FormTeam' }>> = {}): TeamCommand => ({
  type: 'FormTeam', teamId: TEAM, leadOrganizationId: 'org-hub', targetCode: '441826105', title: ' 三排镇教育组团 ', description: '', categories: ['education'],
  targetNeedIds: ['need-1'], leadShare: 20, lead: hubOrg, ...over,
});
const formed: TeamEvent = {
  type: 'TeamFormed',
  data: {
    teamId: TEAM, leadOrganizationId: 'org-hub', leadOrganizationName: '广州市社会组织联合会', leadHubKind: 'hub', leadShare: 20, targetCode: '441826105',
    title: '三排镇教育组团', description: '', categories: ['education'], targetNeedIds: ['need-1'], formedAt: at,
  },
};
const invite = (organizationId = 'org-b', share = 50, over: Partial<Extract<TeamCommand, { type: 'InviteToTeam' }>> = {}): TeamCommand => ({
  type: 'InviteToTeam', organizationId, role: 'implementing', share, note: '', organization: plainOrg(), ...over,
});
const invited = (organizationId = 'org-b', share = 50): TeamEvent => ({
  type: 'TeamInvitationSent', data: { teamId: TEAM, organizationId, organizationName: '乙协会', role: 'implementing', share, note: '', invitedAt: at },
});
const accepted = (organizationId = 'org-b', share = 50): TeamEvent => ({
  type: 'TeamInvitationAccepted', data: { teamId: TEAM, organizationId, organizationName: '乙协会', role: 'implementing', share, acceptedAt: at },
});
const declined = (organizationId = 'org-b'): TeamEvent => ({ type: 'TeamInvitationDeclined', data: { teamId: TEAM, organizationId, reason: '人手不足', declinedAt: at } });
const dissolved: TeamEvent = { type: 'TeamDissolved', data: { teamId: TEAM, reason: '项目取消', dissolvedAt: at } };

describe('team decider', () => {
  it('is formed by a hub or industry association’s admin for their own organization; the lead is its first member', () => {
    given(teamDecider).when(form(), ctx(hubAdmin)).then([formed]);
    given(teamDecider).when(form({ lead: { ...hubOrg, hubKind: 'industry_association' } }), ctx(hubAdmin)).then([
      { ...formed, data: { ...formed.data, leadHubKind: 'industry_association' } } as TeamEvent,
    ]);
    const state = given(teamDecider, [formed]).state;
    expect(state.members).toEqual([expect.objectContaining({ organizationId: 'org-hub', role: 'lead', status: 'member', share: 20 })]);
    expect(state.status).toBe('active');
  });
  it('refuses others, organizations that are not hubs, and hubs not in good standing', () => {
    given(teamDecider).when(form(), ctx(hubStaff)).thenThrows('forbidden', 'only a hub or industry association’s admin');
    given(teamDecider).when(form(), ctx(otherHub)).thenThrows('forbidden', 'for their own organization');
    given(teamDecider).when(form(), ctx(bureau)).thenThrows('forbidden');
    given(teamDecider).when(form({ lead: { ...hubOrg, hubKind: null } }), ctx(hubAdmin)).thenThrows('forbidden', 'only hubs and industry associations lead teams');
    given(teamDecider).when(form({ lead: { ...hubOrg, standing: 'abnormal' } }), ctx(hubAdmin)).thenThrows('forbidden', 'listed as abnormal');
    given(teamDecider).when(form({ lead: { ...hubOrg, standing: 'deregistered' } }), ctx(hubAdmin)).thenThrows('forbidden', 'deregistered');
    given(teamDecider).when(form({ lead: { ...hubOrg, exists: false } }), ctx(hubAdmin)).thenThrows('not-found', 'not registered');
  });
  it('validates title, categories, target needs and the lead’s share; an id is used once', () => {
    given(teamDecider).when(form({ title: ' ' }), ctx(hubAdmin)).thenThrows('invalid', 'title');
    given(teamDecider).when(form({ categories: [] }), ctx(hubAdmin)).thenThrows('invalid', 'at least one category');
    given(teamDecider).when(form({ categories: ['care', 'care'] }), ctx(hubAdmin)).thenThrows('invalid', 'twice');
    given(teamDecider).when(form({ targetNeedIds: ['n', 'n'] }), ctx(hubAdmin)).thenThrows('invalid', 'target need');
    given(teamDecider).when(form({ leadShare: 101 }), ctx(hubAdmin)).thenThrows('invalid', '0–100');
    given(teamDecider).when(form({ leadShare: 2.5 }), ctx(hubAdmin)).thenThrows('invalid', '0–100');
    given(teamDecider, [formed]).when(form(), ctx(hubAdmin)).thenThrows('conflict', 'already exists');
  });
  it('invites organizations in good standing, by the lead hub’s admin, with a role and a share', () => {
    given(teamDecider, [formed]).when(invite(), ctx(hubAdmin)).then([invited()]);
    given(teamDecider, [formed]).when(invite('org-b', 50, { role: 'funding' }), ctx(hubAdmin)).then([
      { ...invited(), data: { ...invited().data, role: 'funding' } } as TeamEvent,
    ]);
    given(teamDecider, [formed]).when(invite(), ctx(hubStaff)).thenThrows('forbidden', 'only the lead hub’s admin');
    given(teamDecider, [formed]).when(invite(), ctx(otherHub)).thenThrows('forbidden');
    given(teamDecider, [formed]).when(invite('org-b', 50, { organization: { ...plainOrg(), standing: 'abnormal' } }), ctx(hubAdmin)).thenThrows('forbidden', 'may not join teams');
    given(teamDecider, [formed]).when(invite('org-b', 50, { organization: { ...plainOrg(), exists: false } }), ctx(hubAdmin)).thenThrows('not-found');
    given(teamDecider, [formed]).when(invite('org-b', 50, { role: 'lead' as never }), ctx(hubAdmin)).thenThrows('invalid', 'implementing or funding');
    given(teamDecider).when(invite(), ctx(hubAdmin)).thenThrows('not-found', 'team not found');
  });
  it('keeps shares at or below 100% and one open invitation or membership per organization', () => {
    given(teamDecider, [formed, invited('org-b', 50)]).when(invite('org-c', 31), ctx(hubAdmin)).thenThrows('invalid', 'add up to 101%');
    given(teamDecider, [formed, invited('org-b', 50)]).when(invite('org-c', 30), ctx(hubAdmin)).then([{ ...invited('org-c', 30) }]);
    given(teamDecider, [formed, invited('org-b', 50), declined()]).when(invite('org-c', 80), ctx(hubAdmin)).then([invited('org-c', 80)]);
    expect(committedShares(given(teamDecider, [formed, invited('org-b', 50), declined()]).state)).toBe(20);
    given(teamDecider, [formed, invited()]).when(invite(), ctx(hubAdmin)).thenThrows('conflict', 'already invited');
    given(teamDecider, [formed, invited(), accepted()]).when(invite(), ctx(hubAdmin)).thenThrows('conflict', 'already a member');
    given(teamDecider, [formed, invited(), declined()]).when(invite(), ctx(hubAdmin)).then([invited()]);
    given(teamDecider, [formed]).when(invite('org-hub'), ctx(hubAdmin)).thenThrows('conflict', 'lead organization');
    given(teamDecider, [formed]).when(invite('org-b', -1), ctx(hubAdmin)).thenThrows('invalid', '0–100');
    given(teamDecider, [formed]).when(invite('org-b', 0), ctx(hubAdmin)).thenThrows('invalid', '至少为 1%');
    given(teamDecider, [formed]).when(invite('org-b', 1), ctx(hubAdmin)).then([invited('org-b', 1)]);
  });
  it('invitees’ own staff accept (in good standing at that moment) or decline', () => {
    given(teamDecider, [formed, invited()]).when({ type: 'AcceptTeamInvitation', organizationId: 'org-b', organization: plainOrg() }, ctx(bStaff)).then([accepted()]);
    given(teamDecider, [formed, invited()]).when({ type: 'AcceptTeamInvitation', organizationId: 'org-b', organization: plainOrg() }, ctx(bHub)).then([accepted()]);
    given(teamDecider, [formed, invited()]).when({ type: 'DeclineTeamInvitation', organizationId: 'org-b', reason: ' 人手不足 ' }, ctx(bStaff)).then([declined()]);
    given(teamDecider, [formed, invited()]).when({ type: 'AcceptTeamInvitation', organizationId: 'org-b', organization: plainOrg() }, ctx(cStaff)).thenThrows('forbidden', 'invited organization’s own staff');
    given(teamDecider, [formed, invited()]).when({ type: 'AcceptTeamInvitation', organizationId: 'org-b', organization: plainOrg() }, ctx(hubAdmin)).thenThrows('forbidden');
    given(teamDecider, [formed, invited()])
      .when({ type: 'AcceptTeamInvitation', organizationId: 'org-b', organization: { ...plainOrg(), standing: 'abnormal' } }, ctx(bStaff))
      .thenThrows('forbidden', 'listed as abnormal');
    given(teamDecider, [formed]).when({ type: 'AcceptTeamInvitation', organizationId: 'org-b', organization: plainOrg() }, ctx(bStaff)).thenThrows('not-found', 'no open invitation');
    given(teamDecider, [formed, invited(), accepted()]).when({ type: 'DeclineTeamInvitation', organizationId: 'org-b', reason: '' }, ctx(bStaff)).thenThrows('not-found');
    given(teamDecider, [formed, invited(), dissolved]).when({ type: 'AcceptTeamInvitation', organizationId: 'org-b', organization: plainOrg() }, ctx(bStaff)).thenThrows('conflict', 'lapsed');
    const state = given(teamDecider, [formed, invited(), accepted()]).state;
    expect(state.members[1]).toEqual(expect.objectContaining({ organizationId: 'org-b', status: 'member', role: 'implementing', share: 50, joinedAt: at }));
  });
  it('completes or dissolves (with a reason), by the lead hub’s admin, once', () => {
    given(teamDecider, [formed]).when({ type: 'CompleteTeam', note: '项目验收' }, ctx(hubAdmin)).then([{ type: 'TeamCompleted', data: { teamId: TEAM, note: '项目验收', completedAt: at } }]);
    given(teamDecider, [formed]).when({ type: 'DissolveTeam', reason: '项目取消' }, ctx(hubAdmin)).then([dissolved]);
    given(teamDecider, [formed]).when({ type: 'DissolveTeam', reason: ' ' }, ctx(hubAdmin)).thenThrows('invalid', 'reason');
    given(teamDecider, [formed]).when({ type: 'CompleteTeam', note: '' }, ctx(bStaff)).thenThrows('forbidden');
    given(teamDecider, [formed, invited(), accepted()]).when({ type: 'DissolveTeam', reason: 'x' }, ctx(bHub)).thenThrows('forbidden', 'lead hub');
    given(teamDecider, [formed, dissolved]).when({ type: 'CompleteTeam', note: '' }, ctx(hubAdmin)).thenThrows('conflict', 'dissolved');
    given(teamDecider, [formed, dissolved]).when({ type: 'DissolveTeam', reason: 'x' }, ctx(hubAdmin)).thenThrows('conflict');
    given(teamDecider, [formed, dissolved]).when(invite(), ctx(hubAdmin)).thenThrows('conflict', 'no more invitations');
    expect(given(teamDecider, [formed, dissolved]).state).toEqual(expect.objectContaining({ status: 'dissolved', closeReason: '项目取消', closedAt: at }));
  });
});
