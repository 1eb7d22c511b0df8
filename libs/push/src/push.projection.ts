import { Inject, Injectable, Logger } from '@nestjs/common';
import { fold } from '@shecun/core';
import { EVENT_STORE, EventStore, RecordedEvent } from '@shecun/event-store';
import { needDecider, NeedEvent, needStream } from '@shecun/needs';
import { organizationDecider, OrganizationEvent, organizationStream } from '@shecun/organizations';
import { numberTransformer, Projection } from '@shecun/projections';
import { v5 as uuidv5 } from 'uuid';
import { Column, Entity, EntityManager, Index, PrimaryColumn, PrimaryGeneratedColumn } from 'typeorm';
import { pushSettingsDecider } from './push-settings.decider';
import { isNeedPushed, isPushSettingsEvent, NeedPushed, PUSH_TARGETING, pushFeedStream, PushPreferences, PushSettingsEvent, PushTargeting, selectRecipients } from './push.model';

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

export const PUSH_VIEW_ENTITIES = [PushPreferencesView, PushFeedView, WebhookDelivery, WebhookAttempt];

const PUSH_NAMESPACE = '8b3e2f6a-1c4d-5e7f-9a0b-2c3d4e5f6a7b';
/** The push of one need to one organization has one id: appending it twice stores it once. */
export const pushEventId = (organizationId: string, needId: string) => uuidv5(`${organizationId}/${needId}`, PUSH_NAMESPACE);

/**
 * The dispatcher: when a need is published or revised, asks the matching context which
 * organizations it fits, keeps those whose preferences accept it, and appends a NeedPushed event
 * to each one's feed stream. The event id derives from organization and need, and the store
 * ignores an event id it has already stored, so no organization gets the same need twice, even
 * on a replay or a rebuild.
 */
@Injectable()
export class PushDispatchProjection implements Projection {
  readonly name = 'push-dispatch';
  readonly entities = [PushPreferencesView];
  private readonly logger = new Logger('PushDispatch');

  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(PUSH_TARGETING) private readonly targeting: PushTargeting,
  ) {}

  async apply(event: RecordedEvent, manager: EntityManager): Promise<void> {
    if (event.streamName.startsWith('push-settings-') && isPushSettingsEvent(event)) {
      const id = (event.data as { organizationId: string }).organizationId;
      const row = await manager.findOneBy(PushPreferencesView, { organizationId: id });
      const before = row ? { organizationId: id, preferences: JSON.parse(row.preferences) as PushPreferences, secretVersion: row.secretVersion, updatedAt: row.updatedAt } : pushSettingsDecider.initialState;
      const state = pushSettingsDecider.evolve(before, { type: event.type, data: event.data } as PushSettingsEvent);
      await manager.save(PushPreferencesView, { organizationId: id, preferences: JSON.stringify(state.preferences), secretVersion: state.secretVersion, updatedAt: state.updatedAt });
      return;
    }
    if (event.type !== 'NeedPublished' && event.type !== 'NeedRevised') return;
    const needId = (event.data as { needId: string }).needId;
    // The need as of now, from its own stream: pushes go only for a need that is open.
    const need = fold(needDecider, (await this.store.readStream(needStream(needId))).map((e) => ({ type: e.type, data: e.data }) as NeedEvent));
    if (need.lifecycle !== 'published') return;
    const pushNeed = { needId, title: need.fields.title, villageCode: need.villageCode, category: need.fields.category, publishedAt: need.publishedAt ?? null };
    const candidates = await this.targeting.candidatesFor(pushNeed);
    const preferences = new Map((await manager.find(PushPreferencesView)).map((r) => [r.organizationId, JSON.parse(r.preferences) as PushPreferences]));
    const recipients = selectRecipients(pushNeed, candidates, (id) => preferences.get(id));
    for (const recipient of recipients) {
      const memberUnits = recipient.preferences.includeMemberUnits ? await this.memberUnitsOf(recipient.organizationId) : [];
      const data: NeedPushed['data'] = {
        organizationId: recipient.organizationId,
        needId,
        title: pushNeed.title,
        villageCode: pushNeed.villageCode,
        category: pushNeed.category,
        score: recipient.score,
        reasons: recipient.reasons,
        trigger: event.type === 'NeedPublished' ? 'published' : 'revised',
        memberUnits,
        webhookUrl: recipient.preferences.webhookUrl,
        pushedAt: event.metadata.occurredAt,
      };
      await this.store.append(
        pushFeedStream(recipient.organizationId),
        [{ id: pushEventId(recipient.organizationId, needId), type: 'NeedPushed', schemaVersion: 1, data, metadata: { actorId: 'system', actorRole: 'system', correlationId: event.metadata.correlationId, causationId: event.id, occurredAt: event.metadata.occurredAt } }],
        'any',
      );
    }
    if (recipients.length) this.logger.debug(`need ${needId} pushed to ${recipients.length} organizations`);
  }

  private async memberUnitsOf(organizationId: string): Promise<string[]> {
    const org = fold(organizationDecider, (await this.store.readStream(organizationStream(organizationId))).map((e) => ({ type: e.type, data: e.data }) as OrganizationEvent));
    return org.profile.memberUnits.map((m) => m.name);
  }
}

/** The feed: one row per push, and a pending webhook delivery where the organization has a webhook. */
@Injectable()
export class PushFeedProjection implements Projection {
  readonly name = 'push-feed';
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
