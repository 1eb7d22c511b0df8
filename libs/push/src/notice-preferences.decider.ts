import { Inject } from '@nestjs/common';
import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { CommandContext, CommandResult, Decider, everyCommandCommutes, executeCommand, forbidden, invalid, withinScope } from '@shecun/core';
import { EVENT_STORE, EventStore } from '@shecun/event-store';
import { DEFAULT_NOTICE_PREFERENCES, NoticePreferences, NoticePreferencesSet, noticePreferencesStream, recipientOf } from './notice.model';
import { NOTICE_CLOCK, NoticeClock } from './notice-options';

/** The person's whole notice preferences as they want them now, and why they changed them. */
export interface SetNoticePreferences {
  type: 'SetNoticePreferences';
  userId: string;
  /** The fields to change; those left out stay as they are when the command is decided. */
  preferences: Partial<NoticePreferences>;
  reason: string | null;
}

export interface NoticePreferencesState {
  userId: string;
  organizationId: string | null;
  preferences: NoticePreferences;
  updatedAt: string | null;
}

export const initialNoticePreferences: NoticePreferencesState = { userId: '', organizationId: null, preferences: DEFAULT_NOTICE_PREFERENCES, updatedAt: null };

const same = (a: NoticePreferences, b: NoticePreferences) => JSON.stringify(a) === JSON.stringify(b);

/**
 * Each person sets only their own notices: staff of an organization (the needs pushed to it are
 * what they hear of), and bureau staff (the reports filed for their region or one within it). A
 * channel needs its address; preferences as they already are append nothing.
 */
export const noticePreferencesDecider: Decider<SetNoticePreferences, NoticePreferencesState, NoticePreferencesSet> = {
  initialState: initialNoticePreferences,
  decide(command, state, { actor, now }) {
    const staff = (actor.role === 'organization' || actor.role === 'hub') && !!actor.organizationId;
    const bureau = actor.role === 'bureau' && !!actor.scope;
    if ((!staff && !bureau) || actor.id !== command.userId) {
      throw forbidden('只有社会组织和监管部门的工作人员可以设置自己的通知 (only organization and bureau staff set their own notices)');
    }
    const named = Object.fromEntries(Object.entries(command.preferences).filter(([, value]) => value !== undefined)) as Partial<NoticePreferences>;
    const preferences: NoticePreferences = { ...DEFAULT_NOTICE_PREFERENCES, ...state.preferences, ...named };
    for (const channel of preferences.channels) {
      if (!recipientOf(preferences, channel)) {
        throw invalid(channel === 'email' ? '选择了邮件通知，请填写邮箱地址 (e-mail chosen: give an e-mail address)' : '选择了短信通知，请填写手机号码 (SMS chosen: give a mobile number)', { channel });
      }
    }
    const region = preferences.reportRegion ?? null;
    if (region !== null) {
      if (!bureau) throw invalid('定期报表只通知监管部门的工作人员 (reports filed on the schedule are noticed to bureau staff only)', { reportRegion: region });
      if (!withinScope(region, actor.scope)) throw forbidden(`区域 ${region} 不在您的管辖范围 (region ${region} is outside your scope ${actor.scope})`);
    }
    const organizationId = staff ? actor.organizationId! : null;
    if (state.updatedAt !== null && state.organizationId === organizationId && same(state.preferences, preferences)) return [];
    return [{ type: 'NoticePreferencesSet', data: { userId: command.userId, organizationId, ...preferences, reason: command.reason, setAt: now.toISOString() } }];
  },
  evolve(state, event) {
    const { userId, organizationId, reason: _reason, setAt, ...preferences } = event.data;
    return { userId, organizationId, preferences: { ...DEFAULT_NOTICE_PREFERENCES, ...preferences }, updatedAt: setAt };
  },
  /** A change names only its fields and is applied over the preferences as they are then: it commutes. */
  commutes: everyCommandCommutes,
};

export class ExecuteNoticePreferencesCommand {
  constructor(
    readonly command: SetNoticePreferences,
    readonly context: CommandContext,
  ) {}
}

@CommandHandler(ExecuteNoticePreferencesCommand)
export class ExecuteNoticePreferencesCommandHandler implements ICommandHandler<ExecuteNoticePreferencesCommand, CommandResult<NoticePreferencesState>> {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(NOTICE_CLOCK) private readonly clock: NoticeClock,
  ) {}

  execute({ command, context }: ExecuteNoticePreferencesCommand) {
    return executeCommand(this.store, noticePreferencesStream(command.userId), noticePreferencesDecider, { ...context, command }, { clock: () => this.clock.now() });
  }
}
