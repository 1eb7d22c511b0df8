import { Inject } from '@nestjs/common';
import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { CommandContext, CommandResult, conflict, executeCommand, invalid } from '@shecun/core';
import { EVENT_STORE, EventStore } from '@shecun/event-store';
import { RegionsService } from '@shecun/regions';
import { validateCreditCode } from './credit-code';
import { OrganizationCommand, organizationDecider, OrganizationState } from './organization.decider';
import { organizationStream } from './organization.model';
import { OrganizationsQueries } from './organizations.queries';

/** One command on one organization's stream. */
export class ExecuteOrganizationCommand {
  constructor(
    readonly organizationId: string,
    readonly command: OrganizationCommand,
    readonly context: CommandContext,
    /** Decision time; only tools that replay a history (the demo seed) set it. */
    readonly at?: Date,
  ) {}
}

@CommandHandler(ExecuteOrganizationCommand)
export class ExecuteOrganizationCommandHandler implements ICommandHandler<ExecuteOrganizationCommand, CommandResult<OrganizationState>> {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    private readonly regions: RegionsService,
    private readonly queries: OrganizationsQueries,
  ) {}

  async execute({ organizationId, command, context, at }: ExecuteOrganizationCommand): Promise<CommandResult<OrganizationState>> {
    if (command.type === 'RegisterOrganization') {
      if (!this.regions.get(command.homeDivisionCode)) {
        throw invalid(`行政区划代码 ${command.homeDivisionCode} 不是广东省的行政区划 (not a known Guangdong division code)`);
      }
      // One organization per credit code. The directory is eventually consistent: two
      // registrations of one code under two ids at the same instant could both pass (see README).
      const code = validateCreditCode(command.creditCode);
      if (code.valid) {
        const holder = await this.queries.holderOfCreditCode(code.code);
        if (holder !== undefined && holder !== organizationId) {
          throw conflict(`统一社会信用代码 ${code.code} 已由 ${holder} 登记 (this credit code is already registered as ${holder})`, { organizationId: holder });
        }
      }
    }
    return executeCommand(this.store, organizationStream(organizationId), organizationDecider, { ...context, command }, at ? { clock: () => at } : {});
  }
}
