import { Actor } from '@shecun/core';
import { given } from '@shecun/core/testing';
import { needDecider } from './need.decider';
import {
  auditor,
  bureau,
  ctx,
  drafted,
  EDU,
  fulfilled,
  L,
  NEED_ID,
  offered,
  OPEN,
  VILLAGE,
} from './testing/need.decider.fixtures';

// The needs decider's scope rules (need.rules.ts): whom a need is visible to, and who may act on it.
// Fixtures: testing/need.decider.fixtures.ts.

describe('scopes', () => {
  const elsewhere: Actor = { id: 'coord-other-town', role: 'coordinator', scope: '441826106' };
  const guangzhouBureau: Actor = { id: 'bureau-gz', role: 'bureau', scope: '4401' };

  it('a coordinator posts needs only for villages within their scope', () => {
    given(needDecider)
      .when({ type: 'DraftNeed', needId: NEED_ID, villageCode: VILLAGE, title: '课桌椅', description: '', category: 'education', lineItems: [{ kind: 'funds', description: '资金', quantity: 100 }], dueDate: null, autoAccept: false, publish: false }, ctx(elsewhere))
      .thenThrows('forbidden', /outside your scope/);
  });

  it("another town's coordinator cannot see a draft (not-found) nor act on a published need (forbidden)", () => {
    given(needDecider, [drafted()]).when({ type: 'PublishNeed' }, ctx(elsewhere)).thenThrows('not-found');
    given(needDecider, OPEN).when({ type: 'WithdrawNeed', reason: '另有安排' }, ctx(elsewhere)).thenThrows('forbidden', /outside your scope/);
    given(needDecider, [...OPEN, offered('c1', EDU, [L('L1', 100)])]).when({ type: 'AcceptCommitment', commitmentId: 'c1' }, ctx(elsewhere)).thenThrows('forbidden');
  });

  it('bureau staff and auditors in scope see drafts; bureau staff close only needs within their scope', () => {
    given(needDecider, [drafted()]).when({ type: 'PublishNeed' }, ctx(bureau)).thenThrows('forbidden');
    given(needDecider, [drafted()]).when({ type: 'PublishNeed' }, ctx(auditor)).thenThrows('forbidden');
    given(needDecider, [drafted()]).when({ type: 'PublishNeed' }, ctx(guangzhouBureau)).thenThrows('not-found');
    given(needDecider, [...OPEN, fulfilled()]).when({ type: 'CloseNeed', note: '' }, ctx(guangzhouBureau)).thenThrows('forbidden', /outside your scope/);
  });
});
