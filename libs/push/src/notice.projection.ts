import { Inject, Injectable } from '@nestjs/common';
import { RecordedEvent } from '@shecun/event-store';
import { Projection } from '@shecun/projections';
import { Column, Entity, EntityManager, Index, PrimaryColumn } from 'typeorm';
import { filedReportTitle, isNoticePreferencesSet, NoticePreferences, NoticePreferencesSet, noticeItemId, REPORT_FILED, REPORT_ITEM_CATEGORY, ReportFiled, wantsNotice, wantsReport } from './notice.model';
import { NOTICE_CLOCK, NoticeClock } from './notice-options';
import { isNeedPushed, NeedPushed } from './push.model';

/**
 * Each person's notice preferences, with the organization whose pushed needs they hear of ('' for
 * bureau staff) and the region whose filed reports they hear of.
 */
@Entity('notice_preferences_view')
export class NoticePreferencesView {
  @PrimaryColumn({ type: 'varchar', length: 64 }) userId: string;
  @Index() @Column({ type: 'varchar', length: 64 }) organizationId: string;
  @Index() @Column({ type: 'varchar', length: 12, nullable: true }) reportRegion: string | null;
  @Column({ type: 'text' }) preferences: string;
  @Column({ type: 'varchar', length: 40 }) updatedAt: string;
}

/**
 * A need a person is to hear of (one per person and need), or a filed report (`needId` its stream,
 * `category` 'report', `villageCode` its region), until it goes into a message:
 * pending → queued (in a message) or skipped (the person turned notices off meanwhile).
 * Operational state, not a projection's table: a rebuild never empties it, so nothing is sent twice.
 */
@Entity('notice_items')
export class NoticeItem {
  @PrimaryColumn({ type: 'varchar', length: 36 }) id: string;
  @Index() @Column({ type: 'varchar', length: 64 }) userId: string;
  @Column({ type: 'varchar', length: 64 }) organizationId: string;
  @Column({ type: 'varchar', length: 64 }) needId: string;
  @Column({ type: 'varchar', length: 200 }) title: string;
  @Column({ type: 'varchar', length: 12 }) villageCode: string;
  @Column({ type: 'varchar', length: 20 }) category: string;
  @Column({ type: 'varchar', length: 40 }) pushedAt: string;
  @Index() @Column({ type: 'varchar', length: 10 }) status: 'pending' | 'queued' | 'skipped';
  @Column({ type: 'varchar', length: 36, nullable: true }) messageId: string | null;
}

/**
 * The outbox: one message per notice (its items) and recipient, keyed by an id derived from both,
 * sent with bounded retries; `sent` is final. The person's delivery log.
 */
@Entity('notice_messages')
export class NoticeMessage {
  @PrimaryColumn({ type: 'varchar', length: 36 }) id: string;
  @Index() @Column({ type: 'varchar', length: 64 }) userId: string;
  @Column({ type: 'varchar', length: 10 }) channel: 'email' | 'sms';
  @Column({ type: 'varchar', length: 320 }) recipient: string;
  @Column({ type: 'varchar', length: 300 }) subject: string;
  @Column({ type: 'text' }) body: string;
  @Column({ type: 'text' }) needIds: string;
  @Column({ type: 'varchar', length: 10 }) kind: 'immediate' | 'digest' | 'report';
  @Index() @Column({ type: 'varchar', length: 10 }) status: 'pending' | 'sending' | 'sent' | 'failed';
  @Column({ type: 'integer' }) attempts: number;
  @Index() @Column({ type: 'varchar', length: 40 }) nextAttemptAt: string;
  @Column({ type: 'text', nullable: true }) lastError: string | null;
  @Column({ type: 'varchar', length: 40 }) createdAt: string;
  @Column({ type: 'varchar', length: 40, nullable: true }) sentAt: string | null;
}

export const NOTICE_VIEW_ENTITIES = [NoticePreferencesView, NoticeItem, NoticeMessage];

/** Pushes older than this (by the notice clock) make no notice: a first start on an old log sends no backlog. */
export const NOTICE_MAX_AGE_MS = 3 * 86_400_000;

/**
 * Preferences and what people are to hear of, in log order: a need pushed to an organization
 * becomes a pending item for each of its staff whose preferences want it at that point of the log;
 * a report filed for a region (the monitoring context's BureauReportIssued), for each person who
 * asked for that region's reports.
 */
@Injectable()
export class NoticeProjection implements Projection {
  readonly name = 'push-notices';
  readonly eventTypes = ['NoticePreferencesSet', 'NeedPushed', REPORT_FILED];
  readonly entities = [NoticePreferencesView];

  constructor(@Inject(NOTICE_CLOCK) private readonly clock: NoticeClock) {}

  async apply(event: RecordedEvent, manager: EntityManager): Promise<void> {
    if (isNoticePreferencesSet(event) && event.streamName.startsWith('push-notices-')) {
      const { userId, organizationId, reason: _reason, setAt, ...preferences } = (event as RecordedEvent<NoticePreferencesSet['data']>).data;
      await manager.save(NoticePreferencesView, { userId, organizationId: organizationId ?? '', reportRegion: preferences.reportRegion ?? null, preferences: JSON.stringify(preferences), updatedAt: setAt });
      return;
    }
    if (event.type === REPORT_FILED && event.streamName.startsWith('report-')) {
      const d = (event as RecordedEvent<ReportFiled>).data;
      if (this.clock.now().getTime() - Date.parse(d.issuedAt) > NOTICE_MAX_AGE_MS) return;
      for (const row of await manager.findBy(NoticePreferencesView, { reportRegion: d.region })) {
        if (!wantsReport(JSON.parse(row.preferences) as NoticePreferences, d.region)) continue;
        const id = noticeItemId(row.userId, event.streamName);
        if (await manager.findOneBy(NoticeItem, { id })) continue;
        await manager.insert(NoticeItem, { id, userId: row.userId, organizationId: '', needId: event.streamName, title: filedReportTitle(d).slice(0, 200), villageCode: d.region, category: REPORT_ITEM_CATEGORY, pushedAt: d.issuedAt, status: 'pending', messageId: null });
      }
      return;
    }
    if (!isNeedPushed(event)) return;
    const d = (event as RecordedEvent<NeedPushed['data']>).data;
    if (this.clock.now().getTime() - Date.parse(d.pushedAt) > NOTICE_MAX_AGE_MS) return;
    for (const row of await manager.findBy(NoticePreferencesView, { organizationId: d.organizationId })) {
      if (!wantsNotice(JSON.parse(row.preferences) as NoticePreferences, d.category)) continue;
      const id = noticeItemId(row.userId, d.needId);
      if (await manager.findOneBy(NoticeItem, { id })) continue;
      await manager.insert(NoticeItem, { id, userId: row.userId, organizationId: d.organizationId, needId: d.needId, title: d.title, villageCode: d.villageCode, category: d.category, pushedAt: d.pushedAt, status: 'pending', messageId: null });
    }
  }
}
