import { DynamicModule, Module, OnModuleInit, Provider } from '@nestjs/common';
import { CqrsModule } from '@nestjs/cqrs';
import { ProjectionHost } from '@shecun/projections';
import { ExecutePushSettingsCommandHandler } from './push-settings.commands';
import { PushController } from './push.controller';
import { PUSH_TARGETING } from './push.model';
import { PushDispatcher } from './push.dispatcher';
import { PushFeedProjection, PushPreferencesProjection, PUSH_VIEW_ENTITIES } from './push.projection';
import { PUSH_OPTIONS, PushOptions, WebhookDispatcher } from './webhook.dispatcher';
import { channelsFrom } from './notice-channels';
import { NoticeController } from './notice.controller';
import { NOTICE_CLOCK, systemClock } from './notice-options';
import { ExecuteNoticePreferencesCommandHandler } from './notice-preferences.decider';
import { NoticeProjection } from './notice.projection';
import { NOTICE_CHANNEL_LIST, NOTICE_OPTIONS, NoticeSender } from './notice.sender';

export { PUSH_VIEW_ENTITIES };

/**
 * Pushing needs (embedded topology): preferences, the dispatcher and the feed projections, the
 * webhook sender, people's 邮件 / 短信 notices (preferences, outbox and sender) and the routes. `targeting` provides PUSH_TARGETING (the matching context's ranking).
 */
@Module({})
export class PushModule implements OnModuleInit {
  constructor(
    private readonly projections: ProjectionHost,
    private readonly preferences: PushPreferencesProjection,
    private readonly feed: PushFeedProjection,
    private readonly notices: NoticeProjection,
  ) {}

  static forRoot(options: PushOptions, targeting: Provider & { provide: typeof PUSH_TARGETING }, imports: DynamicModule['imports'] = []): DynamicModule {
    return {
      module: PushModule,
      imports: [CqrsModule, ...(imports ?? [])],
      controllers: [PushController, NoticeController],
      providers: [
        { provide: PUSH_OPTIONS, useValue: options },
        targeting,
        PushPreferencesProjection,
        PushFeedProjection,
        PushDispatcher,
        WebhookDispatcher,
        ExecutePushSettingsCommandHandler,
        { provide: NOTICE_OPTIONS, useValue: options.notices ?? {} },
        { provide: NOTICE_CLOCK, useValue: options.notices?.clock ?? systemClock },
        { provide: NOTICE_CHANNEL_LIST, useFactory: () => channelsFrom(options.notices ?? {}) },
        NoticeProjection,
        NoticeSender,
        ExecuteNoticePreferencesCommandHandler,
      ],
      exports: [WebhookDispatcher, PushDispatcher, NoticeSender],
    };
  }

  onModuleInit(): void {
    this.projections.register(this.preferences);
    this.projections.register(this.feed);
    this.projections.register(this.notices);
  }
}
