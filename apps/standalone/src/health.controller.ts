import { problem, Public, sendProblem } from '@shecun/core';
import { Controller, Get, Inject, Res } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { EVENT_STORE, EventStore } from '@shecun/event-store';
import { ProjectionHost } from '@shecun/projections';
import type { Response } from 'express';
import { StartupState } from './startup-state';

const WAITING_FOR: Record<'store' | 'projections' | 'seed', string> = {
  store: '事件存储 (the event store)',
  projections: '读模型追赶中 (read models are catching up)',
  seed: '演示数据写入中 (the demo seed)',
};

@ApiTags('health')
@Public()
@Controller('health')
export class HealthController {
  private readonly startedAt = Date.now();

  constructor(
    private readonly projections: ProjectionHost,
    @Inject(EVENT_STORE) private readonly store: EventStore,
    private readonly startup: StartupState,
  ) {}

  /**
   * Readiness: 200 once the event store answers, every projection has caught up with the log since
   * start and the first-start demo seed (if this start runs one) is complete; before that 503
   * problem+json naming what it waits for. Load balancers and `waitHealthy` use this.
   */
  @Get()
  @ApiOperation({ summary: 'Readiness: 200 once the event store answers, the read models have caught up and the first-start demo seed is complete; 503 problem+json with `waitingFor` before' })
  @ApiOkResponse({ description: 'ready' })
  @ApiResponse({ status: 503, description: 'not ready yet: `waitingFor` lists store, projections and/or seed' })
  async health(@Res() res: Response): Promise<void> {
    let head: number | undefined;
    let storeError: string | undefined;
    try {
      head = await this.store.headPosition();
    } catch (error) {
      storeError = error instanceof Error ? error.message : String(error);
    }
    const status = this.projections.status();
    const seed = this.startup.seed;
    const waitingFor = [
      ...(storeError !== undefined ? (['store'] as const) : []),
      ...(!status.ready ? (['projections'] as const) : []),
      ...(!this.startup.seedSettled ? (['seed'] as const) : []),
    ];
    const details = { store: storeError === undefined ? { ok: true, head } : { ok: false, error: storeError }, seed, projections: status.projections };
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
    return { status: 'alive', pid: process.pid, uptimeSeconds: Math.round((Date.now() - this.startedAt) / 1000) };
  }
}
