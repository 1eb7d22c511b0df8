import { Body, Controller, ForbiddenException, Get, HttpCode, NotFoundException, Param, Post, Query, Req } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { InjectDataSource } from '@nestjs/typeorm';
import { Actor, BeforePasswordChange, Command, CommandContext, CurrentActor, Public, RequestWithActor } from '@shecun/core';
import { Brackets, DataSource } from 'typeorm';
import { ChangePasswordDto, GrantDto, GrantParams, LoginDto, PageQuery, RegisterUserDto, RevokeGrantDto, UserIdParam } from './identity.dto';
import { AccessAuditView, GrantView, UserView } from './identity.projection';
import { IdentityService, presentGrant } from './identity.service';
import { TokenService } from './token.service';
import { GrantSpec } from './identity.model';
import { OrganizationScopes } from './organization-scopes';
import { administersOrganization, delegation } from './user.decider';

@ApiTags('auth 登录')
@Controller('api/auth')
export class AuthController {
  constructor(
    private readonly identity: IdentityService,
    private readonly tokens: TokenService,
  ) {}

  @Public()
  @Post('login')
  @HttpCode(200)
  @ApiOperation({ summary: '登录 Sign in with username and password; returns a bearer token for one grant' })
  login(@Body() body: LoginDto) {
    return this.identity.login(body.username, body.password, body.grantId);
  }

  @Get('me')
  @BeforePasswordChange()
  @ApiOperation({ summary: '当前用户 The signed-in user, the grant in use and all active grants' })
  me(@CurrentActor() actor: Actor, @Req() request: RequestWithActor) {
    return this.identity.me(actor, request.grantId);
  }

  @Public()
  @Get('jwks.json')
  @ApiOperation({ summary: 'Public keys that verify this platform’s tokens (JWKS)' })
  jwks() {
    return this.tokens.jwksDocument();
  }
}

/** Who may list users: admins, bureau staff, and organizations' admins (their own staff). */
const mayListUsers = (actor: Actor) => actor.role === 'admin' || actor.role === 'bureau' || administersOrganization(actor);

/**
 * Users a caller may see: admins all; bureau staff the coordinators and bureau staff within their
 * scope and the staff of organizations registered within it; an organization's admins (and hub
 * admins) their own organization's staff; everyone themselves.
 */
function visibleUsers(dataSource: DataSource, actor: Actor) {
  const query = dataSource.getRepository(UserView).createQueryBuilder('u');
  if (actor.role === 'admin') return query;
  if (actor.role === 'bureau') {
    return query.where(
      new Brackets((w) =>
        w
          .where('u.id = :self', { self: actor.id })
          .orWhere(
            `EXISTS (SELECT 1 FROM grants_view g WHERE g."userId" = u.id AND ((g.role IN ('coordinator', 'bureau') AND g.scope LIKE :prefix) OR (g.role IN ('organization', 'hub') AND EXISTS (SELECT 1 FROM identity_organization_scopes o WHERE o."organizationId" = g."organizationId" AND o."homeDivisionCode" LIKE :prefix))))`,
            { prefix: `${actor.scope ?? '-'}%` },
          ),
      ),
    );
  }
  if (administersOrganization(actor)) {
    return query.where(
      new Brackets((w) =>
        w
          .where('u.id = :self', { self: actor.id })
          .orWhere(`EXISTS (SELECT 1 FROM grants_view g WHERE g."userId" = u.id AND g.role IN ('organization', 'hub') AND g."organizationId" = :organizationId)`, {
            organizationId: actor.organizationId,
          }),
      ),
    );
  }
  return query.where('u.id = :self', { self: actor.id });
}

@ApiTags('users 用户与授权')
@Controller('api/users')
export class UsersController {
  constructor(
    private readonly identity: IdentityService,
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly organizations: OrganizationScopes,
  ) {}

  /**
   * The grants of another user a caller may see: those within the caller's reach (the grants they
   * could give or revoke). Administrators and the user themselves see every grant; a bureau of
   * 清远 sees a user's 清远 grants, not the same user's grants in 广州.
   */
  private async visibleGrants<G extends GrantView>(actor: Actor, grants: G[]): Promise<G[]> {
    if (actor.role === 'admin') return grants;
    const shown: G[] = [];
    for (const grant of grants) {
      if (grant.userId === actor.id) {
        shown.push(grant);
        continue;
      }
      const spec = presentGrant(grant) as GrantSpec;
      const organization = spec.organizationId ? await this.organizations.of(spec.organizationId) : null;
      if (delegation(actor, spec, organization).allowed) shown.push(grant);
    }
    return shown;
  }

  @Post()
  @ApiOperation({
    summary: '创建用户 Create a user, optionally with a first grant in the same append (admins; bureau staff; organization and hub admins for their own organization, with a grant)',
  })
  async register(@Body() body: RegisterUserDto, @Command() ctx: CommandContext) {
    const result = await this.identity.register(body, ctx);
    const given = result.events.find((e) => e.type === 'GrantGiven');
    return { user: IdentityService.present(result.state), grantId: (given?.data as { grantId?: string } | undefined)?.grantId ?? null, position: result.position ?? null };
  }

  @Post(':userId/grants')
  @ApiOperation({ summary: '授权 Give a grant {role, scope | organizationId} (who may give which: the delegation table)' })
  async give(@Param() { userId }: UserIdParam, @Body() body: GrantDto, @Command() ctx: CommandContext) {
    const result = await this.identity.giveGrant(userId, body, ctx);
    const given = result.events.find((e) => e.type === 'GrantGiven');
    return { grantId: (given?.data as { grantId?: string } | undefined)?.grantId ?? null, user: IdentityService.present(result.state), position: result.position ?? null };
  }

  @Post(':userId/grants/:grantId/revoke')
  @HttpCode(200)
  @ApiOperation({ summary: '撤销授权 Revoke a grant; tokens naming it stop working at once' })
  async revoke(@Param() { userId, grantId }: GrantParams, @Body() body: RevokeGrantDto, @Command() ctx: CommandContext) {
    const result = await this.identity.revokeGrant(userId, grantId, body.reason, ctx);
    return { user: IdentityService.present(result.state), position: result.position ?? null };
  }

  @Post(':userId/password')
  @BeforePasswordChange()
  @HttpCode(200)
  @ApiOperation({ summary: '修改密码 Change a password (your own with the current one; admins any)' })
  async password(@Param() { userId }: UserIdParam, @Body() body: ChangePasswordDto, @Command() ctx: CommandContext) {
    const result = await this.identity.changePassword(userId, body, ctx);
    return { userId, position: result.position ?? null };
  }

  @Get()
  @ApiOperation({ summary: '用户列表 Users the caller may manage (admins, bureau staff, organization admins)' })
  async list(@Query() page: PageQuery, @CurrentActor() actor: Actor) {
    if (!mayListUsers(actor)) throw new ForbiddenException(`角色 ${actor.role} 不能查看用户列表 (role ${actor.role} may not list users)`);
    const [users, total] = await visibleUsers(this.dataSource, actor)
      .orderBy('u.username', 'ASC')
      .take(page.limit ?? 50)
      .skip(page.offset ?? 0)
      .getManyAndCount();
    const grants = await this.visibleGrants(
      actor,
      users.length ? await this.dataSource.getRepository(GrantView).createQueryBuilder('g').where('g.userId IN (:...ids)', { ids: users.map((u) => u.id) }).andWhere('g.revokedAt IS NULL').getMany() : [],
    );
    return {
      total,
      items: users.map((u) => ({ id: u.id, username: u.username, displayName: u.displayName, grants: grants.filter((g) => g.userId === u.id).map(presentGrant) })),
    };
  }

  @Get(':userId')
  @ApiOperation({ summary: '用户详情 A user with grant history' })
  async get(@Param() { userId }: UserIdParam, @CurrentActor() actor: Actor) {
    const user = await visibleUsers(this.dataSource, actor).andWhere('u.id = :userId', { userId }).getOne();
    if (!user) throw new NotFoundException('用户不存在 (user not found)');
    const grants = await this.visibleGrants(actor, await this.dataSource.getRepository(GrantView).find({ where: { userId }, order: { givenAt: 'ASC' } }));
    return {
      id: user.id,
      username: user.username,
      displayName: user.displayName,
      registeredAt: user.registeredAt,
      grants: grants.map((g) => ({ ...presentGrant(g), givenAt: g.givenAt, givenBy: g.givenBy, revokedAt: g.revokedAt, revokedBy: g.revokedBy, revokeReason: g.revokeReason })),
      activeGrantCount: grants.filter((g) => !g.revokedAt).length,
    };
  }
}

@ApiTags('audit 审计')
@Controller('api/audit')
export class AccessAuditController {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  @Get('access')
  @ApiOperation({ summary: '访问审计 Who changed grants (and who read audited records), newest first' })
  async access(@Query() page: PageQuery, @CurrentActor() actor: Actor) {
    if (!['admin', 'bureau', 'auditor'].includes(actor.role)) throw new ForbiddenException(`角色 ${actor.role} 不能查看访问审计 (role ${actor.role} may not read the access audit)`);
    const query = this.dataSource.getRepository(AccessAuditView).createQueryBuilder('a');
    // Bureau staff and auditors see rows of their scope: grants and reads within their division
    // prefix, and grants of organizations registered within it. Rows that name neither (admin
    // grants, "sign out everywhere") are for administrators.
    if (actor.role !== 'admin') {
      query.where(
        new Brackets((w) =>
          w
            .where('a.scope LIKE :prefix')
            .orWhere(`EXISTS (SELECT 1 FROM identity_organization_scopes o WHERE o."organizationId" = a."organizationId" AND o."homeDivisionCode" LIKE :prefix)`),
        ),
        { prefix: `${actor.scope ?? '-'}%` },
      );
    }
    const [rows, total] = await query.orderBy('a.position', 'DESC').take(page.limit ?? 50).skip(page.offset ?? 0).getManyAndCount();
    return { total, items: rows.map((r) => ({ ...r, details: JSON.parse(r.details) })) };
  }
}
