import { DynamicModule, Module, OnModuleInit, Optional } from '@nestjs/common';
import { APP_GUARD, APP_INTERCEPTOR } from '@nestjs/core';
import { ThrottlerGuard, ThrottlerModule } from '@nestjs/throttler';
import { RequestWithActor } from '@shecun/core';
import { ProjectionHost } from '@shecun/projections';
import { AuthenticationMiddleware, Authenticator, AuthGuard } from './authenticator';
import { AccessAuditController, AuthController, UsersController } from './identity.controller';
import { IDENTITY_OPTIONS, IdentityOptions } from './identity.options';
import { IdentityProjection, IDENTITY_VIEW_ENTITIES } from './identity.projection';
import { IdentityService } from './identity.service';
import { DEFAULT_LOGIN_BACKOFF, LoginAttempts } from './login-attempts';
import { defaultPasswordHasher, defaultPasswordHashingLimits, PasswordHasher } from './password';
import { RetryAfterInterceptor } from './retry-after.interceptor';
import { UserImportController } from './user-import.controller';
import { UserImportService } from './user-import.service';
import { IdentityOrganizationScopesProjection, OrganizationScopes } from './organization-scopes';
import { SessionsController } from './session.controller';
import { SessionService } from './session.service';
import { StreamAccess } from './stream-access';
import { TokenService } from './token.service';

export { IDENTITY_VIEW_ENTITIES };

/** Requests per minute before 429: per client address, and per signed-in user. */
export interface RateLimits {
  perIpPerMinute: number;
  perUserPerMinute: number;
  /** Login attempts per client address per minute. */
  loginsPerMinute: number;
}

/**
 * A township training room signs in from one address (NAT): 100 people at once must get through.
 * Guessing one account's password is slowed per account instead (login-attempts.ts).
 */
export const DEFAULT_RATE_LIMITS: RateLimits = { perIpPerMinute: 600, perUserPerMinute: 300, loginsPerMinute: 300 };

export function rateLimitsFromEnv(env: NodeJS.ProcessEnv = process.env): RateLimits {
  const read = (name: string, fallback: number) => {
    const value = Number(env[name] ?? fallback);
    if (!Number.isInteger(value) || value < 1) throw new Error(`${name} must be a positive integer`);
    return value;
  };
  return {
    perIpPerMinute: read('RATE_LIMIT_IP_PER_MINUTE', DEFAULT_RATE_LIMITS.perIpPerMinute),
    perUserPerMinute: read('RATE_LIMIT_USER_PER_MINUTE', DEFAULT_RATE_LIMITS.perUserPerMinute),
    loginsPerMinute: read('RATE_LIMIT_LOGIN_PER_MINUTE', DEFAULT_RATE_LIMITS.loginsPerMinute),
  };
}

const MINUTE = 60_000;
const clientAddress = (request: Record<string, any>) => String(request.ip ?? request.socket?.remoteAddress ?? 'unknown');

/** Throttlers: per address (everyone), per user (signed-in), and the login throttle on the login route only. */
function throttlers(limits: RateLimits) {
  return ThrottlerModule.forRoot({
    errorMessage: '请求过于频繁，请稍后再试 (too many requests; slow down and retry later)',
    throttlers: [
      { name: 'ip', ttl: MINUTE, limit: limits.perIpPerMinute, getTracker: clientAddress },
      {
        name: 'user',
        ttl: MINUTE,
        limit: limits.perUserPerMinute,
        getTracker: (request) => (request as RequestWithActor).actor?.id ?? '',
        skipIf: (context) => !context.switchToHttp().getRequest<RequestWithActor>().actor,
      },
      {
        name: 'login',
        ttl: MINUTE,
        limit: limits.loginsPerMinute,
        getTracker: clientAddress,
        skipIf: (context) => context.getClass() !== AuthController || context.getHandler() !== AuthController.prototype.login,
      },
    ],
  });
}

/**
 * Authentication for a service that serves routes: verifies tokens (middleware + guard),
 * throttles, and keeps the users/grants read model it checks grants against. Apply
 * AuthenticationMiddleware to every route, before IdempotencyMiddleware.
 */
@Module({})
export class IdentityAuthModule implements OnModuleInit {
  constructor(
    private readonly projection: IdentityProjection,
    /** Absent where another process (the projector) keeps the users and grants read model. */
    @Optional() private readonly projections?: ProjectionHost,
  ) {}

  static forRoot(options: IdentityOptions, limits: RateLimits = DEFAULT_RATE_LIMITS): DynamicModule {
    return {
      module: IdentityAuthModule,
      // Global: any context's long-lived routes (event streams) take a StreamAccess lease.
      global: true,
      imports: [throttlers(limits)],
      providers: [
        { provide: IDENTITY_OPTIONS, useValue: options },
        TokenService,
        Authenticator,
        AuthenticationMiddleware,
        StreamAccess,
        IdentityProjection,
        { provide: APP_GUARD, useClass: AuthGuard },
        { provide: APP_GUARD, useClass: ThrottlerGuard },
      ],
      exports: [IDENTITY_OPTIONS, TokenService, Authenticator, AuthenticationMiddleware, StreamAccess],
    };
  }

  onModuleInit(): void {
    this.projections?.register(this.projection);
  }
}

/**
 * The identity context: authentication plus login, users, grants and the access audit. Needs the
 * IDENTITY_ORGANIZATION_SCOPE_ENTITIES table too: the user commands look up there where
 * organizations are registered (kept here from the organizations context's events when this
 * process hosts projections; by the projector otherwise).
 */
@Module({})
export class IdentityModule implements OnModuleInit {
  constructor(
    private readonly organizationScopes: IdentityOrganizationScopesProjection,
    @Optional() private readonly projections?: ProjectionHost,
  ) {}

  onModuleInit(): void {
    this.projections?.register(this.organizationScopes);
  }

  static forRoot(options: IdentityOptions, limits: RateLimits = DEFAULT_RATE_LIMITS): DynamicModule {
    const auth = IdentityAuthModule.forRoot(options, limits);
    return {
      module: IdentityModule,
      imports: [auth],
      controllers: [AuthController, SessionsController, UserImportController, UsersController, AccessAuditController],
      providers: [
        IdentityService,
        SessionService,
        OrganizationScopes,
        IdentityOrganizationScopesProjection,
        UserImportService,
        // One hashing pool per process (the module configures it), one count of wrong passwords per service.
        { provide: PasswordHasher, useFactory: () => defaultPasswordHasher.configure(options.passwordHashing ?? defaultPasswordHashingLimits()) },
        { provide: LoginAttempts, useFactory: () => new LoginAttempts(options.loginBackoff ?? DEFAULT_LOGIN_BACKOFF) },
        { provide: APP_INTERCEPTOR, useClass: RetryAfterInterceptor },
      ],
      exports: [auth, IdentityService, SessionService, UserImportService],
    };
  }
}
