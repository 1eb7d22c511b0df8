import { ApiPropertyOptional } from '@nestjs/swagger';
import { EXPORT_FORMATS, EXPORT_LANGS, ExportFormat, ExportLang, PageQueryDto } from '@shecun/core';
import { CATEGORIES } from '@shecun/categories';
import { IsIn, IsOptional, Matches } from 'class-validator';
import { FIGURES, Figure } from './figures';
import { REGION_LEVELS, RegionLevel } from './monitoring.queries';
import { Period, PERIODS } from './periods';

const REGION = /^(\d{2}|\d{4}|\d{6}|\d{9})$/;
const REGION_MESSAGE = 'region must be a division code of 2, 4, 6 or 9 digits (province, city, county or town)';
const DATE = /^\d{4}-\d{2}-\d{2}$/;
const FILES = 'csv: a UTF-8 CSV file with a byte order mark; xlsx: an Excel workbook. Both: headers in Chinese (lang=en: English), amounts as 元 with two decimals next to the fen, instants in China time (北京时间)';
const LANG_DESCRIPTION = 'Column headers of the CSV / XLSX file: zh (Chinese, default) or en (English); the JSON answer is the same either way';

export class DashboardQuery {
  @ApiPropertyOptional({ example: '4418', description: 'Province 44, a city (4 digits), county (6) or town (9); default: the caller’s scope (44 for administrators). Bureau staff and auditors ask within their scope only (403 otherwise).' })
  @IsOptional() @Matches(REGION, { message: REGION_MESSAGE })
  region?: string;

  @ApiPropertyOptional({ enum: PERIODS, default: 'month', description: 'Buckets by publishing time in China time (UTC+8): ISO week (Monday–Sunday), calendar month or quarter' })
  @IsOptional() @IsIn(PERIODS)
  period?: Period;

  @ApiPropertyOptional({ example: '2025-01-01', description: 'First China-time publishing date counted (inclusive)' })
  @IsOptional() @Matches(DATE, { message: 'from must be a date YYYY-MM-DD' })
  from?: string;

  @ApiPropertyOptional({ example: '2025-12-31', description: 'Last China-time publishing date counted (inclusive)' })
  @IsOptional() @Matches(DATE, { message: 'to must be a date YYYY-MM-DD' })
  to?: string;

  @ApiPropertyOptional({ enum: CATEGORIES, description: 'Only needs of this category (default: all categories together)' })
  @IsOptional() @IsIn(CATEGORIES)
  category?: string;

  @ApiPropertyOptional({ enum: EXPORT_FORMATS, default: 'json', description: `csv / xlsx: the same figures as a file. ${FILES}` })
  @IsOptional() @IsIn(EXPORT_FORMATS, { message: 'format must be json, csv or xlsx' })
  format?: ExportFormat;

  @ApiPropertyOptional({ enum: EXPORT_LANGS, default: 'zh', description: LANG_DESCRIPTION })
  @IsOptional() @IsIn(EXPORT_LANGS, { message: 'lang must be zh or en' })
  lang?: ExportLang;
}

export class FiguresQuery extends DashboardQuery {
  @ApiPropertyOptional({ enum: REGION_LEVELS, description: 'One row per region of this level within `region` (at or below its level); default the region’s own level' })
  @IsOptional() @IsIn(REGION_LEVELS)
  level?: RegionLevel;

  @ApiPropertyOptional({ enum: ['true', 'false'], default: 'false', description: 'true: one row per category as well' })
  @IsOptional() @IsIn(['true', 'false'], { message: 'byCategory must be true or false' })
  byCategory?: 'true' | 'false';
}

export class SourcesQuery extends PageQueryDto {
  @ApiPropertyOptional({ example: '4418' }) @IsOptional() @Matches(REGION, { message: REGION_MESSAGE }) region?: string;
  @ApiPropertyOptional({ enum: PERIODS, default: 'month' }) @IsOptional() @IsIn(PERIODS) period?: Period;
  @ApiPropertyOptional({ example: '2025-03', description: 'One bucket of the period: 2025-W09, 2025-03 or 2025-Q1; all of from…to when absent' })
  @IsOptional() @Matches(/^\d{4}-(W\d{2}|\d{2}|Q[1-4])$/, { message: 'bucket must look like 2025-W09, 2025-03 or 2025-Q1' })
  bucket?: string;
  @ApiPropertyOptional({ example: '2025-01-01' }) @IsOptional() @Matches(DATE, { message: 'from must be a date YYYY-MM-DD' }) from?: string;
  @ApiPropertyOptional({ example: '2025-12-31' }) @IsOptional() @Matches(DATE, { message: 'to must be a date YYYY-MM-DD' }) to?: string;
  @ApiPropertyOptional({ enum: ['true', 'false'], default: 'false', description: 'true: only the unallocated part (未分配, at the province)' })
  @IsOptional() @IsIn(['true', 'false'], { message: 'unallocated must be true or false' })
  unallocated?: 'true' | 'false';
  @ApiPropertyOptional({ enum: EXPORT_FORMATS, default: 'json', description: `csv / xlsx: every part with its events (not paged). ${FILES}` })
  @IsOptional() @IsIn(EXPORT_FORMATS, { message: 'format must be json, csv or xlsx' })
  format?: ExportFormat;

  @ApiPropertyOptional({ enum: EXPORT_LANGS, default: 'zh', description: LANG_DESCRIPTION })
  @IsOptional() @IsIn(EXPORT_LANGS, { message: 'lang must be zh or en' })
  lang?: ExportLang;
}

export class DrillDownQuery extends PageQueryDto {
  @ApiPropertyOptional({ example: '4418' }) @IsOptional() @Matches(REGION, { message: REGION_MESSAGE }) region?: string;
  @ApiPropertyOptional({ enum: PERIODS, default: 'month' }) @IsOptional() @IsIn(PERIODS) period?: Period;
  @ApiPropertyOptional({ example: '2025-03', description: 'One bucket of the period: 2025-W09, 2025-03 or 2025-Q1; all of from…to when absent' })
  @IsOptional() @Matches(/^\d{4}-(W\d{2}|\d{2}|Q[1-4])$/, { message: 'bucket must look like 2025-W09, 2025-03 or 2025-Q1' })
  bucket?: string;
  @ApiPropertyOptional({ example: '2025-01-01' }) @IsOptional() @Matches(DATE, { message: 'from must be a date YYYY-MM-DD' }) from?: string;
  @ApiPropertyOptional({ example: '2025-12-31' }) @IsOptional() @Matches(DATE, { message: 'to must be a date YYYY-MM-DD' }) to?: string;
  @ApiPropertyOptional({ enum: CATEGORIES }) @IsOptional() @IsIn(CATEGORIES) category?: string;
  @ApiPropertyOptional({ enum: FIGURES, default: 'published', description: 'Which figure’s needs: published, matched, fully_committed, fulfilled, team_commitments, team_delivered' })
  @IsOptional() @IsIn(FIGURES)
  figure?: Figure;
  @ApiPropertyOptional({ enum: EXPORT_FORMATS, default: 'json', description: `csv / xlsx: every need of the figure (not paged). ${FILES}` })
  @IsOptional() @IsIn(EXPORT_FORMATS, { message: 'format must be json, csv or xlsx' })
  format?: ExportFormat;

  @ApiPropertyOptional({ enum: EXPORT_LANGS, default: 'zh', description: LANG_DESCRIPTION })
  @IsOptional() @IsIn(EXPORT_LANGS, { message: 'lang must be zh or en' })
  lang?: ExportLang;
}
