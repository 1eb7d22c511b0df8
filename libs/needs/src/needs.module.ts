import { Module, OnModuleInit } from '@nestjs/common';
import { CqrsModule } from '@nestjs/cqrs';
import { ProjectionHost } from '@shecun/projections';
import { RegionsModule } from '@shecun/regions';
import { NeedExpirySweeper } from './need-expiry.sweeper';
import { NEED_VIEW_ENTITIES, NeedsProjection } from './need.projection';
import { ExecuteNeedCommandHandler } from './needs.commands';
import { CommitmentsQueryController, NeedsCommandController, NeedsQueryController, OrganizationCommitmentsController } from './needs.controller';
import { NeedsQueries } from './needs.queries';
import { NEEDS_STANDING_ENTITIES, NeedsStandingsModule } from './organization-standings';

export { NEED_VIEW_ENTITIES, NEEDS_STANDING_ENTITIES };

/**
 * Write side: command routes and the handler (needs EVENT_STORE), with the organization standings
 * view it decides on (needs a DataSource with NEEDS_STANDING_ENTITIES and a ProjectionHost).
 */
@Module({
  imports: [CqrsModule, RegionsModule, NeedsStandingsModule],
  controllers: [NeedsCommandController],
  providers: [ExecuteNeedCommandHandler],
  exports: [CqrsModule],
})
export class NeedsCommandsModule {}

/** Read side: query routes over the read models (needs a TypeORM DataSource and EVENT_STORE for history). */
@Module({
  controllers: [NeedsQueryController, OrganizationCommitmentsController, CommitmentsQueryController],
  providers: [NeedsQueries],
  exports: [NeedsQueries],
})
export class NeedsQueriesModule {}

/** The needs projection, registered with the in-process projection host. */
@Module({
  providers: [NeedsProjection],
  exports: [NeedsProjection],
})
export class NeedsProjectionModule implements OnModuleInit {
  constructor(
    private readonly projections: ProjectionHost,
    private readonly projection: NeedsProjection,
  ) {}

  onModuleInit(): void {
    this.projections.register(this.projection);
  }
}

/** The whole needs context in one process (the embedded topology). */
@Module({
  imports: [NeedsCommandsModule, NeedsQueriesModule, NeedsProjectionModule],
  providers: [NeedExpirySweeper],
  exports: [NeedsQueriesModule, NeedExpirySweeper],
})
export class NeedsModule {}
