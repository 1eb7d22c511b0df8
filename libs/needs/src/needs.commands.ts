import { Inject } from '@nestjs/common';
import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { CommandContext, CommandResult, executeCommand, invalid } from '@shecun/core';
import { EVENT_STORE, EventStore } from '@shecun/event-store';
import { RegionsService } from '@shecun/regions';
import { NeedCommand, needDecider, NeedState } from './need.decider';
import { needStream } from './need.model';
import { ORGANIZATION_STANDINGS, OrganizationStandings } from './organization-standings';
import { TEAM_ROSTERS, TeamRosters } from './team-rosters';

/** One command on one need, as dispatched on the CQRS command bus. */
export class ExecuteNeedCommand {
  constructor(
    readonly needId: string,
    readonly command: NeedCommand,
    readonly context: CommandContext,
    /** Decision time; only tools that replay a history (the demo seed) set it. */
    readonly at?: Date,
  ) {}
}

/** Load the need's stream, decide, append once at the expected revision, retry on conflict. */
@CommandHandler(ExecuteNeedCommand)
export class ExecuteNeedCommandHandler implements ICommandHandler<ExecuteNeedCommand, CommandResult<NeedState>> {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    private readonly regions: RegionsService,
    @Inject(ORGANIZATION_STANDINGS) private readonly standings: OrganizationStandings,
    @Inject(TEAM_ROSTERS) private readonly teams: TeamRosters,
  ) {}

  async execute({ needId, command, context, at }: ExecuteNeedCommand): Promise<CommandResult<NeedState>> {
    if (command.type === 'DraftNeed' && !this.regions.isVillage(command.villageCode)) {
      throw invalid(`行政区划代码 ${command.villageCode} 不是广东省的村/社区 (not a known Guangdong village or community code)`);
    }
    if (command.type === 'OfferCommitment') {
      // The decider decides on the standing this context's own view holds (never the caller's).
      const known = await this.standings.of(command.organizationId);
      command = { ...command, organizationStanding: known.standing, organizationName: known.name || command.organizationName };
      if (command.teamId !== undefined) {
        // The team as this context's own roster view knows it, each member with its standing.
        const team = await this.teams.of(command.teamId);
        command = {
          ...command,
          team: team ? { ...team, members: await Promise.all(team.members.map(async (m) => ({ ...m, standing: (await this.standings.of(m.organizationId)).standing }))) } : null,
        };
      }
    }
    if (command.type === 'RequestHandover') {
      const receiver = await this.standings.of(command.toOrganizationId);
      command = { ...command, toOrganizationStanding: receiver.standing, toOrganizationName: receiver.name ?? '' };
    }
    if (command.type === 'AcceptHandover' && context.actor.organizationId) {
      // The decider checks that the caller's organization is the receiver.
      const receiver = await this.standings.of(context.actor.organizationId);
      command = { ...command, organizationStanding: receiver.standing, organizationName: receiver.name ?? '' };
    }
    return executeCommand(this.store, needStream(needId), needDecider, { ...context, command }, at ? { clock: () => at } : {});
  }
}
