import { Module, OnModuleInit } from '@nestjs/common';
import { CqrsModule } from '@nestjs/cqrs';
import { ProjectionHost } from '@shecun/projections';
import { RecordVolunteerServiceHandler, VolunteerCommandController, VolunteerQueryController } from './volunteer.controller';
import { VolunteerProjection } from './volunteer.projection';

/** Write side: the command route and its handler (a write service hosts it in the distributed topology). */
@Module({ imports: [CqrsModule], controllers: [VolunteerCommandController], providers: [RecordVolunteerServiceHandler] })
export class VolunteerCommandsModule {}

/** Read side: the query route over the read model (the gateway serves it in the distributed topology). */
@Module({ controllers: [VolunteerQueryController] })
export class VolunteerQueriesModule {}

/** The whole context in one process, its projection registered with the in-process host. */
@Module({ imports: [VolunteerCommandsModule, VolunteerQueriesModule], providers: [VolunteerProjection] })
export class VolunteerModule implements OnModuleInit {
  constructor(
    private readonly projections: ProjectionHost,
    private readonly projection: VolunteerProjection,
  ) {}

  onModuleInit(): void {
    this.projections.register(this.projection);
  }
}
