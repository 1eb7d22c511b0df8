import { Body, Controller, Get, HttpCode, Inject, Param, Post } from '@nestjs/common';
import { CommandBus, CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { ApiHeader, ApiOperation, ApiTags } from '@nestjs/swagger';
import { InjectDataSource } from '@nestjs/typeorm';
import { Actor, Command, CommandContext, CommandResult, CurrentActor, executeCommand, forbidden, IDEMPOTENCY_HEADER } from '@shecun/core';
import { EVENT_STORE, EventStore } from '@shecun/event-store';
import { IsInt, IsString, Matches, Max, MaxLength, Min, MinLength } from 'class-validator';
import { DataSource } from 'typeorm';
import { VolunteerCommand, volunteerDecider, VolunteerState, volunteerStream } from './volunteer.decider';
import { VolunteerServiceView } from './volunteer.projection';

export class OrganizationParam {
  @Matches(/^[A-Za-z0-9._:-]{1,64}$/, { message: 'id must be 1-64 letters, digits or ._:-' }) id: string;
}

export class RecordVolunteerServiceDto {
  @IsInt() @Min(1) @Max(10_000) volunteers: number;
  @IsInt() @Min(1) @Max(240_000) hours: number;
  @IsString() @MinLength(2) @MaxLength(200) activity: string;
  @Matches(/^\d{4}-\d{2}-\d{2}$/, { message: 'serviceDate must be YYYY-MM-DD' }) serviceDate: string;
}

export class RecordVolunteerService {
  constructor(
    readonly command: VolunteerCommand,
    readonly context: CommandContext,
  ) {}
}

@CommandHandler(RecordVolunteerService)
export class RecordVolunteerServiceHandler implements ICommandHandler<RecordVolunteerService, CommandResult<VolunteerState>> {
  constructor(@Inject(EVENT_STORE) private readonly store: EventStore) {}

  execute({ command, context }: RecordVolunteerService) {
    return executeCommand(this.store, volunteerStream(command.organizationId), volunteerDecider, { ...context, command });
  }
}

@ApiTags('volunteer 志愿服务')
@Controller('api/volunteer-service')
export class VolunteerCommandController {
  constructor(private readonly commands: CommandBus) {}

  @Post(':id')
  @HttpCode(201)
  @ApiOperation({ summary: '登记志愿服务 Record the organization’s volunteer service (own staff)' })
  @ApiHeader(IDEMPOTENCY_HEADER)
  async record(@Param() { id }: OrganizationParam, @Body() body: RecordVolunteerServiceDto, @Command() ctx: CommandContext) {
    const result = await this.commands.execute<RecordVolunteerService, CommandResult<VolunteerState>>(new RecordVolunteerService({ type: 'RecordVolunteerService', organizationId: id, ...body }, ctx));
    return { organizationId: id, records: result.state.records, hours: result.state.hours, position: result.position ?? null };
  }
}

@ApiTags('volunteer 志愿服务')
@Controller('api/volunteer-service')
export class VolunteerQueryController {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  @Get(':id')
  @ApiOperation({ summary: '志愿服务记录 The organization’s volunteer service, newest first (own staff, bureau, admins)' })
  async list(@Param() { id }: OrganizationParam, @CurrentActor() actor: Actor) {
    const own = actor.organizationId === id && (actor.role === 'organization' || actor.role === 'hub');
    if (!own && actor.role !== 'bureau' && actor.role !== 'admin') throw forbidden('无权查看该组织的志愿服务记录 (not your organization’s records)');
    const items = await this.dataSource.getRepository(VolunteerServiceView).find({ where: { organizationId: id }, order: { serviceDate: 'DESC', eventId: 'ASC' }, take: 200 });
    return { organizationId: id, hours: items.reduce((sum, r) => sum + r.hours, 0), items };
  }
}
