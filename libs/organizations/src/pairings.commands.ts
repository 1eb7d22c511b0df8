import { Inject } from '@nestjs/common';
import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { CommandContext, CommandResult, executeCommand, invalid, loadState } from '@shecun/core';
import { EVENT_STORE, EventStore } from '@shecun/event-store';
import { RegionsService } from '@shecun/regions';
import { organizationDecider } from './organization.decider';
import { organizationStream } from './organization.model';
import { KeyAreaCommand, keyAreaDecider, keyAreaStream, PairingCommand, pairingDecider, pairingId, PairingState, pairingStream } from './pairing.decider';

/** A pairing command as callers give it: the handler adds what the organization's stream says. */
export type PairingRequest =
  | (Omit<Extract<PairingCommand, { type: 'ProposePairing' }>, 'organization'>)
  | Exclude<PairingCommand, { type: 'ProposePairing' }>;

export class ExecutePairingCommand {
  constructor(
    /** Ignored for ProposePairing (its id is organizationId:targetCode). */
    readonly pairingId: string,
    readonly command: PairingRequest,
    readonly context: CommandContext,
    readonly at?: Date,
  ) {}
}

export class ExecuteKeyAreaCommand {
  constructor(
    readonly command: KeyAreaCommand,
    readonly context: CommandContext,
    readonly at?: Date,
  ) {}
}

const townOrVillage = (regions: RegionsService, code: string) => {
  if (!regions.isTown(code) && !regions.isVillage(code)) {
    throw invalid(`${code} 不是广东省的镇/街道或村/社区 (not a known Guangdong town or village code)`);
  }
};

@CommandHandler(ExecutePairingCommand)
export class ExecutePairingCommandHandler implements ICommandHandler<ExecutePairingCommand, CommandResult<PairingState>> {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    private readonly regions: RegionsService,
  ) {}

  async execute({ pairingId: id, command, context, at }: ExecutePairingCommand): Promise<CommandResult<PairingState>> {
    const options = at ? { clock: () => at } : {};
    if (command.type === 'ProposePairing') {
      townOrVillage(this.regions, command.targetCode);
      // Same context: the organization's own stream gives its current standing, no read-model lag.
      const organization = await loadState(this.store, organizationStream(command.organizationId), organizationDecider);
      const full: PairingCommand = { ...command, organization: { exists: organization.exists, standing: organization.standing, name: organization.name } };
      return executeCommand(this.store, pairingStream(pairingId(command.organizationId, command.targetCode)), pairingDecider, { ...context, command: full }, options);
    }
    return executeCommand(this.store, pairingStream(id), pairingDecider, { ...context, command }, options);
  }
}

@CommandHandler(ExecuteKeyAreaCommand)
export class ExecuteKeyAreaCommandHandler implements ICommandHandler<ExecuteKeyAreaCommand> {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    private readonly regions: RegionsService,
  ) {}

  async execute({ command, context, at }: ExecuteKeyAreaCommand) {
    townOrVillage(this.regions, command.code);
    return executeCommand(this.store, keyAreaStream(command.code), keyAreaDecider, { ...context, command }, at ? { clock: () => at } : {});
  }
}
