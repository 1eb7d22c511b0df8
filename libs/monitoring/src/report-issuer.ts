import { Inject, Injectable, ServiceUnavailableException } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import { InjectDataSource } from '@nestjs/typeorm';
import { Actor, CommandContext, conflict, eventToAppend, forbidden, PeriodicSweeper, READ_POSITION, ReadPosition, SYSTEM_ACTOR } from '@shecun/core';
import { DuplicateEventIdError, EVENT_STORE, EventStore, START, WrongExpectedRevisionError } from '@shecun/event-store';
import { RegionsService } from '@shecun/regions';
import { pause } from '@shecun/resilience';
import { randomUUID } from 'node:crypto';
import { DataSource, In } from 'typeorm';
import { v5 as uuidv5 } from 'uuid';
import { BureauReports, reportPeriod } from './bureau-report';
import { IssuedReport } from './issued-reports';
import { BUREAU_REPORT_ISSUED, BureauReportIssued, duePeriods, ISSUE_GRACE_MS, issuedReportStream, reportRegions, SCHEDULE_REASON } from './report-issue';

const ISSUED_EVENT_NAMESPACE = '5b0d9e43-7c1a-5f2e-9b6d-3a8c4e2f1d07';

export interface IssueRound {
  /** Reports appended in this round, as `region period`. */
  issued: string[];
  /** Reports found issued already (by an earlier round or another instance). */
  already: number;
  /** Why nothing was issued, when nothing could be: the read models are behind the event store. */
  deferred?: string;
  /** Global position of the last report appended (read your writes), or null. */
  position: number | null;
}

/**
 * Issues the scheduled reports (see report-issue.ts) as the platform (`system`): hourly and shortly
 * after start (REPORT_SCHEDULE=false turns it off), where the monitoring read models are (the
 * embedded app; the gateway in the distributed topology, one instance at a time). Each report is
 * made from the read models only once they have applied the whole event log, and appended onto a
 * stream of its own that must not exist yet: issued once, whichever instance gets there first.
 */
@Injectable()
export class ReportIssuer extends PeriodicSweeper {
  constructor(
    private readonly reports: BureauReports,
    private readonly regions: RegionsService,
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly moduleRef: ModuleRef,
  ) {
    super('BureauReportSchedule', 'REPORT_SCHEDULE');
  }

  sweep(): Promise<IssueRound> {
    return this.issueDue();
  }

  /** Issues the reports due at `now` that are not issued yet. */
  async issueDue(now = new Date()): Promise<IssueRound> {
    const [first] = await this.store.readAll(START, 1);
    const periods = duePeriods(now, first ? new Date(first.metadata.occurredAt) : null);
    const correlationId = randomUUID();
    return this.issue(periods.map((p) => p.key), now, SYSTEM_ACTOR, SCHEDULE_REASON, correlationId);
  }

  /**
   * An administrator files the reports of one ended period that the schedule did not (a month
   * before the deployment's first event, say): each region's not issued yet, with the
   * administrator and their reason on the events. 409 while the period has not ended (and the
   * hour after), 503 while the read models are behind the event store.
   */
  async issuePeriod(context: CommandContext, period: string, reason: string, now = new Date()): Promise<IssueRound> {
    if (context.actor.role !== 'admin') throw forbidden('只有管理员可以补发定期报表 (only administrators file reports by hand)');
    const p = reportPeriod(period);
    if (Date.parse(p.endsAt) + ISSUE_GRACE_MS > now.getTime()) {
      throw conflict(`报告期 ${period} 尚未结束（结束一小时后才能归档） (period ${period} has not ended: reports are filed from an hour after its end)`);
    }
    const round = await this.issue([period], now, context.actor, reason, context.correlationId);
    if (round.deferred !== undefined) {
      throw new ServiceUnavailableException(`读模型尚未追上事件日志，请稍后再试 (the read models are behind the event log: ${round.deferred}; try again shortly)`);
    }
    return round;
  }

  private async issue(periods: string[], now: Date, actor: Pick<Actor, 'id' | 'role' | 'organizationId'>, reason: string, correlationId: string): Promise<IssueRound> {
    if (periods.length === 0) return { issued: [], already: 0, position: null };
    const regions = reportRegions(this.regions);
    const wanted = periods.flatMap((period) => regions.map((region) => ({ region, period, stream: issuedReportStream(region, period) })));
    const found = new Set((await this.dataSource.getRepository(IssuedReport).find({ select: { id: true }, where: { id: In(wanted.map((w) => w.stream)) } })).map((r) => r.id));
    const missing = wanted.filter((w) => !found.has(w.stream));
    if (missing.length === 0) return { issued: [], already: wanted.length, position: null };
    const behind = await this.readModelsBehind();
    if (behind.length) {
      this.logger.warn(`reports due, deferred: the read models are behind the event store (${behind.join(', ')})`);
      return { issued: [], already: found.size, deferred: behind.join(', '), position: null };
    }
    const issued: string[] = [];
    let already = found.size;
    let position: number | null = null;
    for (const [i, w] of missing.entries()) {
      const report = await this.reports.report(SYSTEM_ACTOR, w.region, w.period, now);
      const event: BureauReportIssued = {
        type: BUREAU_REPORT_ISSUED,
        data: { region: w.region, period: w.period, kind: report.period.kind, issuedAt: now.toISOString(), reason, report },
      };
      const id = uuidv5(`${w.stream}/${BUREAU_REPORT_ISSUED}`, ISSUED_EVENT_NAMESPACE);
      try {
        const appended = await this.store.append(w.stream, [eventToAppend(event, { id, actor, correlationId, causationId: correlationId, occurredAt: now.toISOString() })], 'no-stream');
        position = appended.position;
        issued.push(`${w.region} ${w.period}`);
      } catch (error) {
        if (!(error instanceof WrongExpectedRevisionError || error instanceof DuplicateEventIdError)) throw error;
        already += 1;
      }
      if ((i + 1) % 20 === 0 || i === missing.length - 1) this.logger.log(`filing reports: ${i + 1}/${missing.length} (${periods.join(', ')})`);
    }
    if (issued.length) this.logger.log(`issued ${issued.length} reports for ${periods.join(', ')}`);
    return { issued, already, position };
  }

  /**
   * The read models that have not applied the event log's last event yet ([] where nothing tells),
   * after waiting up to `waitMs` for them.
   */
  private async readModelsBehind(waitMs = 5000): Promise<string[]> {
    let position: ReadPosition | undefined;
    try {
      position = this.moduleRef.get<ReadPosition>(READ_POSITION, { strict: false });
    } catch {
      return [];
    }
    const head = await this.store.headPosition();
    if (head < 0) return [];
    const deadline = Date.now() + waitMs;
    for (;;) {
      const pending = await position.pending(head);
      if (pending.length === 0 || Date.now() >= deadline) return pending;
      await pause(100);
    }
  }
}
