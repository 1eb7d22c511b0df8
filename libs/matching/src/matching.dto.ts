import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsIn, IsInt, IsOptional, Matches, Max, Min } from 'class-validator';
import { CATEGORIES, Category } from '@shecun/categories';

const ID = /^[A-Za-z0-9._:-]{1,64}$/;

export class MatchingIdParam {
  @Matches(ID, { message: 'id must be 1-64 letters, digits or ._:-' }) id: string;
}

export class CandidatesQuery {
  @ApiPropertyOptional({ example: 20, maximum: 100, description: 'How many candidates (default 20)' })
  @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(100)
  limit?: number;
}

export class RecommendedNeedsQuery {
  @ApiPropertyOptional({ example: 20, maximum: 100, description: 'How many needs (default 20)' })
  @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(100)
  limit?: number;

  @ApiPropertyOptional({ enum: CATEGORIES, description: 'Only needs of this category' })
  @IsOptional() @IsIn(CATEGORIES)
  category?: Category;

  @ApiPropertyOptional({ example: '4418', description: 'Only needs of villages within this division (a code prefix)' })
  @IsOptional() @Matches(/^44(\d{2}|\d{4}|\d{7}|\d{10})?$/, { message: 'division must be a Guangdong division code (44, 4, 6, 9 or 12 digits)' })
  division?: string;
}

export class TeamSuggestionDto {
  @ApiProperty({ example: 'org-gz-federation', description: 'The hub or industry association forming the team' })
  @Matches(ID, { message: 'hubOrganizationId must be 1-64 letters, digits or ._:-' })
  hubOrganizationId: string;

  @ApiProperty({ type: [String], description: 'Published needs the team is for (1-10)' })
  @IsArray() @ArrayMinSize(1) @ArrayMaxSize(10) @Matches(ID, { each: true, message: 'each need id must be 1-64 letters, digits or ._:-' })
  needIds: string[];

  @ApiPropertyOptional({ example: 3, description: 'Invite at most this many organizations (default: as many as it takes)' })
  @IsOptional() @IsInt() @Min(0) @Max(50)
  maxInvitations?: number;

  @ApiPropertyOptional({ example: 6, description: 'Best-ranked organizations considered per need, among those serving its category (default 6)' })
  @IsOptional() @IsInt() @Min(1) @Max(10)
  candidatesPerNeed?: number;
}
