import { Injectable } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { InjectDataSource } from '@nestjs/typeorm';
import { chinaToday, DomainError, PeriodicSweeper, SYSTEM_ACTOR } from '@shecun/core';
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
export class NeedExpirySweeper extends PeriodicSweeper {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly commands: CommandBus,
  ) {
    super('NeedExpiry', 'NEED_EXPIRY_SWEEP');
  }

  /** Expires every due need; returns the ids expired. */
  async sweep(today = chinaToday()): Promise<string[]> {
    const due = await this.dataSource.getRepository(NeedView).find({ where: { status: 'published', dueDate: LessThan(today) }, select: { id: true } });
    const expired: string[] = [];
    const correlationId = randomUUID();
    for (const { id } of due) {
      try {
        await this.commands.execute(
          new ExecuteNeedCommand(id, { type: 'ExpireNeed' }, { actor: SYSTEM_ACTOR, commandId: randomUUID(), correlationId }),
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
