import { DynamicModule, MiddlewareConsumer, Module, NestModule } from '@nestjs/common';
import { IdempotencyMiddleware } from '@shecun/core';
import { DonationsModule } from '@shecun/donations';
import { EvidenceModule } from '@shecun/evidence';
import { AuthenticationMiddleware, IdentityModule } from '@shecun/identity';
import { MatchingModule, MatchingQueriesModule } from '@shecun/matching';
import { NeedsModule } from '@shecun/needs';
import { MonitoringModule } from '@shecun/monitoring';
import { OrganizationsModule } from '@shecun/organizations';
import { PARKED_EVENTS_ADMIN, ParkedEventsController, ProjectionHost } from '@shecun/projections';
import { MatchingPushTargeting, PUSH_TARGETING, PushModule } from '@shecun/push';
import { RegionsModule } from '@shecun/regions';
import { join } from 'node:path';
import { AppConfig, identityOptionsOf, pushOptionsOf } from './config';
import { HealthController } from './health.controller';
import { EmbeddedInfrastructureModule } from './infrastructure.module';

/** The embedded topology: every context in one process, on SQLite, with the in-process bus. */
@Module({})
export class AppModule implements NestModule {
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [EmbeddedInfrastructureModule.forRoot(config), EvidenceModule.onFilesystem(join(config.dataDir, 'evidence')), IdentityModule.forRoot(identityOptionsOf(config), config.rateLimits), RegionsModule, NeedsModule, OrganizationsModule, DonationsModule, MonitoringModule, MatchingModule, PushModule.forRoot(pushOptionsOf(config), { provide: PUSH_TARGETING, useClass: MatchingPushTargeting }, [MatchingQueriesModule])],
      controllers: [HealthController, ParkedEventsController],
      providers: [{ provide: PARKED_EVENTS_ADMIN, useExisting: ProjectionHost }],
    };
  }

  configure(consumer: MiddlewareConsumer): void {
    // Authentication first: idempotency keys are kept per verified user.
    consumer.apply(AuthenticationMiddleware, IdempotencyMiddleware).forRoutes('*');
  }
}
