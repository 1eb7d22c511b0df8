import { DynamicModule, Module, OnModuleInit, Provider } from '@nestjs/common';
import { CqrsModule } from '@nestjs/cqrs';
import { ProjectionHost } from '@shecun/projections';
import { ExecutePushSettingsCommandHandler } from './push-settings.commands';
import { PushController } from './push.controller';
import { PUSH_TARGETING } from './push.model';
import { PushDispatcher } from './push.dispatcher';
import { PushFeedProjection, PushPreferencesProjection, PUSH_VIEW_ENTITIES } from './push.projection';
import { PUSH_OPTIONS, PushOptions, WebhookDispatcher } from './webhook.dispatcher';

export { PUSH_VIEW_ENTITIES };

/**
 * Pushing needs (embedded topology): preferences, the dispatcher and the feed projections, the
 * webhook sender and the routes. `targeting` provides PUSH_TARGETING (the matching context's ranking).
 */
@Module({})
export class PushModule implements OnModuleInit {
  constructor(
    private readonly projections: ProjectionHost,
    private readonly preferences: PushPreferencesProjection,
    private readonly feed: PushFeedProjection,
  ) {}

  static forRoot(options: PushOptions, targeting: Provider & { provide: typeof PUSH_TARGETING }, imports: DynamicModule['imports'] = []): DynamicModule {
    return {
      module: PushModule,
      imports: [CqrsModule, ...(imports ?? [])],
      controllers: [PushController],
      providers: [{ provide: PUSH_OPTIONS, useValue: options }, targeting, PushPreferencesProjection, PushFeedProjection, PushDispatcher, WebhookDispatcher, ExecutePushSettingsCommandHandler],
      exports: [WebhookDispatcher, PushDispatcher],
    };
  }

  onModuleInit(): void {
    this.projections.register(this.preferences);
    this.projections.register(this.feed);
  }
}
