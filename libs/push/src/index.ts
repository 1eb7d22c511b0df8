export * from './push.model';
export * from './push-settings.decider';
export * from './webhook-signing';
export * from './webhook-url';
export * from './push.projection';
export * from './webhook.dispatcher';
export * from './push.controller';
export * from './push.module';
