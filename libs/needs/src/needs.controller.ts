import { Body, Controller, Get, HttpCode, Optional, Param, Post, Query, Res } from '@nestjs/common';
import { EvidenceService, resolveEvidence, sendEvidence, ThumbnailQuery, wantsThumbnail } from '@shecun/evidence';
import type { Response } from 'express';
import { CommandBus } from '@nestjs/cqrs';
import { ApiHeader, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Actor, Command, CommandContext, CommandResult, CurrentActor, DomainError, etagOf, IDEMPOTENCY_HEADER, IfMatch, MIN_POSITION_HEADER, notFound, StaleRevisionError } from '@shecun/core';
import { NeedCommand, NeedState } from './need.decider';
import { presentNeed } from './need.presenter';
import { ExecuteNeedCommand } from './needs.commands';
import {
  CommitmentParams,
  ConfirmDeliveryDto,
  CreateNeedDto,
  DeclineHandoverDto,
  DeliveryParams,
  IdParam,
  LineItemDto,
  ListCommitmentsQuery,
  ListNeedsQuery,
  NeedEvidenceParam,
  NoteDto,
  OfferCommitmentDto,
  ReasonDto,
  RecordDeliveryDto,
  RequestHandoverDto,
  ReviseNeedDto,
} from './needs.dto';
import { NeedsQueries, today } from './needs.queries';


const IF_MATCH_HEADER = { name: 'If-Match', required: true, description: 'The ETag of the need as read ("<revision>"): 412 with the current need when it changed since, 428 when missing' };

/** The editable fields of a need, as the decider takes them, from a create body. */
const needFields = (body: CreateNeedDto) => ({
  title: body.title,
  description: body.description ?? '',
  category: body.category,
  lineItems: body.lineItems.map((li: LineItemDto) => ({ ...li })),
  dueDate: body.dueDate ?? null,
  autoAccept: body.autoAccept ?? false,
});

/** The fields a revision sends (merge-patch: an absent or null field stays as it is, but dueDate null clears the date). */
const revisedFields = (body: ReviseNeedDto) => ({
  ...(body.title != null ? { title: body.title } : {}),
  ...(body.description != null ? { description: body.description } : {}),
  ...(body.category != null ? { category: body.category } : {}),
  ...(body.lineItems != null ? { lineItems: body.lineItems.map((li: LineItemDto) => ({ ...li })) } : {}),
  ...(body.dueDate !== undefined ? { dueDate: body.dueDate } : {}),
  ...(body.autoAccept != null ? { autoAccept: body.autoAccept } : {}),
});

/** Command routes of the needs context: each one decides on a need's stream and appends. */
@ApiTags('needs 需求')
@Controller('api/needs')
export class NeedsCommandController {
  constructor(
    private readonly commands: CommandBus,
    @Optional() private readonly evidence?: EvidenceService,
  ) {}

  private async run(needId: string, command: NeedCommand, context: CommandContext, response?: Response) {
    const result = await this.commands
      .execute<ExecuteNeedCommand, CommandResult<NeedState>>(new ExecuteNeedCommand(needId, command, context))
      .catch((error: unknown) => {
        // 412 answers with the need as it is now, so the person can see what changed.
        if (error instanceof StaleRevisionError) {
          throw new DomainError('stale', error.message, { ...error.details, need: presentNeed(error.state as NeedState, today()) });
        }
        throw error;
      });
    if (result.revision >= 0) response?.setHeader('ETag', etagOf(result.revision));
    return {
      needId,
      revision: result.revision,
      position: result.position ?? null,
      events: result.events.map((e) => ({ id: e.id, type: e.type, revision: e.revision })),
      need: presentNeed(result.state, today()),
    };
  }

  @Post()
  @ApiOperation({ summary: '发布需求 Post a need (draft, or publish at once)' })
  @ApiHeader(IDEMPOTENCY_HEADER)
  async create(@Body() body: CreateNeedDto, @Command() ctx: CommandContext) {
    const needId = ctx.commandId;
    return this.run(
      needId,
      {
        type: 'DraftNeed',
        needId,
        villageCode: body.villageCode,
        ...needFields(body),
        publish: body.publish ?? false,
      },
      ctx,
    );
  }

  @Post(':id/publish')
  @HttpCode(200)
  @ApiOperation({ summary: '发布草稿 Publish a draft' })
  @ApiHeader(IDEMPOTENCY_HEADER)
  publish(@Param() { id }: IdParam, @Command() ctx: CommandContext) {
    return this.run(id, { type: 'PublishNeed' }, ctx);
  }

  @Post(':id/revise')
  @HttpCode(200)
  @ApiOperation({ summary: '修改需求 Revise a need: the fields sent change, the others stay (reason and If-Match required)' })
  @ApiHeader(IDEMPOTENCY_HEADER)
  @ApiHeader(IF_MATCH_HEADER)
  revise(
    @Param() { id }: IdParam,
    @Body() body: ReviseNeedDto,
    @Command() ctx: CommandContext,
    @IfMatch({ required: true }) expectedRevision: number | undefined,
    @Res({ passthrough: true }) response: Response,
  ) {
    return this.run(id, { type: 'ReviseNeed', reason: body.reason, ...revisedFields(body) }, { ...ctx, expectedRevision }, response);
  }

  @Post(':id/withdraw')
  @HttpCode(200)
  @ApiOperation({ summary: '撤回需求 Withdraw a need' })
  @ApiHeader(IDEMPOTENCY_HEADER)
  withdraw(@Param() { id }: IdParam, @Body() body: ReasonDto, @Command() ctx: CommandContext) {
    return this.run(id, { type: 'WithdrawNeed', reason: body.reason }, ctx);
  }

  @Post(':id/fulfil')
  @HttpCode(200)
  @ApiOperation({ summary: '确认完成 Confirm the need is fulfilled' })
  @ApiHeader(IDEMPOTENCY_HEADER)
  fulfil(@Param() { id }: IdParam, @Body() body: NoteDto, @Command() ctx: CommandContext) {
    return this.run(id, { type: 'FulfilNeed', note: body.note ?? '' }, ctx);
  }

  @Post(':id/close')
  @HttpCode(200)
  @ApiOperation({ summary: '关闭需求 Close a fulfilled need' })
  @ApiHeader(IDEMPOTENCY_HEADER)
  close(@Param() { id }: IdParam, @Body() body: NoteDto, @Command() ctx: CommandContext) {
    return this.run(id, { type: 'CloseNeed', note: body.note ?? '' }, ctx);
  }

  @Post(':id/expire')
  @HttpCode(200)
  @ApiOperation({ summary: '过期 Expire a published need past its due date that nobody took' })
  @ApiHeader(IDEMPOTENCY_HEADER)
  expire(@Param() { id }: IdParam, @Command() ctx: CommandContext) {
    return this.run(id, { type: 'ExpireNeed' }, ctx);
  }

  @Post(':id/commitments')
  @ApiOperation({
    summary: '接单 Commit to some line items of a need — as one organization, or (with teamId and shares) as a team’s lead hub on behalf of its members (组团帮扶)',
  })
  @ApiHeader(IDEMPOTENCY_HEADER)
  async offer(@Param() { id }: IdParam, @Body() body: OfferCommitmentDto, @Command() ctx: CommandContext) {
    const commitmentId = ctx.commandId;
    const result = await this.run(
      id,
      {
        type: 'OfferCommitment',
        commitmentId,
        organizationId: body.organizationId,
        organizationName: body.organizationName.trim(),
        items: body.items.map((i) => ({ lineItemId: i.lineItemId, quantity: i.quantity })),
        promisedBy: body.promisedBy,
        note: body.note ?? '',
        ...(body.teamId !== undefined ? { teamId: body.teamId } : {}),
        ...(body.shares !== undefined
          ? { shares: body.shares.map((s) => ({ organizationId: s.organizationId, items: s.items.map((i) => ({ lineItemId: i.lineItemId, quantity: i.quantity })) })) }
          : {}),
      },
      ctx,
    );
    return { commitmentId, ...result };
  }

  @Post(':id/commitments/:cid/accept')
  @HttpCode(200)
  @ApiOperation({ summary: '接受接单 Accept a commitment' })
  @ApiHeader(IDEMPOTENCY_HEADER)
  accept(@Param() { id, cid }: CommitmentParams, @Command() ctx: CommandContext) {
    return this.run(id, { type: 'AcceptCommitment', commitmentId: cid }, ctx);
  }

  @Post(':id/commitments/:cid/decline')
  @HttpCode(200)
  @ApiOperation({ summary: '谢绝接单 Decline a commitment' })
  @ApiHeader(IDEMPOTENCY_HEADER)
  decline(@Param() { id, cid }: CommitmentParams, @Body() body: ReasonDto, @Command() ctx: CommandContext) {
    return this.run(id, { type: 'DeclineCommitment', commitmentId: cid, reason: body.reason }, ctx);
  }

  @Post(':id/commitments/:cid/withdraw')
  @HttpCode(200)
  @ApiOperation({ summary: '撤回接单 Withdraw a commitment before delivery' })
  @ApiHeader(IDEMPOTENCY_HEADER)
  withdrawCommitment(@Param() { id, cid }: CommitmentParams, @Body() body: ReasonDto, @Command() ctx: CommandContext) {
    return this.run(id, { type: 'WithdrawCommitment', commitmentId: cid, reason: body.reason }, ctx);
  }

  @Post(':id/commitments/:cid/handover')
  @HttpCode(200)
  @ApiOperation({ summary: '转交接单 Ask another organization to take over an accepted commitment (the holder’s staff)' })
  @ApiHeader(IDEMPOTENCY_HEADER)
  requestHandover(@Param() { id, cid }: CommitmentParams, @Body() body: RequestHandoverDto, @Command() ctx: CommandContext) {
    return this.run(id, { type: 'RequestHandover', commitmentId: cid, toOrganizationId: body.toOrganizationId, reason: body.reason }, ctx);
  }

  @Post(':id/commitments/:cid/handover/accept')
  @HttpCode(200)
  @ApiOperation({ summary: '接手接单 Take over the commitment; the coordinator sees it flagged (the receiving organization’s staff)' })
  @ApiHeader(IDEMPOTENCY_HEADER)
  acceptHandover(@Param() { id, cid }: CommitmentParams, @Command() ctx: CommandContext) {
    return this.run(id, { type: 'AcceptHandover', commitmentId: cid }, ctx);
  }

  @Post(':id/commitments/:cid/handover/decline')
  @HttpCode(200)
  @ApiOperation({ summary: '谢绝/撤回转交 Decline a handover (the receiver’s staff) or call it off (the holder’s staff)' })
  @ApiHeader(IDEMPOTENCY_HEADER)
  declineHandover(@Param() { id, cid }: CommitmentParams, @Body() body: DeclineHandoverDto, @Command() ctx: CommandContext) {
    return this.run(id, { type: 'DeclineHandover', commitmentId: cid, reason: body.reason ?? '' }, ctx);
  }

  @Post(':id/commitments/:cid/deliveries')
  @ApiOperation({ summary: '登记交付 Record a delivery with evidence' })
  @ApiHeader(IDEMPOTENCY_HEADER)
  async deliver(@Param() { id, cid }: CommitmentParams, @Body() body: RecordDeliveryDto, @Command() ctx: CommandContext) {
    const deliveryId = ctx.commandId;
    const result = await this.run(
      id,
      {
        type: 'RecordDelivery',
        commitmentId: cid,
        deliveryId,
        items: body.items.map((i) => ({ lineItemId: i.lineItemId, quantity: i.quantity })),
        evidence: await resolveEvidence(this.evidence, body.evidence),
        note: body.note ?? '',
      },
      ctx,
    );
    return { deliveryId, ...result };
  }

  @Post(':id/commitments/:cid/deliveries/:did/confirm')
  @HttpCode(200)
  @ApiOperation({ summary: '确认交付 Confirm a delivery' })
  @ApiHeader(IDEMPOTENCY_HEADER)
  async confirm(@Param() { id, cid, did }: DeliveryParams, @Body() body: ConfirmDeliveryDto, @Command() ctx: CommandContext) {
    const evidence = body.evidence?.length ? { evidence: await resolveEvidence(this.evidence, body.evidence) } : {};
    return this.run(id, { type: 'ConfirmDelivery', commitmentId: cid, deliveryId: did, note: body.note ?? '', ...(body.reason?.trim() ? { reason: body.reason } : {}), ...evidence }, ctx);
  }
}

/** Query routes of the needs context: answered from read models (history from the event store). */
@ApiTags('needs 需求')
@Controller('api/needs')
export class NeedsQueryController {
  constructor(
    private readonly queries: NeedsQueries,
    @Optional() private readonly evidence?: EvidenceService,
  ) {}

  @Get()
  @ApiOperation({ summary: '需求列表 List needs by division, category and status' })
  @ApiHeader(MIN_POSITION_HEADER)
  async list(@Query() query: ListNeedsQuery, @CurrentActor() actor: Actor) {
    return this.queries.list(query, actor);
  }

  @Get(':id')
  @ApiOperation({ summary: '需求详情 A need with its line items and commitments' })
  @ApiHeader(MIN_POSITION_HEADER)
  async get(@Param() { id }: IdParam, @CurrentActor() actor: Actor, @Res({ passthrough: true }) response: Response) {
    const need = await this.queries.get(id, actor);
    // The stream revision: what If-Match names when the need is revised.
    response.setHeader('ETag', etagOf(need.revision));
    return need;
  }

  @Get(':id/evidence/:sha256')
  @ApiOperation({ summary: '交付证明材料 An evidence file (or its thumbnail) of one of the need’s deliveries, for those who may see the need' })
  async evidenceFile(@Param() { id, sha256 }: NeedEvidenceParam, @Query() query: ThumbnailQuery, @CurrentActor() actor: Actor, @Res() res: Response) {
    const files = await this.queries.evidenceFiles(id, actor);
    if (!this.evidence) throw notFound('此服务不提供证明材料文件 (evidence files are not served here)');
    sendEvidence(res, await this.evidence.openReferenced(files, sha256, wantsThumbnail(query)));
  }

  @Get(':id/events')
  @ApiOperation({ summary: '需求历史 The need’s events with actor and time' })
  history(@Param() { id }: IdParam, @CurrentActor() actor: Actor) {
    return this.queries.history(id, actor);
  }

}

@ApiTags('commitments 接单')
@Controller('api/commitments')
export class CommitmentsQueryController {
  constructor(private readonly queries: NeedsQueries) {}

  @Get()
  @ApiOperation({
    summary:
      '接单列表 Commitments the caller oversees, with overdue, team and handover flags: coordinators, bureau staff and auditors within their division scope; organization staff their own (held or in a team share); admins all. ?overdue=true for the overdue ones',
  })
  list(@Query() query: ListCommitmentsQuery, @CurrentActor() actor: Actor) {
    return this.queries.commitments(query, actor);
  }
}

@ApiTags('organizations 社会组织')
@Controller('api/organizations')
export class OrganizationCommitmentsController {
  constructor(private readonly queries: NeedsQueries) {}

  @Get(':id/commitments')
  @ApiOperation({ summary: '组织的接单 An organization’s commitments, with overdue flags' })
  commitments(@Param() { id }: IdParam, @CurrentActor() actor: Actor) {
    return this.queries.commitmentsOf(id, actor);
  }
}
