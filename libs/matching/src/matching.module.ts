import { DynamicModule, Module, OnModuleInit } from '@nestjs/common';
import { ProjectionHost } from '@shecun/projections';
import { RegionsModule } from '@shecun/regions';
import { MatchingController } from './matching.controller';
import { MATCHING_VIEW_ENTITIES, MatchingProjection } from './matching.projection';
import { MATCHING_CHANGE_FEED, MatchingChangeFeed, MatchingService } from './matching.service';

export { MATCHING_VIEW_ENTITIES };

/** Ranking and team suggestions over the matching read model (needs a DataSource with MATCHING_VIEW_ENTITIES). */
@Module({
  imports: [RegionsModule],
  controllers: [MatchingController],
  providers: [MatchingService],
  exports: [MatchingService],
})
export class MatchingQueriesModule {
  /** The queries over tables that SequencedMatchingProjection writes (the distributed projector). */
  static withChangeCounter(): DynamicModule {
    return { module: MatchingQueriesModule, providers: [{ provide: MATCHING_CHANGE_FEED, useValue: 'counter' satisfies MatchingChangeFeed }] };
  }
}

/** The matching projection, registered with the in-process projection host. */
@Module({ providers: [MatchingProjection], exports: [MatchingProjection] })
export class MatchingProjectionModule implements OnModuleInit {
  constructor(
    private readonly projections: ProjectionHost,
    private readonly projection: MatchingProjection,
  ) {}

  onModuleInit(): void {
    this.projections.register(this.projection);
  }
}

/** The matching context in one process (the embedded topology). */
@Module({
  imports: [MatchingQueriesModule, MatchingProjectionModule],
  exports: [MatchingQueriesModule],
})
export class MatchingModule {}
