import { BadRequestException, Body, CallHandler, Controller, ExecutionContext, HttpCode, HttpException, Injectable, NestInterceptor, PayloadTooLargeException, Post, UploadedFile, UseInterceptors } from '@nestjs/common';
import { FileInterceptor } from '@nestjs/platform-express';
import { ApiBody, ApiConsumes, ApiOperation, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { Command, CommandContext, invalid } from '@shecun/core';
import { REGISTRY_FILE_FORMATS, RegistryFileFormat } from '@shecun/organizations';
import { IsBase64, IsIn, IsOptional, IsString, MaxLength } from 'class-validator';
import { Observable } from 'rxjs';
import { UserImportService } from './user-import.service';

/** Rows one request may carry (larger lists: `cli import-users`). */
export const MAX_HTTP_USER_IMPORT_ROWS = 2_000;
const MAX_UPLOAD_BYTES = 2 * 1024 * 1024;

export class ImportUsersDto {
  @ApiPropertyOptional({ description: 'The CSV or XLSX file, base64-encoded (JSON bodies are at most 256 KB; send larger files as multipart/form-data "file")' })
  @IsOptional() @IsString() @IsBase64() @MaxLength(350_000)
  content?: string;

  @ApiPropertyOptional({ enum: REGISTRY_FILE_FORMATS, description: 'By default read from the file (an XLSX workbook is a zip archive)' })
  @IsOptional() @IsIn(REGISTRY_FILE_FORMATS)
  format?: RegistryFileFormat;

  @ApiPropertyOptional({ description: 'Check every row and report, appending nothing (true / "true")' })
  @IsOptional() @IsIn([true, false, 'true', 'false'])
  dryRun?: boolean | 'true' | 'false';
}

const MultipartFile = FileInterceptor('file', { limits: { fileSize: MAX_UPLOAD_BYTES, files: 1, fields: 3, parts: 4, fieldSize: 1024 } });

/** multer on the import route (multipart bodies only; JSON passes through), its refusals worded like every other problem. */
@Injectable()
export class UserImportUploadInterceptor implements NestInterceptor {
  private readonly multipart = new MultipartFile();

  async intercept(context: ExecutionContext, next: CallHandler): Promise<Observable<unknown>> {
    try {
      return await this.multipart.intercept(context, next);
    } catch (error) {
      if (error instanceof PayloadTooLargeException) throw new PayloadTooLargeException(`文件超过 ${MAX_UPLOAD_BYTES} 字节 (the file exceeds ${MAX_UPLOAD_BYTES} bytes)`);
      if (error instanceof HttpException && error.getStatus() < 500) throw new BadRequestException(`上传格式有误，请只发送一个 file 字段 (malformed upload: ${error.message})`);
      throw error;
    }
  }
}

@ApiTags('users 用户与授权')
@Controller('api/users')
export class UserImportController {
  constructor(private readonly imports: UserImportService) {}

  @Post('import')
  @HttpCode(200)
  @UseInterceptors(UserImportUploadInterceptor)
  @ApiConsumes('application/json', 'multipart/form-data')
  @ApiBody({ type: ImportUsersDto })
  @ApiOperation({
    summary: `批量导入用户 Open accounts from a CSV or XLSX list (columns username/用户名, name/姓名, phone/手机号, role/角色, scope/范围, organizationId/组织编号): who may create which user with which grant as for POST /api/users, row by row; a per-row report in Chinese and English; new users get a one-time password, shown only in this answer, to change at the first sign-in; a re-run appends nothing for rows already done; dryRun appends nothing; at most ${MAX_HTTP_USER_IMPORT_ROWS} rows`,
  })
  importUsers(@UploadedFile() file: { buffer?: Buffer } | undefined, @Body() body: ImportUsersDto, @Command() ctx: CommandContext) {
    const content = file?.buffer ?? (body?.content !== undefined ? Buffer.from(body.content, 'base64') : undefined);
    if (!content) throw invalid('请以 JSON 的 content 字段（base64）或 multipart/form-data 的 file 字段上传文件 (send the file as base64 "content" or as the multipart field "file")');
    return this.imports.import(content, {
      actor: ctx.actor,
      correlationId: ctx.correlationId,
      format: body?.format,
      dryRun: body?.dryRun === true || body?.dryRun === 'true',
      maxRows: MAX_HTTP_USER_IMPORT_ROWS,
    });
  }
}
