import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { InjectDataSource } from '@nestjs/typeorm';
import { DomainError } from '@shecun/core';
import { randomUUID } from 'node:crypto';
import { DataSource, LessThan } from 'typeorm';
import { NeedView } from './need.projection';
import { ExecuteNeedCommand } from './needs.commands';

/**
 * Expires published needs past their due date that nobody took, as the platform (`system`), once
 * an hour and shortly after start. The decider re-checks every condition, so a need that got a
 * taker in the meantime is left alone.
 */
@Injectable()
export class NeedExpirySweeper implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('NeedExpiry');
  private timer?: NodeJS.Timeout;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly commands: CommandBus,
  ) {}

  onApplicationBootstrap(): void {
    if (process.env.NEED_EXPIRY_SWEEP === 'false') return;
    const run = () => this.sweep().catch((error) => this.logger.error(error instanceof Error ? error.message : String(error)));
    setTimeout(run, 10_000).unref();
    this.timer = setInterval(run, 3_600_000);
    this.timer.unref();
  }

  onApplicationShutdown(): void {
    if (this.timer) clearInterval(this.timer);
  }

  /** Expires every due need; returns the ids expired. */
  async sweep(today = new Date().toISOString().slice(0, 10)): Promise<string[]> {
    const due = await this.dataSource.getRepository(NeedView).find({ where: { status: 'published', dueDate: LessThan(today) }, select: { id: true } });
    const expired: string[] = [];
    const correlationId = randomUUID();
    for (const { id } of due) {
      try {
        await this.commands.execute(
          new ExecuteNeedCommand(id, { type: 'ExpireNeed' }, { actor: { id: 'system', role: 'system' }, commandId: randomUUID(), correlationId }),
        );
        expired.push(id);
      } catch (error) {
        if (!(error instanceof DomainError)) throw error;
      }
    }
    if (expired.length) this.logger.log(`expired ${expired.length} needs past their due date`);
    return expired;
  }
}
