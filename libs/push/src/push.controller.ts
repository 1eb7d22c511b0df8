import { Body, Controller, Get, HttpCode, Inject, MessageEvent, Param, Post, Query, Req, Sse } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiHeader, ApiOperation, ApiProperty, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { InjectDataSource } from '@nestjs/typeorm';
import { Actor, Command, CommandContext, CommandResult, CurrentActor, forbidden, IDEMPOTENCY_HEADER, invalid, PageQueryDto, RequestWithActor, Streaming } from '@shecun/core';
import { StreamAccess } from '@shecun/identity';
import { CATEGORIES, Category } from '@shecun/categories';
import { Type } from 'class-transformer';
import { ArrayMaxSize, IsArray, IsBoolean, IsIn, IsInt, IsOptional, IsString, Matches, Max, MaxLength, Min } from 'class-validator';
import { finalize, from, interval, map, merge, mergeMap, Observable, startWith, takeUntil, timer } from 'rxjs';
import { DataSource, In, MoreThan } from 'typeorm';
import { ExecutePushSettingsCommand } from './push-settings.commands';
import { PushSettingsState } from './push-settings.decider';
import { DEFAULT_PREFERENCES, PushPreferences } from './push.model';
import { PushFeedView, PushPreferencesView, WebhookAttempt, WebhookDelivery } from './push.projection';
import { PUSH_OPTIONS, PushOptions } from './webhook.dispatcher';
import { organizationWebhookSecret } from './webhook-signing';
import { checkWebhookUrl, WebhookUrlRefused } from './webhook-url';

const ORG_ID = /^[A-Za-z0-9._:-]{1,64}$/;

export class PushOrganizationParam {
  @Matches(ORG_ID, { message: 'id must be 1-64 letters, digits or ._:-' }) id: string;
}

export class PushPreferencesDto {
  @ApiPropertyOptional({ enum: CATEGORIES, isArray: true, description: 'Categories wanted; empty or absent for all' })
  @IsOptional() @IsArray() @ArrayMaxSize(CATEGORIES.length) @IsIn(CATEGORIES, { each: true })
  categories?: Category[];
  @ApiPropertyOptional({ example: ['4418', '441826'], description: 'Division code prefixes; empty or absent for all of Guangdong' })
  @IsOptional() @IsArray() @ArrayMaxSize(50) @Matches(/^44\d{0,10}$/, { each: true, message: 'each region must be a Guangdong division code prefix (44…)' })
  regions?: string[];
  @ApiPropertyOptional({ example: 50, description: 'Only needs it scores at least this for (0-100); default 50' })
  @IsOptional() @Type(() => Number) @IsInt() @Min(0) @Max(100)
  minimumScore?: number;
  @ApiPropertyOptional({ type: String, nullable: true, example: 'https://example.org/hooks/shecun', description: 'POST each push here (signed); null for the feed only. Its host must resolve to public unicast addresses only, port 80, 443 or 1024-65535, no credentials; redirects are not followed' })
  @IsOptional() @IsString() @MaxLength(500) @Matches(/^https?:\/\/\S+$/, { message: 'webhookUrl 必须是 http(s) 网址 (webhookUrl must be an http(s) URL)' })
  webhookUrl?: string | null;
  @ApiPropertyOptional({ description: 'Name its member units (会员单位) in each push' })
  @IsOptional() @IsBoolean()
  includeMemberUnits?: boolean;
}

export class FeedQuery extends PageQueryDto {}

export class FeedStreamQuery {
  @ApiPropertyOptional({ description: 'Send only pushes after this feed position (the id of the last event received)' })
  @IsOptional() @Type(() => Number) @IsInt() @Min(-1)
  after?: number;
}

/** Own staff (and the hub admin) of the organization; admins may look. */
function requireOwn(actor: Actor, organizationId: string, readOnlyAdmin = true): void {
  const own = (actor.role === 'organization' || actor.role === 'hub') && actor.organizationId === organizationId;
  if (!own && !(readOnlyAdmin && actor.role === 'admin')) throw forbidden(`只有 ${organizationId} 的工作人员可以查看其推送 (only the organization’s own staff see its pushes)`);
}

const presentFeed = (r: PushFeedView) => ({
  position: r.position,
  needId: r.needId,
  title: r.title,
  villageCode: r.villageCode,
  category: r.category,
  score: r.score,
  reasons: JSON.parse(r.reasons) as string[],
  trigger: r.trigger,
  memberUnits: JSON.parse(r.memberUnits) as string[],
  pushedAt: r.pushedAt,
});

/** A stream's keep-alive ping and its lifetime, after which the client reconnects and is checked again. */
const STREAM_PING_MS = 25_000;
const STREAM_LIFETIME_MS = 5 * 60_000;

@ApiTags('push 需求推送')
@Controller('api/push')
export class PushController {
  constructor(
    private readonly commands: CommandBus,
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(PUSH_OPTIONS) private readonly options: PushOptions,
    private readonly streamAccess: StreamAccess,
  ) {}

  private async settings(organizationId: string) {
    const row = await this.dataSource.getRepository(PushPreferencesView).findOneBy({ organizationId });
    const preferences: PushPreferences = row ? JSON.parse(row.preferences) : DEFAULT_PREFERENCES;
    const secretVersion = row?.secretVersion ?? 1;
    return { organizationId, preferences, secretVersion, webhookSecret: organizationWebhookSecret(this.options.serverSecret, organizationId, secretVersion), updatedAt: row?.updatedAt ?? null };
  }

  @Get(':id/settings')
  @ApiOperation({ summary: '推送设置 The organization’s push preferences and its current webhook signing secret (own staff)' })
  async get(@Param() { id }: PushOrganizationParam, @CurrentActor() actor: Actor) {
    requireOwn(actor, id, false);
    return this.settings(id);
  }

  @Post(':id/settings')
  @HttpCode(200)
  @ApiOperation({ summary: '设置推送 Set fields, regions, minimum score, webhook URL, member units (own staff)' })
  @ApiHeader(IDEMPOTENCY_HEADER)
  async set(@Param() { id }: PushOrganizationParam, @Body() body: PushPreferencesDto, @Command() ctx: CommandContext) {
    // Only the fields sent change; the decider applies them over the preferences as they are when it decides.
    const next: Partial<PushPreferences> = {
      categories: body.categories,
      regions: body.regions,
      minimumScore: body.minimumScore,
      webhookUrl: body.webhookUrl,
      includeMemberUnits: body.includeMemberUnits,
    };
    // Refused before any command runs: nothing is appended. Checked again before each delivery.
    if (next.webhookUrl) {
      await checkWebhookUrl(next.webhookUrl, this.options.webhookPolicy).catch((e: unknown) => {
        throw e instanceof WebhookUrlRefused ? invalid(e.message, { webhookUrl: next.webhookUrl, ...e.details }) : e;
      });
    }
    const result = await this.commands.execute<ExecutePushSettingsCommand, CommandResult<PushSettingsState>>(new ExecutePushSettingsCommand({ type: 'SetPushPreferences', organizationId: id, ...next }, ctx));
    return { organizationId: id, position: result.position ?? null, preferences: result.state.preferences };
  }

  @Post(':id/secret/rotate')
  @HttpCode(200)
  @ApiOperation({ summary: '更换签名密钥 Rotate the webhook signing secret; the old one stops working at once (own staff)' })
  @ApiHeader(IDEMPOTENCY_HEADER)
  async rotate(@Param() { id }: PushOrganizationParam, @Command() ctx: CommandContext) {
    const result = await this.commands.execute<ExecutePushSettingsCommand, CommandResult<PushSettingsState>>(new ExecutePushSettingsCommand({ type: 'RotateWebhookSecret', organizationId: id }, ctx));
    return { organizationId: id, position: result.position ?? null, secretVersion: result.state.secretVersion };
  }

  @Get(':id/feed')
  @ApiOperation({ summary: '推送动态 Needs pushed to the organization, newest first, with score and reasons (own staff, admins)' })
  async feed(@Param() { id }: PushOrganizationParam, @Query() query: FeedQuery, @CurrentActor() actor: Actor) {
    requireOwn(actor, id);
    const page = query.page ?? 1;
    const pageSize = query.pageSize ?? 20;
    const [rows, total] = await this.dataSource.getRepository(PushFeedView).findAndCount({ where: { organizationId: id }, order: { position: 'DESC' }, skip: (page - 1) * pageSize, take: pageSize });
    return { page, pageSize, total, items: rows.map(presentFeed) };
  }

  @Sse(':id/feed/stream')
  @Streaming()
  @ApiOperation({ summary: '推送事件流 Server-Sent Events: each new push as it arrives (event need.pushed, id = feed position; resume with ?after=); a ping event every 25 s; the stream ends after 5 minutes, to be resumed with ?after=' })
  async stream(@Param() { id }: PushOrganizationParam, @Query() query: FeedStreamQuery, @CurrentActor() actor: Actor, @Req() request: RequestWithActor): Promise<Observable<MessageEvent>> {
    requireOwn(actor, id);
    // At most STREAMS_PER_USER_MAX open streams per user (429 beyond); the stream ends within a
    // second of the caller's session, grant or password ending.
    const lease = this.streamAccess.lease(request);
    let after = query.after ?? (await this.dataSource.getRepository(PushFeedView).maximum('position', { organizationId: id })) ?? -1;
    const repository = this.dataSource.getRepository(PushFeedView);
    const pushes = interval(1000).pipe(
      startWith(0),
      mergeMap(() => from(repository.find({ where: { organizationId: id, position: MoreThan(after) }, order: { position: 'ASC' }, take: 100 })), 1),
      mergeMap((rows) => {
        if (rows.length) after = rows[rows.length - 1].position;
        return rows;
      }),
      map((row): MessageEvent => ({ id: String(row.position), type: 'need.pushed', data: presentFeed(row) })),
    );
    // A comment-like ping keeps proxies from cutting a quiet stream; the stream ends after a while so
    // that the client reconnects (with ?after=) and its access is checked again.
    const pings = interval(STREAM_PING_MS).pipe(map((): MessageEvent => ({ type: 'ping', data: {} })));
    return merge(pushes, pings).pipe(takeUntil(timer(STREAM_LIFETIME_MS)), takeUntil(lease.ended), finalize(lease.release));
  }

  @Get(':id/deliveries')
  @ApiOperation({ summary: '推送投递记录 Webhook deliveries with every attempt (own staff, admins)' })
  async deliveries(@Param() { id }: PushOrganizationParam, @Query() query: FeedQuery, @CurrentActor() actor: Actor) {
    requireOwn(actor, id);
    const page = query.page ?? 1;
    const pageSize = query.pageSize ?? 20;
    const [rows, total] = await this.dataSource.getRepository(WebhookDelivery).findAndCount({ where: { organizationId: id }, order: { createdAt: 'DESC', id: 'ASC' }, skip: (page - 1) * pageSize, take: pageSize });
    const attempts = rows.length ? await this.dataSource.getRepository(WebhookAttempt).find({ where: { deliveryId: In(rows.map((r) => r.id)) }, order: { id: 'ASC' } }) : [];
    return {
      page,
      pageSize,
      total,
      items: rows.map(({ payload, ...r }) => ({ ...r, needId: (JSON.parse(payload) as { needId: string }).needId, log: attempts.filter((a) => a.deliveryId === r.id).map(({ id: _id, deliveryId: _d, ...a }) => a) })),
    };
  }
}
