import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { EXPORT_LANGS, ExportLang, PageQueryDto, HumanText } from '@shecun/core';
import { Type } from 'class-transformer';
import { ArrayMaxSize, IsArray, IsIn, IsInt, IsOptional, IsString, Length, Matches, Max, MaxLength, Min, ValidateIf, ValidateNested } from 'class-validator';
import { DONOR_KINDS, EVIDENCE_KINDS, EvidenceKind } from './donation.model';
import { ANOMALY_KINDS } from './audit';
import { EVIDENCE_VISIBILITIES, EvidenceVisibility, SHA256_PATTERN } from '@shecun/evidence';

const ID = /^[A-Za-z0-9._:-]{1,80}$/;
const ORG_ID = /^[A-Za-z0-9._:-]{1,64}$/;
const DATE = /^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/;
const ID_MESSAGE = 'must be 1-64 letters, digits or ._:-';
/** Up to 10 billion yuan in fen, or as many units of goods: far above any real gift, well inside a safe integer. */
const MAX_AMOUNT = 1_000_000_000_000;

const Amount = () => (target: object, key: string) => {
  ApiProperty({ example: 5_000_000, description: 'Integer: fen for money, the goods’ own unit otherwise' })(target, key);
  Type(() => Number)(target, key);
  IsInt({ message: `${key} must be an integer (fen for money)` })(target, key);
  Min(1)(target, key);
  Max(MAX_AMOUNT)(target, key);
};

export class EstablishFundDto {
  @ApiPropertyOptional({ example: 'fund-gz-rural-edu', description: 'Chosen id; a new one is made when absent' }) @IsOptional() @Matches(ORG_ID, { message: `fundId ${ID_MESSAGE}` }) fundId?: string;
  @ApiProperty({ example: 'org-gz-charity' }) @Matches(ORG_ID, { message: `holderOrganizationId ${ID_MESSAGE}` }) holderOrganizationId: string;
  @ApiProperty({ example: '乡村教育专项基金' }) @IsString() @HumanText() @Length(1, 200) name: string;
  @ApiPropertyOptional({ example: '资助清远山区学校' }) @IsOptional() @IsString() @HumanText({ multiline: true, blankAllowed: true }) @MaxLength(2000) purpose?: string;
}

export class PledgeDonationDto {
  @ApiProperty({ enum: DONOR_KINDS, description: 'An organization, a member unit (会员单位) of one, or an individual (counted only in aggregate; no name is kept)' })
  @IsIn(DONOR_KINDS)
  donorKind: (typeof DONOR_KINDS)[number];
  @ApiPropertyOptional({ example: 'org-gz-federation', description: 'The donor organization, or the association the member unit belongs to' })
  @ValidateIf((o: PledgeDonationDto) => o.donorKind !== 'individual') @Matches(ORG_ID, { message: `donorOrganizationId ${ID_MESSAGE}` })
  donorOrganizationId?: string;
  @ApiPropertyOptional({ example: '某某建设集团有限公司', description: 'The member unit’s name, as the association lists it' })
  @ValidateIf((o: PledgeDonationDto) => o.donorKind === 'member_unit') @IsString() @HumanText() @Length(1, 200)
  memberUnitName?: string;
  @ApiProperty({ enum: ['organization', 'fund'] }) @IsIn(['organization', 'fund']) recipientKind: 'organization' | 'fund';
  @ApiProperty({ example: 'org-gz-charity' }) @Matches(ORG_ID, { message: `recipientId ${ID_MESSAGE}` }) recipientId: string;
  @ApiProperty({ enum: ['money', 'goods'] }) @IsIn(['money', 'goods']) resourceKind: 'money' | 'goods';
  @ApiPropertyOptional({ example: '课桌椅' }) @ValidateIf((o: PledgeDonationDto) => o.resourceKind === 'goods') @IsString() @HumanText() @Length(1, 200) item?: string;
  @ApiPropertyOptional({ example: '套' }) @ValidateIf((o: PledgeDonationDto) => o.resourceKind === 'goods') @IsString() @HumanText() @Length(1, 20) unit?: string;
  @ApiPropertyOptional({ example: 3_000_000, description: 'Goods: estimated value of the whole pledge, in fen' })
  @ValidateIf((o: PledgeDonationDto) => o.resourceKind === 'goods') @Type(() => Number) @IsInt() @Min(0) @Max(MAX_AMOUNT)
  estimatedValueFen?: number;
  @Amount() amount: number;
  @ApiPropertyOptional() @IsOptional() @IsString() @HumanText({ multiline: true, blankAllowed: true }) @MaxLength(2000) note?: string;
}


export const TARGET_KINDS = ['need', 'village', 'organization', 'fund'] as const;

export class AllocateDto {
  @ApiProperty({ enum: TARGET_KINDS, description: 'A published need, a village project, or a transfer onward to an organization or fund' })
  @IsIn(TARGET_KINDS)
  targetKind: (typeof TARGET_KINDS)[number];
  @ApiPropertyOptional() @ValidateIf((o: AllocateDto) => o.targetKind === 'need') @Matches(ID, { message: 'needId must be 1-80 letters, digits or ._:-' }) needId?: string;
  @ApiPropertyOptional({ description: 'The team (组团) delivering the need, when a team project' }) @IsOptional() @Matches(ID, { message: 'teamId must be 1-80 letters, digits or ._:-' }) teamId?: string;
  @ApiPropertyOptional({ example: '441826105201' })
  @ValidateIf((o: AllocateDto) => o.targetKind === 'village') @Matches(/^44\d{10}$/, { message: 'villageCode must be a 12-digit Guangdong village code' })
  villageCode?: string;
  @ApiPropertyOptional({ example: '村卫生站改造' }) @ValidateIf((o: AllocateDto) => o.targetKind === 'village') @IsString() @HumanText() @Length(1, 200) project?: string;
  @ApiPropertyOptional({ example: 'org-qy-volunteers' })
  @ValidateIf((o: AllocateDto) => o.targetKind === 'organization' || o.targetKind === 'fund') @Matches(ORG_ID, { message: `targetId ${ID_MESSAGE}` })
  targetId?: string;
  @Amount() amount: number;
  @ApiPropertyOptional() @IsOptional() @IsString() @HumanText({ multiline: true, blankAllowed: true }) @MaxLength(2000) note?: string;
}

export class ReasonedAmountDto {
  @Amount() amount: number;
  @ApiProperty({ example: '项目调整' }) @IsString() @HumanText({ multiline: true }) @Length(1, 500) reason: string;
}

export class CorrectReceiptDto extends ReasonedAmountDto {
  @ApiProperty({ example: 'GD-2026-000124' }) @IsString() @HumanText() @Length(1, 64) receiptNumber: string;
}

export class UseEvidenceDto {
  @ApiProperty({ enum: EVIDENCE_KINDS, example: 'invoice' }) @IsIn(EVIDENCE_KINDS) kind: EvidenceKind;
  @ApiPropertyOptional({ example: '44001234 No.00056789', description: 'Invoice number or URL; not needed with sha256' })
  @ValidateIf((e: UseEvidenceDto) => e.sha256 === undefined || e.ref !== undefined) @IsString() @HumanText() @Length(1, 500) ref?: string;
  @ApiPropertyOptional({ description: 'An uploaded evidence file (POST /api/evidence)' })
  @IsOptional() @Matches(SHA256_PATTERN, { message: 'sha256 须为 64 位小写十六进制 (sha256 must be 64 lowercase hex digits)' }) sha256?: string;
  @ApiPropertyOptional({ enum: EVIDENCE_VISIBILITIES, default: 'internal', description: 'public: shown in the disclosure; internal: only to those who may see the flow' })
  @IsOptional() @IsIn(EVIDENCE_VISIBILITIES) visibility?: EvidenceVisibility;
  @ApiPropertyOptional({ example: 1_200_000 }) @IsOptional() @Type(() => Number) @IsInt() @Min(0) @Max(MAX_AMOUNT) amountFen?: number;
  @ApiPropertyOptional() @IsOptional() @IsString() @HumanText({ multiline: true, blankAllowed: true }) @MaxLength(500) note?: string;
}

export class ReceiveDto {
  @ApiProperty({ example: 'GD-2026-000123', description: '捐赠票据号 Receipt number' }) @IsString() @HumanText() @Length(1, 64) receiptNumber: string;
  @Amount() amount: number;
  @ApiProperty({ example: '2026-11-20' }) @Matches(DATE, { message: 'receivedOn must be a date YYYY-MM-DD' }) receivedOn: string;
  @ApiPropertyOptional({ type: [UseEvidenceDto], description: 'Scans of the receipt as uploaded files (sha256); recorded with a donation’s receipt (a transfer’s receipt takes none)' })
  @IsOptional() @IsArray() @ValidateNested({ each: true }) @Type(() => UseEvidenceDto) @ArrayMaxSize(20)
  evidence?: UseEvidenceDto[];
}

export class RecordUseDto {
  @ApiProperty({ example: 'a-1a2b3c4d' }) @Matches(ID, { message: 'allocationId must be 1-80 letters, digits or ._:-' }) allocationId: string;
  @ApiPropertyOptional({ description: 'The need served (must be in the allocation’s village)' }) @IsOptional() @Matches(ID, { message: 'needId must be 1-80 letters, digits or ._:-' }) needId?: string;
  @Amount() amount: number;
  @ApiProperty({ type: [UseEvidenceDto], description: 'Invoices, recipient lists, photos; may be empty and added later (shown as an anomaly until then)' })
  @IsArray() @ValidateNested({ each: true }) @Type(() => UseEvidenceDto) @ArrayMaxSize(50)
  evidence: UseEvidenceDto[];
  @ApiProperty({ example: '2026-11-21' }) @Matches(DATE, { message: 'usedOn must be a date YYYY-MM-DD' }) usedOn: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @HumanText({ multiline: true, blankAllowed: true }) @MaxLength(2000) note?: string;
}

export class AddEvidenceDto {
  @ApiProperty({ type: [UseEvidenceDto] }) @IsArray() @ValidateNested({ each: true }) @Type(() => UseEvidenceDto) @ArrayMaxSize(50) evidence: UseEvidenceDto[];
}

export class NoteDto {
  @ApiPropertyOptional() @IsOptional() @IsString() @HumanText({ multiline: true, blankAllowed: true }) @MaxLength(2000) note?: string;
}

export class ConfirmUseDto extends NoteDto {
  @ApiPropertyOptional({ description: 'Required when the use has no evidence: why it is confirmed anyway (recorded in the event)' })
  @IsOptional() @IsString() @HumanText({ multiline: true, blankAllowed: true }) @MaxLength(1000) reason?: string;
}

export class FlowIdParam {
  @Matches(ID, { message: 'id must be 1-80 letters, digits or ._:-' }) id: string;
}
export class FlowEvidenceParam extends FlowIdParam {
  @Matches(SHA256_PATTERN, { message: 'sha256 须为 64 位小写十六进制 (sha256 must be 64 lowercase hex digits)' }) sha256: string;
}
export class AllocationParam extends FlowIdParam {
  @Matches(ID, { message: 'allocationId must be 1-80 letters, digits or ._:-' }) allocationId: string;
}
export class UseParam extends FlowIdParam {
  @Matches(ID, { message: 'useId must be 1-80 letters, digits or ._:-' }) useId: string;
}

export class ListFlowsQuery extends PageQueryDto {
  @ApiPropertyOptional({ enum: ['pledged', 'received', 'allocated', 'used', 'confirmed', 'refunded'] }) @IsOptional() @IsIn(['pledged', 'received', 'allocated', 'used', 'confirmed', 'refunded']) status?: string;
  @ApiPropertyOptional() @IsOptional() @Matches(ORG_ID, { message: `organizationId ${ID_MESSAGE}` }) organizationId?: string;
  @ApiPropertyOptional({ example: '441826' }) @IsOptional() @Matches(/^44\d{0,10}$/, { message: 'villageCode must be a Guangdong division code prefix' }) villageCode?: string;
  @ApiPropertyOptional() @IsOptional() @Matches(ID, { message: 'needId must be 1-80 letters, digits or ._:-' }) needId?: string;
}

export class AsOfQuery {
  @ApiPropertyOptional({ example: '2026-06-30', description: 'A date (end of that day, China time) or an ISO instant; the view is replayed from events up to then' })
  @IsOptional() @Matches(/^\d{4}-\d{2}-\d{2}(T[0-9:.]+(Z|[+-]\d{2}:\d{2}))?$/, { message: 'asOf must be a date YYYY-MM-DD or an ISO instant' })
  asOf?: string;
}

export class LedgerExportQuery extends AsOfQuery {
  @ApiPropertyOptional({ enum: EXPORT_LANGS, default: 'zh', description: 'Column headers: zh (Chinese, default) or en (English)' })
  @IsOptional() @IsIn(EXPORT_LANGS, { message: 'lang must be zh or en' })
  lang?: ExportLang;
}

export class AnomaliesQuery extends AsOfQuery {
  @ApiPropertyOptional({ example: 30, description: 'How many days count as too long (default 30)' }) @IsOptional() @Type(() => Number) @IsInt() @Min(0) @Max(3650) days?: number;
  @ApiPropertyOptional({ enum: ANOMALY_KINDS }) @IsOptional() @IsIn(ANOMALY_KINDS) kind?: string;
}

export class FundsQuery {
  @ApiPropertyOptional() @IsOptional() @Matches(ORG_ID, { message: `holderOrganizationId ${ID_MESSAGE}` }) holderOrganizationId?: string;
}

/** The public landing of the disclosure: one city (4-digit code) or the province, and how many rows. */
export class RecentDisclosuresQuery {
  @ApiPropertyOptional({ example: '4401', description: '地级市代码（4 位），不填为全省 City code (4 digits); the whole province when absent' })
  @IsOptional()
  @Matches(/^\d{4}$/, { message: 'city 须为 4 位地级市代码 (city must be a 4-digit city code)' })
  city?: string;
  @ApiPropertyOptional({ example: 20, description: '每张表最多几行 (1–100, default 20) Rows per list' }) @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(100) limit?: number;
}

export class OrganizationIdParam {
  @Matches(ORG_ID, { message: `id ${ID_MESSAGE}` }) id: string;
}
