import { NEEDS_TOPIC } from '@shecun/needs';
import { ORGANIZATIONS_TOPIC } from '@shecun/organizations';
import { ContextDefinition } from '@shecun/projections';
import { MatchingModule, MatchingQueriesModule } from './matching.module';
import { MATCHING_VIEW_ENTITIES, MatchingChangeCounter, SequencedMatchingProjection } from './matching.projection';

/** Matching (供需对接): candidates, recommended needs, team suggestions. Writes no streams. */
export const matchingContext: ContextDefinition = {
  name: 'matching',
  streams: {},
  events: {},
  embedded: { module: () => MatchingModule, entities: MATCHING_VIEW_ENTITIES },
  distributed: {
    // Organizations, pairings, teams and needs; rows stamped by the change counter (positions arrive out of order across partitions).
    feeds: [{ topics: [ORGANIZATIONS_TOPIC, NEEDS_TOPIC], create: () => new SequencedMatchingProjection() }],
    entities: [...MATCHING_VIEW_ENTITIES, MatchingChangeCounter],
    gateway: () => [MatchingQueriesModule.withChangeCounter()],
  },
};
