import { BadRequestException, Body, CallHandler, Controller, ExecutionContext, Get, HttpCode, HttpException, Injectable, NestInterceptor, Param, PayloadTooLargeException, Post, Res, UploadedFile, UseInterceptors } from '@nestjs/common';
import { Observable } from 'rxjs';
import { FileInterceptor } from '@nestjs/platform-express';
import { ApiBody, ApiConsumes, ApiOperation, ApiProperty, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { Actor, CurrentActor } from '@shecun/core';
import { IsIn, IsOptional, Matches } from 'class-validator';
import type { Response } from 'express';
import { SHA256_PATTERN } from './evidence.model';
import { sendEvidence } from './evidence.http';
import { EvidenceService, UploadAnswer } from './evidence.service';
import { evidenceMaxBytes } from './inspect';

export class Sha256Param {
  @ApiProperty({ example: 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855' })
  @Matches(SHA256_PATTERN, { message: 'sha256 须为 64 位小写十六进制 (sha256 must be 64 lowercase hex digits)' })
  sha256: string;
}

export class ThumbnailQuery {
  @ApiPropertyOptional({ enum: ['true', 'false'], description: 'the thumbnail (images) instead of the file' })
  @IsOptional() @IsIn(['true', 'false', '1', '0'])
  thumbnail?: string;
}
export class UploadFieldsDto {
  @ApiPropertyOptional({ enum: ['true', 'false'] })
  @IsOptional() @IsIn(['true', 'false'])
  keepMetadata?: string;
}

export const wantsThumbnail = (q: ThumbnailQuery) => q.thumbnail === 'true' || q.thumbnail === '1';

/** multer's limits: one file of at most EVIDENCE_MAX_BYTES (larger: 413), a few small fields. */
export const UPLOAD_LIMITS = { fileSize: evidenceMaxBytes(), files: 1, fields: 4, parts: 6, fieldSize: 1024 };

const MultipartFile = FileInterceptor('file', { limits: UPLOAD_LIMITS });

/** multer on the upload route, its refusals worded like every other problem (Chinese first). */
@Injectable()
export class EvidenceUploadInterceptor implements NestInterceptor {
  private readonly multipart = new MultipartFile();

  async intercept(context: ExecutionContext, next: CallHandler): Promise<Observable<unknown>> {
    try {
      return await this.multipart.intercept(context, next);
    } catch (error) {
      if (error instanceof PayloadTooLargeException) throw new PayloadTooLargeException(`文件超过 ${UPLOAD_LIMITS.fileSize} 字节 (the file exceeds ${UPLOAD_LIMITS.fileSize} bytes)`);
      if (error instanceof HttpException && error.getStatus() < 500) throw new BadRequestException(`上传格式有误，请只发送一个 file 字段 (malformed upload: ${error.message})`);
      throw error;
    }
  }
}

@ApiTags('evidence 证明材料')
@Controller('api/evidence')
export class EvidenceController {
  constructor(private readonly evidence: EvidenceService) {}

  @Post()
  @HttpCode(201)
  @UseInterceptors(EvidenceUploadInterceptor)
  @ApiConsumes('multipart/form-data')
  @ApiBody({
    schema: {
      type: 'object',
      required: ['file'],
      properties: { file: { type: 'string', format: 'binary' }, keepMetadata: { type: 'string', enum: ['true', 'false'], description: 'keep EXIF/XMP (GPS position included) on purpose' } },
    },
  })
  @ApiOperation({
    summary:
      '上传证明材料 Upload a photo, scan or PDF (organization staff): checked by content, images re-encoded without metadata, stored by SHA-256; reference it by sha256 in a delivery, use or receipt',
  })
  upload(@UploadedFile() file: { buffer?: Buffer } | undefined, @Body() body: UploadFieldsDto, @CurrentActor() actor: Actor): Promise<UploadAnswer> {
    return this.evidence.upload(actor, file?.buffer, body?.keepMetadata === 'true');
  }

  @Get(':sha256')
  @ApiOperation({ summary: '查看本人上传 One’s own upload (or its thumbnail, by the thumbnail’s hash), before a command references it' })
  async own(@Param() { sha256 }: Sha256Param, @CurrentActor() actor: Actor, @Res() res: Response) {
    sendEvidence(res, await this.evidence.ownUpload(actor, sha256));
  }
}
