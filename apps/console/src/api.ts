import { ApiError } from './http';
import { COMMITMENT_STATUS_LABELS, NEED_STATUS_LABELS, ROLE_LABELS, type Category } from './labels';
import type { Lang } from './i18n';

// Requests (the bearer token, renewal, problem+json errors) live in ./http, commands typed by the
// API's OpenAPI document in ./api/commands; both exported from here too.
export * from './http';
export * from './api/commands';

// ---------------------------------------------------------------------------------------------
// The API's shapes (libs/needs/src/need.presenter.ts, needs.queries.ts, regions.controller.ts)
// ---------------------------------------------------------------------------------------------

export interface LineItem {
  id: string;
  kind: string;
  description: string;
  unit: string;
  quantity: number;
  estimatedValueFen?: number;
  participants?: number;
  kindLabel: string;
  accepted: number;
  pending: number;
  delivered: number;
  lacking: number;
  status: string;
}

export interface ItemQuantity {
  lineItemId: string;
  quantity: number;
}

/** An uploaded evidence file as an event records it (older entries have none). */
export interface EvidenceFile {
  sha256: string;
  mediaType: string;
  size: number;
  uploadedBy: string;
  visibility: 'public' | 'internal';
  thumbnail?: string;
}

export interface EvidenceEntry {
  kind: string;
  ref: string;
  note?: string;
  file?: EvidenceFile;
}

export interface Delivery {
  id: string;
  items: ItemQuantity[];
  evidence: EvidenceEntry[];
  note: string;
  recordedAt: string;
  confirmedAt: string | null;
  noEvidenceReason?: string;
}

export interface Commitment {
  id: string;
  organizationId: string;
  organizationName: string;
  items: Array<ItemQuantity & { delivered: number }>;
  promisedBy: string;
  note: string;
  status: string;
  overdue: boolean;
  offeredAt: string;
  acceptedAt: string | null;
  closedAt: string | null;
  closeReason: string | null;
  deliveries: Delivery[];
  /** 组团帮扶: the team it was offered on behalf of, with each member's share of the items; null otherwise. */
  team?: CommitmentTeam | null;
}

export interface CommitmentTeam {
  teamId: string;
  title: string;
  leadOrganizationId: string;
  members: Array<{ organizationId: string; organizationName: string; role: string; items: ItemQuantity[] }>;
}

export interface NeedSummary {
  id: string;
  villageCode: string;
  title: string;
  description: string;
  category: Category;
  categoryLabel: string;
  dueDate: string | null;
  autoAccept: boolean;
  status: string;
  lineItems: LineItem[];
  draftedAt: string | null;
  publishedAt: string | null;
  firstAcceptedAt: string | null;
  fulfilledAt: string | null;
  closedAt: string | null;
  endedAt: string | null;
  endReason: string | null;
}

export interface NeedListItem extends NeedSummary {
  commitmentCount: number;
  overdueCount: number;
}

export interface Need extends NeedSummary {
  commitments: Commitment[];
  revision: number;
  position: number;
}

export interface NeedPage {
  page: number;
  pageSize: number;
  total: number;
  items: NeedListItem[];
}

export interface NeedEvent {
  revision: number;
  position: number;
  type: string;
  occurredAt: string;
  actor: { id: string; role: string; organizationId: string | null };
  data: Record<string, unknown>;
}

export interface CommandResult {
  needId: string;
  revision: number;
  position: number | null;
  commitmentId?: string;
  deliveryId?: string;
}

export interface OrganizationCommitment {
  needId: string;
  id: string;
  organizationId: string;
  organizationName: string;
  villageCode: string;
  needTitle: string;
  status: string;
  promisedBy: string;
  items: ItemQuantity[];
  deliveryCount: number;
  unconfirmedDeliveryCount: number;
  offeredAt: string;
  acceptedAt: string | null;
  closedAt: string | null;
  overdue: boolean;
}

export interface DivisionRef {
  code: string;
  name: string;
  level: string;
}

export interface Division extends DivisionRef {
  parentCode: string | null;
  path: DivisionRef[];
  children: DivisionRef[];
}

// ---------------------------------------------------------------------------------------------
// Errors in the user's language
// ---------------------------------------------------------------------------------------------

const CJK = /[\u3400-\u9fff\uff00-\uffef\u3000-\u303f]/;

/**
 * The API's messages read "中文 (english)", sometimes with an English tail ("…: send X-Actor-Id…").
 * Splits one message into its Chinese and English parts; either may be missing.
 */
export function splitBilingual(message: string): { zh?: string; en?: string } {
  for (let i = message.indexOf(' ('); i >= 0; i = message.indexOf(' (', i + 1)) {
    const before = message.slice(0, i);
    const first = message.charAt(i + 2);
    if (!CJK.test(before) || !first || CJK.test(first)) continue;
    let depth = 0;
    let end = -1;
    for (let j = i + 1; j < message.length; j++) {
      if (message[j] === '(') depth++;
      else if (message[j] === ')' && --depth === 0) {
        end = j;
        break;
      }
    }
    if (end < 0) continue;
    const inside = message.slice(i + 2, end);
    const tail = message.slice(end + 1).trim();
    return { zh: before.trim(), en: tail ? `${inside}${tail.startsWith(':') || tail.startsWith(';') ? '' : ' '}${tail}` : inside };
  }
  return CJK.test(message) ? { zh: message } : { en: message };
}

/** Codes the API puts into its Chinese messages (状态为 fully_committed), in words. */
function wordsForCodes(zh: string): string {
  const needStatus = (code: string) => NEED_STATUS_LABELS[code as keyof typeof NEED_STATUS_LABELS]?.[0];
  const commitmentStatus = (code: string) => COMMITMENT_STATUS_LABELS[code as keyof typeof COMMITMENT_STATUS_LABELS]?.[0];
  return zh
    .replace(/角色\s*([a-z]+)\s*/g, (whole, role: string) => (ROLE_LABELS[role] ? `角色“${ROLE_LABELS[role][0]}”` : whole))
    .replace(/需求状态为\s*([a-z_]+)/g, (whole, code: string) => (needStatus(code) ? `需求状态为“${needStatus(code)}”` : whole))
    .replace(/需求已([a-z_]+)/g, (whole, code: string) => (needStatus(code) ? `需求${needStatus(code)!.startsWith('已') ? '' : '已'}${needStatus(code)}` : whole))
    .replace(/接单状态为\s*([a-z_]+)/g, (whole, code: string) => (commitmentStatus(code) ? `接单状态为“${commitmentStatus(code)}”` : whole));
}

const GENERIC: Record<string, [string, string]> = {
  network: ['网络连接失败，请检查网络后重试', 'The network failed; check the connection and try again'],
  400: ['提交的内容有误，请检查后重试', 'Something in the request is not valid'],
  401: ['登录已失效，请重新登录', 'Your sign-in has run out: sign in again'],
  403: ['当前身份无权进行此操作', 'Your identity may not do this'],
  404: ['没有找到相关内容', 'Not found'],
  409: ['操作冲突，请刷新后重试', 'Conflict: reload and try again'],
  422: ['不符合业务规则', 'Not allowed by the rules'],
  500: ['服务器出错，请稍后重试', 'Server error; try again later'],
};

/** What to show the user: the message in their language, and a technical note where it helps. */
export function describeError(error: unknown, lang: Lang): { message: string; technical?: string } {
  if (!(error instanceof ApiError)) return { message: lang === 'zh' ? '发生未知错误' : 'Something went wrong', technical: String(error) };
  const generic = GENERIC[error.network ? 'network' : String(error.status)] ?? GENERIC[(error.status ?? 500) >= 500 ? 500 : 400];
  if (error.network) return { message: generic[lang === 'zh' ? 0 : 1] };
  const parts = error.detail.split(/;\s+(?=[\u3400-\u9fff])/).map(splitBilingual);
  if (lang === 'zh') {
    const zh = parts.map((p) => p.zh).filter(Boolean) as string[];
    if (zh.length === 0) return { message: generic[0], technical: error.detail };
    const englishOnly = parts.some((p) => !p.zh);
    return { message: zh.map(wordsForCodes).join('；'), technical: englishOnly || error.status === 400 ? error.detail : undefined };
  }
  const en = parts.map((p) => p.en ?? p.zh).filter(Boolean) as string[];
  return { message: en.join('; ') || generic[1] };
}
