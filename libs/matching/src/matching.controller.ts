import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiHeader, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Actor, CurrentActor, MIN_POSITION_HEADER } from '@shecun/core';
import { CandidatesQuery, MatchingIdParam, RecommendedNeedsQuery, TeamSuggestionDto } from './matching.dto';
import { MatchingService } from './matching.service';

/** Matching (供需对接): ranked candidates for a need, recommended needs for an organization, team suggestions. */
@ApiTags('matching 供需对接')
@Controller('api')
export class MatchingController {
  constructor(private readonly matching: MatchingService) {}

  @Get('needs/:id/candidates')
  @ApiOperation({
    summary:
      '候选组织 Organizations in normal standing ranked for an open need, with the points and reason of each factor (service field, proximity, pairing, capacity, reliability, team); the need’s coordinators, bureau staff and auditors within scope, admins',
  })
  @ApiHeader(MIN_POSITION_HEADER)
  async candidates(@Param() { id }: MatchingIdParam, @Query() query: CandidatesQuery, @CurrentActor() actor: Actor) {
    return this.matching.candidates(id, actor, query.limit);
  }

  @Get('organizations/:id/recommended-needs')
  @ApiOperation({
    summary:
      '推荐需求 Open needs ranked for an organization by score plus fairness (long-waiting and unpaired villages rise), with reasons; the organization’s own staff and hub admins, bureau staff whose scope holds its home division, admins',
  })
  @ApiHeader(MIN_POSITION_HEADER)
  async recommended(@Param() { id }: MatchingIdParam, @Query() query: RecommendedNeedsQuery, @CurrentActor() actor: Actor) {
    return this.matching.recommendedNeeds(id, actor, query);
  }

  @Post('teams/suggestions')
  @HttpCode(200)
  @ApiOperation({
    summary:
      '组团建议 Which organizations a hub should invite and which line items each should take, to cover the most of the needs with the fewest invitations (integer programme; greedy with its bound as fallback). Appends nothing; the hub’s admins, bureau staff whose scope holds its home division, admins',
  })
  suggest(@Body() body: TeamSuggestionDto, @CurrentActor() actor: Actor) {
    return this.matching.suggestTeam(body, actor);
  }
}
