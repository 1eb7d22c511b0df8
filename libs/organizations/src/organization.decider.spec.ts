import { Actor, DecisionContext } from '@shecun/core';
import { given } from '@shecun/core/testing';
import { makeCreditCode } from './credit-code';
import { OrganizationCommand, organizationDecider } from './organization.decider';
import { OrganizationEvent } from './organization.events';

const now = new Date('2026-03-01T08:00:00.000Z');
const at = now.toISOString();
const bureau: Actor = { id: 'mzj-qy-01', role: 'bureau', scope: '4418' };
const provinceBureau: Actor = { id: 'mzt-01', role: 'bureau', scope: '44' };
const otherBureau: Actor = { id: 'mzj-mz-01', role: 'bureau', scope: '4414' };
const staff: Actor = { id: 'staff-01', role: 'organization', organizationId: 'org-qy-edu' };
const otherStaff: Actor = { id: 'staff-02', role: 'organization', organizationId: 'org-other' };
const ctx = (actor: Actor): DecisionContext => ({ actor, now });

const code = makeCreditCode('foundation', '441800', 17);
const profile = {
  categories: ['education', 'care'] as const,
  contact: { person: '办公室', phone: '0763-1234567' },
  memberUnits: [{ name: '清远市某教育科技有限公司' }],
  description: '助学帮教',
};
const register: OrganizationCommand = {
  type: 'RegisterOrganization', organizationId: 'org-qy-edu', creditCode: code, name: '清远市教育基金会', homeDivisionCode: '441802', hubKind: null,
  ...profile, categories: [...profile.categories],
};
const registered: OrganizationEvent = {
  type: 'OrganizationRegistered',
  data: {
    organizationId: 'org-qy-edu', creditCode: code, name: '清远市教育基金会', type: 'foundation', homeDivisionCode: '441802', hubKind: null,
    categories: ['education', 'care'], contact: { person: '办公室', phone: '0763-1234567' }, memberUnits: [{ name: '清远市某教育科技有限公司' }], description: '助学帮教',
    registeredAt: at,
  },
};
const listed: OrganizationEvent = { type: 'OrganizationListedAbnormal', data: { organizationId: 'org-qy-edu', reason: '未按规定报送年度工作报告', listedAt: at } };
const deregistered: OrganizationEvent = { type: 'OrganizationDeregistered', data: { organizationId: 'org-qy-edu', reason: '自行解散', deregisteredAt: at } };

describe('organization decider', () => {
  describe('RegisterOrganization', () => {
    it('registers with the type read from the credit code', () => {
      given(organizationDecider).when(register, ctx(bureau)).then([registered]);
      given(organizationDecider).when(register, ctx(provinceBureau)).then([registered]);
      given(organizationDecider).when(register, ctx({ id: 'system', role: 'system' })).then([registered]);
    });
    it('normalises a lower-case code and trims names', () => {
      const [event] = given(organizationDecider).when({ ...register, creditCode: code.toLowerCase(), name: ' 清远市教育基金会 ' }, ctx(bureau)).then([registered]);
      expect(event.data).toMatchObject({ creditCode: code });
    });
    it.each<[string, Actor]>([
      ['organization staff', staff],
      ['a coordinator', { id: 'c', role: 'coordinator', scope: '441802101201' }],
      ['an auditor', { id: 'a', role: 'auditor', scope: '44' }],
      ['an admin', { id: 'x', role: 'admin' }],
    ])('refuses %s', (_name, actor) => {
      given(organizationDecider).when(register, ctx(actor)).thenThrows('forbidden', 'only bureau staff');
    });
    it('refuses bureau staff of another city, or without a scope', () => {
      given(organizationDecider).when(register, ctx(otherBureau)).thenThrows('forbidden', 'outside your scope 4414');
      given(organizationDecider).when(register, ctx({ id: 'b', role: 'bureau' })).thenThrows('forbidden', 'outside your scope');
    });
    it('refuses an id registered before', () => {
      given(organizationDecider, [registered]).when(register, ctx(bureau)).thenThrows('conflict', 'already registered');
    });
    it('says which credit-code check failed', () => {
      const bad = code.slice(0, 17) + (code[17] === 'A' ? 'B' : 'A');
      const error = given(organizationDecider).when({ ...register, creditCode: bad }, ctx(bureau)).thenThrows('invalid', 'GB 32100');
      expect(error.details).toMatchObject({ field: 'creditCode', check: 'check-character' });
      given(organizationDecider).when({ ...register, creditCode: '9' + code.slice(1) }, ctx(bureau)).thenThrows('invalid', 'position 1');
      given(organizationDecider).when({ ...register, creditCode: code.slice(0, 16) + '00' }, ctx(bureau)).thenThrows('invalid', /GB 11714|GB 32100/);
    });
    it('validates name, categories, member units and the hub kind', () => {
      given(organizationDecider).when({ ...register, name: '  ' }, ctx(bureau)).thenThrows('invalid', 'name is required');
      given(organizationDecider).when({ ...register, categories: [] }, ctx(bureau)).thenThrows('invalid', 'at least one service field');
      given(organizationDecider).when({ ...register, categories: ['education', 'education'] }, ctx(bureau)).thenThrows('invalid', 'listed twice');
      given(organizationDecider).when({ ...register, categories: ['space' as never] }, ctx(bureau)).thenThrows('invalid', 'unknown assistance category');
      given(organizationDecider).when({ ...register, memberUnits: [{ name: 'A' }, { name: 'A' }] }, ctx(bureau)).thenThrows('invalid', 'member unit listed twice');
      given(organizationDecider).when({ ...register, memberUnits: [{ name: 'A', creditCode: '91440300XXXXXXXXXX' }] }, ctx(bureau)).thenThrows('invalid', '会员单位 A');
      given(organizationDecider).when({ ...register, hubKind: 'industry_association' }, ctx(bureau)).thenThrows('invalid', 'industry association is a social group');
      given(organizationDecider).when({ ...register, hubKind: 'king' as never }, ctx(bureau)).thenThrows('invalid', 'unknown hub kind');
    });
    it('registers an industry association that is a social group', () => {
      const association = makeCreditCode('social_group', '441800', 3);
      const [event] = given(organizationDecider).when({ ...register, creditCode: association, hubKind: 'industry_association' }, ctx(bureau)).then([
        { ...registered, data: { ...registered.data, creditCode: association, type: 'social_group', hubKind: 'industry_association' } } as OrganizationEvent,
      ]);
      expect(event.type).toBe('OrganizationRegistered');
    });
  });

  describe('UpdateProfile', () => {
    const update: OrganizationCommand = { type: 'UpdateProfile', categories: ['health'], contact: { phone: ' 020-1 ', email: '' }, memberUnits: [], description: '医疗援助' };
    it('lets the organization’s own staff update its profile', () => {
      given(organizationDecider, [registered]).when(update, ctx(staff)).then([
        { type: 'OrganizationProfileUpdated', data: { organizationId: 'org-qy-edu', categories: ['health'], contact: { phone: '020-1' }, memberUnits: [], description: '医疗援助', updatedAt: at } },
      ]);
      given(organizationDecider, [registered, listed]).when(update, ctx(staff)).then([expect.objectContaining({ type: 'OrganizationProfileUpdated' })]);
    });
    it('refuses others, unknown and deregistered organizations', () => {
      given(organizationDecider, [registered]).when(update, ctx(otherStaff)).thenThrows('forbidden', "organization's own staff");
      given(organizationDecider, [registered]).when(update, ctx(bureau)).thenThrows('forbidden', "organization's own staff");
      given(organizationDecider).when(update, ctx(staff)).thenThrows('not-found');
      given(organizationDecider, [registered, deregistered]).when(update, ctx(staff)).thenThrows('conflict', 'deregistered');
      given(organizationDecider, [registered]).when({ ...update, categories: [] }, ctx(staff)).thenThrows('invalid');
    });
  });

  describe('standing', () => {
    it('normal → abnormal → normal → deregistered', () => {
      given(organizationDecider, [registered]).when({ type: 'ListAbnormal', reason: ' 未按规定报送年度工作报告 ' }, ctx(bureau)).then([listed]);
      const restored: OrganizationEvent = { type: 'OrganizationStandingRestored', data: { organizationId: 'org-qy-edu', note: '已补报年报', restoredAt: at } };
      given(organizationDecider, [registered, listed]).when({ type: 'RestoreStanding', note: '已补报年报' }, ctx(bureau)).then([restored]);
      given(organizationDecider, [registered, listed, restored]).when({ type: 'Deregister', reason: '自行解散' }, ctx(bureau)).then([deregistered]);
      given(organizationDecider, [registered, listed]).when({ type: 'Deregister', reason: '自行解散' }, ctx(bureau)).then([deregistered]);
      const state = given(organizationDecider, [registered, listed, restored]).state;
      expect(state).toMatchObject({ standing: 'normal', standingReason: '已补报年报' });
    });
    it('refuses transitions that do not apply', () => {
      given(organizationDecider, [registered, listed]).when({ type: 'ListAbnormal', reason: 'x' }, ctx(bureau)).thenThrows('conflict', 'already listed');
      given(organizationDecider, [registered]).when({ type: 'RestoreStanding', note: 'x' }, ctx(bureau)).thenThrows('conflict', 'not listed');
      given(organizationDecider, [registered, deregistered]).when({ type: 'ListAbnormal', reason: 'x' }, ctx(bureau)).thenThrows('conflict', 'deregistered');
      given(organizationDecider, [registered, deregistered]).when({ type: 'RestoreStanding', note: 'x' }, ctx(bureau)).thenThrows('conflict', 'deregistered');
      given(organizationDecider, [registered, deregistered]).when({ type: 'Deregister', reason: 'x' }, ctx(bureau)).thenThrows('conflict', 'deregistered');
      given(organizationDecider).when({ type: 'ListAbnormal', reason: 'x' }, ctx(bureau)).thenThrows('not-found');
    });
    it('needs a reason and bureau staff within scope', () => {
      given(organizationDecider, [registered]).when({ type: 'ListAbnormal', reason: ' ' }, ctx(bureau)).thenThrows('invalid', 'reason');
      given(organizationDecider, [registered, listed]).when({ type: 'RestoreStanding', note: '' }, ctx(bureau)).thenThrows('invalid', 'note');
      given(organizationDecider, [registered]).when({ type: 'Deregister', reason: '' }, ctx(bureau)).thenThrows('invalid', 'reason');
      given(organizationDecider, [registered]).when({ type: 'ListAbnormal', reason: 'x' }, ctx(otherBureau)).thenThrows('forbidden', 'outside your scope');
      given(organizationDecider, [registered]).when({ type: 'ListAbnormal', reason: 'x' }, ctx(staff)).thenThrows('forbidden', 'only bureau staff');
      given(organizationDecider, [registered, listed]).when({ type: 'RestoreStanding', note: 'x' }, ctx(staff)).thenThrows('forbidden');
      given(organizationDecider, [registered]).when({ type: 'Deregister', reason: 'x' }, ctx(otherBureau)).thenThrows('forbidden');
    });
  });
});
