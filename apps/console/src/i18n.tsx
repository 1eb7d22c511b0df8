import { createContext, ReactNode, useCallback, useContext, useMemo, useState } from 'react';

export type Lang = 'zh' | 'en';

/** Every text of the console, Simplified Chinese first. `{name}` is filled in by `t`. */
const MESSAGES = {
  brand: ['社村通', 'Shecuntong'],
  colon: ['：', ': '],
  comma: ['，', ', '],
  paren: ['（{text}）', ' ({text})'],
  brandSub: ['百县千镇万村 · 需求对接', 'Villages × social organizations'],
  navNeeds: ['需求大厅', 'Needs'],
  navNewNeed: ['发布需求', 'Post a need'],
  navMyCommitments: ['我的接单', 'My commitments'],
  navMine: ['我的需求', 'My needs'],
  navHome: ['返回首页', 'Home'],
  orgName: ['组织名称', 'Organization name'],
  orgNameRequired: ['请填写组织名称', 'Enter the organization’s name'],

  // sign-in
  login: ['登录', 'Sign in'],
  logout: ['退出登录', 'Sign out'],
  username: ['用户名', 'Username'],
  password: ['密码', 'Password'],
  usernameRequired: ['请输入用户名', 'Enter your username'],
  passwordRequired: ['请输入密码', 'Enter your password'],
  sessionExpired: ['登录已失效，请重新登录。您在页面上填写的内容不会丢失。', 'Your sign-in has run out. Sign in again: what you entered on the page is kept.'],
  demoAccounts: ['演示账号', 'Demo accounts'],
  demoAccountsNote: ['演示环境（首次启动时生成演示数据）的账号，密码均为 {password}，点击即可登录。', 'Accounts of the demo (seeded on the first start), all with the password {password}: click one to sign in.'],
  cancel: ['取消', 'Cancel'],
  language: ['语言', 'Language'],
  footer: ['社村通 · 广东省百县千镇万村高质量发展工程 社会组织参与平台（演示版）', 'Shecuntong · social organizations in Guangdong’s hundred-county programme (demo)'],

  // list
  listTitle: ['需求大厅', 'Needs'],
  listIntro: ['浏览各村（社区）发布的帮扶需求，按地区、类型和状态筛选。', 'Browse what villages need; filter by region, category and status.'],
  city: ['地级市', 'City'],
  county: ['县（市、区）', 'County / district'],
  town: ['镇（街道）', 'Town / street'],
  village: ['村（社区）', 'Village / community'],
  allCities: ['全部地市', 'All cities'],
  allCounties: ['全部县区', 'All counties'],
  allTowns: ['全部镇街', 'All towns'],
  category: ['帮扶类型', 'Category'],
  allCategories: ['全部类型', 'All categories'],
  status: ['状态', 'Status'],
  allStatuses: ['全部状态', 'All statuses'],
  reset: ['重置', 'Reset'],
  total: ['共 {n} 条', '{n} in all'],
  colTitle: ['需求', 'Need'],
  colRegion: ['所在地', 'Location'],
  colDue: ['截止日期', 'Due'],
  colItems: ['明细', 'Items'],
  colCommitments: ['接单', 'Commitments'],
  colUpdated: ['更新', 'Updated'],
  noDueDate: ['不限', 'None'],
  itemsCount: ['{n} 项', '{n}'],
  overdueCount: ['{n} 项逾期', '{n} overdue'],
  emptyList: ['没有符合条件的需求', 'No needs match these filters'],
  view: ['查看', 'View'],

  // detail
  back: ['返回', 'Back'],
  dueDate: ['截止日期', 'Due date'],
  autoAccept: ['自动接受接单', 'Auto-accept'],
  autoAcceptYes: ['是：符合缺口的接单自动接受', 'Yes: offers that fit are accepted at once'],
  autoAcceptNo: ['否：由村联络员确认', 'No: the coordinator decides'],
  location: ['所在地', 'Location'],
  needId: ['需求编号', 'Need id'],
  publishedAt: ['发布时间', 'Published'],
  draftedAt: ['起草时间', 'Drafted'],
  endReason: ['结束原因', 'Reason'],
  description: ['需求说明', 'Description'],
  lineItems: ['需求明细', 'Line items'],
  kind: ['类型', 'Kind'],
  itemDesc: ['内容', 'Item'],
  required: ['需求', 'Required'],
  accepted: ['已接单', 'Accepted'],
  pending: ['待确认', 'Awaiting'],
  delivered: ['已交付', 'Delivered'],
  lacking: ['缺口', 'Lacking'],
  estimatedValue: ['估值', 'Est. value'],
  participants: ['参训人数', 'Participants'],
  commitments: ['接单情况', 'Commitments'],
  noCommitments: ['暂无社会组织接单', 'No organization has committed yet'],
  promisedBy: ['承诺交付', 'Promised by'],
  offeredAt: ['接单时间', 'Offered'],
  overdue: ['已逾期', 'Overdue'],
  committedItems: ['承诺内容', 'Committed'],
  deliveries: ['交付记录', 'Deliveries'],
  evidence: ['证明材料', 'Evidence'],
  confirmed: ['已确认', 'Confirmed'],
  unconfirmed: ['待确认', 'Awaiting confirmation'],
  note: ['备注', 'Note'],
  reason: ['原因', 'Reason'],
  history: ['事件记录', 'History'],
  historyIntro: ['每一步都是一条不可修改的事件，记录操作人、身份和时间。', 'Every step is an event that is never edited: who, in which role, when.'],
  by: ['操作人', 'By'],
  loadFailed: ['加载失败', 'Could not load'],
  retry: ['重试', 'Retry'],
  notFound: ['找不到该需求', 'Need not found'],

  // actions
  actions: ['操作', 'Actions'],
  publish: ['发布', 'Publish'],
  fulfil: ['确认完成', 'Confirm fulfilled'],
  close: ['关闭需求', 'Close need'],
  withdrawNeed: ['撤回需求', 'Withdraw need'],
  accept: ['接受', 'Accept'],
  decline: ['谢绝', 'Decline'],
  take: ['我要接单', 'Commit (接单)'],
  recordDelivery: ['登记交付', 'Record delivery'],
  withdrawCommitment: ['撤回接单', 'Withdraw'],
  confirmDelivery: ['确认交付', 'Confirm delivery'],
  submit: ['提交', 'Submit'],
  done: ['操作成功', 'Done'],
  confirmAcceptTitle: ['接受该组织的接单？', 'Accept this commitment?'],
  declineTitle: ['谢绝接单', 'Decline the commitment'],
  withdrawNeedTitle: ['撤回需求', 'Withdraw the need'],
  withdrawCommitmentTitle: ['撤回接单', 'Withdraw the commitment'],
  fulfilTitle: ['确认需求已完成', 'Confirm the need is fulfilled'],
  closeTitle: ['关闭需求', 'Close the need'],
  confirmDeliveryTitle: ['确认收到交付', 'Confirm the delivery arrived'],
  reasonRequired: ['请填写原因', 'Please give a reason'],
  reasonPlaceholder: ['例如：村里已通过其他渠道解决', 'e.g. solved through another channel'],
  notePlaceholder: ['选填', 'Optional'],
  ownCommitment: ['本组织', 'Yours'],
  roleHintOrg: ['社会组织账号登录后即可接单。', 'Organizations sign in to commit.'],
  alreadyOpen: ['本组织在此需求已有进行中的接单。', 'Your organization already has an open commitment here.'],

  // commit form
  commitTitle: ['接单', 'Commit to this need'],
  commitIntro: ['选择要承接的明细和数量，数量不能超过缺口。', 'Choose the items and quantities you take on; never more than what is lacking.'],
  commitAs: ['接单组织', 'Committing organization'],
  quantity: ['数量', 'Quantity'],
  amountYuan: ['金额（元）', 'Amount (yuan)'],
  takeAll: ['全部', 'All'],
  atMost: ['最多 {n}', 'at most {n}'],
  chooseOneItem: ['请至少填写一项明细的数量', 'Enter a quantity for at least one item'],
  promisedByRequired: ['请选择承诺交付日期', 'Choose a promised date'],
  nothingLacking: ['所有明细均已有人接单。', 'Nothing is lacking any more.'],

  // delivery form
  deliveryTitle: ['登记交付', 'Record a delivery'],
  deliveryIntro: ['登记本次实际交付的数量，并附上证明材料（照片、票据编号、文件等的引用）。', 'Record what was delivered this time, with evidence (references to photos, receipts, documents).'],
  remaining: ['待交付 {n}', '{n} to deliver'],
  evidenceKind: ['材料类型', 'Kind'],
  evidenceRef: ['文件引用 / 编号 / 链接', 'File reference / number / link'],
  evidenceRefRequired: ['请填写材料引用', 'Enter a reference'],
  addEvidence: ['添加材料', 'Add evidence'],
  evidenceRequired: ['至少附一项证明材料', 'At least one piece of evidence'],

  // new need
  newTitle: ['发布需求', 'Post a need'],
  newIntro: ['按步骤填写：选择村（社区）、说明需求、列出明细。资金以“元”填写，系统按“分”精确记录。', 'Step by step: choose the village, describe the need, list the items. Funds are entered in yuan and recorded exactly in fen.'],
  stepVillage: ['所在村（社区）', 'Village'],
  stepNeed: ['需求概况', 'About the need'],
  stepItems: ['需求明细', 'Line items'],
  stepOptions: ['截止与发布', 'Due date and publishing'],
  chooseCity: ['选择地级市', 'Choose a city'],
  chooseCounty: ['选择县（市、区）', 'Choose a county'],
  chooseTown: ['选择镇（街道）', 'Choose a town'],
  chooseVillage: ['选择村（社区）', 'Choose a village'],
  villageRequired: ['请选择到村（社区）一级', 'Choose down to the village'],
  title: ['标题', 'Title'],
  titlePlaceholder: ['例如：三排镇中心小学课桌椅更新', 'e.g. New desks for the primary school'],
  titleRequired: ['请填写标题', 'Enter a title'],
  categoryRequired: ['请选择帮扶类型', 'Choose a category'],
  descPlaceholder: ['说明背景、用途和受益人群', 'Background, use and who benefits'],
  item: ['明细 {n}', 'Item {n}'],
  addItem: ['添加明细', 'Add an item'],
  removeItem: ['删除', 'Remove'],
  itemDescPlaceholder: ['例如：学生课桌椅', 'e.g. pupils’ desks and chairs'],
  itemDescRequired: ['请填写内容', 'Describe the item'],
  unit: ['单位', 'Unit'],
  unitRequired: ['物资需注明单位', 'Goods need a unit'],
  unitPlaceholder: ['如：套、箱、台', 'e.g. sets, boxes'],
  quantityRequired: ['请填写数量', 'Enter a quantity'],
  amountRequired: ['请填写金额', 'Enter an amount'],
  estimatedValueYuan: ['估值（元，选填）', 'Estimated value (yuan, optional)'],
  participantsOptional: ['参训人数（选填）', 'Participants (optional)'],
  dueDateOptional: ['截止日期（选填）', 'Due date (optional)'],
  autoAcceptHelp: ['开启后，社会组织的接单只要不超过缺口即自动接受。', 'When on, offers that fit what is lacking are accepted without waiting for you.'],
  publishNow: ['立即发布', 'Publish now'],
  stepsDone: ['已完成 {n}/{total} 步', '{n} of {total} steps done'],
  reviseTitle: ['修改需求', 'Revise the need'],
  revise: ['修改', 'Revise'],
  reviseReason: ['修改原因', 'Why it changes'],
  reviseReasonPlaceholder: ['例如：学生人数增加', 'e.g. more pupils enrolled'],
  saveRevision: ['保存修改', 'Save the revision'],
  saveDraft: ['保存草稿', 'Save draft'],
  coordinatorOnly: ['只有村联络员可以发布需求。', 'Only a village coordinator posts needs.'],
  created: ['需求已保存', 'Need saved'],
  formKept: ['您填写的内容已保留，修改后可再次提交。', 'What you entered is kept; correct it and submit again.'],
  networkRetry: ['网络异常：再次点击提交即可安全重试，不会重复提交。', 'Network problem: submitting again is safe and will not duplicate.'],

  // my needs (coordinator)
  mineTitle: ['我的需求', 'My needs'],
  mineIntro: ['{place} 的需求、待处理的接单和交付。', 'Needs of {place}, with the commitments and deliveries waiting for you.'],
  mineList: ['需求及明细状态', 'Needs and their line items'],
  emptyMineNeeds: ['还没有需求，点击“发布需求”开始。', 'No needs yet: post one to begin.'],
  tasksTitle: ['待我处理', 'Waiting for you'],
  noTasks: ['暂无待处理事项', 'Nothing waits for you'],
  taskOffer: ['{org} 接单：{items}，承诺 {date} 前交付', '{org} offers {items}, by {date}'],
  taskDelivery: ['{org} 登记交付：{items}（{date}）', '{org} recorded a delivery: {items} ({date})'],
  taskFulfil: ['交付均已确认，可确认需求完成', 'Every delivery is confirmed: the need can be confirmed fulfilled'],

  // my commitments
  myTitle: ['我的接单', 'My commitments'],
  myIntro: ['本组织承接的需求、交付进度和逾期提醒。', 'Your organization’s commitments, deliveries and overdue warnings.'],
  orgOnly: ['社会组织账号登录后可查看本组织的接单。', 'Organizations see their commitments here once signed in.'],
  emptyMine: ['本组织还没有接单，去需求大厅看看吧。', 'No commitments yet: have a look at the needs.'],
  deliveryCount: ['交付 {n} 次', '{n} deliveries'],
  unconfirmedCount: ['{n} 次待确认', '{n} awaiting confirmation'],
  goToNeeds: ['去需求大厅', 'Browse needs'],

  // organizations (shared)
  searchOrganization: ['输入组织名称搜索', 'Type part of an organization’s name'],
  searching: ['搜索中…', 'Searching…'],
  noMatch: ['没有匹配的组织', 'No organization matches'],
  standingAbnormal: ['活动异常', 'Listed abnormal'],
  standingDeregistered: ['已注销', 'Deregistered'],
  allVillages: ['全部村（社区）', 'All villages'],

  // auditor
  navAudit: ['资金审计', 'Donation audit'],
  auditTitle: ['资金审计', 'Donation audit'],
  auditIntro: ['查找捐赠流向，追溯每一笔资金和物资从捐赠方到村里使用的全过程，核对余额与异常，导出台账。', 'Find donation flows, trace every gift from the donor to its use in the village, check balances and anomalies, export the ledger.'],
  auditorsOnly: ['资金审计仅供审计人员、管理局和系统管理员使用。', 'The donation audit is for auditors, bureau staff and administrators.'],
  asOf: ['截至日期', 'As of'],
  asOfNow: ['当前（实时）', 'Now (live)'],
  asOfLive: ['显示当前数据。选择截至日期，即按当日 24 时（北京时间）前的事件回放追溯、余额、异常和导出。', 'Showing current figures. Choose a date to replay the trace, balances, anomalies and exports from the events up to the end of that day (China time).'],
  asOfNote: ['追溯、余额、异常和导出均按 {date} 24 时（北京时间）前的事件回放。', 'The trace, balances, anomalies and exports are replayed from the events up to the end of {date} (China time).'],
  exportCsv: ['导出台账 CSV', 'Ledger CSV'],
  exportIati: ['导出 IATI XML', 'IATI XML'],
  exported: ['已下载（{size} KB）', 'Downloaded ({size} KB)'],
  checkLedger: ['校验账本', 'Check the ledger'],
  checkingLedger: ['正在校验…', 'Checking…'],
  ledgerOk: ['账本完整：已校验 {events} 条事件、{streams} 条哈希链，未发现断链。', 'The ledger is intact: {events} events in {streams} hash chains checked, no broken link.'],
  ledgerBroken: ['账本校验失败：发现 {n} 处断链（共校验 {events} 条事件）。', 'The ledger check failed: {n} broken links ({events} events checked).'],
  firstBrokenLink: ['第一处断链', 'First broken link'],
  ledgerStream: ['事件流', 'Stream'],
  ledgerEvent: ['事件', 'Event'],
  ledgerProblem: ['问题', 'Problem'],
  ledgerExpected: ['应为', 'Expected'],
  ledgerFound: ['实为', 'Found'],
  ledgerHead: ['全账本摘要（请记录，以便日后发现截断）', 'Digest of all chains (note it down to detect later truncation)'],
  tabFlows: ['查找流向', 'Flows'],
  tabBalances: ['余额', 'Balances'],
  tabAnomalies: ['异常', 'Anomalies'],
  searchAll: ['全部', 'All'],
  searchFlow: ['流向编号', 'Flow id'],
  searchOrganizationTab: ['社会组织', 'Organization'],
  searchFund: ['专项基金', 'Fund'],
  searchVillage: ['村（社区）', 'Village'],
  searchFlowShort: ['编号', 'Id'],
  searchOrganizationShort: ['组织', 'Org.'],
  searchFundShort: ['基金', 'Fund'],
  searchVillageShort: ['村', 'Village'],
  flowIdPlaceholder: ['输入或粘贴流向编号', 'Type or paste a flow id'],
  flowIdHint: ['流向编号见捐赠票据、台账导出或其他流向的追溯页面。', 'Flow ids are on the ledger export and on other flows’ traces.'],
  chooseFund: ['选择专项基金', 'Choose a fund'],
  noFunds: ['还没有专项基金', 'No funds yet'],
  chooseToSearch: ['请先选择查找对象', 'Choose what to look for'],
  flowsAreLive: ['流向列表显示当前状态；打开追溯后按截至日期回放。', 'The list shows flows as they are now; their trace is replayed as of the date.'],
  noFlows: ['没有可查看的捐赠流向', 'No donation flows to show'],
  flow: ['流向', 'Flow'],
  flowId: ['流向编号', 'Flow id'],
  donorToRecipient: ['捐赠方 → 受赠方', 'Donor → recipient'],
  donor: ['捐赠方', 'Donor'],
  resource: ['资金 / 物资', 'Money / goods'],
  pledged: ['认捐', 'Pledged'],
  received: ['到账', 'Received'],
  allocatedAmount: ['已安排', 'Allocated'],
  usedAmount: ['已使用', 'Used'],
  confirmedAmount: ['村已确认', 'Confirmed'],
  unallocated: ['未安排余额', 'Unallocated'],
  refunded: ['退款', 'Refunded'],
  receivedOrAllocatedIn: ['收到', 'In'],
  trace: ['追溯', 'Trace'],
  traceFlow: ['追溯此流向', 'Trace this flow'],
  allKinds: ['全部', 'All'],
  balanceHolder: ['对象', 'Holder'],
  noBalances: ['没有余额记录', 'No balances'],
  figuresAsOf: ['截至 {date}，共 {flows} 个流向', 'As of {date}, {flows} flows'],
  olderThan: ['超过', 'Older than'],
  daysUnit: ['天', 'days'],
  apply: ['查询', 'Apply'],
  allAnomalyKinds: ['全部异常类型', 'All kinds'],
  anomalyKind: ['异常类型', 'Kind'],
  anomaliesAsOf: ['截至 {date}，超过 {days} 天的异常共 {n} 项', 'As of {date}: {n} anomalies older than {days} days'],
  holder: ['持有方', 'Holder'],
  amount: ['金额（估值）', 'Amount (value)'],
  since: ['起始', 'Since'],
  daysCol: ['天数', 'Days'],
  daysAgo: ['{n} 天', '{n} days'],
  explanation: ['说明', 'Explanation'],
  noAnomalies: ['没有异常', 'No anomalies'],
  backToAudit: ['返回资金审计', 'Back to the audit'],
  traceTitle: ['流向追溯', 'Trace of a flow'],
  traceIntro: ['从捐赠方到村里的使用，逐个环节核对金额、票据、凭证和经办人。', 'Every hop from the donor to the use in the village: amounts, receipts, evidence and who did what.'],
  traceSummary: ['截至 {date}：共 {hops} 个环节（上游 {up} 个，下游 {down} 个）。', 'As of {date}: {hops} hops ({up} upstream, {down} downstream).'],
  sankeyTitle: ['资金流向图', 'Where the money went'],
  swipeHint: ['左右滑动查看完整流向图', 'Swipe sideways to see the whole diagram'],
  nothingToDraw: ['截至该日期还没有可绘制的流向', 'Nothing to draw as of this date'],
  traceBalances: ['相关余额', 'Balances of those involved'],
  hops: ['各环节明细', 'Each hop'],
  upstream: ['上游', 'Upstream'],
  downstream: ['下游', 'Downstream'],
  thisFlow: ['本流向', 'This flow'],
  receiptNumber: ['捐赠票据', 'Receipt'],
  receivedOn: ['到账日期', 'Received on'],
  disclosedOn: ['{date} 已公开', 'Disclosed {date}'],
  notDisclosed: ['未公开', 'Not disclosed'],
  allocations: ['使用安排', 'Allocations'],
  villageProject: ['村项目', 'Village project'],
  transferTo: ['转拨', 'Passed on to'],
  openChild: ['查看下游', 'Open'],
  usedOf: ['已用 {used}', '{used} used'],
  returned: ['退回 {n}', '{n} returned'],
  uses: ['使用记录', 'Uses'],
  villageConfirmed: ['村已确认 {date}', 'Confirmed {date}'],
  awaitingVillage: ['待村确认', 'Awaiting the village'],
  noEvidence: ['无凭证', 'No evidence'],
  refundsAndCorrections: ['退款与更正', 'Refunds and corrections'],
  correction: ['更正', 'Correction'],

  // public disclosure
  navDisclosure: ['信息公开', 'Disclosure'],
  disclosureTitle: ['捐赠信息公开', 'Donation disclosure'],
  disclosureIndexIntro: ['社会组织接收捐赠的统计、使用安排和落实情况，向社会公开，接受监督。无需登录。', 'What social organizations received, how they arranged its use and what the villages confirmed, open to everyone. No sign-in needed.'],
  chooseOrganizationToRead: ['查看哪家社会组织的公开信息？', 'Which organization’s disclosure would you like to read?'],
  disclosureOf: ['{name} · 捐赠信息公开', '{name} · donation disclosure'],
  needDisclosureOf: ['{title} · 捐赠使用公开', '{title} · use of donations'],
  needDisclosure: ['帮扶项目 · 捐赠使用公开', 'Project · use of donations'],
  disclosureIntro: ['仅含已公开的捐赠；个人捐赠者只以合计显示，不公开个人信息。', 'Disclosed donations only; individual donors are shown only in aggregate, without personal data.'],
  otherOrganizations: ['查看其他组织', 'Other organizations'],
  nothingDisclosed: ['该组织暂无已公开的捐赠。', 'This organization has disclosed no donations yet.'],
  nothingDisclosedNeed: ['该项目暂无已公开的捐赠使用。', 'No disclosed donations have gone to this project yet.'],
  totalReceived: ['收到捐赠', 'Donations received'],
  totalAllocated: ['已安排使用', 'Arranged for use'],
  totalAllocatedToNeed: ['安排到本项目', 'Arranged for this project'],
  totalUsed: ['已使用', 'Used'],
  totalConfirmed: ['受益村已确认', 'Confirmed by the villages'],
  flowsCount: ['{n} 笔捐赠', 'Donations: {n}'],
  byDonor: ['按捐赠方', 'By donor'],
  donorKind: ['捐赠方类型', 'Kind of donor'],
  flowCount: ['笔数', 'Donations'],
  byProject: ['按帮扶项目', 'By project'],
  noProjects: ['暂无安排到项目的捐赠', 'Nothing arranged for projects yet'],
  project: ['项目', 'Project'],
  byOrganization: ['按实施组织', 'By organization'],
  organization: ['社会组织', 'Organization'],
  correctionsTitle: ['更正记录', 'Corrections'],
  noCorrections: ['公开后没有更正。', 'No corrections since disclosure.'],
} as const satisfies Record<string, readonly [string, string]>;

export type MessageKey = keyof typeof MESSAGES;

interface I18n {
  lang: Lang;
  setLang: (lang: Lang) => void;
  t: (key: MessageKey, vars?: Record<string, string | number>) => string;
  /** Picks the text of the current language from a [zh, en] pair. */
  pick: (pair: readonly [string, string]) => string;
}

const LANG_KEY = 'shecun.lang';
const I18nContext = createContext<I18n | null>(null);

export function storedLang(): Lang {
  try {
    return localStorage.getItem(LANG_KEY) === 'en' ? 'en' : 'zh';
  } catch {
    return 'zh';
  }
}

export function I18nProvider({ children, onChange }: { children: ReactNode; onChange?: (lang: Lang) => void }) {
  const [lang, setLangState] = useState<Lang>(storedLang);
  const setLang = useCallback(
    (next: Lang) => {
      try {
        localStorage.setItem(LANG_KEY, next);
      } catch {
        /* private mode: keep it for this page only */
      }
      document.documentElement.lang = next === 'zh' ? 'zh-CN' : 'en';
      setLangState(next);
      onChange?.(next);
    },
    [onChange],
  );
  const value = useMemo<I18n>(() => {
    const index = lang === 'zh' ? 0 : 1;
    return {
      lang,
      setLang,
      pick: (pair) => pair[index],
      t: (key, vars) => {
        let text: string = MESSAGES[key][index];
        if (vars) for (const [name, v] of Object.entries(vars)) text = text.replaceAll(`{${name}}`, String(v));
        return text;
      },
    };
  }, [lang, setLang]);
  return <I18nContext.Provider value={value}>{children}</I18nContext.Provider>;
}

export function useI18n(): I18n {
  const value = useContext(I18nContext);
  if (!value) throw new Error('useI18n outside I18nProvider');
  return value;
}
