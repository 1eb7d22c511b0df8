import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown, Optional } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { BACKGROUND_WORK, metricsRegistry, withWriteLock } from '@shecun/core';
import { backoffDelay } from '@shecun/resilience';
import { Counter } from 'prom-client';
import { DataSource, In, LessThanOrEqual } from 'typeorm';
import { composeNotice, composeReportNotice, isNoticeDue, NoticeChannelName, NoticePreferences, noticeMessageId, recipientOf, REPORT_ITEM_CATEGORY, wantsNotice, wantsReport } from './notice.model';
import { NoticeChannel } from './notice-channels';
import { filedReportAttachments } from './report-attachment';
import { EVENT_STORE, EventStore } from '@shecun/event-store';
import { NOTICE_CLOCK, NoticeClock, NoticeOptions } from './notice-options';
import { NOTICE_MAX_AGE_MS, NoticeItem, NoticeMessage, NoticePreferencesView } from './notice.projection';

export const NOTICE_OPTIONS = Symbol('NOTICE_OPTIONS');
export const NOTICE_CHANNEL_LIST = Symbol('NOTICE_CHANNEL_LIST');

const noticeAttempts = new Counter({
  name: 'shecun_notice_attempts_total',
  help: 'Notice sending attempts by channel and outcome: sent, retry (failed, tried again later) or failed (the last attempt failed)',
  labelNames: ['channel', 'outcome'] as const,
  registers: [metricsRegistry],
});

/** How long a claimed message is left to the process sending it; after that a stopped send is tried again (same message id). */
const CLAIM_MS = 5 * 60_000;

/** Longest pause between two attempts of one message. */
const MAX_RETRY_DELAY_MS = 10 * 60_000;

/**
 * Turns pending notice items into outbox messages when they are due (by the notice clock: quiet
 * hours hold them, a digest waits for its time), then sends due messages through the configured
 * channels with bounded retries (libs/resilience's back-off, the next attempt's time stored, so a
 * restart keeps the schedule). A message is claimed (for five minutes) before it is sent and marked
 * sent after the channel accepted it: a restart never sends a sent message again, and a send a stop
 * cut off is tried again once its claim has run out. Off when no channel is configured.
 */
@Injectable()
export class NoticeSender implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('Notices');
  private readonly channels: Map<NoticeChannelName, NoticeChannel>;
  private timer?: NodeJS.Timeout;
  private running?: Promise<void>;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(NOTICE_CLOCK) private readonly clock: NoticeClock,
    @Inject(NOTICE_OPTIONS) private readonly options: NoticeOptions,
    @Inject(NOTICE_CHANNEL_LIST) channels: NoticeChannel[],
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Optional() @Inject(BACKGROUND_WORK) private readonly background?: boolean,
  ) {
    this.channels = new Map(channels.map((c) => [c.name, c]));
  }

  /** The channels configured on this server (邮件 with SMTP_URL, 短信 with NOTICE_SMS_URL). */
  get available(): NoticeChannelName[] {
    return [...this.channels.keys()];
  }

  async onApplicationBootstrap(): Promise<void> {
    if (this.channels.size === 0 || this.background === false) return;
    this.timer = setInterval(() => void this.tick(), this.options.pollMs ?? 1000);
    this.timer.unref();
  }

  async onApplicationShutdown(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.running;
    for (const channel of this.channels.values()) channel.close?.();
  }

  /** One round: compose what is due, then send what is due. Never two rounds at once. */
  tick(): Promise<void> {
    if (!this.running) {
      this.running = this.compose()
        .then(() => this.sendDue())
        .then(() => undefined)
        .catch((error) => this.logger.error(error instanceof Error ? error.message : String(error)))
        .finally(() => (this.running = undefined));
    }
    return this.running;
  }

  /** Puts the pending items that are due into messages, one per channel of their person; returns how many messages were made. */
  async compose(): Promise<number> {
    const now = this.clock.now();
    const pending = await this.dataSource.getRepository(NoticeItem).find({ where: { status: 'pending' }, order: { pushedAt: 'ASC' }, take: 1000 });
    const byUser = new Map<string, NoticeItem[]>();
    for (const item of pending) byUser.set(item.userId, [...(byUser.get(item.userId) ?? []), item]);
    let made = 0;
    for (const [userId, items] of byUser) {
      const row = await this.dataSource.getRepository(NoticePreferencesView).findOneBy({ userId });
      const preferences = row ? (JSON.parse(row.preferences) as NoticePreferences) : undefined;
      const stale = (i: NoticeItem) => now.getTime() - Date.parse(i.pushedAt) > NOTICE_MAX_AGE_MS;
      const isReport = (i: NoticeItem) => i.category === REPORT_ITEM_CATEGORY;
      const wants = (p: NoticePreferences, i: NoticeItem) => (isReport(i) ? wantsReport(p, i.villageCode) : wantsNotice(p, i.category));
      const skipped = items.filter((i) => !preferences || !wants(preferences, i) || stale(i));
      const wanted = items.filter((i) => !skipped.includes(i));
      const channels = preferences ? preferences.channels.filter((c) => this.channels.has(c) && recipientOf(preferences, c)) : [];
      // A filed report goes on its own as soon as the quiet hours allow, never in a digest.
      const due = preferences && channels.length ? wanted.filter((i) => isNoticeDue(new Date(i.pushedAt), now, isReport(i) ? { ...preferences, frequency: 'immediate' } : preferences)) : [];
      const needsWanted = wanted.filter((i) => !isReport(i));
      const needsDue = due.filter((i) => !isReport(i));
      // A digest takes every wanted need once the oldest is due; otherwise each item goes on its own.
      const groups = [
        ...(needsDue.length === 0 ? [] : preferences!.frequency === 'daily' ? [needsWanted] : needsDue.map((i) => [i])),
        ...due.filter(isReport).map((i) => [i]),
      ];
      await withWriteLock(this.dataSource, () =>
        this.dataSource.transaction(async (manager) => {
          if (skipped.length) await manager.update(NoticeItem, { id: In(skipped.map((i) => i.id)) }, { status: 'skipped' });
          for (const group of groups) {
            const base = this.options.publicBaseUrl ?? 'http://localhost:3000';
            const report = isReport(group[0]);
            const content = report ? composeReportNotice(group[0], base) : composeNotice(group, base);
            const ids = group.map((i) => i.id);
            let first: string | null = null;
            for (const channel of channels) {
              const recipient = recipientOf(preferences!, channel)!;
              const id = noticeMessageId(channel, recipient, ids);
              first ??= id;
              const exists = await manager.findOneBy(NoticeMessage, { id });
              if (exists) continue;
              await manager.insert(NoticeMessage, {
                id, userId, channel, recipient, subject: content.subject, body: content.text, needIds: JSON.stringify(content.needIds),
                kind: report ? 'report' : group.length > 1 || preferences!.frequency === 'daily' ? 'digest' : 'immediate',
                status: 'pending', attempts: 0, nextAttemptAt: now.toISOString(), lastError: null, createdAt: now.toISOString(), sentAt: null,
              });
              made += 1;
            }
            await manager.update(NoticeItem, { id: In(ids) }, { status: 'queued', messageId: first });
          }
        }),
      );
    }
    return made;
  }

  /** Sends every message due now (at most 50 at a time); returns how many were attempted. */
  async sendDue(): Promise<number> {
    const now = this.clock.now();
    // Due: pending ones whose time has come, and sends whose claim ran out (a process stopped mid-send).
    const due = await this.dataSource.getRepository(NoticeMessage).find({ where: { status: In(['pending', 'sending']), nextAttemptAt: LessThanOrEqual(now.toISOString()) }, order: { nextAttemptAt: 'ASC' }, take: 50 });
    let attempted = 0;
    for (const message of due) {
      const channel = this.channels.get(message.channel);
      if (!channel) continue;
      // Claimed first, for a while: another round or another replica that read it too finds it changed.
      const lease = new Date(now.getTime() + CLAIM_MS).toISOString();
      const claimed = await withWriteLock(this.dataSource, () =>
        this.dataSource.getRepository(NoticeMessage).update({ id: message.id, status: message.status, nextAttemptAt: message.nextAttemptAt }, { status: 'sending', nextAttemptAt: lease }),
      );
      if (claimed.affected === 0) continue;
      attempted += 1;
      await this.attempt(channel, message);
    }
    return attempted;
  }

  private async attempt(channel: NoticeChannel, message: NoticeMessage): Promise<void> {
    const attempt = message.attempts + 1;
    // A filed report's e-mail carries its workbook, as filed.
    const attachments = () => (message.kind === 'report' && channel.name === 'email' ? filedReportAttachments(this.store, (JSON.parse(message.needIds) as string[])[0]) : Promise.resolve(undefined));
    const error = await attachments()
      .then((files) => channel.send({ messageId: message.id, recipient: message.recipient, content: { subject: message.subject, text: message.body, needIds: JSON.parse(message.needIds) as string[], ...(message.kind === 'report' ? { template: 'report_notice' } : {}) }, ...(files ? { attachments: files } : {}) }))
      .then(() => null)
      .catch((e: unknown) => (e instanceof Error ? e.message : String(e)).slice(0, 2000));
    const at = this.clock.now();
    const maxAttempts = this.options.maxAttempts ?? 6;
    const outcome = error === null ? 'sent' : attempt >= maxAttempts ? 'failed' : 'retry';
    const next = new Date(at.getTime() + backoffDelay(attempt - 1, { minDelayMs: this.options.retryBaseMs ?? 30_000, maxDelayMs: MAX_RETRY_DELAY_MS }));
    await withWriteLock(this.dataSource, () =>
      this.dataSource.getRepository(NoticeMessage).update(
        { id: message.id },
        error === null
          ? { status: 'sent', attempts: attempt, sentAt: at.toISOString(), lastError: null }
          : { status: outcome === 'failed' ? 'failed' : 'pending', attempts: attempt, nextAttemptAt: next.toISOString(), lastError: error },
      ),
    );
    noticeAttempts.inc({ channel: channel.name, outcome });
    if (outcome === 'failed') this.logger.warn(`notice ${message.id} (${message.channel}) failed ${attempt} times: ${error}`);
  }
}
