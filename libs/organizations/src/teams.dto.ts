import { PageQueryDto, HumanText } from '@shecun/core';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsIn, IsInt, IsOptional, IsString, Length, Matches, Max, MaxLength, Min } from 'class-validator';
import { CATEGORIES, Category } from '@shecun/categories';
import { INVITABLE_ROLES, InvitableRole, TEAM_STATUSES } from './team.decider';

const ORG_ID = /^[A-Za-z0-9._:-]{1,64}$/;

export class FormTeamDto {
  @ApiProperty({ example: 'org-gz-federation', description: 'The lead hub or industry association (the caller’s own organization)' })
  @Matches(ORG_ID, { message: 'leadOrganizationId must be 1-64 letters, digits or ._:-' })
  leadOrganizationId: string;
  @ApiProperty({ example: '441826105', description: 'Target area: a Guangdong city (4), county (6), town (9) or village (12-digit) code' })
  @Matches(/^44(\d{2}|\d{4}|\d{7}|\d{10})$/, { message: 'targetCode must be a 4, 6, 9 or 12-digit Guangdong division code (44…)' })
  targetCode: string;
  @ApiProperty({ example: '三排镇教育组团帮扶' }) @IsString() @HumanText() @Length(1, 100) title: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @HumanText({ multiline: true, blankAllowed: true }) @MaxLength(4000) description?: string;
  @ApiProperty({ enum: CATEGORIES, isArray: true, example: ['education'] })
  @IsArray() @ArrayMinSize(1) @ArrayMaxSize(CATEGORIES.length) @IsIn(CATEGORIES, { each: true })
  categories: Category[];
  @ApiPropertyOptional({ type: [String], description: 'Ids of the area’s needs the project sets out to meet' })
  @IsOptional() @IsArray() @ArrayMaxSize(50) @Matches(ORG_ID, { each: true, message: 'each target need id must be 1-64 letters, digits or ._:-' })
  targetNeedIds?: string[];
  @ApiPropertyOptional({ example: 20, description: 'The lead’s agreed share of the project, in percent (default 0)' })
  @IsOptional() @IsInt() @Min(0) @Max(100)
  leadShare?: number;
}

export class InviteToTeamDto {
  @ApiProperty({ example: 'org-gz-doctors' }) @Matches(ORG_ID, { message: 'organizationId must be 1-64 letters, digits or ._:-' }) organizationId: string;
  @ApiProperty({ enum: INVITABLE_ROLES, example: 'implementing', description: 'IATI participating-org role: implementing or funding' })
  @IsIn(INVITABLE_ROLES)
  role: InvitableRole;
  @ApiProperty({ example: 40, description: '约定份额，百分比，1–100 (agreed share of the project, in percent, 1–100)' }) @IsInt() @Min(1) @Max(100) share: number;
  @ApiPropertyOptional() @IsOptional() @IsString() @HumanText({ multiline: true, blankAllowed: true }) @MaxLength(2000) note?: string;
}

export class TeamReasonDto {
  @ApiProperty({ example: '项目取消' }) @IsString() @HumanText({ multiline: true }) @Length(1, 500) reason: string;
}

export class TeamOptionalReasonDto {
  @ApiPropertyOptional({ example: '本季度人手不足' }) @IsOptional() @IsString() @HumanText({ multiline: true, blankAllowed: true }) @MaxLength(500) reason?: string;
}

export class TeamNoteDto {
  @ApiPropertyOptional({ example: '项目验收完成' }) @IsOptional() @IsString() @HumanText({ multiline: true, blankAllowed: true }) @MaxLength(2000) note?: string;
}

export class ListTeamsQuery extends PageQueryDto {
  @ApiPropertyOptional({ description: 'Teams this organization leads, belongs to or is invited to' }) @IsOptional() @Matches(ORG_ID) organizationId?: string;
  @ApiPropertyOptional({ example: '4418' }) @IsOptional() @Matches(/^\d{2,12}$/, { message: 'division must be a division code prefix of 2-12 digits' }) division?: string;
  @ApiPropertyOptional({ enum: TEAM_STATUSES }) @IsOptional() @IsIn(TEAM_STATUSES) status?: string;
}

export class TeamIdParam {
  @Matches(ORG_ID, { message: 'id must be 1-64 letters, digits or ._:-' }) id: string;
}

export class TeamInvitationParams extends TeamIdParam {
  @Matches(ORG_ID, { message: 'orgId must be 1-64 letters, digits or ._:-' }) orgId: string;
}
