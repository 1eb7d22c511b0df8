import { Module, OnModuleInit } from '@nestjs/common';
import { CqrsModule } from '@nestjs/cqrs';
import { ProjectionHost } from '@shecun/projections';
import { RegionsModule } from '@shecun/regions';
import { NEED_VIEW_ENTITIES, NeedsProjection } from './need.projection';
import { ExecuteNeedCommandHandler } from './needs.commands';
import { NeedsController, OrganizationCommitmentsController } from './needs.controller';
import { NeedsQueries } from './needs.queries';
import { NeedExpirySweeper } from './need-expiry.sweeper';

export { NEED_VIEW_ENTITIES };

@Module({
  imports: [CqrsModule, RegionsModule],
  controllers: [NeedsController, OrganizationCommitmentsController],
  providers: [ExecuteNeedCommandHandler, NeedsQueries, NeedsProjection, NeedExpirySweeper],
  exports: [NeedsQueries, NeedExpirySweeper],
})
export class NeedsModule implements OnModuleInit {
  constructor(
    private readonly projections: ProjectionHost,
    private readonly projection: NeedsProjection,
  ) {}

  onModuleInit(): void {
    this.projections.register(this.projection);
  }
}
