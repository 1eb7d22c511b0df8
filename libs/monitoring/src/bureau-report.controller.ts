import { Controller, Get, Param, Query, Res, StreamableFile } from '@nestjs/common';
import { ApiOperation, ApiProduces, ApiPropertyOptional, ApiProperty, ApiTags } from '@nestjs/swagger';
import { Actor, CurrentActor, exportXlsxWorkbook, invalid, PageQueryDto, XLSX_CONTENT_TYPE } from '@shecun/core';
import { Transform } from 'class-transformer';
import { IsBoolean, IsIn, IsOptional, Matches } from 'class-validator';
import type { Response } from 'express';
import { BureauReport, BureauReports, REPORT_PERIOD, REPORT_PERIOD_MESSAGE } from './bureau-report';
import { IssuedReports } from './issued-reports';
import { reportFileName, reportSheets } from './bureau-report.exports';
import { reportPdf } from './bureau-report.pdf';

export const REPORT_FORMATS = ['json', 'xlsx', 'pdf'] as const;

export class BureauReportQuery {
  @ApiPropertyOptional({ example: '4401', description: 'Province 44, a city (4 digits), county (6) or town (9); default: the caller’s scope. A region outside the caller’s scope: 403.' })
  @IsOptional() @Matches(/^(\d{2}|\d{4}|\d{6}|\d{9})$/, { message: '区划代码须为 2、4、6 或 9 位 (region must be a division code of 2, 4, 6 or 9 digits)' })
  region?: string;

  @ApiProperty({ example: '2026-11', description: '月报: a calendar month YYYY-MM; 季报: a quarter YYYY-Q1…Q4 — China time (Asia/Shanghai) boundaries' })
  @Matches(REPORT_PERIOD, { message: REPORT_PERIOD_MESSAGE })
  period!: string;

  @ApiPropertyOptional({ enum: REPORT_FORMATS, default: 'json', description: 'xlsx: an Excel workbook (概况, 下级区域, 捐赠汇总, 未满足需求; Chinese headers, 元 with two decimals next to the fen, China time); pdf: the same with a bar chart (needs a CJK font on the server: REPORT_CJK_FONT)' })
  @IsOptional() @IsIn(REPORT_FORMATS, { message: '格式须为 json、xlsx 或 pdf (format must be json, xlsx or pdf)' })
  format?: (typeof REPORT_FORMATS)[number];
}

export class ReportFormatQuery {
  @ApiPropertyOptional({ enum: REPORT_FORMATS, default: 'json' })
  @IsOptional() @IsIn(REPORT_FORMATS, { message: '格式须为 json、xlsx 或 pdf (format must be json, xlsx or pdf)' })
  format?: (typeof REPORT_FORMATS)[number];
}

export class IssuedReportsQuery extends PageQueryDto {
  @ApiPropertyOptional({ example: '4418', description: 'Province 44, a city (4 digits) or county (6); default: the caller’s scope. Outside the caller’s scope: 403.' })
  @IsOptional() @Matches(/^(\d{2}|\d{4}|\d{6}|\d{9})$/, { message: '区划代码须为 2、4、6 或 9 位 (region must be a division code of 2, 4, 6 or 9 digits)' })
  region?: string;

  @ApiPropertyOptional({ default: false, description: 'true: the reports of the regions within it too' })
  @IsOptional() @Transform(({ value }) => (value === 'true' ? true : value === 'false' ? false : value)) @IsBoolean({ message: 'within 只能是 true 或 false (within must be true or false)' })
  within?: boolean;
}

/** A report as JSON, or as an XLSX or PDF download named after its region and period. */
async function rendered(report: BureauReport, format: (typeof REPORT_FORMATS)[number] | undefined, res: Response, issued = false) {
  if (!format || format === 'json') return report;
  const basename = reportFileName(report.region.code, report.period.key, issued);
  if (format === 'xlsx') {
    return new StreamableFile(await exportXlsxWorkbook(reportSheets(report), 'zh'), { type: XLSX_CONTENT_TYPE, disposition: `attachment; filename="${basename}.xlsx"` });
  }
  const pdf = await reportPdf(report);
  res.setHeader('cache-control', 'no-store');
  return new StreamableFile(pdf, { type: 'application/pdf', disposition: `attachment; filename="${basename}.pdf"` });
}

/** The bureau's 月报 / 季报 of a region, as JSON, XLSX or PDF. */
@ApiTags('dashboard 监测')
@Controller('api/reports')
export class BureauReportController {
  constructor(
    private readonly reports: BureauReports,
    private readonly issuedReports: IssuedReports,
  ) {}

  @Get('bureau')
  @ApiProduces('application/json', XLSX_CONTENT_TYPE, 'application/pdf')
  @ApiOperation({
    summary: '月报 / 季报 The bureau’s monthly or quarterly report of a region (the caller’s scope or within it): the dashboard’s KPIs for the period, a breakdown by sub-region, donations received / allocated / used (元, two decimals), and the longest-open needs still lacking something (title, village, category, what is lacking, days open). Bad period 400, region outside the scope 403, no CJK font for the PDF 503',
  })
  async bureau(@Query() q: BureauReportQuery, @CurrentActor() actor: Actor, @Res({ passthrough: true }) res: Response) {
    return rendered(await this.reports.report(actor, q.region, q.period), q.format, res);
  }

  @Get('bureau/issued')
  @ApiOperation({
    summary: '定期报表 The reports issued on the schedule (the 月报 of each month, the 季报 of each quarter, made once the period ended, for the province, every city and every county): those of a region (default: the caller’s scope), newest first; with within=true those of the regions within it too',
  })
  issued(@Query() q: IssuedReportsQuery, @CurrentActor() actor: Actor) {
    return this.issuedReports.list(actor, q.region, q.within ?? false, q.page ?? 1, q.pageSize ?? 20);
  }

  @Get('bureau/issued/:region/:period')
  @ApiProduces('application/json', XLSX_CONTENT_TYPE, 'application/pdf')
  @ApiOperation({ summary: '定期报表 One issued report, exactly as it was issued (later corrections do not change it), as JSON, XLSX or PDF. Not issued 404, outside the caller’s scope 403' })
  async issuedOne(@Param('region') region: string, @Param('period') period: string, @Query() q: ReportFormatQuery, @CurrentActor() actor: Actor, @Res({ passthrough: true }) res: Response) {
    if (!/^\d{2,9}$/.test(region)) throw invalid('区划代码须为 2、4、6 或 9 位 (region must be a division code of 2, 4, 6 or 9 digits)');
    if (!REPORT_PERIOD.test(period)) throw invalid(REPORT_PERIOD_MESSAGE);
    return rendered(await this.issuedReports.get(actor, region, period), q.format, res, true);
  }
}
