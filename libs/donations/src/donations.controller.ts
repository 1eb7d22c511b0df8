import { Body, Controller, Get, Header, HttpCode, Inject, Optional, Param, Post, Query, Res, StreamableFile } from '@nestjs/common';
import { EvidenceService, resolveEvidence, sendEvidence, ThumbnailQuery, wantsThumbnail } from '@shecun/evidence';
import type { Response } from 'express';
import { CommandBus } from '@nestjs/cqrs';
import { ApiHeader, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import { Actor, Command, CommandContext, CommandResult, CSV_CONTENT_TYPE, CurrentActor, exportCsv, exportXlsx, IDEMPOTENCY_HEADER, notFound, Public, XLSX_CONTENT_TYPE } from '@shecun/core';
import { EVENT_STORE, EventStore } from '@shecun/event-store';
import { recordAuditedRead } from '@shecun/identity';
import { randomUUID } from 'node:crypto';
import { ExecuteFlowCommand, ExecuteFundCommand, FlowRequest } from './donations.commands';
import {
  AddEvidenceDto,
  AllocateDto,
  AllocationParam,
  ConfirmUseDto,
  AnomaliesQuery,
  AsOfQuery,
  LedgerExportQuery,
  CorrectReceiptDto,
  EstablishFundDto,
  FlowEvidenceParam,
  FlowIdParam,
  FundsQuery,
  ListFlowsQuery,
  NoteDto,
  OrganizationIdParam,
  PledgeDonationDto,
  RecentDisclosuresQuery,
  ReasonedAmountDto,
  ReceiveDto,
  RecordUseDto,
  UseEvidenceDto,
  UseParam,
} from './donations.dto';
import { UseEvidence } from './donation.model';
import { DonationsQueries, presentFlow } from './donations.queries';
import { ledgerSheet } from './exports';
import { iatiActivities } from './iati';
import { FlowState } from './flow.decider';
import { FundState } from './fund.decider';

/** The platform's identifier in the IATI export, reporting in place of an organization whose credit code is not known. */
const IATI_PREFIX = process.env.IATI_PREFIX ?? 'CN-SHECUN';
const shortId = (prefix: string) => `${prefix}-${randomUUID().slice(0, 8)}`;

/** What the ledger files hold. */
const LEDGER_FILE = 'Headers in Chinese (lang=en: English); the value as 价值（元） with two decimals next to 价值（分） (value_yuan, value_fen); times in China time (北京时间)';

@ApiTags('donations 捐赠流向')
@Controller('api/donations')
/** Commands on donation flows (the donations service in the distributed topology). */
export class DonationsCommandController {
  constructor(
    private readonly commands: CommandBus,
    @Optional() private readonly evidenceFiles?: EvidenceService,
  ) {}

  /** Evidence entries as the event records them (uploaded files resolved to hash, type, size, uploader, visibility). */
  private resolve(items: UseEvidenceDto[]): Promise<UseEvidence[]> {
    return resolveEvidence(this.evidenceFiles, items) as Promise<UseEvidence[]>;
  }

  private async run(flowId: string, request: FlowRequest, ctx: CommandContext, extra: Record<string, string> = {}) {
    const result = await this.commands.execute<ExecuteFlowCommand, CommandResult<FlowState>>(new ExecuteFlowCommand(flowId, request, ctx));
    return {
      flowId: result.state.id,
      ...extra,
      revision: result.revision,
      position: result.position ?? null,
      events: result.events.map((e) => ({ id: e.id, type: e.type, revision: e.revision })),
      donation: presentFlow(result.state),
    };
  }

  @Post()
  @ApiOperation({ summary: '认捐 Pledge a donation of money (fen) or goods to an organization or fund (donor’s or recipient’s staff)' })
  @ApiHeader(IDEMPOTENCY_HEADER)
  pledge(@Body() body: PledgeDonationDto, @Command() ctx: CommandContext) {
    const donor =
      body.donorKind === 'individual'
        ? ({ kind: 'individual' } as const)
        : { kind: body.donorKind, organizationId: body.donorOrganizationId!, ...(body.memberUnitName ? { name: body.memberUnitName } : {}) };
    const resource =
      body.resourceKind === 'money' ? ({ kind: 'money' } as const) : { kind: 'goods' as const, item: body.item!, unit: body.unit!, estimatedValueFen: body.estimatedValueFen! };
    return this.run(randomUUID(), { type: 'PledgeDonation', donor, recipient: { kind: body.recipientKind, id: body.recipientId }, resource, amount: body.amount, note: body.note ?? '' }, ctx);
  }

  @Post(':id/receive')
  @HttpCode(200)
  @ApiOperation({ summary: '到账 Record receipt with the receipt number (捐赠票据) (recipient’s staff)' })
  @ApiHeader(IDEMPOTENCY_HEADER)
  async receive(@Param() { id }: FlowIdParam, @Body() body: ReceiveDto, @Command() ctx: CommandContext) {
    const evidence = body.evidence?.length ? { evidence: await this.resolve(body.evidence) } : {};
    return this.run(id, { type: 'ReceiveDonation', receiptNumber: body.receiptNumber, amount: body.amount, receivedOn: body.receivedOn, ...evidence }, ctx);
  }

  @Post(':id/allocations')
  @ApiOperation({ summary: '使用安排 Allocate to a need, a village project, or onward to an organization or fund (recipient’s staff)' })
  @ApiHeader(IDEMPOTENCY_HEADER)
  allocate(@Param() { id }: FlowIdParam, @Body() body: AllocateDto, @Command() ctx: CommandContext) {
    const target =
      body.targetKind === 'need'
        ? { kind: 'need' as const, needId: body.needId!, ...(body.teamId ? { teamId: body.teamId } : {}) }
        : body.targetKind === 'village'
          ? { kind: 'village' as const, villageCode: body.villageCode!, project: body.project! }
          : { kind: body.targetKind, id: body.targetId! };
    const allocationId = shortId('a');
    return this.run(id, { type: 'AllocateDonation', allocationId, target, amount: body.amount, note: body.note ?? '' }, ctx, { allocationId });
  }

  @Post(':id/allocations/:allocationId/return')
  @HttpCode(200)
  @ApiOperation({ summary: '退回安排 Return an unused part of an allocation to the flow (recipient’s staff)' })
  @ApiHeader(IDEMPOTENCY_HEADER)
  returnAllocation(@Param() { id, allocationId }: AllocationParam, @Body() body: ReasonedAmountDto, @Command() ctx: CommandContext) {
    return this.run(id, { type: 'ReturnAllocation', allocationId, amount: body.amount, reason: body.reason }, ctx);
  }

  @Post(':id/allocations/:allocationId/receive')
  @ApiOperation({ summary: '转拨到账 The receiving organization or fund records receipt of a transfer; starts the child flow (receiver’s staff)' })
  @ApiHeader(IDEMPOTENCY_HEADER)
  receiveTransfer(@Param() { id, allocationId }: AllocationParam, @Body() body: ReceiveDto, @Command() ctx: CommandContext) {
    return this.run('', { type: 'ReceiveTransfer', parentFlowId: id, allocationId, receiptNumber: body.receiptNumber, amount: body.amount, receivedOn: body.receivedOn }, ctx);
  }

  @Post(':id/uses')
  @ApiOperation({ summary: '使用 Record a use of an allocation with evidence (recipient’s staff)' })
  @ApiHeader(IDEMPOTENCY_HEADER)
  async use(@Param() { id }: FlowIdParam, @Body() body: RecordUseDto, @Command() ctx: CommandContext) {
    const useId = shortId('u');
    const evidence = await this.resolve(body.evidence);
    return this.run(
      id,
      { type: 'RecordUse', useId, allocationId: body.allocationId, ...(body.needId ? { needId: body.needId } : {}), amount: body.amount, evidence, usedOn: body.usedOn, note: body.note ?? '' },
      ctx,
      { useId },
    );
  }

  @Post(':id/uses/:useId/evidence')
  @HttpCode(200)
  @ApiOperation({ summary: '补充凭证 Add evidence to a use (recipient’s staff)' })
  @ApiHeader(IDEMPOTENCY_HEADER)
  async evidence(@Param() { id, useId }: UseParam, @Body() body: AddEvidenceDto, @Command() ctx: CommandContext) {
    return this.run(id, { type: 'AddUseEvidence', useId, evidence: await this.resolve(body.evidence) }, ctx);
  }

  @Post(':id/uses/:useId/confirm')
  @HttpCode(200)
  @ApiOperation({ summary: '受益村确认 The beneficiary village’s coordinator confirms a use' })
  @ApiHeader(IDEMPOTENCY_HEADER)
  confirm(@Param() { id, useId }: UseParam, @Body() body: ConfirmUseDto, @Command() ctx: CommandContext) {
    return this.run(id, { type: 'ConfirmUse', useId, note: body.note ?? '', ...(body.reason?.trim() ? { reason: body.reason } : {}) }, ctx);
  }

  @Post(':id/disclose')
  @HttpCode(200)
  @ApiOperation({ summary: '信息公开 Disclose the flow in the public report (recipient’s staff)' })
  @ApiHeader(IDEMPOTENCY_HEADER)
  disclose(@Param() { id }: FlowIdParam, @Command() ctx: CommandContext) {
    return this.run(id, { type: 'DiscloseDonation' }, ctx);
  }

  @Post(':id/refunds')
  @HttpCode(200)
  @ApiOperation({ summary: '退款/退还 Refund money or return goods to the donor from the unallocated balance (recipient’s staff)' })
  @ApiHeader(IDEMPOTENCY_HEADER)
  refund(@Param() { id }: FlowIdParam, @Body() body: ReasonedAmountDto, @Command() ctx: CommandContext) {
    return this.run(id, { type: 'RefundDonation', amount: body.amount, reason: body.reason }, ctx);
  }

  @Post(':id/corrections')
  @HttpCode(200)
  @ApiOperation({ summary: '更正 Correct the received amount or receipt number, with a reason (recipient’s staff)' })
  @ApiHeader(IDEMPOTENCY_HEADER)
  correct(@Param() { id }: FlowIdParam, @Body() body: CorrectReceiptDto, @Command() ctx: CommandContext) {
    return this.run(id, { type: 'CorrectReceipt', amount: body.amount, receiptNumber: body.receiptNumber, reason: body.reason }, ctx);
  }
}

/** Reads of donation flows (the gateway in the distributed topology); a trace read is recorded in the access audit. */
@ApiTags('donations 捐赠流向')
@Controller('api/donations')
export class DonationsQueryController {
  constructor(
    private readonly queries: DonationsQueries,
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Optional() private readonly evidence?: EvidenceService,
  ) {}

  @Get()
  @ApiOperation({ summary: '捐赠列表 Donation flows the caller may see; paged (≤ 100)' })
  list(@Query() query: ListFlowsQuery, @CurrentActor() actor: Actor) {
    return this.queries.list(actor, query);
  }

  @Get(':id')
  @ApiOperation({ summary: '捐赠详情 One flow with its allocations, uses, refunds and corrections' })
  get(@Param() { id }: FlowIdParam, @CurrentActor() actor: Actor) {
    return this.queries.get(actor, id);
  }

  @Get(':id/evidence/:sha256')
  @ApiOperation({ summary: '使用凭证文件 An evidence file (or its thumbnail) of one of the flow’s uses, for those who may see the flow' })
  async evidenceFile(@Param() { id, sha256 }: FlowEvidenceParam, @Query() query: ThumbnailQuery, @CurrentActor() actor: Actor, @Res() res: Response) {
    const files = await this.queries.flowEvidence(actor, id);
    if (!this.evidence) throw notFound('此服务不提供证明材料文件 (evidence files are not served here)');
    sendEvidence(res, await this.evidence.openReferenced(files, sha256, wantsThumbnail(query)));
  }

  @Get(':id/trace')
  @ApiOperation({ summary: '流向追溯 Trace a flow up to the donor and down to every use, each hop with dates, actors and evidence; recorded in the access audit' })
  async trace(@Param() { id }: FlowIdParam, @Query() query: AsOfQuery, @CurrentActor() actor: Actor) {
    const trace = await this.queries.trace(actor, id, query.asOf);
    const hop = trace.hops.find((h) => h.id === id)!;
    await recordAuditedRead(this.store, actor, { resource: 'donation-trace', resourceId: id, scope: hop.recipient.divisionCode || null, query: query.asOf ? { asOf: query.asOf } : {} });
    return trace;
  }
}

@ApiTags('donations 捐赠流向')
@Controller('api/funds')
export class FundsCommandController {
  constructor(private readonly commands: CommandBus) {}

  @Post()
  @ApiOperation({ summary: '设立专项基金 Set up a fund held by a foundation or hub organization (its staff, or bureau staff within scope)' })
  @ApiHeader(IDEMPOTENCY_HEADER)
  async establish(@Body() body: EstablishFundDto, @Command() ctx: CommandContext) {
    const fundId = body.fundId ?? shortId('fund');
    const result = await this.commands.execute<ExecuteFundCommand, CommandResult<FundState>>(
      new ExecuteFundCommand(fundId, { type: 'EstablishFund', holderOrganizationId: body.holderOrganizationId, name: body.name, purpose: body.purpose ?? '' }, ctx),
    );
    return { fundId, position: result.position ?? null, events: result.events.map((e) => ({ id: e.id, type: e.type })), fund: result.state };
  }
}

@ApiTags('donations 捐赠流向')
@Controller('api/funds')
export class FundsQueryController {
  constructor(private readonly queries: DonationsQueries) {}

  @Get()
  @ApiOperation({ summary: '专项基金列表 Funds, optionally of one holder' })
  list(@Query() query: FundsQuery) {
    return this.queries.funds(query.holderOrganizationId);
  }

  @Get(':id')
  @ApiOperation({ summary: '专项基金 A fund with its totals' })
  get(@Param() { id }: OrganizationIdParam) {
    return this.queries.fund(id);
  }
}

@ApiTags('audit 审计')
@Controller('api/audit/donations')
export class DonationAuditController {
  constructor(
    private readonly queries: DonationsQueries,
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Optional() private readonly evidence?: EvidenceService,
  ) {}

  @Get('balances')
  @ApiOperation({ summary: '余额 Received / allocated / used / confirmed per organization, fund, need and village (auditors, bureau staff within scope); as of a date' })
  balances(@Query() query: AsOfQuery, @CurrentActor() actor: Actor) {
    return this.queries.balances(actor, query.asOf);
  }

  @Get('anomalies')
  @ApiOperation({ summary: '异常 Unallocated, unused, unacknowledged or unconfirmed for more than N days; uses without evidence; imbalances; as of a date' })
  async anomalies(@Query() query: AnomaliesQuery, @CurrentActor() actor: Actor) {
    const result = await this.queries.anomalies(actor, query.asOf, query.days ?? 30);
    if (!query.kind) return result;
    const items = result.items.filter((a) => a.kind === query.kind);
    return { ...result, total: items.length, items };
  }

  @Get('ledger.csv')
  @Header('content-type', CSV_CONTENT_TYPE)
  @Header('content-disposition', 'attachment; filename="donations-ledger.csv"')
  @ApiProduces('text/csv')
  @ApiOperation({ summary: `账本导出 CSV of every donation event the caller may audit, with amounts, counterparts, references and hashes; as of a date. ${LEDGER_FILE}` })
  async ledgerCsv(@Query() query: LedgerExportQuery, @CurrentActor() actor: Actor) {
    return exportCsv(ledgerSheet(await this.queries.histories(actor, query.asOf)), query.lang ?? 'zh');
  }

  @Get('ledger.xlsx')
  @ApiProduces(XLSX_CONTENT_TYPE)
  @ApiOperation({ summary: `账本导出 The same ledger as an Excel workbook (values as numbers, 元 with a 0.00 format). ${LEDGER_FILE}` })
  async ledgerXlsx(@Query() query: LedgerExportQuery, @CurrentActor() actor: Actor) {
    const workbook = await exportXlsx(ledgerSheet(await this.queries.histories(actor, query.asOf)), query.lang ?? 'zh');
    return new StreamableFile(workbook, { type: XLSX_CONTENT_TYPE, disposition: 'attachment; filename="donations-ledger.xlsx"' });
  }

  @Get('iati.xml')
  @Header('content-type', 'application/xml; charset=utf-8')
  @Header('content-disposition', 'attachment; filename="donations-iati.xml"')
  @ApiOperation({
    summary: 'IATI 导出 IATI 2.03 activities: one per flow reported by its holder (CN-USCI-<credit code>-<flow id>), transactions 13 pledge, 1 incoming funds, 2 commitment, 3 disbursement, 4 expenditure, hops linked by provider/receiver activity ids',
  })
  async iati(@Query() query: AsOfQuery, @CurrentActor() actor: Actor) {
    const flows = await this.queries.histories(actor, query.asOf);
    return iatiActivities(flows, { prefix: IATI_PREFIX, generatedAt: new Date(), organizations: await this.queries.organizationIdentities(flows) });
  }

  @Get('ledger')
  @ApiOperation({
    summary:
      '账本校验 Recompute the donation ledger’s hash chains from the event store; reports the first broken link, and every evidence file missing or no longer hashing to its recorded SHA-256 (evidenceFiles)',
  })
  async ledger(@CurrentActor() actor: Actor) {
    const report = await this.queries.verifyLedgerFor(actor);
    if (!this.evidence) return report;
    const evidenceFiles = await this.evidence.verifyFiles(this.store);
    return { ...report, ok: report.ok && evidenceFiles.ok, evidenceFiles };
  }
}

@ApiTags('disclosure 信息公开')
@Public()
@Controller('api/disclosure')
export class DisclosureController {
  constructor(
    private readonly queries: DonationsQueries,
    @Optional() private readonly evidence?: EvidenceService,
  ) {}

  @Get('donations/:id/evidence/:sha256')
  @ApiOperation({ summary: '公开凭证文件 An evidence file marked public (or its thumbnail) of a disclosed flow; internal files are not served here' })
  async evidenceFile(@Param() { id, sha256 }: FlowEvidenceParam, @Query() query: ThumbnailQuery, @Res() res: Response) {
    const files = await this.queries.disclosedEvidence(id);
    if (!this.evidence) throw notFound('此服务不提供证明材料文件 (evidence files are not served here)');
    sendEvidence(res, await this.evidence.openReferenced(files, sha256, wantsThumbnail(query), true), true);
  }

  @Get('recent')
  @ApiOperation({ summary: '最近公开 The organizations with disclosed donations (most recently updated first) and the latest disclosed donations, in one city or the province; published figures, no donor named' })
  recent(@Query() { city, limit }: RecentDisclosuresQuery) {
    return this.queries.recentDisclosures({ city, limit: limit ?? 20 });
  }

  @Get('organizations/:id')
  @ApiOperation({ summary: '机构公开报告 Disclosed totals received, used and confirmed by an organization, per donor and project, with corrections; no personal data' })
  organization(@Param() { id }: OrganizationIdParam) {
    return this.queries.disclosureOfOrganization(id);
  }

  @Get('needs/:id')
  @ApiOperation({ summary: '项目公开报告 Disclosed totals allocated, used and confirmed for one need, with corrections; no personal data' })
  need(@Param() { id }: FlowIdParam) {
    return this.queries.disclosureOfNeed(id);
  }
}
