import { Body, Controller, Get, HttpCode, Param, Post, Query, Res } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiHeader, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Actor, Command, CommandContext, CommandResult, DomainError, etagOf, IDEMPOTENCY_HEADER, IfMatch, MIN_POSITION_HEADER, StaleRevisionError } from '@shecun/core';
import type { Response } from 'express';
import { Public } from '@shecun/core';
import { OptionalActor, OrganizationProfileQueries } from './organization-profile';
import { OrganizationCommand, OrganizationState } from './organization.decider';
import { presentOrganization } from './organization.presenter';
import { ExecuteOrganizationCommand } from './organizations.commands';
import {
  ImportOrganizationsDto,
  ListOrganizationsQuery,
  MAX_HTTP_IMPORT_ROWS,
  OrganizationIdParam,
  OrganizationNoteDto,
  OrganizationReasonDto,
  ProfileDto,
  RegisterOrganizationDto,
} from './organizations.dto';
import { OrganizationsQueries } from './organizations.queries';
import { RegistryImportService } from './registry-import.service';


const profileOf = (body: ProfileDto) => ({
  categories: body.categories,
  contact: { ...(body.contact ?? {}) },
  memberUnits: (body.memberUnits ?? []).map((u) => ({ name: u.name, ...(u.creditCode ? { creditCode: u.creditCode } : {}) })),
  description: body.description ?? '',
});

/** Registry commands: bureau staff register and set standing; an organization's staff keep its profile. */
@ApiTags('organizations 社会组织')
@Controller('api/organizations')
export class OrganizationsCommandController {
  constructor(
    private readonly commands: CommandBus,
    private readonly imports: RegistryImportService,
  ) {}

  private async run(organizationId: string, command: OrganizationCommand, context: CommandContext, response?: Response) {
    const result = await this.commands
      .execute<ExecuteOrganizationCommand, CommandResult<OrganizationState>>(new ExecuteOrganizationCommand(organizationId, command, context))
      .catch((error: unknown) => {
        // 412 answers with the organization as it is now, so the person can see what changed.
        if (error instanceof StaleRevisionError) {
          throw new DomainError('stale', error.message, { ...error.details, organization: presentOrganization(error.state as OrganizationState) });
        }
        throw error;
      });
    if (result.revision >= 0) response?.setHeader('ETag', etagOf(result.revision));
    return {
      organizationId,
      revision: result.revision,
      position: result.position ?? null,
      events: result.events.map((e) => ({ id: e.id, type: e.type, revision: e.revision })),
      organization: presentOrganization(result.state),
    };
  }

  @Post()
  @ApiOperation({ summary: '登记社会组织 Register an organization (bureau staff within scope)' })
  @ApiHeader(IDEMPOTENCY_HEADER)
  register(@Body() body: RegisterOrganizationDto, @Command() ctx: CommandContext) {
    const organizationId = body.id ?? body.creditCode.trim().toUpperCase();
    return this.run(
      organizationId,
      {
        type: 'RegisterOrganization',
        organizationId,
        creditCode: body.creditCode,
        name: body.name,
        homeDivisionCode: body.homeDivisionCode,
        hubKind: body.hubKind ?? null,
        ...profileOf(body),
      },
      ctx,
    );
  }

  @Post('import')
  @HttpCode(200)
  @ApiOperation({
    summary: `批量导入社会组织名录 Import the registry from a CSV or XLSX export (bureau staff; rows outside their scope are rejected): every row checked, a per-row report, valid rows registered, rows already registered skipped; dryRun appends nothing; at most ${MAX_HTTP_IMPORT_ROWS} rows`,
  })
  @ApiHeader(IDEMPOTENCY_HEADER)
  importRegistry(@Body() body: ImportOrganizationsDto, @Command() ctx: CommandContext) {
    return this.imports.import(Buffer.from(body.content, 'base64'), {
      actor: ctx.actor,
      correlationId: ctx.correlationId,
      format: body.format,
      dryRun: body.dryRun ?? false,
      maxRows: MAX_HTTP_IMPORT_ROWS,
    });
  }

  @Post(':id/profile')
  @HttpCode(200)
  @ApiOperation({ summary: '修改组织资料 Update service fields, contact, member units (own staff)' })
  @ApiHeader(IDEMPOTENCY_HEADER)
  @ApiHeader({
    name: 'If-Match',
    required: false,
    description: 'The ETag of the organization as read ("<revision>", from GET /api/organizations/:id): 412 with the current organization when it changed since. Without it, an update that meets a concurrent change is refused with 409 (never written over it)',
  })
  updateProfile(
    @Param() { id }: OrganizationIdParam,
    @Body() body: ProfileDto,
    @Command() ctx: CommandContext,
    @IfMatch() expectedRevision: number | undefined,
    @Res({ passthrough: true }) response: Response,
  ) {
    return this.run(id, { type: 'UpdateProfile', ...profileOf(body) }, { ...ctx, expectedRevision }, response);
  }

  @Post(':id/abnormal')
  @HttpCode(200)
  @ApiOperation({ summary: '列入活动异常名录 List as abnormal (bureau staff within scope)' })
  @ApiHeader(IDEMPOTENCY_HEADER)
  listAbnormal(@Param() { id }: OrganizationIdParam, @Body() body: OrganizationReasonDto, @Command() ctx: CommandContext) {
    return this.run(id, { type: 'ListAbnormal', reason: body.reason }, ctx);
  }

  @Post(':id/restore')
  @HttpCode(200)
  @ApiOperation({ summary: '移出活动异常名录 Restore normal standing (bureau staff within scope)' })
  @ApiHeader(IDEMPOTENCY_HEADER)
  restore(@Param() { id }: OrganizationIdParam, @Body() body: OrganizationNoteDto, @Command() ctx: CommandContext) {
    return this.run(id, { type: 'RestoreStanding', note: body.note }, ctx);
  }

  @Post(':id/deregister')
  @HttpCode(200)
  @ApiOperation({ summary: '注销 Deregister (bureau staff within scope; final)' })
  @ApiHeader(IDEMPOTENCY_HEADER)
  deregister(@Param() { id }: OrganizationIdParam, @Body() body: OrganizationReasonDto, @Command() ctx: CommandContext) {
    return this.run(id, { type: 'Deregister', reason: body.reason }, ctx);
  }
}

/** The organization directory (public: no personal data is kept in it). */
@ApiTags('organizations 社会组织')
@Controller('api/organizations')
export class OrganizationsQueryController {
  constructor(
    private readonly queries: OrganizationsQueries,
    private readonly profiles: OrganizationProfileQueries,
  ) {}

  @Public()
  @Get()
  @ApiOperation({ summary: '社会组织名录 Directory: search by name, service field, region, hub flag, standing; paged (≤ 100)' })
  list(@Query() query: ListOrganizationsQuery) {
    return this.queries.list(query);
  }

  @Public()
  @Get(':id')
  @ApiOperation({ summary: '组织资料 An organization’s profile and standing' })
  @ApiHeader(MIN_POSITION_HEADER)
  async get(@Param() { id }: OrganizationIdParam, @Res({ passthrough: true }) response: Response) {
    const organization = await this.queries.get(id);
    // The stream revision: what If-Match names when the profile is updated.
    response.setHeader('ETag', etagOf(organization.revision));
    return organization;
  }

  @Public()
  @Get(':id/profile')
  @ApiOperation({
    summary:
      '组织主页 Profile: registry entry, pairings, teams (led, member, invited); commitments and delivery record (offered / accepted / delivered / confirmed / withdrawn / declined / overdue) for its own staff, admins, and bureau staff and auditors within their scope (null for others)',
  })
  @ApiHeader(MIN_POSITION_HEADER)
  async profile(@Param() { id }: OrganizationIdParam, @OptionalActor() actor: Actor | undefined) {
    return this.profiles.profile(id, actor);
  }

  @Public()
  @Get(':id/events')
  @ApiOperation({ summary: '组织历史 The organization’s events with actor and time' })
  history(@Param() { id }: OrganizationIdParam) {
    return this.queries.history(id);
  }
}
