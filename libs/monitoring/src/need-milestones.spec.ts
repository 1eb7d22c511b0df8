import { acceptedQuantity, commitmentStatus, needDecider, NeedEvent, NeedState, needStatus } from '@shecun/needs';
import { foldMilestones, newMilestones, statusOf, teamCommitmentsOf } from './need-milestones';
import { chinaDate } from './periods';
import { SyntheticEvent, syntheticNeedEvents } from '@shecun/needs';

/** The generated histories, need by need (every event decided by the needs decider). */
function histories(needs: number, seed: number): Map<string, SyntheticEvent[]> {
  const out = new Map<string, SyntheticEvent[]>();
  for (const e of syntheticNeedEvents({ villages: ['441826105201', '441826105202', '441802006001', '441402100201'], needs, start: new Date('2025-01-01T00:00:00+08:00'), days: 120, seed, organizations: 50 })) {
    const list = out.get(e.stream) ?? [];
    list.push(e);
    out.set(e.stream, list);
  }
  return out;
}

describe('the monitoring fold of a need', () => {
  it('agrees with the needs decider on status, milestones and team commitments, event by event, over generated histories', () => {
    const all = histories(1500, 7);
    const seen = { matched: 0, fully: 0, fulfilled: 0, withdrawnAfterFull: 0, team: 0, teamDelivered: 0, expired: 0, withdrawn: 0 };
    for (const [, events] of all) {
      expect(events.map((e) => e.revision)).toEqual(events.map((_, i) => i)); // in stream order in the log
      let state: NeedState = needDecider.initialState;
      const m = newMilestones((events[0].data as { needId: string }).needId);
      let fullyCommittedAt: string | null = null;
      for (const e of events) {
        const event = { type: e.type, data: e.data } as NeedEvent;
        state = needDecider.evolve(state, event);
        foldMilestones(m, event);
        const covered = state.lifecycle === 'published' && state.fields.lineItems.every((li) => acceptedQuantity(state, li.id) >= li.quantity);
        if (covered && fullyCommittedAt === null) fullyCommittedAt = e.metadata.occurredAt;
        expect(statusOf(m)).toBe(needStatus(state));
      }
      expect(m).toMatchObject({
        villageCode: state.villageCode, title: state.fields.title, category: state.fields.category,
        publishedAt: state.publishedAt, firstAcceptedAt: state.firstAcceptedAt, fulfilledAt: state.fulfilledAt, fullyCommittedAt,
      });
      expect(m.publishedDate).toBe(state.publishedAt ? chinaDate(state.publishedAt) : null);
      const team = state.commitments.filter((c) => c.team && ['accepted', 'delivered'].includes(commitmentStatus(c)));
      expect(teamCommitmentsOf(m)).toEqual({ accepted: team.length, delivered: team.filter((c) => commitmentStatus(c) === 'delivered').length });
      seen.matched += m.firstAcceptedAt ? 1 : 0;
      seen.fully += m.fullyCommittedAt ? 1 : 0;
      seen.fulfilled += m.fulfilledAt ? 1 : 0;
      seen.withdrawnAfterFull += m.fullyCommittedAt && needStatus(state) === 'partially_committed' ? 1 : 0;
      seen.team += team.length;
      seen.teamDelivered += team.filter((c) => commitmentStatus(c) === 'delivered').length;
      seen.expired += state.lifecycle === 'expired' ? 1 : 0;
      seen.withdrawn += state.lifecycle === 'withdrawn' ? 1 : 0;
    }
    // The generated histories take every path the figures depend on.
    for (const [path, count] of Object.entries(seen)) expect([path, count > 0]).toEqual([path, true]);
  });
});
