import { Public } from '@shecun/core';
import { BadRequestException, Controller, Get, NotFoundException, Param, Query } from '@nestjs/common';
import { ApiOperation, ApiParam, ApiQuery, ApiTags } from '@nestjs/swagger';
import { DIVISION_LEVELS, DivisionLevel, InvalidDivisionCodeError, levelOfCode } from './division-code';
import { RegionsService } from './regions.service';

/** Most search results one request may ask for. */
export const MAX_SEARCH_LIMIT = 100;
const DEFAULT_SEARCH_LIMIT = 20;
const MAX_QUERY_LENGTH = 50;

/**
 * Read-only lookups of Guangdong's divisions. Parameters are checked here rather than by DTOs,
 * so the answers are the same with or without the app's global validation pipe.
 */
@ApiTags('regions')
@Public()
@Controller('api/regions')
export class RegionsController {
  constructor(private readonly regions: RegionsService) {}

  @Get()
  @ApiOperation({ summary: '广东省及其地级市 Guangdong (province 44) with its cities (地级市) and the count of each level' })
  root() {
    const code = this.regions.rootCode;
    return { ...this.division(code), counts: this.regions.counts(), source: this.regions.source };
  }

  // Declared before ':code' so that "search" is not taken for a code.
  @Get('search')
  @ApiOperation({ summary: '按名称查找行政区划 Search divisions (市/县/乡镇/村) by name substring' })
  @ApiQuery({ name: 'q', required: true, description: 'Part of the name, e.g. 三排 or 连南', example: '三排' })
  @ApiQuery({ name: 'level', required: false, enum: DIVISION_LEVELS, description: 'Only this level' })
  @ApiQuery({ name: 'under', required: false, description: 'Only divisions below this code, e.g. 4418 (清远市)', example: '4418' })
  @ApiQuery({ name: 'limit', required: false, description: `At most this many results (default ${DEFAULT_SEARCH_LIMIT}, capped at ${MAX_SEARCH_LIMIT})`, example: 20 })
  search(@Query('q') q?: string, @Query('level') level?: string, @Query('under') under?: string, @Query('limit') limit?: string) {
    const query = typeof q === 'string' ? q.trim() : '';
    if (!query) throw new BadRequestException('查询词不能为空 (query parameter q is required)');
    if (query.length > MAX_QUERY_LENGTH) throw new BadRequestException(`查询词过长 (q must be at most ${MAX_QUERY_LENGTH} characters)`);
    if (level !== undefined && !(DIVISION_LEVELS as readonly string[]).includes(level)) {
      throw new BadRequestException(`level must be one of ${DIVISION_LEVELS.join(', ')}`);
    }
    if (under !== undefined) this.known(under);
    let max = DEFAULT_SEARCH_LIMIT;
    if (limit !== undefined) {
      if (typeof limit !== 'string' || !/^\d{1,6}$/.test(limit) || Number(limit) < 1) {
        throw new BadRequestException('limit must be a positive integer');
      }
      max = Math.min(Number(limit), MAX_SEARCH_LIMIT);
    }
    const items = this.regions.search(query, { level: level as DivisionLevel | undefined, under, limit: max });
    return { query, limit: max, items };
  }

  @Get(':code')
  @ApiOperation({ summary: '行政区划详情 A division (市/县/乡镇/村) by code, with its path from the province and its children' })
  @ApiParam({ name: 'code', description: '2, 4, 6, 9 or 12-digit division code (行政区划代码)', example: '441826105' })
  byCode(@Param('code') code: string) {
    return this.division(code);
  }

  private division(code: string) {
    const division = this.known(code);
    return { ...division, children: this.regions.children(code) };
  }

  /** The division, or 400 for a malformed code and 404 for an unknown one. */
  private known(code: unknown) {
    if (typeof code !== 'string' || !levelOfCode(code)) throw new BadRequestException(new InvalidDivisionCodeError(code).message);
    const division = this.regions.get(code);
    if (!division) throw new NotFoundException(`行政区划代码 ${code} 不存在 (unknown division code)`);
    return division;
  }
}
