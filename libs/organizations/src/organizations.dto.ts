import { PageQueryDto, HumanText } from '@shecun/core';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsBase64,
  IsBoolean,
  IsIn,
  IsOptional,
  IsString,
  Length,
  Matches,
  MaxLength,
  ValidateNested,
} from 'class-validator';
import { CATEGORIES, Category } from '@shecun/categories';
import { ORGANIZATION_TYPES, OrganizationType } from './credit-code';
import { HUB_KINDS, HubKind, STANDINGS, Standing } from './organization.model';

const ID = /^[A-Za-z0-9._:-]{1,64}$/;

export class ContactDto {
  @ApiPropertyOptional({ example: '秘书处' }) @IsOptional() @IsString() @HumanText({ blankAllowed: true }) @MaxLength(100) person?: string;
  @ApiPropertyOptional({ example: '020-83000000' }) @IsOptional() @IsString() @HumanText({ blankAllowed: true }) @MaxLength(40) phone?: string;
  @ApiPropertyOptional({ example: 'office@example.org' }) @IsOptional() @IsString() @HumanText({ blankAllowed: true }) @MaxLength(200) email?: string;
  @ApiPropertyOptional({ example: '广州市越秀区' }) @IsOptional() @IsString() @HumanText({ blankAllowed: true }) @MaxLength(300) address?: string;
}

export class MemberUnitDto {
  @ApiProperty({ example: '广州某科技有限公司' }) @IsString() @HumanText() @Length(1, 200) name: string;
  @ApiPropertyOptional({ example: '91440101MA5XXXXXXX', description: 'Its credit code, if it has one (format and GB 32100 check)' })
  @IsOptional() @IsString() @Length(18, 18)
  creditCode?: string;
}

export class ProfileDto {
  @ApiProperty({ enum: CATEGORIES, isArray: true, example: ['education', 'care'], description: 'Service fields (服务领域)' })
  @IsArray() @ArrayMinSize(1) @ArrayMaxSize(CATEGORIES.length) @IsIn(CATEGORIES, { each: true })
  categories: Category[];

  @ApiPropertyOptional({ type: ContactDto })
  @IsOptional() @ValidateNested() @Type(() => ContactDto)
  contact?: ContactDto;

  @ApiPropertyOptional({ type: [MemberUnitDto], description: 'Member units (会员单位) that receive pushed needs' })
  @IsOptional() @ValidateNested({ each: true }) @Type(() => MemberUnitDto) @ArrayMaxSize(2000)
  memberUnits?: MemberUnitDto[];

  @ApiPropertyOptional({ example: '助学帮教、乡村教师培训' })
  @IsOptional() @IsString() @HumanText({ multiline: true, blankAllowed: true }) @MaxLength(4000)
  description?: string;
}

export class RegisterOrganizationDto extends ProfileDto {
  @ApiPropertyOptional({ example: 'org-gz-edu', description: 'Platform id; defaults to the credit code' })
  @IsOptional() @Matches(ID, { message: 'id must be 1-64 letters, digits or ._:-' })
  id?: string;

  @ApiProperty({ example: '53440100MJ0000010H', description: '统一社会信用代码 (GB 32100-2015), checked in full' })
  @IsString() @Length(1, 40)
  creditCode: string;

  @ApiProperty({ example: '广州市教育基金会' })
  @IsString() @HumanText() @Length(1, 200)
  name: string;

  @ApiProperty({ example: '440100', description: 'Division it is registered in (登记地): a Guangdong city, county, town or village code' })
  @Matches(/^44(\d{2}|\d{4}|\d{7}|\d{10})?$/, { message: 'homeDivisionCode must be a Guangdong division code (44, 44xx, 44xxxx, 9 or 12 digits)' })
  homeDivisionCode: string;

  @ApiPropertyOptional({ enum: HUB_KINDS, nullable: true, description: '枢纽型社会组织 or 行业协会商会; leads 组团帮扶 teams' })
  @IsOptional() @IsIn(HUB_KINDS)
  hubKind?: HubKind;
}

export class OrganizationReasonDto {
  @ApiProperty({ example: '未按规定报送年度工作报告' }) @IsString() @HumanText({ multiline: true }) @Length(1, 500) reason: string;
}

export class OrganizationNoteDto {
  @ApiProperty({ example: '已补报年度工作报告' }) @IsString() @HumanText({ multiline: true }) @Length(1, 500) note: string;
}

const toBoolean = ({ value }: { value: unknown }) => (value === 'true' ? true : value === 'false' ? false : value);

export class ListOrganizationsQuery extends PageQueryDto {
  @ApiPropertyOptional({ example: '教育', description: 'Part of the name' })
  @IsOptional() @IsString() @HumanText() @Length(1, 100)
  q?: string;

  @ApiPropertyOptional({ enum: CATEGORIES, description: 'Service field' })
  @IsOptional() @IsIn(CATEGORIES)
  category?: Category;

  @ApiPropertyOptional({ example: '4401', description: 'Home division code prefix (2-12 digits)' })
  @IsOptional() @Matches(/^\d{2,12}$/, { message: 'division must be a division code prefix of 2-12 digits' })
  division?: string;

  @ApiPropertyOptional({ description: 'Only hubs and industry associations (true) or only the others (false)' })
  @IsOptional() @Transform(toBoolean) @IsBoolean()
  hub?: boolean;

  @ApiPropertyOptional({ enum: STANDINGS })
  @IsOptional() @IsIn(STANDINGS)
  standing?: Standing;

  @ApiPropertyOptional({ enum: ORGANIZATION_TYPES })
  @IsOptional() @IsIn(ORGANIZATION_TYPES)
  type?: OrganizationType;

}

export class OrganizationIdParam {
  @Matches(ID, { message: 'id must be 1-64 letters, digits or ._:-' })
  id: string;
}

/** Formats of the registry export that POST /api/organizations/import and the CLI read. */
export const REGISTRY_FILE_FORMATS = ['csv', 'xlsx'] as const;
export type RegistryFileFormat = (typeof REGISTRY_FILE_FORMATS)[number];

/** Most data rows one HTTP import takes (larger files: split them, or use the command line tool). */
export const MAX_HTTP_IMPORT_ROWS = 2000;

export class ImportOrganizationsDto {
  @ApiProperty({ description: 'The CSV or XLSX file, base64-encoded. The whole request body is at most 256 KB (about 190 KB of file).' })
  @IsString() @IsBase64() @MaxLength(350_000)
  content: string;

  @ApiPropertyOptional({ enum: REGISTRY_FILE_FORMATS, description: 'By default read from the file (an XLSX workbook is a zip archive; anything else is read as CSV)' })
  @IsOptional() @IsIn(REGISTRY_FILE_FORMATS)
  format?: RegistryFileFormat;

  @ApiPropertyOptional({ default: false, description: 'Check every row and report, appending nothing' })
  @IsOptional() @IsBoolean()
  dryRun?: boolean;
}
