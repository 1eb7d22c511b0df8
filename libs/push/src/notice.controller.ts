import { Body, Controller, Get, HttpCode, Post, Query } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiHeader, ApiOperation, ApiProperty, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { InjectDataSource } from '@nestjs/typeorm';
import { Actor, Command, CommandContext, CommandResult, CurrentActor, forbidden, HumanText, IDEMPOTENCY_HEADER, PageQueryDto } from '@shecun/core';
import { CATEGORIES, Category } from '@shecun/categories';
import { Type } from 'class-transformer';
import { ArrayMaxSize, ArrayUnique, IsArray, IsEmail, IsIn, IsObject, IsOptional, IsString, Matches, MaxLength, ValidateNested } from 'class-validator';
import { DataSource } from 'typeorm';
import { ExecuteNoticePreferencesCommand, NoticePreferencesState } from './notice-preferences.decider';
import { DEFAULT_NOTICE_PREFERENCES, NOTICE_CHANNELS, NOTICE_FREQUENCIES, NOTICE_NEEDS, NoticeChannelName, NoticeFrequency, NoticeNeeds, NoticePreferences, TIME_OF_DAY } from './notice.model';
import { NoticeMessage, NoticePreferencesView } from './notice.projection';
import { NoticeSender } from './notice.sender';

const TIME_MESSAGE = (field: string) => `${field} 须为北京时间“时:分”，如 22:00 (${field} must be HH:MM, China time)`;

export class QuietHoursDto {
  @ApiProperty({ example: '22:00', description: '免打扰开始（北京时间） Quiet hours start, China time' })
  @IsString() @Matches(TIME_OF_DAY, { message: TIME_MESSAGE('from') })
  from: string;
  @ApiProperty({ example: '07:00', description: '免打扰结束（北京时间，可跨午夜） Quiet hours end, China time (may be past midnight)' })
  @IsString() @Matches(TIME_OF_DAY, { message: TIME_MESSAGE('to') })
  to: string;
}

/** The fields to change; a field left out stays as it is, null clears it. */
export class NoticePreferencesDto {
  @ApiPropertyOptional({ type: String, nullable: true, example: 'zhang.san@example.org', description: '接收通知的邮箱；null 清除 E-mail address for notices; null removes it' })
  @IsOptional() @IsString() @MaxLength(254) @IsEmail({}, { message: '邮箱地址格式不对 (email must be an e-mail address)' })
  email?: string | null;
  @ApiPropertyOptional({ type: String, nullable: true, example: '13800138000', description: '接收短信的手机号；null 清除 Mobile number for SMS; null removes it' })
  @IsOptional() @IsString() @Matches(/^1[3-9]\d{9}$/, { message: '手机号码须为 11 位数字，以 1 开头 (phone must be an 11-digit mainland mobile number)' })
  phone?: string | null;
  @ApiPropertyOptional({ enum: NOTICE_CHANNELS, isArray: true, description: '通知方式：邮件 email、短信 sms；空则不通知 Channels; empty for none' })
  @IsOptional() @IsArray() @ArrayMaxSize(NOTICE_CHANNELS.length) @ArrayUnique({ message: 'channels 不能重复 (channels must not repeat)' }) @IsIn(NOTICE_CHANNELS, { each: true, message: 'channels 只能是 email 或 sms (each channel must be email or sms)' })
  channels?: NoticeChannelName[];
  @ApiPropertyOptional({ enum: NOTICE_NEEDS, description: '哪些需求：matching 推送给本机构的新需求，none 不通知 Which needs: those pushed to my organization, or none' })
  @IsOptional() @IsIn(NOTICE_NEEDS, { message: 'needs 只能是 matching 或 none (needs must be matching or none)' })
  needs?: NoticeNeeds;
  @ApiPropertyOptional({ enum: CATEGORIES, isArray: true, description: '只要这些类别；空为全部 Only these categories; empty for all' })
  @IsOptional() @IsArray() @ArrayMaxSize(CATEGORIES.length) @IsIn(CATEGORIES, { each: true, message: 'categories 含未知的帮扶类别 (unknown category)' })
  categories?: Category[];
  @ApiPropertyOptional({ enum: NOTICE_FREQUENCIES, description: '多久一次：immediate 立即，daily 每日摘要 How often' })
  @IsOptional() @IsIn(NOTICE_FREQUENCIES, { message: 'frequency 只能是 immediate 或 daily (frequency must be immediate or daily)' })
  frequency?: NoticeFrequency;
  @ApiPropertyOptional({ example: '08:00', description: '每日摘要的发送时间（北京时间） When the daily digest goes, China time' })
  @IsOptional() @IsString() @Matches(TIME_OF_DAY, { message: TIME_MESSAGE('digestAt') })
  digestAt?: string;
  @ApiPropertyOptional({ type: QuietHoursDto, nullable: true, description: '免打扰时段；null 取消 Quiet hours; null removes them' })
  @IsOptional() @IsObject({ message: 'quietHours 须为 {from, to} (quietHours must be an object {from, to})' }) @ValidateNested() @Type(() => QuietHoursDto)
  quietHours?: QuietHoursDto | null;
  @ApiPropertyOptional({ type: String, nullable: true, example: '4418', description: '定期报表：接收哪个区域的月报、季报归档通知（监管人员；本辖区或其下级的省、市、县代码）；null 不接收 Reports filed on the schedule for this region (bureau staff: their scope or a province, city or county within it); null for none' })
  @IsOptional() @IsString() @Matches(/^(\d{2}|\d{4}|\d{6})$/, { message: 'reportRegion 须为省、市或县的区划代码（2、4 或 6 位） (reportRegion must be a province, city or county code)' })
  reportRegion?: string | null;
  @ApiPropertyOptional({ example: '换了新邮箱', description: '修改原因（可不填） Why they changed (optional)' })
  @IsOptional() @IsString() @MaxLength(200) @HumanText()
  reason?: string;
}

export class NoticeLogQuery extends PageQueryDto {}

/**
 * Who has notices: staff of an organization (and hub admins), of the needs pushed to their
 * organization; bureau staff, of the reports filed for their region. Answers the organization (null for bureau staff).
 */
function requireStaff(actor: Actor): string | null {
  if ((actor.role === 'organization' || actor.role === 'hub') && actor.organizationId) return actor.organizationId;
  if (actor.role === 'bureau' && actor.scope) return null;
  throw forbidden('只有社会组织和监管部门的工作人员有通知 (only organization and bureau staff receive notices)');
}

@ApiTags('push 需求推送')
@Controller('api/push/notices')
export class NoticeController {
  constructor(
    private readonly commands: CommandBus,
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly sender: NoticeSender,
  ) {}

  @Get('me')
  @ApiOperation({ summary: '我的通知 My notice preferences: e-mail, SMS, which needs, how often, quiet hours, which region’s filed reports; and the channels this server sends (organization and bureau staff)' })
  async get(@CurrentActor() actor: Actor) {
    const organizationId = requireStaff(actor);
    const row = await this.dataSource.getRepository(NoticePreferencesView).findOneBy({ userId: actor.id });
    const preferences: NoticePreferences = { ...DEFAULT_NOTICE_PREFERENCES, ...(row ? JSON.parse(row.preferences) : {}) };
    return { userId: actor.id, organizationId, preferences, updatedAt: row?.updatedAt ?? null, available: this.sender.available };
  }

  @Post('me')
  @HttpCode(200)
  @ApiOperation({ summary: '设置我的通知 Set my notice preferences: only the fields sent change; each change is recorded with who, when and why (organization staff: needs; bureau staff: the reports filed for their region, reportRegion)' })
  @ApiHeader(IDEMPOTENCY_HEADER)
  async set(@Body() body: NoticePreferencesDto, @Command() ctx: CommandContext) {
    requireStaff(ctx.actor);
    const { reason, quietHours, ...fields } = body;
    const preferences: Partial<NoticePreferences> = { ...fields, quietHours: quietHours === undefined ? undefined : quietHours && { from: quietHours.from, to: quietHours.to } };
    const result = await this.commands.execute<ExecuteNoticePreferencesCommand, CommandResult<NoticePreferencesState>>(
      new ExecuteNoticePreferencesCommand({ type: 'SetNoticePreferences', userId: ctx.actor.id, preferences, reason: reason ?? null }, ctx),
    );
    return { userId: ctx.actor.id, position: result.position ?? null, changed: result.events.length > 0, preferences: result.state.preferences };
  }

  @Get('me/log')
  @ApiOperation({ summary: '通知记录 My notices: each message with its channel, needs (or filed report), status and attempts, newest first (organization and bureau staff)' })
  async log(@Query() query: NoticeLogQuery, @CurrentActor() actor: Actor) {
    requireStaff(actor);
    const page = query.page ?? 1;
    const pageSize = query.pageSize ?? 20;
    const [rows, total] = await this.dataSource.getRepository(NoticeMessage).findAndCount({ where: { userId: actor.id }, order: { createdAt: 'DESC', id: 'ASC' }, skip: (page - 1) * pageSize, take: pageSize });
    return {
      page,
      pageSize,
      total,
      items: rows.map(({ userId: _u, body: _b, needIds, ...r }) => ({ ...r, needIds: JSON.parse(needIds) as string[] })),
    };
  }
}
