import { Body, Controller, Get, Header, HttpCode, Param, Post, Res } from '@nestjs/common';
import { ApiBody, ApiHeader, ApiOperation, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { Actor, Command, CommandContext, CurrentActor, HumanText, IDEMPOTENCY_HEADER } from '@shecun/core';
import { IsOptional, IsString, IsUUID, MaxLength } from 'class-validator';
import type { Response } from 'express';
import { checkpointSummary, LedgerCheckpoints, requireCheckpointRole } from './ledger-checkpoint.service';

export class TakeCheckpointDto {
  @ApiPropertyOptional({ description: 'why the checkpoint is taken (kept in the event)' })
  @IsOptional()
  @IsString()
  @HumanText({ multiline: true })
  @MaxLength(500)
  reason?: string;
}

export class CheckpointIdParam {
  @IsUUID('all', { message: 'id must be a checkpoint id (a UUID)' }) id: string;
}

/** Ledger checkpoints: the heads of every donation and fund chain sealed into a signed Merkle root. */
@ApiTags('audit 审计')
@Controller('api/audit/ledger')
export class LedgerCheckpointController {
  constructor(private readonly checkpoints: LedgerCheckpoints) {}

  @Get('checkpoints')
  @ApiOperation({ summary: '账本检查点 Ledger checkpoints taken, newest last, without their heads (auditors, bureau staff, admins)' })
  async list(@CurrentActor() actor: Actor) {
    requireCheckpointRole(actor);
    return { items: (await this.checkpoints.all()).map(checkpointSummary) };
  }

  @Post('checkpoints')
  @ApiOperation({ summary: '封存账本 Take a ledger checkpoint now: the head of every donation and fund chain sealed into one Merkle root, appended as LedgerCheckpointed (auditors, admins)' })
  @ApiHeader(IDEMPOTENCY_HEADER)
  async take(@Body() body: TakeCheckpointDto, @Command() ctx: CommandContext) {
    requireCheckpointRole(ctx.actor, true);
    return checkpointSummary(await this.checkpoints.take(ctx, body.reason ?? 'on demand'));
  }

  @Get('checkpoints/:id')
  @ApiOperation({ summary: '检查点文件 The checkpoint as a file to keep: heads, root, and an RS256 signature with the platform’s token signing key (verify with /api/auth/jwks.json)' })
  async file(@Param() { id }: CheckpointIdParam, @CurrentActor() actor: Actor, @Res({ passthrough: true }) res: Response) {
    requireCheckpointRole(actor);
    const file = await this.checkpoints.exportFile(id);
    res.setHeader('content-disposition', `attachment; filename="ledger-checkpoint-${file.at.slice(0, 10)}-${id.slice(0, 8)}.json"`);
    return file;
  }

  @Post('verify')
  @HttpCode(200)
  @Header('cache-control', 'no-store')
  @ApiBody({ description: 'a checkpoint file as GET /api/audit/ledger/checkpoints/{id} answered it', schema: { type: 'object' } })
  @ApiOperation({ summary: '对照检查点核对 Check the ledger against a checkpoint file an auditor kept: streams gone, revisions missing (a deleted tail) or changed up to the checkpoint; a file whose signature does not verify is refused (422); appends nothing' })
  verify(@Body() file: object, @CurrentActor() actor: Actor) {
    requireCheckpointRole(actor);
    return this.checkpoints.verifyAgainst(file);
  }
}
