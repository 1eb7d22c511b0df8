import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown, Optional } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { BACKGROUND_WORK, flagEnv, metricsRegistry, positiveNumberEnv } from '@shecun/core';
import { Counter } from 'prom-client';
import { DataSource, LessThanOrEqual } from 'typeorm';
import { PushPreferencesView, WebhookAttempt, WebhookDelivery } from './push.projection';
import { organizationWebhookSecret, retryDelayMs, signWebhook, WEBHOOK_MAX_ATTEMPTS } from './webhook-signing';
import { deliverWebhook } from './webhook-sender';
import { WebhookAddressPolicy } from './webhook-url';
import { NoticeOptions, noticeOptionsFromEnv } from './notice-options';

/** Outcome of each attempt: delivered, to be retried, or failed for good (the last attempt failed). */
const webhookAttempts = new Counter({
  name: 'shecun_webhook_attempts_total',
  help: 'Webhook delivery attempts by outcome: delivered, retry (failed, tried again later) or failed (the last attempt failed)',
  labelNames: ['outcome'] as const,
  registers: [metricsRegistry],
});

export interface PushOptions {
  /** The server's secret from which each organization's webhook signing secret derives. */
  serverSecret: string;
  /** How often due deliveries are sent (ms). Default 1000. */
  pollMs?: number;
  /** Base of the retry back-off (ms): base, 2·base, 4·base … up to 5 minutes. Default 1000. */
  retryBaseMs?: number;
  /** Per-request timeout (ms). Default 10,000. */
  timeoutMs?: number;
  /** Set false to leave deliveries to another process (PUSH_WEBHOOKS=false). */
  enabled?: boolean;
  /** Set false to run without the dispatcher (PUSH_DISPATCH=false): no new pushes are made. */
  dispatch?: boolean;
  /**
   * Publications and revisions older than this (days) are not pushed when the dispatcher reaches
   * them late — a first start on an existing log, a long outage: news, not a backlog of notices.
   * The needs stay in each organization's recommended needs. Default 7 (PUSH_MAX_AGE_DAYS).
   */
  maxAgeDays?: number;
  /**
   * Where webhooks may go (webhook-url.ts): by default public unicast addresses only, resolved by
   * the system resolver; `allowPrivate` unset reads PUSH_WEBHOOK_ALLOW_PRIVATE at each attempt.
   */
  webhookPolicy?: WebhookAddressPolicy;
  /** 邮件 and 短信 notices to people (notice-options.ts); off without SMTP_URL or NOTICE_SMS_URL. */
  notices?: NoticeOptions;
}
export const PUSH_OPTIONS = Symbol('PUSH_OPTIONS');

/** PushOptions from PUSH_WEBHOOKS, PUSH_DISPATCH, PUSH_MAX_AGE_DAYS and PUSH_WEBHOOK_RETRY_BASE_MS, with the server's secret; notices from theirs. */
export function pushOptionsFromEnv(env: NodeJS.ProcessEnv, serverSecret: string): PushOptions {
  return {
    serverSecret,
    enabled: flagEnv(env.PUSH_WEBHOOKS, true),
    dispatch: flagEnv(env.PUSH_DISPATCH, true),
    maxAgeDays: positiveNumberEnv('PUSH_MAX_AGE_DAYS', env.PUSH_MAX_AGE_DAYS, 7),
    retryBaseMs: positiveNumberEnv('PUSH_WEBHOOK_RETRY_BASE_MS', env.PUSH_WEBHOOK_RETRY_BASE_MS, 1000),
    notices: noticeOptionsFromEnv(env),
  };
}

/**
 * Sends pending webhook deliveries, signed with the organization's secret, and retries failures
 * with exponential back-off up to WEBHOOK_MAX_ATTEMPTS; every attempt goes into the delivery log.
 * At least once: a delivery is marked delivered only after a 2xx answer, so a crash in between
 * sends it again with the same `X-Shecun-Delivery` id.
 */
@Injectable()
export class WebhookDispatcher implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('Webhooks');
  private timer?: NodeJS.Timeout;
  private running?: Promise<void>;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(PUSH_OPTIONS) private readonly options: PushOptions,
    @Optional() @Inject(BACKGROUND_WORK) private readonly background?: boolean,
  ) {}

  onApplicationBootstrap(): void {
    if (this.options.enabled === false || this.background === false) return;
    this.timer = setInterval(() => void this.tick(), this.options.pollMs ?? 1000);
    this.timer.unref();
  }

  async onApplicationShutdown(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.running;
  }

  private async tick(): Promise<void> {
    if (this.running) return;
    this.running = this.dispatchDue()
      .then(() => undefined)
      .catch((error) => this.logger.error(error instanceof Error ? error.message : String(error)))
      .finally(() => (this.running = undefined));
    await this.running;
  }

  /** Sends every delivery due now (at most 50 at a time); returns how many were attempted. */
  async dispatchDue(now = new Date()): Promise<number> {
    const due = await this.dataSource.getRepository(WebhookDelivery).find({
      where: { status: 'pending', nextAttemptAt: LessThanOrEqual(now.toISOString()) },
      order: { nextAttemptAt: 'ASC' },
      take: 50,
    });
    await Promise.all(due.map((d) => this.attempt(d)));
    return due.length;
  }

  private async secretOf(organizationId: string): Promise<string> {
    const row = await this.dataSource.getRepository(PushPreferencesView).findOneBy({ organizationId });
    return organizationWebhookSecret(this.options.serverSecret, organizationId, row?.secretVersion ?? 1);
  }

  private async attempt(delivery: WebhookDelivery): Promise<void> {
    const attempt = delivery.attempts + 1;
    const timestamp = String(Math.floor(Date.now() / 1000));
    const started = Date.now();
    const { statusCode, error } = await deliverWebhook(
      delivery.url,
      {
        headers: {
          'content-type': 'application/json',
          'user-agent': 'shecun-webhooks/1',
          'x-shecun-delivery': delivery.id,
          'x-shecun-timestamp': timestamp,
          'x-shecun-signature': signWebhook(await this.secretOf(delivery.organizationId), timestamp, delivery.payload),
        },
        body: delivery.payload,
        timeoutMs: this.options.timeoutMs ?? 10_000,
      },
      this.options.webhookPolicy,
    );
    const at = new Date().toISOString();
    const outcome = error === null ? 'delivered' : attempt >= WEBHOOK_MAX_ATTEMPTS ? 'failed' : 'retry';
    await this.dataSource.transaction(async (manager) => {
      await manager.insert(WebhookAttempt, { deliveryId: delivery.id, attempt, at, statusCode, error, durationMs: Date.now() - started });
      if (error === null) {
        await manager.update(WebhookDelivery, { id: delivery.id }, { status: 'delivered', attempts: attempt, deliveredAt: at, lastError: null });
      } else {
        const failed = outcome === 'failed';
        const next = new Date(Date.now() + (retryDelayMs(attempt) * (this.options.retryBaseMs ?? 1000)) / 1000).toISOString();
        await manager.update(WebhookDelivery, { id: delivery.id }, { status: failed ? 'failed' : 'pending', attempts: attempt, nextAttemptAt: next, lastError: error });
        if (failed) this.logger.warn(`webhook ${delivery.id} to ${delivery.url} failed ${attempt} times: ${error}`);
      }
    });
    webhookAttempts.inc({ outcome });
  }
}
