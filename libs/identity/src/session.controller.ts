import { Body, Controller, HttpCode, Param, Post, Req, UnauthorizedException } from '@nestjs/common';
import { ApiOperation, ApiProperty, ApiTags } from '@nestjs/swagger';
import { BeforePasswordChange, Command, CommandContext, Public, RequestWithActor } from '@shecun/core';
import { IsString, Length } from 'class-validator';
import { UserIdParam } from './identity.dto';
import { SessionService } from './session.service';

export class RefreshDto {
  @ApiProperty({ description: 'The refresh token of the last sign-in or refresh' }) @IsString() @Length(1, 200) refreshToken: string;
}

export class RevokeSessionsDto {
  @ApiProperty({ example: '手机遗失' }) @IsString() @Length(1, 500) reason: string;
}

@ApiTags('auth 登录')
@Controller('api')
export class SessionsController {
  constructor(private readonly sessions: SessionService) {}

  @Public()
  @Post('auth/refresh')
  @HttpCode(200)
  @ApiOperation({ summary: '续期 A new access token and refresh token for a refresh token (each refresh token works once; a second use ends the whole session)' })
  async refresh(@Body() body: RefreshDto) {
    const { userId: _user, grantId: _grant, ...issued } = await this.sessions.refresh(body.refreshToken);
    return issued;
  }

  @Post('auth/logout')
  @BeforePasswordChange()
  @HttpCode(200)
  @ApiOperation({ summary: '退出登录 End this session: its access and refresh tokens stop working' })
  async logout(@Req() request: RequestWithActor, @Command() ctx: CommandContext) {
    if (!request.sessionId) throw new UnauthorizedException('此凭证不属于本平台的登录会话 (this token belongs to no session of this platform)');
    const { position } = await this.sessions.logout(request.sessionId, ctx);
    return { sessionId: request.sessionId, ended: true, position: position ?? null };
  }

  @Post('users/:userId/sessions/revoke')
  @HttpCode(200)
  @ApiOperation({ summary: '结束全部会话 End every session of a user and every token issued before now (administrators; the user themselves)' })
  async revokeAll(@Param() { userId }: UserIdParam, @Body() body: RevokeSessionsDto, @Command() ctx: CommandContext) {
    const result = await this.sessions.revokeAll(userId, body.reason, ctx);
    return { userId, revoked: true, position: result.position ?? null };
  }
}
