import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiHeader, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Command, CommandContext, CommandResult, IDEMPOTENCY_HEADER } from '@shecun/core';
import { Public } from '@shecun/core';
import { PairingState } from './pairing.decider';
import { ExecuteKeyAreaCommand, ExecutePairingCommand, PairingRequest } from './pairings.commands';
import { CoverageQuery, DesignateKeyAreaDto, ListPairingsQuery, PairingIdParam, PairingReasonDto, ProposePairingDto } from './pairings.dto';
import { PairingsQueries, presentPairing } from './pairings.queries';


/** Pairing commands (the organizations service in the distributed topology). */
@ApiTags('pairings 结对帮扶')
@Controller('api/pairings')
export class PairingsCommandController {
  constructor(private readonly commands: CommandBus) {}

  private async run(id: string, command: PairingRequest, ctx: CommandContext) {
    const result = await this.commands.execute<ExecutePairingCommand, CommandResult<PairingState>>(new ExecutePairingCommand(id, command, ctx));
    return {
      pairingId: result.state.id,
      revision: result.revision,
      position: result.position ?? null,
      events: result.events.map((e) => ({ id: e.id, type: e.type, revision: e.revision })),
      pairing: presentPairing(result.state),
    };
  }

  @Post()
  @ApiOperation({ summary: '提出结对 Propose a pairing (the organization’s own staff, or bureau staff within scope of the target)' })
  @ApiHeader(IDEMPOTENCY_HEADER)
  propose(@Body() body: ProposePairingDto, @Command() ctx: CommandContext) {
    return this.run('', { type: 'ProposePairing', ...body, note: body.note ?? '' }, ctx);
  }

  @Post('key-areas')
  @ApiOperation({ summary: '认定重点帮扶镇村 Designate a key town or village (bureau staff within scope)' })
  @ApiHeader(IDEMPOTENCY_HEADER)
  async designate(@Body() body: DesignateKeyAreaDto, @Command() ctx: CommandContext) {
    const result = await this.commands.execute<ExecuteKeyAreaCommand, CommandResult<unknown>>(
      new ExecuteKeyAreaCommand({ type: 'DesignateKeyArea', code: body.code, note: body.note ?? '' }, ctx),
    );
    return { code: body.code, position: result.position ?? null, events: result.events.map((e) => ({ id: e.id, type: e.type })) };
  }

  @Post(':id/confirm')
  @HttpCode(200)
  @ApiOperation({ summary: '确认结对 Confirm: the pairing becomes active for its term (bureau staff within scope)' })
  @ApiHeader(IDEMPOTENCY_HEADER)
  confirm(@Param() { id }: PairingIdParam, @Command() ctx: CommandContext) {
    return this.run(id, { type: 'ConfirmPairing' }, ctx);
  }

  @Post(':id/decline')
  @HttpCode(200)
  @ApiOperation({ summary: '不予确认 Decline a proposed pairing (bureau staff within scope)' })
  @ApiHeader(IDEMPOTENCY_HEADER)
  decline(@Param() { id }: PairingIdParam, @Body() body: PairingReasonDto, @Command() ctx: CommandContext) {
    return this.run(id, { type: 'DeclinePairing', reason: body.reason }, ctx);
  }

  @Post(':id/end')
  @HttpCode(200)
  @ApiOperation({ summary: '结束结对 End an active pairing with a reason (the organization’s staff or bureau staff within scope)' })
  @ApiHeader(IDEMPOTENCY_HEADER)
  end(@Param() { id }: PairingIdParam, @Body() body: PairingReasonDto, @Command() ctx: CommandContext) {
    return this.run(id, { type: 'EndPairing', reason: body.reason }, ctx);
  }
}

/** Pairing reads (the gateway in the distributed topology). */
@ApiTags('pairings 结对帮扶')
@Controller('api/pairings')
export class PairingsQueryController {
  constructor(private readonly queries: PairingsQueries) {}

  @Public()
  @Get()
  @ApiOperation({ summary: '结对列表 Pairings by organization, target division and status; paged (≤ 100)' })
  list(@Query() query: ListPairingsQuery) {
    return this.queries.list(query);
  }

  @Public()
  @Get('coverage')
  @ApiOperation({ summary: '重点村结对覆盖率 Share of key villages with an active pairing, by city and county' })
  coverage(@Query() query: CoverageQuery) {
    return this.queries.coverage(query.division ?? '44');
  }

  @Public()
  @Get(':id')
  @ApiOperation({ summary: '结对详情 A pairing with its current and earlier terms' })
  get(@Param() { id }: PairingIdParam) {
    return this.queries.get(id);
  }
}
