import { Module, OnModuleInit } from '@nestjs/common';
import { CqrsModule } from '@nestjs/cqrs';
import { ProjectionHost } from '@shecun/projections';
import { RegionsModule } from '@shecun/regions';
import { ORGANIZATION_VIEW_ENTITIES, OrganizationsProjection } from './organization.projection';
import { ExecuteOrganizationCommandHandler } from './organizations.commands';
import { OrganizationsCommandController, OrganizationsQueryController } from './organizations.controller';
import { OrganizationsQueries } from './organizations.queries';

export { ORGANIZATION_VIEW_ENTITIES };

/** The organizations context in one process: registry commands, directory queries and projection. */
@Module({
  imports: [CqrsModule, RegionsModule],
  controllers: [OrganizationsCommandController, OrganizationsQueryController],
  providers: [ExecuteOrganizationCommandHandler, OrganizationsQueries, OrganizationsProjection],
  exports: [OrganizationsQueries],
})
export class OrganizationsModule implements OnModuleInit {
  constructor(
    private readonly projections: ProjectionHost,
    private readonly projection: OrganizationsProjection,
  ) {}

  onModuleInit(): void {
    this.projections.register(this.projection);
  }
}
