import { Body, Controller, Get, Header, HttpCode, Inject, Post, Query } from '@nestjs/common';
import { ApiOperation, ApiProperty, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { Actor, Command, CommandContext, CurrentActor, forbidden, HumanText, invalid } from '@shecun/core';
import { IsIn, IsNotEmpty, IsOptional, IsString, Matches, MaxLength } from 'class-validator';
import { ParkedEventsAdmin } from './parked-command';
import { ParkedEvent, SKIP_REASON_MAX } from './parked-events';

/** The parked events an app's admin API serves: the embedded projection host, or the distributed read models' projectors (gateway). */
export const PARKED_EVENTS_ADMIN = Symbol.for('shecun.ParkedEventsAdmin');

const NAME = /^[a-z][a-z0-9-]{0,99}$/;
const EVENT_ID = /^[A-Za-z0-9._:@/-]{1,64}$/;

export class ParkedListQuery {
  @ApiPropertyOptional({ enum: ['unresolved', 'all'], description: 'unresolved only, or every row (default)' })
  @IsOptional()
  @IsIn(['unresolved', 'all'])
  state?: 'unresolved' | 'all';
}

export class ReplayParkedDto {
  @ApiPropertyOptional({ description: 'the projection or processor (default: every one)' })
  @IsOptional()
  @IsString()
  @Matches(NAME, { message: 'projection must be a projection name' })
  projection?: string;

  @ApiPropertyOptional({ description: 'only this parked event' })
  @IsOptional()
  @IsString()
  @Matches(EVENT_ID, { message: 'eventId must be an event id' })
  eventId?: string;
}

export class SkipParkedDto {
  @ApiProperty()
  @IsString()
  @Matches(NAME, { message: 'projection must be a projection name' })
  projection: string;

  @ApiProperty()
  @IsString()
  @Matches(EVENT_ID, { message: 'eventId must be an event id' })
  eventId: string;

  @ApiProperty({ description: 'why the read model may go on without this event (kept on the row)' })
  @IsString()
  @IsNotEmpty({ message: 'reason is required' })
  @HumanText({ multiline: true })
  @MaxLength(SKIP_REASON_MAX)
  reason: string;
}

const requireAdministrator = (actor: Actor) => {
  if (actor.role !== 'admin') throw forbidden(`角色 ${actor.role} 不能处理停放事件 (only system administrators list, replay and skip parked events)`);
};

/**
 * Parked events for operators: events a projection or processor gave up on after
 * PROJECTION_MAX_ATTEMPTS, listed, applied again once the fault is fixed, or skipped with a
 * reason — the same as `cli projections parked|replay|skip` (embedded) and the projector's
 * `parked|replay|skip` commands (distributed). System administrators only.
 */
@ApiTags('operations 运维')
@Controller('api/admin/parked')
export class ParkedEventsController {
  constructor(@Inject(PARKED_EVENTS_ADMIN) private readonly admin: ParkedEventsAdmin) {}

  @Get()
  @Header('cache-control', 'no-store')
  @ApiOperation({ summary: '停放事件 Parked events, oldest first, with their error, attempts and how each was resolved (administrators)' })
  async list(@Query() query: ParkedListQuery, @CurrentActor() actor: Actor) {
    requireAdministrator(actor);
    const rows = await this.admin.parked();
    const unresolved = rows.filter((r) => !r.resolvedAt).length;
    return { items: query.state === 'unresolved' ? rows.filter((r) => !r.resolvedAt) : rows, unresolved, resolved: rows.length - unresolved, processors: this.admin.parkingNames() };
  }

  @Post('replay')
  @HttpCode(200)
  @ApiOperation({ summary: '重放停放事件 Apply unresolved parked events again (of one projection, or one event), read back from the event store; each answers resolved or its new error (administrators)' })
  async replay(@Body() body: ReplayParkedDto, @Command() { actor }: CommandContext) {
    requireAdministrator(actor);
    if (body.projection) this.known(body.projection);
    const results = await this.admin.replay(body.projection, body.eventId, `user:${actor.id}`);
    const resolved = results.filter((r) => r.resolved).length;
    return { results, resolved, stillFailing: results.length - resolved };
  }

  @Post('skip')
  @HttpCode(200)
  @ApiOperation({ summary: '跳过停放事件 Give up on one parked event: the read model goes on without it; the row stays, marked skipped with who and why (administrators)' })
  async skip(@Body() body: SkipParkedDto, @Command() { actor }: CommandContext): Promise<ParkedEvent> {
    requireAdministrator(actor);
    this.known(body.projection);
    return this.admin.skip(body.projection, body.eventId, `user:${actor.id}`, body.reason);
  }

  private known(projection: string): void {
    const names = this.admin.parkingNames();
    if (!names.includes(projection)) throw invalid(`未知的投影 ${projection} (unknown projection; known: ${names.join(', ')})`, { known: names });
  }
}
