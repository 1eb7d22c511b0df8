import { checkReadiness, HEALTH_SETTINGS, HealthSettings, livenessBody, problem, Public, ReadinessCheck, readinessChecks, sendProblem } from '@shecun/core';
import { Controller, Get, Inject, Res } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { HealthCheckService, HealthIndicatorService } from '@nestjs/terminus';
import { getDataSourceToken } from '@nestjs/typeorm';
import { EVENT_STORE, EventStore } from '@shecun/event-store';
import { ProjectionHost, projectionsReadiness } from '@shecun/projections';
import type { Response } from 'express';
import { DataSource } from 'typeorm';
import { StartupState } from './startup-state';

type Waiting = 'store' | 'database' | 'projections' | 'seed';

const WAITING_FOR: Record<Waiting, string> = {
  store: '事件存储 (the event store)',
  database: '读模型数据库 (the read models’ database)',
  projections: '读模型追赶中 (read models are catching up)',
  seed: '演示数据写入中 (the demo seed)',
};

@ApiTags('health')
@Public()
@Controller('health')
export class HealthController {
  private readonly startedAt = Date.now();
  private readonly checks: ReadinessCheck[];

  constructor(
    private readonly projections: ProjectionHost,
    @Inject(EVENT_STORE) private readonly store: EventStore,
    private readonly startup: StartupState,
    @Inject(getDataSourceToken()) readModels: DataSource,
    private readonly health: HealthCheckService,
    private readonly indicators: HealthIndicatorService,
    @Inject(HEALTH_SETTINGS) private readonly settings: HealthSettings,
  ) {
    this.checks = [
      { ...readinessChecks.eventStore(store), key: 'store' },
      { ...readinessChecks.database(readModels), key: 'database' },
      projectionsReadiness(projections, store, settings.maxLagEvents),
      {
        key: 'seed',
        zh: '演示数据',
        en: 'demo seed',
        check: async () => {
          if (!this.startup.seedSettled) throw new Error(`seed ${this.startup.seed.phase}`);
          return { phase: this.startup.seed.phase };
        },
      },
    ];
  }

  /**
   * Readiness (terminus, each check within HEALTH_CHECK_TIMEOUT_MS): 200 once the event store and
   * the read models' database answer, every projection has caught up with the log since start (and
   * is within HEALTH_MAX_LAG_EVENTS when set) and the first-start demo seed (if this start runs one)
   * is complete; before that 503 problem+json naming what it waits for. Load balancers and
   * `waitHealthy` use this.
   */
  @Get()
  @ApiOperation({ summary: 'Readiness: 200 once the event store and database answer, the read models have caught up and the first-start demo seed is complete; 503 problem+json with `waitingFor` before' })
  @ApiOkResponse({ description: 'ready' })
  @ApiResponse({ status: 503, description: 'not ready yet: `waitingFor` lists store, database, projections and/or seed' })
  async ready(@Res() res: Response): Promise<void> {
    const readiness = await checkReadiness(this.health, this.indicators, this.checks, this.settings.timeoutMs);
    const storeDetail = readiness.result.details.store as { status: string; head?: number; message?: string };
    const details = {
      store: storeDetail.status === 'up' ? { ok: true, head: storeDetail.head } : { ok: false, error: storeDetail.message },
      seed: this.startup.seed,
      projections: this.projections.status().projections,
      details: readiness.result.details,
    };
    res.setHeader('Cache-Control', 'no-store');
    const waitingFor = readiness.down as Waiting[];
    if (waitingFor.length > 0) {
      // Answered here rather than thrown: a service that is starting is not an error to log.
      res.setHeader('Retry-After', '1');
      sendProblem(res, problem(503, `尚未就绪：${waitingFor.map((w) => WAITING_FOR[w]).join('；')} (not ready yet: waiting for ${waitingFor.join(', ')})`, { instance: '/health', waitingFor, ...details }));
      return;
    }
    res.status(200).json({ status: 'ok', ...details });
  }

  /** Liveness: 200 while the process is up and answering, ready or not (a seed or a catch-up in progress is not a reason to restart it). */
  @Get('live')
  @ApiOperation({ summary: 'Liveness: 200 while the process answers, also while it is not ready yet' })
  live() {
    return livenessBody(this.startedAt);
  }
}
