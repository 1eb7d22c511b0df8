import { Controller, Get, Param, Query, Res, StreamableFile } from '@nestjs/common';
import { ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import { Actor, CurrentActor, CSV_CONTENT_TYPE, ExportLang, ExportSheet, exportCsv, exportXlsx, notFound, XLSX_CONTENT_TYPE } from '@shecun/core';
import { MONEY_FIGURES, MoneyFigure } from '@shecun/donations';
import type { Response } from 'express';
import { figuresSheet, needsSheet, sourcesSheet, summarySheet } from './dashboard.exports';
import { DashboardQuery, DrillDownQuery, FiguresQuery, SourcesQuery } from './dashboard.dto';
import { MonitoringQueries } from './monitoring.queries';

/** As a CSV or XLSX file when asked (`format=csv|xlsx`, headers in `lang`, Chinese by default), as JSON otherwise. */
async function respond<T>(res: Response, q: { format?: string; lang?: ExportLang }, result: T, toSheet: (result: T) => ExportSheet, basename: string): Promise<T | string | StreamableFile> {
  if (q.format !== 'csv' && q.format !== 'xlsx') return result;
  const lang = q.lang ?? 'zh';
  const disposition = `attachment; filename="${basename}.${q.format}"`;
  if (q.format === 'xlsx') return new StreamableFile(await exportXlsx(toSheet(result), lang), { type: XLSX_CONTENT_TYPE, disposition });
  res.setHeader('content-type', CSV_CONTENT_TYPE);
  res.setHeader('content-disposition', disposition);
  return exportCsv(toSheet(result), lang);
}

const PRODUCES = ['application/json', 'text/csv', XLSX_CONTENT_TYPE] as const;

/**
 * The bureau's monitoring dashboard (监测): bureau staff and auditors within their scope,
 * administrators anywhere; everyone else 403, a region outside the caller's scope 403.
 */
@ApiTags('dashboard 监测')
@Controller('api/dashboard')
export class DashboardController {
  constructor(private readonly queries: MonitoringQueries) {}

  @Get('figures')
  @ApiProduces(...PRODUCES)
  @ApiOperation({
    summary: '供需对接监测 Needs published, matched, fully committed and fulfilled, match success rate and conversion rate, median and p90 hours to first acceptance and to fulfilment, team commitments — by region of a level × category × period bucket (China time), with the total; each figure links to its needs',
  })
  async figures(@Query() q: FiguresQuery, @CurrentActor() actor: Actor, @Res({ passthrough: true }) res: Response) {
    const result = await this.queries.figures(actor, {
      region: q.region, level: q.level, period: q.period ?? 'month', from: q.from, to: q.to, category: q.category, byCategory: q.byCategory === 'true',
    });
    return respond(res, q, result, figuresSheet, 'dashboard-figures');
  }

  @Get('summary')
  @ApiProduces(...PRODUCES)
  @ApiOperation({
    summary: '区域监测概览 One region by period bucket: needs figures, teams formed, donations received from outside / transferred between organizations / allocated / used / used with evidence / confirmed (元 and fen in the CSV / XLSX, fen in JSON) for its villages (the province adds 未分配, money not yet allocated to a village), each with a link to its events; with the current pairing coverage of its key villages',
  })
  async summary(@Query() q: DashboardQuery, @CurrentActor() actor: Actor, @Res({ passthrough: true }) res: Response) {
    const result = await this.queries.summary(actor, { region: q.region, period: q.period ?? 'month', from: q.from, to: q.to, category: q.category });
    return respond(res, q, result, summarySheet, 'dashboard-summary');
  }

  @Get('figures/:figure/events')
  @ApiProduces(...PRODUCES)
  @ApiOperation({
    summary: '指标来源 The events behind a money figure (received, transferred, allocated, used, evidenced, confirmed) of a region and bucket: each counted part in fen with its village (or 未分配 and its holder) and the events of the flows’ streams that make it; the parts add up to the figure. Paged (≤ 100), all of them as CSV or XLSX',
  })
  async sources(@Param('figure') figure: string, @Query() q: SourcesQuery, @CurrentActor() actor: Actor, @Res({ passthrough: true }) res: Response) {
    if (!(MONEY_FIGURES as readonly string[]).includes(figure)) throw notFound(`没有指标 ${figure} (no money figure ${figure}: ${MONEY_FIGURES.join(', ')})`);
    const request = { region: q.region, period: q.period ?? 'month', bucket: q.bucket, from: q.from, to: q.to, figure: figure as MoneyFigure, unallocated: q.unallocated === 'true', page: q.page, pageSize: q.pageSize };
    const result = await this.queries.sources(actor, request, { all: q.format === 'csv' || q.format === 'xlsx' });
    return respond(res, q, result, sourcesSheet, `dashboard-${figure}-events`);
  }

  @Get('needs')
  @ApiProduces(...PRODUCES)
  @ApiOperation({ summary: '指标下钻 The needs behind a figure of a bucket (title, status, milestones), each with a link to its events; paged (≤ 100), all of them as CSV or XLSX' })
  async needs(@Query() q: DrillDownQuery, @CurrentActor() actor: Actor, @Res({ passthrough: true }) res: Response) {
    const request = { region: q.region, period: q.period ?? 'month', bucket: q.bucket, from: q.from, to: q.to, category: q.category, figure: q.figure ?? 'published', page: q.page, pageSize: q.pageSize };
    const result = await this.queries.needs(actor, request, { all: q.format === 'csv' || q.format === 'xlsx' });
    return respond(res, q, result, needsSheet, 'dashboard-needs');
  }
}
