import { Inject } from '@nestjs/common';
import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { CommandContext, CommandResult, Decider, everyCommandCommutes, executeCommand, forbidden, invalid } from '@shecun/core';
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
 * Each person sets only their own notices, as staff of their organization (the needs pushed to it
 * are what they hear of). A channel needs its address; preferences as they already are append nothing.
 */
export const noticePreferencesDecider: Decider<SetNoticePreferences, NoticePreferencesState, NoticePreferencesSet> = {
  initialState: initialNoticePreferences,
  decide(command, state, { actor, now }) {
    if ((actor.role !== 'organization' && actor.role !== 'hub') || !actor.organizationId || actor.id !== command.userId) {
      throw forbidden('只有社会组织的工作人员可以设置自己的通知 (only organization staff set their own notices)');
    }
    const named = Object.fromEntries(Object.entries(command.preferences).filter(([, value]) => value !== undefined)) as Partial<NoticePreferences>;
    const preferences: NoticePreferences = { ...state.preferences, ...named };
    for (const channel of preferences.channels) {
      if (!recipientOf(preferences, channel)) {
        throw invalid(channel === 'email' ? '选择了邮件通知，请填写邮箱地址 (e-mail chosen: give an e-mail address)' : '选择了短信通知，请填写手机号码 (SMS chosen: give a mobile number)', { channel });
      }
    }
    if (state.organizationId === actor.organizationId && same(state.preferences, preferences)) return [];
    return [{ type: 'NoticePreferencesSet', data: { userId: command.userId, organizationId: actor.organizationId, ...preferences, reason: command.reason, setAt: now.toISOString() } }];
  },
  evolve(state, event) {
    const { userId, organizationId, reason: _reason, setAt, ...preferences } = event.data;
    return { userId, organizationId, preferences, updatedAt: setAt };
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
