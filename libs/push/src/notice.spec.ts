import { Actor, DecisionContext } from '@shecun/core';
import { given } from '@shecun/core/testing';
import { composeNotice, DEFAULT_NOTICE_PREFERENCES, inQuietHours, isNoticeDue, nextChinaTime, noticeMessageId, NoticePreferences, wantsNotice } from './notice.model';
import { noticePreferencesDecider } from './notice-preferences.decider';

/** An instant given in China time (UTC+8). */
const china = (local: string) => new Date(`${local}+08:00`);
const prefs = (over: Partial<NoticePreferences>): NoticePreferences => ({ ...DEFAULT_NOTICE_PREFERENCES, ...over });

describe('notice timing (China time)', () => {
  const night = { from: '22:00', to: '07:00' };
  it('quiet hours over midnight hold 22:00 up to 07:00, not the minute they end', () => {
    expect(inQuietHours(china('2026-12-06T21:59'), night)).toBe(false);
    expect(inQuietHours(china('2026-12-06T22:00'), night)).toBe(true);
    expect(inQuietHours(china('2026-12-07T03:30'), night)).toBe(true);
    expect(inQuietHours(china('2026-12-07T07:00'), night)).toBe(false);
    expect(inQuietHours(china('2026-12-07T12:00'), { from: '12:00', to: '14:00' })).toBe(true);
    expect(inQuietHours(china('2026-12-07T14:00'), { from: '12:00', to: '14:00' })).toBe(false);
    expect(inQuietHours(china('2026-12-07T03:30'), null)).toBe(false);
  });

  it('the next digest time is the first one strictly after, in China time', () => {
    expect(nextChinaTime(china('2026-12-06T07:59'), '08:00').toISOString()).toBe(china('2026-12-06T08:00').toISOString());
    expect(nextChinaTime(china('2026-12-06T08:00'), '08:00').toISOString()).toBe(china('2026-12-07T08:00').toISOString());
    // 01:00 in China is still the previous day in UTC.
    expect(nextChinaTime(china('2026-12-07T01:00'), '08:00').toISOString()).toBe(china('2026-12-07T08:00').toISOString());
  });

  it('an immediate notice waits out quiet hours; a digest waits for its time', () => {
    const immediate = prefs({ frequency: 'immediate', quietHours: { from: '22:00', to: '07:00' } });
    expect(isNoticeDue(china('2026-12-06T23:00'), china('2026-12-06T23:00'), immediate)).toBe(false);
    expect(isNoticeDue(china('2026-12-06T23:00'), china('2026-12-07T07:00'), immediate)).toBe(true);
    const daily = prefs({ frequency: 'daily', digestAt: '18:00' });
    expect(isNoticeDue(china('2026-12-06T09:00'), china('2026-12-06T17:59'), daily)).toBe(false);
    expect(isNoticeDue(china('2026-12-06T09:00'), china('2026-12-06T18:00'), daily)).toBe(true);
    expect(isNoticeDue(china('2026-12-06T09:00'), china('2026-12-06T18:00'), { ...daily, quietHours: { from: '17:00', to: '19:00' } })).toBe(false);
  });
});

describe('which notices, and their wording', () => {
  it('needs: none, no channel, or a category left out means no notice', () => {
    expect(wantsNotice(prefs({ channels: ['email'] }), 'education')).toBe(true);
    expect(wantsNotice(prefs({ channels: [] }), 'education')).toBe(false);
    expect(wantsNotice(prefs({ channels: ['email'], needs: 'none' }), 'education')).toBe(false);
    expect(wantsNotice(prefs({ channels: ['sms'], categories: ['health'] }), 'education')).toBe(false);
  });

  it('one need: its title and link; several: a digest listing each', () => {
    const one = composeNotice([{ needId: 'n-1', title: '村小学课桌椅', villageCode: '441826105201', category: 'education' }], 'https://shecun.example.org/');
    expect(one.subject).toBe('【社村通】新需求：村小学课桌椅');
    expect(one.text).toContain('教育帮扶');
    expect(one.text).toContain('https://shecun.example.org/needs/n-1');
    const digest = composeNotice(
      [
        { needId: 'n-1', title: '课桌椅', villageCode: '441826105201', category: 'education' },
        { needId: 'n-2', title: '义诊', villageCode: '441826105202', category: 'health' },
      ],
      'https://shecun.example.org',
    );
    expect(digest.subject).toBe('【社村通】每日摘要：2 条新需求');
    expect(digest.text).toMatch(/1\. 课桌椅.*\n.*\/needs\/n-1\n2\. 义诊/);
  });

  it('a message id depends on the channel, recipient and items, not their order', () => {
    expect(noticeMessageId('email', 'a@example.org', ['x', 'y'])).toBe(noticeMessageId('email', 'a@example.org', ['y', 'x']));
    expect(noticeMessageId('email', 'a@example.org', ['x'])).not.toBe(noticeMessageId('email', 'b@example.org', ['x']));
    expect(noticeMessageId('email', 'a@example.org', ['x'])).not.toBe(noticeMessageId('sms', 'a@example.org', ['x']));
  });
});

describe('notice preferences decider', () => {
  const now = new Date('2026-12-06T00:00:00.000Z');
  const staff: Actor = { id: 'u-1', role: 'organization', organizationId: 'org-a' };
  const ctx = (actor: Actor): DecisionContext => ({ actor, now });
  const set = (preferences: Partial<NoticePreferences>, reason: string | null = null) => ({ type: 'SetNoticePreferences' as const, userId: 'u-1', preferences, reason });

  it('a person sets their own, recorded with their organization, when and why; the fields left out stay', () => {
    const first = { type: 'NoticePreferencesSet' as const, data: { userId: 'u-1', organizationId: 'org-a', ...DEFAULT_NOTICE_PREFERENCES, email: 'a@example.org', channels: ['email' as const], reason: null, setAt: '2026-12-01T00:00:00.000Z' } };
    given(noticePreferencesDecider, [first]).when(set({ quietHours: { from: '22:00', to: '07:00' } }, '晚上不想被打扰'), ctx(staff)).then([
      { type: 'NoticePreferencesSet', data: { ...first.data, quietHours: { from: '22:00', to: '07:00' }, reason: '晚上不想被打扰', setAt: now.toISOString() } },
    ]);
    given(noticePreferencesDecider, [first]).when(set({ email: 'a@example.org' }), ctx(staff)).then([]);
  });

  it('refuses a channel without its address, and anyone but the person', () => {
    given(noticePreferencesDecider).when(set({ channels: ['email'] }), ctx(staff)).thenThrows('invalid');
    given(noticePreferencesDecider).when(set({ channels: ['sms'], email: 'a@example.org' }), ctx(staff)).thenThrows('invalid');
    given(noticePreferencesDecider).when(set({ email: 'a@example.org' }), ctx({ id: 'u-2', role: 'organization', organizationId: 'org-a' })).thenThrows('forbidden');
    given(noticePreferencesDecider).when(set({ email: 'a@example.org' }), ctx({ id: 'u-1', role: 'coordinator', scope: '441826105' })).thenThrows('forbidden');
  });
});
