import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiHeader, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Command, CommandContext, CommandResult, IDEMPOTENCY_HEADER, Public } from '@shecun/core';
import { TeamState } from './team.decider';
import { ExecuteTeamCommand, TeamRequest } from './teams.commands';
import { FormTeamDto, InviteToTeamDto, ListTeamsQuery, TeamIdParam, TeamInvitationParams, TeamNoteDto, TeamOptionalReasonDto, TeamReasonDto } from './teams.dto';
import { presentTeam, TeamsQueries } from './teams.queries';


/** Team commands (the organizations service in the distributed topology). */
@ApiTags('teams 组团帮扶')
@Controller('api/teams')
export class TeamsCommandController {
  constructor(private readonly commands: CommandBus) {}

  private async run(teamId: string, command: TeamRequest, ctx: CommandContext) {
    const result = await this.commands.execute<ExecuteTeamCommand, CommandResult<TeamState>>(new ExecuteTeamCommand(teamId, command, ctx));
    return {
      teamId,
      revision: result.revision,
      position: result.position ?? null,
      events: result.events.map((e) => ({ id: e.id, type: e.type, revision: e.revision })),
      team: presentTeam(result.state),
    };
  }

  @Post()
  @ApiOperation({ summary: '组团 Form a team for a target area and project (the admin of a hub or industry association, for their own organization)' })
  @ApiHeader(IDEMPOTENCY_HEADER)
  form(@Body() body: FormTeamDto, @Command() ctx: CommandContext) {
    const teamId = ctx.commandId;
    return this.run(
      teamId,
      {
        type: 'FormTeam',
        teamId,
        leadOrganizationId: body.leadOrganizationId,
        targetCode: body.targetCode,
        title: body.title,
        description: body.description ?? '',
        categories: body.categories,
        targetNeedIds: body.targetNeedIds ?? [],
        leadShare: body.leadShare ?? 0,
      },
      ctx,
    );
  }

  @Post(':id/invitations')
  @ApiOperation({ summary: '邀请成员 Invite an organization in good standing with a role and an agreed share (the lead hub’s admin)' })
  @ApiHeader(IDEMPOTENCY_HEADER)
  invite(@Param() { id }: TeamIdParam, @Body() body: InviteToTeamDto, @Command() ctx: CommandContext) {
    return this.run(id, { type: 'InviteToTeam', organizationId: body.organizationId, role: body.role, share: body.share, note: body.note ?? '' }, ctx);
  }

  @Post(':id/invitations/:orgId/accept')
  @HttpCode(200)
  @ApiOperation({ summary: '接受邀请 Accept an invitation: the organization joins if in good standing (the invited organization’s own staff)' })
  @ApiHeader(IDEMPOTENCY_HEADER)
  accept(@Param() { id, orgId }: TeamInvitationParams, @Command() ctx: CommandContext) {
    return this.run(id, { type: 'AcceptTeamInvitation', organizationId: orgId }, ctx);
  }

  @Post(':id/invitations/:orgId/decline')
  @HttpCode(200)
  @ApiOperation({ summary: '谢绝邀请 Decline an invitation (the invited organization’s own staff)' })
  @ApiHeader(IDEMPOTENCY_HEADER)
  decline(@Param() { id, orgId }: TeamInvitationParams, @Body() body: TeamOptionalReasonDto, @Command() ctx: CommandContext) {
    return this.run(id, { type: 'DeclineTeamInvitation', organizationId: orgId, reason: body.reason ?? '' }, ctx);
  }

  @Post(':id/complete')
  @HttpCode(200)
  @ApiOperation({ summary: '完成 Complete the team’s project (the lead hub’s admin)' })
  @ApiHeader(IDEMPOTENCY_HEADER)
  complete(@Param() { id }: TeamIdParam, @Body() body: TeamNoteDto, @Command() ctx: CommandContext) {
    return this.run(id, { type: 'CompleteTeam', note: body.note ?? '' }, ctx);
  }

  @Post(':id/dissolve')
  @HttpCode(200)
  @ApiOperation({ summary: '解散 Dissolve the team with a reason (the lead hub’s admin)' })
  @ApiHeader(IDEMPOTENCY_HEADER)
  dissolve(@Param() { id }: TeamIdParam, @Body() body: TeamReasonDto, @Command() ctx: CommandContext) {
    return this.run(id, { type: 'DissolveTeam', reason: body.reason }, ctx);
  }
}

/** Team reads (the gateway in the distributed topology). */
@ApiTags('teams 组团帮扶')
@Controller('api/teams')
export class TeamsQueryController {
  constructor(private readonly queries: TeamsQueries) {}

  @Public()
  @Get()
  @ApiOperation({ summary: '组团列表 Teams by organization taking part, target division and status; paged (≤ 100)' })
  list(@Query() query: ListTeamsQuery) {
    return this.queries.list(query);
  }

  @Public()
  @Get(':id')
  @ApiOperation({ summary: '组团名册 A team’s project and roster: lead, members, invitations, roles and shares' })
  get(@Param() { id }: TeamIdParam) {
    return this.queries.get(id);
  }
}
