import { PageQueryDto, HumanText } from '@shecun/core';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsIn, IsOptional, IsString, Length, Matches, MaxLength } from 'class-validator';
import { CATEGORIES, Category } from '@shecun/categories';

const DATE = /^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/;
const ID = /^[A-Za-z0-9._:-]{1,80}$/;
const TARGET = /^44(\d{7}|\d{10})$/;
export const PAIRING_STATUSES = ['proposed', 'active', 'declined', 'ended', 'expired'] as const;

export class ProposePairingDto {
  @ApiProperty({ example: 'org-gz-edu-fdn' }) @Matches(/^[A-Za-z0-9._:-]{1,64}$/, { message: 'organizationId must be 1-64 letters, digits or ._:-' }) organizationId: string;
  @ApiProperty({ example: '441826105201', description: 'A Guangdong town (9 digits) or village (12 digits)' })
  @Matches(TARGET, { message: 'targetCode must be a 9-digit town or 12-digit village code of Guangdong (44…)' })
  targetCode: string;
  @ApiProperty({ example: '2026-01-01' }) @Matches(DATE, { message: 'startDate must be a date YYYY-MM-DD' }) startDate: string;
  @ApiProperty({ example: '2027-12-31' }) @Matches(DATE, { message: 'endDate must be a date YYYY-MM-DD' }) endDate: string;
  @ApiProperty({ enum: CATEGORIES, isArray: true, example: ['education'] })
  @IsArray() @ArrayMinSize(1) @ArrayMaxSize(CATEGORIES.length) @IsIn(CATEGORIES, { each: true })
  categories: Category[];
  @ApiPropertyOptional() @IsOptional() @IsString() @HumanText({ multiline: true, blankAllowed: true }) @MaxLength(2000) note?: string;
}

export class PairingReasonDto {
  @ApiProperty({ example: '帮扶项目已完成' }) @IsString() @HumanText({ multiline: true }) @Length(1, 500) reason: string;
}

export class DesignateKeyAreaDto {
  @ApiProperty({ example: '441826105201', description: 'A Guangdong town (9 digits) or village (12 digits)' })
  @Matches(TARGET, { message: 'code must be a 9-digit town or 12-digit village code of Guangdong (44…)' })
  code: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @HumanText({ multiline: true, blankAllowed: true }) @MaxLength(500) note?: string;
}

export class ListPairingsQuery extends PageQueryDto {
  @ApiPropertyOptional() @IsOptional() @Matches(/^[A-Za-z0-9._:-]{1,64}$/) organizationId?: string;
  @ApiPropertyOptional({ example: '4418' }) @IsOptional() @Matches(/^\d{2,12}$/, { message: 'division must be a division code prefix of 2-12 digits' }) division?: string;
  @ApiPropertyOptional({ enum: PAIRING_STATUSES }) @IsOptional() @IsIn(PAIRING_STATUSES) status?: string;
}

export class CoverageQuery {
  @ApiPropertyOptional({ example: '4418', description: 'Province (44), city (4) or county (6 digits)' })
  @IsOptional() @Matches(/^(44|44\d{2}|44\d{4})$/, { message: 'division must be 44, a city (4) or a county (6 digits) of Guangdong' })
  division?: string;
}

export class PairingIdParam {
  @Matches(ID, { message: 'id must be 1-80 letters, digits or ._:-' }) id: string;
}
