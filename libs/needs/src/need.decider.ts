/**
 * The needs decider: a need's lifecycle and its commitments, decided on the need's stream. The
 * rooms: need.state.ts (commands, state, statuses), need.rules.ts (the checks),
 * need.decide-lifecycle.ts and need.decide-commitments.ts (the decisions by command family),
 * need.evolve.ts (the fold).
 */
import { Decider, DecisionContext, notFound } from '@shecun/core';
import { NeedEvent } from './need.events';
import { NeedCommand, NeedState, initialNeedState } from './need.state';
import { COORDINATOR, COORDINATOR_COMMANDS, requireRole, requireNeed, canSeeNeed, requireScope } from './need.rules';
import { decideNeedLifecycle } from './need.decide-lifecycle';
import { decideCommitments } from './need.decide-commitments';
import { evolveNeed } from './need.evolve';

export * from './need.state';
export { canSeeNeed } from './need.rules';

function decide(command: NeedCommand, state: NeedState, { actor, now }: DecisionContext): NeedEvent[] {
  const at = now.toISOString();
  const needId = state.id;
  if (command.type !== 'DraftNeed') {
    requireNeed(state);
    // A need the actor may not see does not exist for them.
    if (!canSeeNeed(actor, state)) throw notFound('需求不存在 (need not found)');
    if (COORDINATOR_COMMANDS.has(command.type)) {
      requireRole(actor, command.type === 'ExpireNeed' ? ['system', 'coordinator'] : COORDINATOR, COORDINATOR_COMMANDS.get(command.type)!);
      requireScope(actor, state.villageCode);
    }
  }
  const decision = { actor, now, at, needId };
  switch (command.type) {
    case 'DraftNeed':
    case 'PublishNeed':
    case 'ReviseNeed':
    case 'WithdrawNeed':
    case 'ExpireNeed':
    case 'FulfilNeed':
    case 'CloseNeed':
      return decideNeedLifecycle(command, state, decision);
    default:
      return decideCommitments(command, state, decision);
  }
}

export const needDecider: Decider<NeedCommand, NeedState, NeedEvent> = {
  initialState: initialNeedState,
  decide,
  evolve: evolveNeed,
  /** A revision is a person's edit of the need they read: refused after a concurrent append, never re-decided. */
  commutes: (command) => command.type !== 'ReviseNeed',
};
