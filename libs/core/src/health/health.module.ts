import { ConsoleLogger, Controller, DynamicModule, Get, Inject, Logger, Module, Res } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { ApiOkResponse, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { HealthCheckService, HealthIndicatorService, TerminusModule } from '@nestjs/terminus';
import type { Response } from 'express';
import { Public } from '../http/command-context';
import { jsonLogs } from '../logging';
import { sendProblem } from '../http/problem.filter';
import { checkReadiness, HealthSettings, healthSettingsFromEnv, notReadyProblem, ReadinessCheck, readyBody } from './readiness';

/** The checks of this process's readiness (provided by {@link HealthModule.forRoot}). */
export const READINESS_CHECKS = Symbol('READINESS_CHECKS');
export const HEALTH_SETTINGS = Symbol('HEALTH_SETTINGS');

/** Liveness: the process answers, ready or not. */
export const livenessBody = (startedAt: number) => ({ status: 'alive', pid: process.pid, uptimeSeconds: Math.round((Date.now() - startedAt) / 1000) });

/**
 * GET /health (readiness: every check of the process up, each within HEALTH_CHECK_TIMEOUT_MS; else
 * 503 problem+json naming what is down) and GET /health/live (liveness), without sign-in.
 */
@ApiTags('health')
@Public()
@Controller('health')
export class HealthController {
  private readonly startedAt = Date.now();

  constructor(
    private readonly health: HealthCheckService,
    private readonly indicators: HealthIndicatorService,
    @Inject(READINESS_CHECKS) private readonly checks: ReadinessCheck[],
    @Inject(HEALTH_SETTINGS) private readonly settings: HealthSettings,
  ) {}

  @Get()
  @ApiOperation({ summary: 'Readiness: 200 when its database, event store (and broker, consumers’ lag) answer; 503 problem+json naming what is down' })
  @ApiOkResponse({ description: 'ready' })
  @ApiResponse({ status: 503, description: 'not ready: `down` lists the checks that failed, `details` each check' })
  async ready(@Res() res: Response): Promise<void> {
    const readiness = await checkReadiness(this.health, this.indicators, this.checks, this.settings.timeoutMs);
    res.setHeader('Cache-Control', 'no-store');
    if (!readiness.ready) {
      res.setHeader('Retry-After', '1');
      return sendProblem(res, notReadyProblem(readiness, this.checks, '/health'));
    }
    res.status(200).json(readyBody(readiness));
  }

  @Get('live')
  @ApiOperation({ summary: 'Liveness: 200 while the process answers, also while it is not ready' })
  live() {
    return livenessBody(this.startedAt);
  }
}

export interface HealthModuleOptions {
  inject?: Array<string | symbol | Function>;
  /** The process's checks, from what it injects (its data source, event store, projections…) and the settings. */
  checks: (settings: HealthSettings, ...dependencies: never[]) => ReadinessCheck[];
}

/** Terminus, the health routes, and the checks of one app. */
@Module({})
export class HealthModule {
  static forRoot(options: HealthModuleOptions, env: NodeJS.ProcessEnv = process.env): DynamicModule {
    const settings = healthSettingsFromEnv(env);
    return {
      module: HealthModule,
      // Terminus logs nothing itself: a readiness poll while starting is not an error.
      imports: [TerminusModule.forRoot({ logger: false })],
      controllers: [HealthController],
      providers: [
        { provide: HEALTH_SETTINGS, useValue: settings },
        { provide: READINESS_CHECKS, inject: options.inject ?? [], useFactory: (...dependencies: never[]) => options.checks(settings, ...dependencies) },
      ],
      exports: [HEALTH_SETTINGS, TerminusModule],
    };
  }
}

/**
 * Terminus for a process without a Nest app (the relay, the projector): its health check service
 * and indicator service, from an application context of their own.
 */
export async function standaloneTerminus(): Promise<{ health: HealthCheckService; indicators: HealthIndicatorService; close: () => Promise<void> }> {
  const context = await NestFactory.createApplicationContext(TerminusModule.forRoot({ logger: false }), { logger: false });
  // `logger: false` silences Nest's global logger: the process's own comes back.
  Logger.overrideLogger(jsonLogs()?.nest ?? new ConsoleLogger());
  return { health: context.get(HealthCheckService), indicators: context.get(HealthIndicatorService), close: () => context.close() };
}
