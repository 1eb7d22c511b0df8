import { Injectable } from '@nestjs/common';
import { MatchingService } from '@shecun/matching';
import { PushCandidate, PushNeed, PushTargeting } from './push.model';

/** How many of the best-ranked organizations a need is offered to before preferences filter them. */
export const PUSH_CANDIDATES = 500;

/** Targeting by the matching context's ranking (libs/matching): score 0-100 with each factor's reason. */
@Injectable()
export class MatchingPushTargeting implements PushTargeting {
  readonly projections = ['matching'];

  constructor(private readonly matching: MatchingService) {}

  async candidatesFor(need: PushNeed): Promise<PushCandidate[]> {
    const ranked = (await this.matching.rankCandidates(need.needId, PUSH_CANDIDATES)) ?? [];
    return ranked.map((r) => ({
      organizationId: r.organization.id,
      score: Math.round(r.score),
      reasons: Object.values(r.factors).filter((f) => f.points > 0).map((f) => f.reason),
    }));
  }
}
