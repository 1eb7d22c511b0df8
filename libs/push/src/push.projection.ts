import { Injectable } from '@nestjs/common';
import { RecordedEvent } from '@shecun/event-store';
import { numberTransformer, Projection } from '@shecun/projections';
import { Column, Entity, EntityManager, Index, PrimaryColumn, PrimaryGeneratedColumn } from 'typeorm';
import { pushSettingsDecider } from './push-settings.decider';
import { NOTICE_VIEW_ENTITIES } from './notice.projection';
import { isNeedPushed, isPushSettingsEvent, NeedPushed, PushPreferences, PushSettingsEvent } from './push.model';

/** Each organization's push preferences and webhook secret version, kept by the dispatcher in log order with the needs it pushes. */
@Entity('push_preferences_view')
export class PushPreferencesView {
  @PrimaryColumn({ type: 'varchar', length: 64 }) organizationId: string;
  @Column({ type: 'text' }) preferences: string;
  @Column({ type: 'integer' }) secretVersion: number;
  @Column({ type: 'varchar', length: 40, nullable: true }) updatedAt: string | null;
}

/** An organization's in-app feed of pushed needs. */
@Entity('push_feed_view')
export class PushFeedView {
  @PrimaryColumn({ type: 'bigint', transformer: numberTransformer }) position: number;
  @Index() @Column({ type: 'varchar', length: 64 }) organizationId: string;
  @Index() @Column({ type: 'varchar', length: 64 }) needId: string;
  @Column({ type: 'varchar', length: 36 }) eventId: string;
  @Column({ type: 'varchar', length: 200 }) title: string;
  @Column({ type: 'varchar', length: 12 }) villageCode: string;
  @Column({ type: 'varchar', length: 20 }) category: string;
  @Column({ type: 'integer' }) score: number;
  @Column({ type: 'text' }) reasons: string;
  @Column({ type: 'varchar', length: 10 }) trigger: string;
  @Column({ type: 'text' }) memberUnits: string;
  @Column({ type: 'varchar', length: 40 }) pushedAt: string;
}

/**
 * Webhook deliveries (at least once): one row per pushed need for an organization with a webhook,
 * keyed by the push's event id. Operational state, not a projection's table: a rebuild of the feed
 * never empties it, so nothing already delivered is sent again.
 */
@Entity('webhook_deliveries')
export class WebhookDelivery {
  @PrimaryColumn({ type: 'varchar', length: 36 }) id: string;
  @Index() @Column({ type: 'varchar', length: 64 }) organizationId: string;
  @Column({ type: 'varchar', length: 500 }) url: string;
  @Column({ type: 'text' }) payload: string;
  @Index() @Column({ type: 'varchar', length: 10 }) status: 'pending' | 'delivered' | 'failed';
  @Column({ type: 'integer' }) attempts: number;
  @Index() @Column({ type: 'varchar', length: 40 }) nextAttemptAt: string;
  @Column({ type: 'text', nullable: true }) lastError: string | null;
  @Column({ type: 'varchar', length: 40 }) createdAt: string;
  @Column({ type: 'varchar', length: 40, nullable: true }) deliveredAt: string | null;
}

/** The delivery log: every attempt with its answer. */
@Entity('webhook_attempts')
export class WebhookAttempt {
  @PrimaryGeneratedColumn() id: number;
  @Index() @Column({ type: 'varchar', length: 36 }) deliveryId: string;
  @Column({ type: 'integer' }) attempt: number;
  @Column({ type: 'varchar', length: 40 }) at: string;
  @Column({ type: 'integer', nullable: true }) statusCode: number | null;
  @Column({ type: 'text', nullable: true }) error: string | null;
  @Column({ type: 'integer' }) durationMs: number;
}

/** Where the push dispatcher is in the event log (a processor, not a projection: its output is events). */
@Entity('push_dispatch_checkpoint')
export class PushDispatchCheckpoint {
  @PrimaryColumn({ type: 'varchar', length: 100 }) name: string;
  @Column({ type: 'bigint', transformer: numberTransformer }) position: number;
  @Column({ type: 'varchar', length: 40 }) updatedAt: string;
}

export const PUSH_VIEW_ENTITIES = [PushPreferencesView, PushFeedView, WebhookDelivery, WebhookAttempt, PushDispatchCheckpoint, ...NOTICE_VIEW_ENTITIES];

/** Each organization's push preferences and webhook secret version. */
@Injectable()
export class PushPreferencesProjection implements Projection {
  readonly name = 'push-preferences';
  readonly eventTypes = ['PushPreferencesSet', 'WebhookSecretRotated'];
  readonly entities = [PushPreferencesView];

  async apply(event: RecordedEvent, manager: EntityManager): Promise<void> {
    if (!event.streamName.startsWith('push-settings-') || !isPushSettingsEvent(event)) return;
    const id = (event.data as { organizationId: string }).organizationId;
    const row = await manager.findOneBy(PushPreferencesView, { organizationId: id });
    const before = row ? { organizationId: id, preferences: JSON.parse(row.preferences) as PushPreferences, secretVersion: row.secretVersion, updatedAt: row.updatedAt } : pushSettingsDecider.initialState;
    const state = pushSettingsDecider.evolve(before, { type: event.type, data: event.data } as PushSettingsEvent);
    await manager.save(PushPreferencesView, { organizationId: id, preferences: JSON.stringify(state.preferences), secretVersion: state.secretVersion, updatedAt: state.updatedAt });
  }
}

/** The feed: one row per push, and a pending webhook delivery where the organization has a webhook. */
@Injectable()
export class PushFeedProjection implements Projection {
  readonly name = 'push-feed';
  readonly eventTypes = ['NeedPushed'];
  readonly entities = [PushFeedView];

  async apply(event: RecordedEvent, manager: EntityManager): Promise<void> {
    if (!isNeedPushed(event) || !event.streamName.startsWith('push-')) return;
    const d = (event as RecordedEvent<NeedPushed['data']>).data;
    await manager.save(PushFeedView, {
      position: event.position,
      organizationId: d.organizationId,
      needId: d.needId,
      eventId: event.id,
      title: d.title,
      villageCode: d.villageCode,
      category: d.category,
      score: d.score,
      reasons: JSON.stringify(d.reasons),
      trigger: d.trigger,
      memberUnits: JSON.stringify(d.memberUnits),
      pushedAt: d.pushedAt,
    });
    if (d.webhookUrl && !(await manager.findOneBy(WebhookDelivery, { id: event.id }))) {
      const { webhookUrl, ...payload } = d;
      await manager.save(WebhookDelivery, {
        id: event.id,
        organizationId: d.organizationId,
        url: webhookUrl,
        payload: JSON.stringify({ deliveryId: event.id, event: 'need.pushed', ...payload }),
        status: 'pending',
        attempts: 0,
        nextAttemptAt: d.pushedAt,
        lastError: null,
        createdAt: d.pushedAt,
        deliveredAt: null,
      });
    }
  }
}
