import { Inject } from '@nestjs/common';
import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { CommandContext, CommandResult, executeCommand } from '@shecun/core';
import { EVENT_STORE, EventStore } from '@shecun/event-store';
import { PushSettingsCommand, pushSettingsDecider, PushSettingsState } from './push-settings.decider';
import { pushSettingsStream } from './push.model';

export class ExecutePushSettingsCommand {
  constructor(
    readonly command: PushSettingsCommand,
    readonly context: CommandContext,
  ) {}
}

@CommandHandler(ExecutePushSettingsCommand)
export class ExecutePushSettingsCommandHandler implements ICommandHandler<ExecutePushSettingsCommand, CommandResult<PushSettingsState>> {
  constructor(@Inject(EVENT_STORE) private readonly store: EventStore) {}

  execute({ command, context }: ExecutePushSettingsCommand) {
    return executeCommand(this.store, pushSettingsStream(command.organizationId), pushSettingsDecider, { ...context, command });
  }
}
