import { Inject } from '@nestjs/common';
import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { CommandContext, CommandResult, executeCommand, invalid, loadState } from '@shecun/core';
import { EVENT_STORE, EventStore } from '@shecun/event-store';
import { RegionsService } from '@shecun/regions';
import { organizationDecider } from './organization.decider';
import { organizationStream } from './organization.model';
import { TeamCommand, teamDecider, TeamOrganization, TeamState, teamStream } from './team.decider';

type Without<C, K extends string> = C extends unknown ? Omit<C, K> : never;

/** A team command as callers give it: the handler adds what organizations' streams say. */
export type TeamRequest =
  | Without<Extract<TeamCommand, { type: 'FormTeam' }>, 'lead'>
  | Without<Extract<TeamCommand, { type: 'InviteToTeam' | 'AcceptTeamInvitation' }>, 'organization'>
  | Extract<TeamCommand, { type: 'DeclineTeamInvitation' | 'CompleteTeam' | 'DissolveTeam' }>;

export class ExecuteTeamCommand {
  constructor(
    readonly teamId: string,
    readonly command: TeamRequest,
    readonly context: CommandContext,
    readonly at?: Date,
  ) {}
}

@CommandHandler(ExecuteTeamCommand)
export class ExecuteTeamCommandHandler implements ICommandHandler<ExecuteTeamCommand, CommandResult<TeamState>> {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    private readonly regions: RegionsService,
  ) {}

  /** Same context: an organization's own stream gives its current standing and hub flag, no read-model lag. */
  private async organization(organizationId: string): Promise<TeamOrganization> {
    const o = await loadState(this.store, organizationStream(organizationId), organizationDecider);
    return { exists: o.exists, standing: o.standing, name: o.name, hubKind: o.hubKind };
  }

  async execute({ teamId, command, context, at }: ExecuteTeamCommand): Promise<CommandResult<TeamState>> {
    const options = at ? { clock: () => at } : {};
    let full: TeamCommand;
    switch (command.type) {
      case 'FormTeam':
        if (!this.regions.get(command.targetCode)) {
          throw invalid(`行政区划代码 ${command.targetCode} 不是广东省的行政区划 (not a known Guangdong division code)`);
        }
        full = { ...command, lead: await this.organization(command.leadOrganizationId) };
        break;
      case 'InviteToTeam':
      case 'AcceptTeamInvitation':
        full = { ...command, organization: await this.organization(command.organizationId) };
        break;
      default:
        full = command;
    }
    return executeCommand(this.store, teamStream(teamId), teamDecider, { ...context, command: full }, options);
  }
}
