import { DynamicModule, MiddlewareConsumer, Module, NestModule } from '@nestjs/common';
import { HEALTH_SETTINGS, healthSettingsFromEnv, IdempotencyMiddleware } from '@shecun/core';
import { TerminusModule } from '@nestjs/terminus';
import { CONTEXTS } from '@shecun/hosting';
import { AuthenticationMiddleware } from '@shecun/identity';
import { ContextDefinition, PARKED_EVENTS_ADMIN, ParkedEventsController, ProjectionHost } from '@shecun/projections';
import { AppConfig, embeddedHostOf } from './config';
import { HealthController } from './health.controller';
import { EmbeddedInfrastructureModule } from './infrastructure.module';

/** The embedded topology: every context in one process, on SQLite, with the in-process bus. */
@Module({})
export class AppModule implements NestModule {
  /** `contexts`: what the app hosts ({@link CONTEXTS}); a test may add one. */
  static forRoot(config: AppConfig, contexts: readonly ContextDefinition[] = CONTEXTS): DynamicModule {
    const host = embeddedHostOf(config);
    return {
      module: AppModule,
      imports: [
        EmbeddedInfrastructureModule.forRoot(config, contexts),
        ...contexts.map((context) => context.embedded.module(host)),
        // Readiness checks run through terminus (GET /health); it logs nothing itself.
        TerminusModule.forRoot({ logger: false }),
      ],
      controllers: [HealthController, ParkedEventsController],
      providers: [{ provide: PARKED_EVENTS_ADMIN, useExisting: ProjectionHost }, { provide: HEALTH_SETTINGS, useValue: healthSettingsFromEnv(process.env) }],
    };
  }

  configure(consumer: MiddlewareConsumer): void {
    // Authentication first: idempotency keys are kept per verified user.
    consumer.apply(AuthenticationMiddleware, IdempotencyMiddleware).forRoutes('*');
  }
}
