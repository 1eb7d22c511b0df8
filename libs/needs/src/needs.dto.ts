import { PageQueryDto, HumanText } from '@shecun/core';
import { ApiProperty, ApiPropertyOptional, PartialType } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsBoolean,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  Length,
  Matches,
  Max,
  MaxLength,
  Min,
  ValidateNested,
  ValidateIf,
} from 'class-validator';
import { EVIDENCE_VISIBILITIES, EvidenceVisibility, SHA256_PATTERN } from '@shecun/evidence';
import { COMMITMENT_STATUSES, EVIDENCE_KINDS, EvidenceKind, LINE_ITEM_KINDS, LineItemKind, NEED_STATUSES, NeedStatus } from './need.model';
import { CATEGORIES, Category } from '@shecun/categories';

const DATE = /^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/;
const ID = /^[A-Za-z0-9._:-]{1,64}$/;
/** Largest quantity accepted: 10^12 (fen: ten billion yuan). */
const MAX_QUANTITY = 1_000_000_000_000;

export class LineItemDto {
  @ApiPropertyOptional({ example: 'L1', description: 'Keep an existing line item on revise; new items get ids L1, L2…' })
  @IsOptional() @Matches(/^L\d{1,4}$/, { message: 'id must look like L1, L2…' })
  id?: string;

  @ApiProperty({ enum: LINE_ITEM_KINDS, example: 'goods' })
  @IsIn(LINE_ITEM_KINDS)
  kind: LineItemKind;

  @ApiProperty({ example: '学生课桌椅', maxLength: 200 })
  @IsString() @HumanText() @Length(1, 200)
  description: string;

  @ApiPropertyOptional({ example: '套', description: 'Unit of quantity; funds are always in 分 (fen). Required for goods.' })
  @IsOptional() @IsString() @HumanText() @Length(1, 20)
  unit?: string;

  @ApiProperty({ example: 120, description: 'Positive integer; for funds, in fen' })
  @IsInt() @Min(1) @Max(MAX_QUANTITY)
  quantity: number;

  @ApiPropertyOptional({ example: 3600000, description: 'Estimated value in fen' })
  @IsOptional() @IsInt() @Min(0) @Max(MAX_QUANTITY)
  estimatedValueFen?: number;

  @ApiPropertyOptional({ example: 40, description: 'Training: expected participants' })
  @IsOptional() @IsInt() @Min(1) @Max(1_000_000)
  participants?: number;
}

class NeedFieldsDto {
  @ApiProperty({ example: '三排镇中心小学课桌椅更新' })
  @IsString() @HumanText() @Length(1, 100)
  title: string;

  @ApiPropertyOptional({ example: '学校现有课桌椅已使用十余年，需更换 120 套。' })
  @IsOptional() @IsString() @HumanText({ multiline: true, blankAllowed: true }) @MaxLength(4000)
  description?: string;

  @ApiProperty({ enum: CATEGORIES, example: 'education' })
  @IsIn(CATEGORIES)
  category: Category;

  @ApiProperty({ type: [LineItemDto] })
  @ValidateNested({ each: true }) @Type(() => LineItemDto) @ArrayMinSize(1) @ArrayMaxSize(50)
  lineItems: LineItemDto[];

  @ApiPropertyOptional({ example: '2026-12-31', description: 'Needed by (YYYY-MM-DD)' })
  @IsOptional() @Matches(DATE, { message: 'dueDate must be a date YYYY-MM-DD' })
  dueDate?: string;

  @ApiPropertyOptional({ description: 'Accept offers that fit what is lacking without waiting for the coordinator' })
  @IsOptional() @IsBoolean()
  autoAccept?: boolean;
}

export class CreateNeedDto extends NeedFieldsDto {
  @ApiProperty({ example: '441826105201', description: '12-digit village (村/社区) division code' })
  @Matches(/^44\d{10}$/, { message: 'villageCode must be a 12-digit Guangdong village division code (44…)' })
  villageCode: string;

  @ApiPropertyOptional({ description: 'Publish at once instead of saving a draft' })
  @IsOptional() @IsBoolean()
  publish?: boolean;
}

/** A revision sends only what changes (each field optional); the reason is always required. */
export class ReviseNeedDto extends PartialType(NeedFieldsDto) {
  @ApiProperty({ example: '学生人数增加' })
  @IsString() @HumanText({ multiline: true }) @Length(1, 500)
  reason: string;
}

export class ReasonDto {
  @ApiProperty({ example: '村里已通过其他渠道解决' })
  @IsString() @HumanText({ multiline: true }) @Length(1, 500)
  reason: string;
}

export class NoteDto {
  @ApiPropertyOptional({ example: '已核实' })
  @IsOptional() @IsString() @HumanText({ multiline: true, blankAllowed: true }) @MaxLength(2000)
  note?: string;
}

export class ConfirmDeliveryDto extends NoteDto {
  @ApiPropertyOptional({ example: '现场验收，村民签收单原件存村委', description: 'Required when the delivery has no evidence: why it is confirmed anyway (recorded in the event)' })
  @IsOptional() @IsString() @HumanText({ multiline: true, blankAllowed: true }) @MaxLength(1000)
  reason?: string;

  @ApiPropertyOptional({ type: () => [EvidenceDto], description: 'The coordinator\'s own evidence of the arrival (a photo taken where it arrived), added to the delivery\'s' })
  @IsOptional() @ValidateNested({ each: true }) @Type(() => EvidenceDto) @ArrayMaxSize(20)
  evidence?: EvidenceDto[];
}

export class ItemQuantityDto {
  @ApiProperty({ example: 'L1' })
  @Matches(/^L\d{1,4}$/, { message: 'lineItemId must look like L1, L2…' })
  lineItemId: string;

  @ApiProperty({ example: 40 })
  @IsInt() @Min(1) @Max(MAX_QUANTITY)
  quantity: number;
}

export class MemberShareDto {
  @ApiProperty({ example: 'org-gz-edu', description: 'A member of the team' })
  @Matches(ID, { message: 'organizationId must be 1-64 letters, digits or ._:-' })
  organizationId: string;

  @ApiProperty({ type: [ItemQuantityDto], description: 'The member’s part of the commitment’s quantities' })
  @ValidateNested({ each: true }) @Type(() => ItemQuantityDto) @ArrayMinSize(1) @ArrayMaxSize(50)
  items: ItemQuantityDto[];
}

export class OfferCommitmentDto {
  @ApiProperty({ example: 'org-gz-001', description: 'The committing organization' })
  @Matches(ID, { message: 'organizationId must be 1-64 letters, digits or ._:-' })
  organizationId: string;

  @ApiProperty({ example: '广州市社会组织联合会' })
  @IsString() @HumanText() @Length(1, 200)
  organizationName: string;

  @ApiProperty({ type: [ItemQuantityDto] })
  @ValidateNested({ each: true }) @Type(() => ItemQuantityDto) @ArrayMinSize(1) @ArrayMaxSize(50)
  items: ItemQuantityDto[];

  @ApiProperty({ example: '2026-12-20', description: 'Promised delivery date (YYYY-MM-DD)' })
  @Matches(DATE, { message: 'promisedBy must be a date YYYY-MM-DD' })
  promisedBy: string;

  @ApiPropertyOptional({ example: '由会员单位捐赠' })
  @IsOptional() @IsString() @HumanText({ multiline: true, blankAllowed: true }) @MaxLength(2000)
  note?: string;

  @ApiPropertyOptional({ example: '0b6f…', description: '组团帮扶: offer on behalf of this team (the caller is its lead hub’s admin; organizationId is the lead)' })
  @IsOptional() @Matches(ID, { message: 'teamId must be 1-64 letters, digits or ._:-' })
  teamId?: string;

  @ApiPropertyOptional({ type: [MemberShareDto], description: 'With teamId: each member’s share; per line item they add up to the commitment’s quantity' })
  @IsOptional() @ValidateNested({ each: true }) @Type(() => MemberShareDto) @ArrayMaxSize(100)
  shares?: MemberShareDto[];
}

export class RequestHandoverDto {
  @ApiProperty({ example: 'org-gz-newenergy', description: 'The organization to take the commitment over' })
  @Matches(ID, { message: 'toOrganizationId must be 1-64 letters, digits or ._:-' })
  toOrganizationId: string;

  @ApiProperty({ example: '项目人员调往他处，由兄弟组织接手' })
  @IsString() @HumanText({ multiline: true }) @Length(1, 500)
  reason: string;
}

export class DeclineHandoverDto {
  @ApiPropertyOptional({ example: '暂无力承接' })
  @IsOptional() @IsString() @HumanText({ multiline: true, blankAllowed: true }) @MaxLength(500)
  reason?: string;
}

export class EvidenceDto {
  @ApiProperty({ enum: EVIDENCE_KINDS, example: 'photo' })
  @IsIn(EVIDENCE_KINDS)
  kind: EvidenceKind;

  @ApiPropertyOptional({ example: 'No.2026-0012', description: 'A URL or document number; not needed with sha256' })
  @ValidateIf((e: EvidenceDto) => e.sha256 === undefined || e.ref !== undefined)
  @IsString() @HumanText() @Length(1, 500)
  ref?: string;

  @ApiPropertyOptional({ example: 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855', description: 'An uploaded evidence file (POST /api/evidence)' })
  @IsOptional() @Matches(SHA256_PATTERN, { message: 'sha256 须为 64 位小写十六进制 (sha256 must be 64 lowercase hex digits)' })
  sha256?: string;

  @ApiPropertyOptional({ enum: EVIDENCE_VISIBILITIES, default: 'internal', description: 'public: shown in the disclosure; internal: only to those who may see the delivery' })
  @IsOptional() @IsIn(EVIDENCE_VISIBILITIES)
  visibility?: EvidenceVisibility;

  @ApiPropertyOptional({ example: '交接现场照片' })
  @IsOptional() @IsString() @HumanText({ multiline: true, blankAllowed: true }) @MaxLength(500)
  note?: string;
}

export class RecordDeliveryDto {
  @ApiProperty({ type: [ItemQuantityDto] })
  @ValidateNested({ each: true }) @Type(() => ItemQuantityDto) @ArrayMinSize(1) @ArrayMaxSize(50)
  items: ItemQuantityDto[];

  @ApiProperty({ type: [EvidenceDto] })
  @ValidateNested({ each: true }) @Type(() => EvidenceDto) @ArrayMinSize(1) @ArrayMaxSize(50)
  evidence: EvidenceDto[];

  @ApiPropertyOptional()
  @IsOptional() @IsString() @HumanText({ multiline: true, blankAllowed: true }) @MaxLength(2000)
  note?: string;
}

export class ListNeedsQuery extends PageQueryDto {
  @ApiPropertyOptional({ example: '4418', description: 'Division code prefix: city (4), county (6), town (9) or village (12 digits)' })
  @IsOptional() @Matches(/^(\d{2}|\d{4}|\d{6}|\d{9}|\d{12})$/, { message: 'division must be a 2, 4, 6, 9 or 12-digit division code' })
  division?: string;

  @ApiPropertyOptional({ enum: CATEGORIES })
  @IsOptional() @IsIn(CATEGORIES)
  category?: Category;

  @ApiPropertyOptional({ enum: NEED_STATUSES })
  @IsOptional() @IsIn(NEED_STATUSES)
  status?: NeedStatus;

}

export class ListCommitmentsQuery extends PageQueryDto {
  @ApiPropertyOptional({ description: 'true: only accepted commitments past their promised date and not yet delivered' })
  @IsOptional() @IsIn(['true', 'false'], { message: 'overdue must be true or false' })
  overdue?: 'true' | 'false';

  @ApiPropertyOptional({ example: '4418', description: 'Narrows to villages under this division code prefix (within the caller’s own scope)' })
  @IsOptional() @Matches(/^(\d{2}|\d{4}|\d{6}|\d{9}|\d{12})$/, { message: 'division must be a 2, 4, 6, 9 or 12-digit division code' })
  division?: string;

  @ApiPropertyOptional({ enum: COMMITMENT_STATUSES })
  @IsOptional() @IsIn(COMMITMENT_STATUSES)
  status?: string;

}

export class IdParam {
  @Matches(ID, { message: 'id must be 1-64 letters, digits or ._:-' })
  id: string;
}

export class NeedEvidenceParam extends IdParam {
  @Matches(SHA256_PATTERN, { message: 'sha256 须为 64 位小写十六进制 (sha256 must be 64 lowercase hex digits)' })
  sha256: string;
}

export class CommitmentParams extends IdParam {
  @Matches(ID, { message: 'cid must be 1-64 letters, digits or ._:-' })
  cid: string;
}

export class DeliveryParams extends CommitmentParams {
  @Matches(ID, { message: 'did must be 1-64 letters, digits or ._:-' })
  did: string;
}
