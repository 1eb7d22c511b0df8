import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { HumanText } from '@shecun/core';
import { Type } from 'class-transformer';
import { IsBoolean, IsIn, IsInt, IsObject, IsOptional, IsString, Length, Matches, Max, Min, ValidateNested } from 'class-validator';
import { GRANTABLE_ROLES, GrantableRole } from './identity.model';

const ID = /^[A-Za-z0-9._:-]{1,64}$/;

export class LoginDto {
  @ApiProperty({ example: 'coordinator' }) @IsString() @Length(1, 64) username: string;
  @ApiProperty({ example: 'shecun-demo' }) @IsString() @Length(1, 200) password: string;
  @ApiPropertyOptional({ description: 'Act under this grant (default: the earliest active one)' })
  @IsOptional() @Matches(ID, { message: 'grantId must be 1-64 letters, digits or ._:-' })
  grantId?: string;
}

export class GrantDto {
  @ApiProperty({ enum: GRANTABLE_ROLES }) @IsIn(GRANTABLE_ROLES) role: GrantableRole;
  @ApiPropertyOptional({ example: '441826105', description: 'Division code prefix (coordinator, bureau, auditor)' })
  @IsOptional() @Matches(/^\d{2,12}$/, { message: 'scope must be a division code prefix of 2-12 digits' })
  scope?: string;
  @ApiPropertyOptional({ example: 'org-gz-charity', description: 'Organization (organization staff, hub admin)' })
  @IsOptional() @Matches(ID, { message: 'organizationId must be 1-64 letters, digits or ._:-' })
  organizationId?: string;
  @ApiPropertyOptional() @IsOptional() @IsBoolean() organizationAdmin?: boolean;
}

export class RegisterUserDto {
  @ApiProperty({ example: 'li.ming' }) @IsString() @Length(3, 64) username: string;
  @ApiProperty({ example: '李明' }) @IsString() @HumanText() @Length(1, 100) displayName: string;
  @ApiPropertyOptional({ description: 'At least 10 characters; or link an external identity instead' })
  @IsOptional() @IsString() @Length(10, 200)
  password?: string;
  @ApiPropertyOptional({ example: 'https://id.example.gov.cn|8f2c…', description: '`<issuer>|<subject>` of an external identity provider' })
  @IsOptional() @IsString() @Length(3, 300)
  externalSubject?: string;
  @ApiPropertyOptional({
    type: () => GrantDto,
    description: 'A first grant, given in the same append as the user (required when an organization admin or hub admin creates the user; the delegation rules apply)',
  })
  @IsOptional() @IsObject() @ValidateNested() @Type(() => GrantDto)
  grant?: GrantDto;
}

export class ChangePasswordDto {
  @ApiPropertyOptional({ description: 'Required when changing your own password' }) @IsOptional() @IsString() @Length(1, 200) currentPassword?: string;
  @ApiProperty() @IsString() @Length(10, 200) newPassword: string;
}

export class RevokeGrantDto {
  @ApiProperty({ example: '调离岗位' }) @IsString() @Length(1, 500) reason: string;
}

export class UserIdParam {
  @Matches(/^[0-9a-f-]{36}$/, { message: 'userId must be a uuid' }) userId: string;
}

export class GrantParams extends UserIdParam {
  @Matches(ID, { message: 'grantId must be 1-64 letters, digits or ._:-' }) grantId: string;
}

export class PageQuery {
  @ApiPropertyOptional({ default: 50, maximum: 200 })
  @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(200)
  limit?: number;
  @ApiPropertyOptional({ default: 0 })
  @IsOptional() @Type(() => Number) @IsInt() @Min(0) @Max(1_000_000)
  offset?: number;
}
