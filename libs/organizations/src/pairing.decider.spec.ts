import { Actor, DecisionContext } from '@shecun/core';
import { given } from '@shecun/core/testing';
import { keyAreaDecider, PairingCommand, pairingDecider, PairingEvent } from './pairing.decider';

const now = new Date('2026-03-01T08:00:00.000Z');
const at = now.toISOString();
const ctx = (actor: Actor): DecisionContext => ({ actor, now });
const VILLAGE = '441826105201';
const ID = `org-a:${VILLAGE}`;
const staff: Actor = { id: 's', role: 'organization', organizationId: 'org-a' };
const bureau: Actor = { id: 'b', role: 'bureau', scope: '4418' };
const farBureau: Actor = { id: 'b2', role: 'bureau', scope: '4414' };
const system: Actor = { id: 'system', role: 'system' };
const good = { exists: true, standing: 'normal' as const, name: '甲协会' };
const propose = (over: Partial<Extract<PairingCommand, { type: 'ProposePairing' }>> = {}): PairingCommand => ({
  type: 'ProposePairing', organizationId: 'org-a', targetCode: VILLAGE, startDate: '2026-03-01', endDate: '2028-02-28', categories: ['education'], note: '', organization: good, ...over,
});
const proposed = (term = 1): PairingEvent => ({
  type: 'PairingProposed',
  data: { pairingId: ID, term, organizationId: 'org-a', organizationName: '甲协会', targetCode: VILLAGE, targetLevel: 'village', startDate: '2026-03-01', endDate: '2028-02-28', categories: ['education'], note: '', proposedAt: at },
});
const confirmed = (term = 1): PairingEvent => ({ type: 'PairingConfirmed', data: { pairingId: ID, term, confirmedAt: at } });
const ended = (term = 1): PairingEvent => ({ type: 'PairingEnded', data: { pairingId: ID, term, reason: '项目完成', endedAt: at } });

describe('pairing decider', () => {
  it('proposed by the organization or by the bureau within scope', () => {
    given(pairingDecider).when(propose(), ctx(staff)).then([proposed()]);
    given(pairingDecider).when(propose(), ctx(bureau)).then([proposed()]);
    given(pairingDecider).when(propose({ targetCode: '441826105' }), ctx(staff)).then([
      expect.objectContaining({ data: expect.objectContaining({ targetLevel: 'town', pairingId: 'org-a:441826105' }) }) as PairingEvent,
    ]);
  });
  it('refuses others, out-of-scope bureau staff, unregistered or abnormal organizations', () => {
    given(pairingDecider).when(propose(), ctx({ id: 'x', role: 'organization', organizationId: 'org-b' })).thenThrows('forbidden', 'own staff or bureau');
    given(pairingDecider).when(propose(), ctx({ id: 'c', role: 'coordinator', scope: VILLAGE })).thenThrows('forbidden');
    given(pairingDecider).when(propose(), ctx(farBureau)).thenThrows('forbidden', 'outside your scope');
    given(pairingDecider).when(propose({ organization: { ...good, exists: false } }), ctx(staff)).thenThrows('not-found', 'not registered');
    given(pairingDecider).when(propose({ organization: { ...good, standing: 'abnormal' } }), ctx(staff)).thenThrows('forbidden', 'may not hold new pairings');
    given(pairingDecider).when(propose({ organization: { ...good, standing: 'deregistered' } }), ctx(staff)).thenThrows('forbidden', 'may not hold new pairings');
  });
  it('validates the term and categories', () => {
    given(pairingDecider).when(propose({ endDate: '2026-03-01' }), ctx(staff)).thenThrows('invalid', 'after startDate');
    given(pairingDecider).when(propose({ startDate: '2025-01-01', endDate: '2026-02-01' }), ctx(staff)).thenThrows('invalid', 'already ended');
    given(pairingDecider).when(propose({ startDate: '2026-02-30' }), ctx(staff)).thenThrows('invalid', 'YYYY-MM-DD');
    given(pairingDecider).when(propose({ categories: [] }), ctx(staff)).thenThrows('invalid', 'focus category');
    given(pairingDecider).when(propose({ categories: ['care', 'care'] }), ctx(staff)).thenThrows('invalid', 'twice');
  });
  it('keeps one proposed or active pairing per organization and target; a new term after the end', () => {
    given(pairingDecider, [proposed()]).when(propose(), ctx(staff)).thenThrows('conflict', 'already has a proposed pairing');
    given(pairingDecider, [proposed(), confirmed()]).when(propose(), ctx(staff)).thenThrows('conflict', 'already has an active pairing');
    given(pairingDecider, [proposed(), confirmed(), ended()]).when(propose(), ctx(staff)).then([proposed(2)]);
  });
  it('confirmed or declined by bureau staff within scope', () => {
    given(pairingDecider, [proposed()]).when({ type: 'ConfirmPairing' }, ctx(bureau)).then([confirmed()]);
    given(pairingDecider, [proposed()]).when({ type: 'DeclinePairing', reason: '重复' }, ctx(bureau)).then([
      { type: 'PairingDeclined', data: { pairingId: ID, term: 1, reason: '重复', declinedAt: at } },
    ]);
    given(pairingDecider, [proposed()]).when({ type: 'ConfirmPairing' }, ctx(staff)).thenThrows('forbidden', 'only bureau staff');
    given(pairingDecider, [proposed()]).when({ type: 'ConfirmPairing' }, ctx(farBureau)).thenThrows('forbidden', 'outside your scope');
    given(pairingDecider, [proposed(), confirmed()]).when({ type: 'ConfirmPairing' }, ctx(bureau)).thenThrows('conflict', 'only a proposed');
    given(pairingDecider, [proposed()]).when({ type: 'DeclinePairing', reason: ' ' }, ctx(bureau)).thenThrows('invalid', 'reason');
    given(pairingDecider).when({ type: 'ConfirmPairing' }, ctx(bureau)).thenThrows('not-found');
  });
  it('ended by the organization or the bureau, with a reason', () => {
    given(pairingDecider, [proposed(), confirmed()]).when({ type: 'EndPairing', reason: '项目完成' }, ctx(staff)).then([ended()]);
    given(pairingDecider, [proposed(), confirmed()]).when({ type: 'EndPairing', reason: '项目完成' }, ctx(bureau)).then([ended()]);
    given(pairingDecider, [proposed(), confirmed()]).when({ type: 'EndPairing', reason: '' }, ctx(staff)).thenThrows('invalid');
    given(pairingDecider, [proposed(), confirmed()]).when({ type: 'EndPairing', reason: 'x' }, ctx(farBureau)).thenThrows('forbidden');
    given(pairingDecider, [proposed()]).when({ type: 'EndPairing', reason: 'x' }, ctx(staff)).thenThrows('conflict', 'only an active');
  });
  it('expires at term end, by the platform only', () => {
    const late = { actor: system, now: new Date('2028-03-01T00:00:00Z') };
    given(pairingDecider, [proposed(), confirmed()]).when({ type: 'ExpirePairing' }, late).then([
      { type: 'PairingExpired', data: { pairingId: ID, term: 1, expiredAt: late.now.toISOString() } },
    ]);
    given(pairingDecider, [proposed(), confirmed()]).when({ type: 'ExpirePairing' }, ctx(system)).thenThrows('conflict', 'not ended yet');
    given(pairingDecider, [proposed(), confirmed()]).when({ type: 'ExpirePairing' }, { ...late, actor: bureau }).thenThrows('forbidden');
  });
  it('key towns and villages are designated once, by bureau staff within scope', () => {
    given(keyAreaDecider).when({ type: 'DesignateKeyArea', code: VILLAGE, note: '' }, ctx(bureau)).then([
      { type: 'KeyAreaDesignated', data: { code: VILLAGE, level: 'village', note: '', designatedAt: at } },
    ]);
    given(keyAreaDecider, [{ type: 'KeyAreaDesignated', data: { code: VILLAGE, level: 'village', note: '', designatedAt: at } }])
      .when({ type: 'DesignateKeyArea', code: VILLAGE, note: '' }, ctx(bureau)).thenThrows('conflict');
    given(keyAreaDecider).when({ type: 'DesignateKeyArea', code: VILLAGE, note: '' }, ctx(farBureau)).thenThrows('forbidden');
    given(keyAreaDecider).when({ type: 'DesignateKeyArea', code: VILLAGE, note: '' }, ctx(staff)).thenThrows('forbidden');
  });
});
