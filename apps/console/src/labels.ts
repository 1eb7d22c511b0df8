/** Labels of the API's codes, [中文, English]. Kept in step with libs/needs/src/need.model.ts. */
type Pair = readonly [string, string];

export const CATEGORIES = ['industry', 'employment', 'consumption', 'health', 'education', 'volunteer', 'greening', 'care'] as const;
export type Category = (typeof CATEGORIES)[number];
export const CATEGORY_LABELS: Record<Category, Pair> = {
  industry: ['产业帮扶', 'Industry'],
  employment: ['就业帮扶', 'Employment'],
  consumption: ['消费帮扶', 'Buying local produce'],
  health: ['健康帮扶', 'Health'],
  education: ['教育帮扶', 'Education'],
  volunteer: ['志愿帮扶', 'Volunteering'],
  greening: ['绿美广东', 'Green Guangdong'],
  care: ['特殊群体暖心关爱', 'Care for vulnerable groups'],
};

export const KINDS = ['funds', 'goods', 'facility', 'training', 'service_hours', 'job_posts'] as const;
export type Kind = (typeof KINDS)[number];
export const KIND_LABELS: Record<Kind, Pair> = {
  funds: ['资金', 'Funds'],
  goods: ['物资', 'Goods'],
  facility: ['捐建设施', 'Facilities built'],
  training: ['培训', 'Training'],
  service_hours: ['服务/志愿时长', 'Service / volunteer hours'],
  job_posts: ['就业岗位', 'Job posts'],
};
/** The unit the API gives each kind when none is named (funds are always fen). */
export const DEFAULT_UNIT: Record<Kind, string | undefined> = {
  funds: '分',
  goods: undefined,
  facility: '处',
  training: '期',
  service_hours: '小时',
  job_posts: '个',
};
/** English for the default units; units typed by coordinators (套, 箱…) are shown as typed. */
export const UNIT_LABELS: Record<string, Pair> = {
  处: ['处', 'site(s)'],
  期: ['期', 'session(s)'],
  小时: ['小时', 'hour(s)'],
  个: ['个', 'post(s)'],
};

export const NEED_STATUSES = [
  'draft',
  'published',
  'partially_committed',
  'fully_committed',
  'delivered',
  'fulfilled',
  'closed',
  'withdrawn',
  'expired',
] as const;
export type NeedStatus = (typeof NEED_STATUSES)[number];
export const NEED_STATUS_LABELS: Record<NeedStatus, Pair> = {
  draft: ['草稿', 'Draft'],
  published: ['已发布', 'Published'],
  partially_committed: ['部分接单', 'Partly committed'],
  fully_committed: ['已全部接单', 'Fully committed'],
  delivered: ['已交付', 'Delivered'],
  fulfilled: ['已完成', 'Fulfilled'],
  closed: ['已关闭', 'Closed'],
  withdrawn: ['已撤回', 'Withdrawn'],
  expired: ['已过期', 'Expired'],
};
export const NEED_STATUS_COLORS: Record<NeedStatus, string> = {
  draft: 'default',
  published: 'blue',
  partially_committed: 'gold',
  fully_committed: 'cyan',
  delivered: 'green',
  fulfilled: 'success',
  closed: 'default',
  withdrawn: 'default',
  expired: 'volcano',
};

export type LineItemStatus = 'uncommitted' | 'partially_committed' | 'fully_committed' | 'delivered' | 'fulfilled';
export const LINE_ITEM_STATUS_LABELS: Record<LineItemStatus, Pair> = {
  uncommitted: ['待接单', 'Open'],
  partially_committed: ['部分接单', 'Partly committed'],
  fully_committed: ['已全部接单', 'Fully committed'],
  delivered: ['已交付', 'Delivered'],
  fulfilled: ['已完成', 'Fulfilled'],
};
export const LINE_ITEM_STATUS_COLORS: Record<LineItemStatus, string> = {
  uncommitted: 'blue',
  partially_committed: 'gold',
  fully_committed: 'cyan',
  delivered: 'green',
  fulfilled: 'success',
};

export type CommitmentStatus = 'offered' | 'accepted' | 'declined' | 'withdrawn' | 'delivered';
export const COMMITMENT_STATUS_LABELS: Record<CommitmentStatus, Pair> = {
  offered: ['待确认', 'Awaiting decision'],
  accepted: ['已接受', 'Accepted'],
  declined: ['已谢绝', 'Declined'],
  withdrawn: ['已撤回', 'Withdrawn'],
  delivered: ['已交付', 'Delivered'],
};
export const COMMITMENT_STATUS_COLORS: Record<CommitmentStatus, string> = {
  offered: 'gold',
  accepted: 'blue',
  declined: 'default',
  withdrawn: 'default',
  delivered: 'green',
};

export const EVIDENCE_KINDS = ['photo', 'document', 'receipt', 'invoice', 'recipient_list', 'link', 'note'] as const;
export type EvidenceKind = (typeof EVIDENCE_KINDS)[number];
export const EVIDENCE_LABELS: Record<EvidenceKind, Pair> = {
  photo: ['照片', 'Photo'],
  document: ['文件', 'Document'],
  receipt: ['收据/捐赠票据', 'Receipt'],
  invoice: ['发票', 'Invoice'],
  recipient_list: ['受益人名单', 'Recipient list'],
  link: ['链接', 'Link'],
  note: ['说明', 'Note'],
};

export const ROLE_LABELS: Record<string, Pair> = {
  coordinator: ['村联络员', 'Village coordinator'],
  organization: ['社会组织', 'Social organization'],
  hub: ['枢纽型社会组织', 'Hub organization'],
  bureau: ['管理局', 'Bureau'],
  auditor: ['审计', 'Auditor'],
  admin: ['系统管理员', 'Administrator'],
  system: ['系统', 'System'],
};

export const EVENT_LABELS: Record<string, Pair> = {
  NeedDrafted: ['起草需求', 'Need drafted'],
  NeedPublished: ['发布需求', 'Need published'],
  NeedRevised: ['修改需求', 'Need revised'],
  NeedWithdrawn: ['撤回需求', 'Need withdrawn'],
  NeedExpired: ['需求过期', 'Need expired'],
  NeedFulfilled: ['确认完成', 'Need fulfilled'],
  NeedClosed: ['关闭需求', 'Need closed'],
  CommitmentOffered: ['社会组织接单', 'Commitment offered'],
  CommitmentAccepted: ['接受接单', 'Commitment accepted'],
  CommitmentDeclined: ['谢绝接单', 'Commitment declined'],
  CommitmentWithdrawn: ['撤回接单', 'Commitment withdrawn'],
  DeliveryRecorded: ['登记交付', 'Delivery recorded'],
  DeliveryConfirmed: ['确认交付', 'Delivery confirmed'],
};

export const label = <K extends string>(labels: Record<K, Pair>, code: string | null | undefined, lang: 'zh' | 'en'): string => {
  const pair = code ? (labels as Record<string, Pair | undefined>)[code] : undefined;
  return pair ? pair[lang === 'zh' ? 0 : 1] : (code ?? '');
};
