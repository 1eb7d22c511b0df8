import { Body, Controller, HttpCode, Post } from '@nestjs/common';
import { ApiHeader, ApiOperation, ApiProperty, ApiTags } from '@nestjs/swagger';
import { Command, CommandContext, HumanText, IDEMPOTENCY_HEADER } from '@shecun/core';
import { IsString, Matches, MaxLength, MinLength } from 'class-validator';
import { REPORT_PERIOD, REPORT_PERIOD_MESSAGE } from './bureau-report';
import { ReportIssuer } from './report-issuer';

export class IssueReportsDto {
  @ApiProperty({ example: '2026-10', description: '月份 YYYY-MM 或季度 YYYY-Q1…Q4（北京时间），须已结束 A month or quarter that has ended' })
  @IsString() @Matches(REPORT_PERIOD, { message: REPORT_PERIOD_MESSAGE })
  period!: string;

  @ApiProperty({ example: '平台上线前一个月的报表，按市局要求补发', description: '为什么补发（记入事件） Why they are filed by hand (recorded in the events)' })
  @IsString() @MinLength(2, { message: '请写明补发原因 (reason is required)' }) @MaxLength(200) @HumanText()
  reason!: string;
}

/** Filing an ended period's reports by hand, where the schedule did not (administrators). */
@ApiTags('dashboard 监测')
@Controller('api/reports/bureau/issued')
export class IssuedReportsAdminController {
  constructor(private readonly issuer: ReportIssuer) {}

  @Post()
  @HttpCode(200)
  @ApiHeader(IDEMPOTENCY_HEADER)
  @ApiOperation({
    summary: '补发定期报表 Files the reports of an ended month or quarter for the province, every city and every county, as the schedule does, each once (those filed already are left as they are): the administrator and the reason are recorded. Not ended 409, read models behind 503, not an administrator 403',
  })
  async issue(@Body() body: IssueReportsDto, @Command() ctx: CommandContext) {
    const round = await this.issuer.issuePeriod(ctx, body.period, body.reason.trim());
    return { period: body.period, issued: round.issued.length, already: round.already, position: round.position };
  }
}
