import { Injectable } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { chinaToday, DomainError, PeriodicSweeper } from '@shecun/core';
import { randomUUID } from 'node:crypto';
import { ExecutePairingCommand } from './pairings.commands';
import { PairingsQueries } from './pairings.queries';

/**
 * Expires active pairings past their term end, as the platform (`system`), hourly and shortly after
 * start (PAIRING_EXPIRY_SWEEP=false turns it off). The decider re-checks every condition.
 */
@Injectable()
export class PairingExpirySweeper extends PeriodicSweeper {
  constructor(
    private readonly queries: PairingsQueries,
    private readonly commands: CommandBus,
  ) {
    super('PairingExpiry', 'PAIRING_EXPIRY_SWEEP');
  }

  /** Expires every due pairing; returns their ids. */
  async sweep(today = chinaToday(), at?: Date): Promise<string[]> {
    const expired: string[] = [];
    const correlationId = randomUUID();
    for (const id of await this.queries.dueForExpiry(today)) {
      try {
        await this.commands.execute(new ExecutePairingCommand(id, { type: 'ExpirePairing' }, { actor: { id: 'system', role: 'system' }, commandId: randomUUID(), correlationId }, at));
        expired.push(id);
      } catch (error) {
        if (!(error instanceof DomainError)) throw error;
      }
    }
    if (expired.length) this.logger.log(`expired ${expired.length} pairings past their term`);
    return expired;
  }
}
