import { DomainEvent } from '@shecun/core';
import { Category, CATEGORY_LABELS } from '@shecun/categories';
import { v5 as uuidv5 } from 'uuid';

/**
 * Notices (通知): a person's own choice of how needs pushed to their organization reach them by
 * 邮件 (e-mail) or 短信 (SMS / 微信 template message): at once or in a daily digest, never in their
 * quiet hours (免打扰). Preferences are events on the person's own stream.
 */
export const noticePreferencesStream = (userId: string) => `push-notices-${userId}`;

export const NOTICE_CHANNELS = ['email', 'sms'] as const;
export type NoticeChannelName = (typeof NOTICE_CHANNELS)[number];
export const NOTICE_CHANNEL_LABELS: Record<NoticeChannelName, string> = { email: '邮件', sms: '短信' };

/** Which needs: those pushed to the person's organization (its feed), or none. */
export const NOTICE_NEEDS = ['matching', 'none'] as const;
export type NoticeNeeds = (typeof NOTICE_NEEDS)[number];
/** 立即 each need on its own, or 每日摘要 one digest a day at `digestAt`. */
export const NOTICE_FREQUENCIES = ['immediate', 'daily'] as const;
export type NoticeFrequency = (typeof NOTICE_FREQUENCIES)[number];

/** A time of day in China time (UTC+8, no daylight saving), `HH:MM`. */
export const TIME_OF_DAY = /^([01]\d|2[0-3]):[0-5]\d$/;

export interface QuietHours {
  from: string;
  to: string;
}

export interface NoticePreferences {
  email: string | null;
  /** Mobile number for 短信 (11 digits, mainland China). */
  phone: string | null;
  channels: NoticeChannelName[];
  needs: NoticeNeeds;
  /** Only needs of these categories; empty for every category the organization's feed has. */
  categories: Category[];
  frequency: NoticeFrequency;
  /** When the daily digest goes (China time). */
  digestAt: string;
  /** 免打扰: nothing is sent between `from` and `to` (China time; may span midnight). */
  quietHours: QuietHours | null;
  /**
   * 定期报表 (bureau staff): the region (their scope or one within it: province, city or county)
   * whose reports filed on the schedule reach them when filed; null for none. Absent from
   * preferences set before it existed: null.
   */
  reportRegion?: string | null;
}

export const DEFAULT_NOTICE_PREFERENCES: NoticePreferences = {
  email: null,
  phone: null,
  channels: [],
  needs: 'matching',
  categories: [],
  frequency: 'immediate',
  digestAt: '08:00',
  quietHours: null,
  reportRegion: null,
};

/** Who set them (the person, for their organization; null for bureau staff), when and why; the whole preferences as they now are. */
export type NoticePreferencesSet = DomainEvent<'NoticePreferencesSet', NoticePreferences & { userId: string; organizationId: string | null; reason: string | null; setAt: string }>;

/** The monitoring context's published event of a filed report (the fields notices read). */
export const REPORT_FILED = 'BureauReportIssued';
export interface ReportFiled {
  region: string;
  period: string;
  kind: 'month' | 'quarter';
  issuedAt: string;
  report: { region: { name: string } };
}
/** Notice items of filed reports carry this in place of a need's category. */
export const REPORT_ITEM_CATEGORY = 'report';
export const isNoticePreferencesSet = (e: { type: string }) => e.type === 'NoticePreferencesSet';

/** What the sender sends through: `email` to an address, `sms` to a phone number. */
export interface NoticeMessageContent {
  subject: string;
  text: string;
  /** The need ids in it (a filed report's stream), for the SMS provider's template parameters. */
  needIds: string[];
  /** The SMS provider's template: `need_notice` (default) or `report_notice`. */
  template?: string;
}

export interface NoticeNeed {
  needId: string;
  title: string;
  villageCode: string;
  category: string;
}

const CHINA_OFFSET_MINUTES = 8 * 60;
const DAY_MS = 86_400_000;
const minutesOf = (hhmm: string) => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));

/** Minutes since midnight, China time. Pure. */
export function chinaMinutes(at: Date): number {
  return (at.getUTCHours() * 60 + at.getUTCMinutes() + CHINA_OFFSET_MINUTES) % 1440;
}

/** Whether `at` lies in the quiet hours (from inclusive, to exclusive; over midnight when from > to). Pure. */
export function inQuietHours(at: Date, quiet: QuietHours | null): boolean {
  if (!quiet) return false;
  const now = chinaMinutes(at);
  const from = minutesOf(quiet.from);
  const to = minutesOf(quiet.to);
  if (from === to) return false;
  return from < to ? now >= from && now < to : now >= from || now < to;
}

/** The first instant strictly after `after` at `hhmm` China time. Pure. */
export function nextChinaTime(after: Date, hhmm: string): Date {
  const midnightChina = Math.floor((after.getTime() + CHINA_OFFSET_MINUTES * 60_000) / DAY_MS) * DAY_MS - CHINA_OFFSET_MINUTES * 60_000;
  let at = midnightChina + minutesOf(hhmm) * 60_000;
  while (at <= after.getTime()) at += DAY_MS;
  return new Date(at);
}

/**
 * Whether a pending notice of a need pushed at `pushedAt` goes out at `now`: never in quiet hours
 * (held until they end); at once, or for a daily digest once the first digest time after the push has come. Pure.
 */
export function isNoticeDue(pushedAt: Date, now: Date, preferences: Pick<NoticePreferences, 'frequency' | 'digestAt' | 'quietHours'>): boolean {
  if (inQuietHours(now, preferences.quietHours)) return false;
  if (preferences.frequency === 'immediate') return true;
  return now.getTime() >= nextChinaTime(pushedAt, preferences.digestAt).getTime();
}

/** Where a person's notices go on `channel`, or null when they gave no address for it. Pure. */
export function recipientOf(preferences: NoticePreferences, channel: NoticeChannelName): string | null {
  return channel === 'email' ? preferences.email : preferences.phone;
}

/** Whether the person wants to hear of the reports filed for `region`. Pure. */
export function wantsReport(preferences: NoticePreferences, region: string): boolean {
  return preferences.channels.length > 0 && (preferences.reportRegion ?? null) === region;
}

/** 清远市月报（2026-11）: a filed report's title in notices. Pure. */
export const filedReportTitle = (r: ReportFiled) => `${r.report.region.name}${r.kind === 'month' ? '月报' : '季报'}（${r.period}）`;

/** Whether a need pushed to the organization is one the person wants to hear of. Pure. */
export function wantsNotice(preferences: NoticePreferences, category: string): boolean {
  if (preferences.needs === 'none' || preferences.channels.length === 0) return false;
  return preferences.categories.length === 0 || (preferences.categories as string[]).includes(category);
}

const NOTICE_NAMESPACE = '5d0c7a43-9e2b-4f1a-8c6d-3b7e1f9a2c4d';
/** One notice item per person and need: a replayed push adds none. */
export const noticeItemId = (userId: string, needId: string) => uuidv5(`item/${userId}/${needId}`, NOTICE_NAMESPACE);
/** One message per notice (its items) and recipient: composed twice, it is stored, and sent, once. */
export const noticeMessageId = (channel: NoticeChannelName, recipient: string, itemIds: string[]) => uuidv5(`message/${channel}/${recipient}/${[...itemIds].sort().join(',')}`, NOTICE_NAMESPACE);

const needLink = (baseUrl: string, needId: string) => `${baseUrl.replace(/\/+$/, '')}/needs/${encodeURIComponent(needId)}`;
const categoryLabel = (category: string) => CATEGORY_LABELS[category as Category] ?? category;

/** The Chinese wording of the notice of a filed report (its item: `needId` the report's stream, `title` its title). Pure. */
export function composeReportNotice(item: Pick<NoticeNeed, 'needId' | 'title'>, baseUrl: string): NoticeMessageContent {
  const base = baseUrl.replace(/\/+$/, '');
  return {
    subject: `【社村通】定期报表已归档：${item.title}`,
    text:
      `您好！\n\n${item.title}已按期归档。归档后的数字不再变化，可在监管工作台的“报表”中查看，并下载 XLSX 或 PDF：\n${base}/bureau?tab=reports\n\n` +
      `这条通知按您在社村通“我的通知”中的设置发送；如需更改或停止接收，请访问 ${base}/notices`,
    needIds: [item.needId],
    template: 'report_notice',
  };
}

/** The Chinese wording of a notice of one need, or a digest of several. Pure. */
export function composeNotice(needs: NoticeNeed[], baseUrl: string): NoticeMessageContent {
  const settings = `${baseUrl.replace(/\/+$/, '')}/notices`;
  const footer = `\n\n这条通知按您在社村通“我的通知”中的设置发送；如需更改或停止接收，请访问 ${settings}`;
  if (needs.length === 1) {
    const [need] = needs;
    return {
      subject: `【社村通】新需求：${need.title}`,
      text: `您好！\n\n有一条新需求与贵机构相符：\n\n${need.title}\n类别：${categoryLabel(need.category)}\n地区编码：${need.villageCode}\n查看并接单：${needLink(baseUrl, need.needId)}${footer}`,
      needIds: [need.needId],
    };
  }
  const lines = needs.map((need, i) => `${i + 1}. ${need.title}（${categoryLabel(need.category)}）\n   ${needLink(baseUrl, need.needId)}`);
  return {
    subject: `【社村通】每日摘要：${needs.length} 条新需求`,
    text: `您好！\n\n以下 ${needs.length} 条新需求与贵机构相符：\n\n${lines.join('\n')}${footer}`,
    needIds: needs.map((n) => n.needId),
  };
}
