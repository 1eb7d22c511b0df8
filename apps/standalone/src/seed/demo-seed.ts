import { INestApplicationContext } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { Actor, DomainError } from '@shecun/core';
import { EVENT_STORE, EventStore } from '@shecun/event-store';
import { GrantSpec, hashPassword, IdentityService } from '@shecun/identity';
import { ExecuteNeedCommand, LineItemInput, NeedCommand, needStream } from '@shecun/needs';
import { Category } from '@shecun/categories';
import { ExecuteOrganizationCommand, HubKind, makeCreditCode, OrganizationType } from '@shecun/organizations';
import { ProjectionHost } from '@shecun/projections';
import { RegionsService } from '@shecun/regions';
import { v5 as uuidv5 } from 'uuid';
import { DONATION_STEPS, seedDonations } from './demo-donations';
import { DEMO_TEAMS, demoOrganizations, keyAreas, plannedPairings, seedGeneratedOrganizations, seedPairings, seedTeams, TEAM_STEPS, Tick } from './demo-organizations';

/** Seed ids derive from names, so running the seed twice appends nothing new. */
const SEED_NAMESPACE = '0d4f9a3c-2b1e-5d6f-8a7b-9c0d1e2f3a4b';
const seedId = (name: string) => uuidv5(name, SEED_NAMESPACE);

const DAY = 86_400_000;

/** Password of every demo account (the embedded demo only; SEED_DEMO=false leaves them out). */
export const DEMO_PASSWORD = 'shecun-demo';

/** One demo account per role, as the console's login page offers them. */
export const DEMO_ACCOUNTS: { username: string; displayName: string; grant: GrantSpec }[] = [
  { username: 'coordinator', displayName: '三排镇驻镇干部 (demo)', grant: { role: 'coordinator', scope: '441826105' } },
  { username: 'org-staff', displayName: '广州市慈善会 工作人员 (demo)', grant: { role: 'organization', organizationId: 'org-gz-charity', organizationAdmin: true } },
  { username: 'hub-admin', displayName: '广州市社会组织联合会 管理员 (demo)', grant: { role: 'hub', organizationId: 'org-gz-federation' } },
  { username: 'bureau', displayName: '清远市民政局 (demo)', grant: { role: 'bureau', scope: '4418' } },
  { username: 'auditor', displayName: '省审计人员 (demo)', grant: { role: 'auditor', scope: '44' } },
  { username: 'admin', displayName: '系统管理员 (demo)', grant: { role: 'admin' } },
];

interface Org {
  id: string;
  name: string;
  type: OrganizationType;
  hubKind: HubKind | null;
  categories: Category[];
}

/** Guangzhou organizations, registered by the Guangzhou bureau with generated valid credit codes. */
const ORGS: Org[] = [
  { id: 'org-gz-federation', name: '广州市社会组织联合会', type: 'social_group', hubKind: 'hub', categories: ['industry', 'care', 'volunteer'] },
  { id: 'org-gz-charity', name: '广州市慈善会', type: 'social_group', hubKind: null, categories: ['care', 'health', 'education'] },
  { id: 'org-gz-edu-fdn', name: '广州市教育基金会', type: 'foundation', hubKind: null, categories: ['education'] },
  { id: 'org-gz-doctors', name: '广州市医师协会', type: 'social_group', hubKind: null, categories: ['health'] },
  { id: 'org-gz-volunteers', name: '广州市志愿者协会', type: 'social_group', hubKind: null, categories: ['volunteer', 'care'] },
  { id: 'org-gz-ecommerce', name: '广州市电子商务行业协会', type: 'social_group', hubKind: 'industry_association', categories: ['consumption', 'industry'] },
  { id: 'org-gz-greening', name: '广州市绿化协会', type: 'social_group', hubKind: null, categories: ['greening'] },
  { id: 'org-gz-hr', name: '广州市人力资源服务协会', type: 'social_group', hubKind: 'industry_association', categories: ['employment'] },
  { id: 'org-gz-social-work', name: '广州市社会工作协会', type: 'social_group', hubKind: null, categories: ['care', 'volunteer'] },
  { id: 'org-gz-food', name: '广州市食品行业协会', type: 'social_group', hubKind: 'industry_association', categories: ['consumption'] },
];

const GUANGZHOU_BUREAU: Actor = { id: 'seed-mzj-gz', role: 'bureau', scope: '4401' };

/** Outcome the demo drives a need to, so that every lifecycle state is on show. */
type Outcome =
  | 'draft'
  | 'published'
  | 'offered'
  | 'declined'
  | 'partially'
  | 'withdrawnCommitment'
  | 'fully'
  | 'delivering'
  | 'delivered'
  | 'fulfilled'
  | 'closed'
  | 'withdrawn'
  | 'expired'
  | 'overdue';

interface DemoNeed {
  key: string;
  /** A town (9 digits) or county (6) or city (4) prefix to take the village from. */
  under: string;
  title: string;
  description: string;
  category: Category;
  lineItems: LineItemInput[];
  outcome: Outcome;
  /** Days before now the need was drafted. */
  age: number;
}

const NEEDS: DemoNeed[] = [
  { key: 'sanpai-desks', under: '441826105', title: '三排镇中心小学课桌椅更新', description: '学校现有课桌椅已使用十余年，需更换 120 套。', category: 'education', outcome: 'closed', age: 80,
    lineItems: [{ kind: 'goods', description: '学生课桌椅', unit: '套', quantity: 120, estimatedValueFen: 3_600_000 }] },
  { key: 'sanpai-clinic', under: '441826105', title: '三排镇卫生院义诊与慢病筛查', description: '为瑶寨老人开展义诊和高血压、糖尿病筛查。', category: 'health', outcome: 'fulfilled', age: 70,
    lineItems: [{ kind: 'service_hours', description: '医生义诊', quantity: 80 }, { kind: 'goods', description: '血压计', unit: '台', quantity: 30, estimatedValueFen: 450_000 }] },
  { key: 'sanpai-tea', under: '441826105', title: '瑶山茶叶助农扩销', description: '帮助村集体合作社销售高山茶叶 2,000 斤。', category: 'consumption', outcome: 'partially', age: 40,
    lineItems: [{ kind: 'goods', description: '高山茶叶采购', unit: '斤', quantity: 2000, estimatedValueFen: 16_000_000 }] },
  { key: 'sanpai-elders', under: '441826105', title: '独居老人暖冬关爱', description: '为 60 户独居老人送棉被和取暖器。', category: 'care', outcome: 'delivering', age: 30,
    lineItems: [{ kind: 'goods', description: '棉被', unit: '床', quantity: 60 }, { kind: 'goods', description: '取暖器', unit: '台', quantity: 60 }] },
  { key: 'meizhou-pomelo', under: '4414', title: '金柚电商直播培训', description: '培训村民使用短视频和直播销售金柚。', category: 'industry', outcome: 'delivered', age: 60,
    lineItems: [{ kind: 'training', description: '电商直播培训', quantity: 4, participants: 50 }, { kind: 'funds', description: '培训场地及设备', quantity: 2_000_000 }] },
  { key: 'meizhou-jobs', under: '4414', title: '返乡青年就业岗位对接', description: '为返乡青年提供制造业和服务业就业岗位。', category: 'employment', outcome: 'fully', age: 25,
    lineItems: [{ kind: 'job_posts', description: '制造业技术工岗位', quantity: 30 }] },
  { key: 'meizhou-library', under: '4414', title: '村小图书角', description: '建设村小图书角并捐赠图书。', category: 'education', outcome: 'offered', age: 12,
    lineItems: [{ kind: 'facility', description: '图书角', quantity: 1, estimatedValueFen: 1_500_000 }, { kind: 'goods', description: '儿童图书', unit: '册', quantity: 1500 }] },
  { key: 'zhanjiang-water', under: '4408', title: '村饮水净化设备', description: '为村委会安装饮用水净化设备。', category: 'health', outcome: 'withdrawnCommitment', age: 35,
    lineItems: [{ kind: 'facility', description: '净水设备', quantity: 2, estimatedValueFen: 8_000_000 }] },
  { key: 'zhanjiang-mangrove', under: '4408', title: '红树林认种认养', description: '认种红树林幼苗，参与绿美广东生态建设。', category: 'greening', outcome: 'declined', age: 20,
    lineItems: [{ kind: 'goods', description: '红树林幼苗', unit: '株', quantity: 5000 }, { kind: 'service_hours', description: '志愿种植', quantity: 400 }] },
  { key: 'zhanjiang-volunteers', under: '4408', title: '暑期支教志愿服务', description: '大学生志愿者暑期支教。', category: 'volunteer', outcome: 'overdue', age: 50,
    lineItems: [{ kind: 'service_hours', description: '支教课时', quantity: 300 }] },
  { key: 'qingyuan-chicken', under: '4418', title: '清远鸡消费帮扶', description: '会员单位食堂采购村集体养殖的清远鸡。', category: 'consumption', outcome: 'fulfilled', age: 75,
    lineItems: [{ kind: 'funds', description: '采购款', quantity: 30_000_000 }] },
  { key: 'qingyuan-rehab', under: '4418', title: '残疾人康复辅具', description: '为 20 名残疾人配置轮椅和助行器。', category: 'care', outcome: 'published', age: 6,
    lineItems: [{ kind: 'goods', description: '轮椅', unit: '辆', quantity: 20, estimatedValueFen: 1_600_000 }] },
  { key: 'qingyuan-road', under: '4418', title: '村道路灯', description: '为进村道路安装太阳能路灯。', category: 'industry', outcome: 'withdrawn', age: 45,
    lineItems: [{ kind: 'goods', description: '太阳能路灯', unit: '盏', quantity: 40 }] },
  { key: 'zhaoqing-trees', under: '4412', title: '乡村绿化认种', description: '村道两侧补种乡土树种。', category: 'greening', outcome: 'expired', age: 90,
    lineItems: [{ kind: 'goods', description: '乡土树苗', unit: '株', quantity: 800 }] },
  { key: 'zhaoqing-kids', under: '4412', title: '留守儿童课后托管', description: '村社区课后托管和作业辅导。', category: 'care', outcome: 'partially', age: 28,
    lineItems: [{ kind: 'service_hours', description: '社工服务', quantity: 600 }, { kind: 'funds', description: '活动经费', quantity: 5_000_000 }] },
  { key: 'zhaoqing-cooperative', under: '4412', title: '合作社农产品包装设计', description: '为合作社设计农产品包装并注册商标。', category: 'industry', outcome: 'draft', age: 2,
    lineItems: [{ kind: 'service_hours', description: '设计服务', quantity: 60 }] },
  { key: 'conghua-homestay', under: '440117', title: '从化民宿服务技能培训', description: '为村民民宿经营者开展服务技能培训。', category: 'employment', outcome: 'closed', age: 85,
    lineItems: [{ kind: 'training', description: '民宿服务培训', quantity: 2, participants: 60 }] },
  { key: 'zengcheng-lychee', under: '440118', title: '增城荔枝助农扩销', description: '荔枝季帮助农户拓宽销路。', category: 'consumption', outcome: 'delivered', age: 55,
    lineItems: [{ kind: 'goods', description: '荔枝采购', unit: '斤', quantity: 10_000, estimatedValueFen: 20_000_000 }] },
  { key: 'huadu-elderly', under: '440114', title: '花都长者饭堂', description: '为村长者饭堂添置厨房设备。', category: 'care', outcome: 'fully', age: 18,
    lineItems: [{ kind: 'goods', description: '厨房设备', unit: '套', quantity: 2, estimatedValueFen: 6_000_000 }] },
];

export interface SeedProgress {
  (done: number, total: number): void;
}

export interface SeedOptions {
  /**
   * The demo's "now" (ms): its simulated history is dated back from it. A seed completed after an
   * interruption passes the first run's, so that it appends what an uninterrupted run would have.
   */
  now?: number;
}

export interface SeedResult {
  needs: number;
  organizations: number;
  pairings: number;
  teams: number;
  donationFlows: number;
  accounts: number;
}

/**
 * Builds the demo through the same command path as the API, with a simulated history: the ten
 * core Guangzhou organizations and a few hundred more across Guangdong, key villages and pairings,
 * needs in every state, two teams delivering to 三排镇, and donation flows from donors through a
 * fund to village uses. Progress counts organizations, key
 * areas, pairings, team steps and needs. Every command's id derives from its name and a command id
 * already in its stream returns its first outcome, so a run after an interrupted one (with the same
 * `now`) appends exactly what is missing; seed/first-start.ts brackets a run with its markers.
 */
export async function seedDemo(app: INestApplicationContext, onProgress?: SeedProgress, options: SeedOptions = {}): Promise<SeedResult> {
  const bus = yieldingBetweenCommands(app.get(CommandBus));
  const identity = app.get(IdentityService);
  const passwordHash = await hashPassword(DEMO_PASSWORD);
  for (const account of DEMO_ACCOUNTS) await identity.provision({ ...account, passwordHash }, `demo/account/${account.username}`);
  const regions = app.get(RegionsService);
  const now = options.now ?? Date.now();
  const generated = demoOrganizations(regions);
  const guangzhou = [...ORGS, ...generated.filter((o) => o.homeDivisionCode === '4401')];
  const pairings = plannedPairings(regions, guangzhou, generated);
  const keys = keyAreas(regions);
  const total = ORGS.length + generated.length + keys.towns.length + keys.villages.length + pairings.length + NEEDS.length + TEAM_STEPS + DONATION_STEPS;
  let progress = 0;
  const tick: Tick = () => onProgress?.(++progress, total);

  await seedOrganizations(bus, now, tick);
  await seedGeneratedOrganizations(bus, generated, seedId, now, tick);
  // The needs context's standings view must know every organization before they commit.
  await app.get(ProjectionHost).runner('needs-organization-standings').catchUp();
  await seedPairings(bus, regions, pairings, seedId, now, tick);
  const coordinator = (village: string): Actor => ({ id: `cadre-${village}`, role: 'coordinator', scope: village });
  const staff = (org: Org): Actor => ({ id: `staff-${org.id}`, role: org.id === 'org-gz-federation' ? 'hub' : 'organization', organizationId: org.id });
  const date = (ms: number) => new Date(ms).toISOString().slice(0, 10);
  const store = app.get<EventStore>(EVENT_STORE);
  const hasExpired = async (needId: string) => (await store.readStream(needStream(needId))).some((e) => e.type === 'NeedExpired');

  for (const [index, need] of NEEDS.entries()) {
    const village = firstVillageUnder(regions, need.under, index);
    const needId = seedId(`need/${need.key}`);
    let clock = now - need.age * DAY;
    let step = 0;
    const run = async (actor: Actor, command: NeedCommand) => {
      clock += 0.4 * DAY + ((index * 7 + step) % 5) * 3_600_000;
      const at = new Date(Math.min(clock, now - 60_000));
      const commandId = seedId(`need/${need.key}/${step++}`);
      return bus.execute(new ExecuteNeedCommand(needId, command, { actor, commandId, correlationId: seedId(`need/${need.key}`) }, at));
    };
    const published = need.outcome !== 'draft';
    const dueDate = need.outcome === 'expired' ? date(now - need.age * DAY + 20 * DAY) : date(now + 60 * DAY);
    await run(coordinator(village), {
      type: 'DraftNeed', needId, villageCode: village, title: need.title, description: need.description, category: need.category,
      lineItems: need.lineItems, dueDate, autoAccept: false, publish: published,
    });
    if (need.outcome === 'expired') {
      clock = now - need.age * DAY + 21 * DAY;
      await run({ id: 'system', role: 'system' }, { type: 'ExpireNeed' }).catch(async (error: unknown) => {
        // The expiry sweeper (10 s after start) may have expired it first while a slow seed ran.
        if (!(error instanceof DomainError) || !(await hasExpired(needId))) throw error;
      });
    } else if (need.outcome === 'withdrawn') {
      await run(coordinator(village), { type: 'WithdrawNeed', reason: '已由县级财政资金解决' });
    } else if (published && need.outcome !== 'published') {
      await driveCommitments(need, index, village, run, (o) => staff(o), coordinator(village), now, date);
    }
    tick();
  }
  await seedTeams(bus, regions, seedId, now, () => app.get(ProjectionHost).runner('needs-team-rosters').catchUp(), tick);
  const donations = await seedDonations(bus, seedId, (key) => seedId(`need/${key}`), now, tick);
  return {
    needs: NEEDS.length + DEMO_TEAMS.length,
    organizations: ORGS.length + generated.length,
    pairings: pairings.length,
    teams: DEMO_TEAMS.length,
    donationFlows: donations.flows,
    accounts: DEMO_ACCOUNTS.length,
  };
}

/**
 * The command bus, letting the event loop turn before each command: the SQLite store answers at
 * once, and a server seeding on its first start keeps answering (GET /health 503) meanwhile.
 */
function yieldingBetweenCommands(bus: CommandBus): CommandBus {
  return new Proxy(bus, {
    get(target, property, receiver) {
      if (property !== 'execute') return Reflect.get(target, property, receiver);
      return async (command: Parameters<CommandBus['execute']>[0]) => {
        await new Promise((resolve) => setImmediate(resolve));
        return target.execute(command);
      };
    },
  });
}

/** Registers the core demo organizations (100 days back). */
async function seedOrganizations(bus: CommandBus, now: number, tick: Tick): Promise<void> {
  for (const [index, org] of ORGS.entries()) {
    const commandId = seedId(`org/${org.id}`);
    await bus.execute(
      new ExecuteOrganizationCommand(
        org.id,
        {
          type: 'RegisterOrganization',
          organizationId: org.id,
          creditCode: makeCreditCode(org.type, '440100', 1000 + index),
          name: org.name,
          homeDivisionCode: '4401',
          hubKind: org.hubKind,
          categories: org.categories,
          contact: { person: '秘书处', address: '广州市' },
          memberUnits: [],
          description: '',
        },
        { actor: GUANGZHOU_BUREAU, commandId, correlationId: commandId },
        new Date(now - 100 * DAY + index * 3_600_000),
      ),
    );
    tick();
  }
}

type Run = (actor: Actor, command: NeedCommand) => Promise<unknown>;

async function driveCommitments(
  need: DemoNeed,
  index: number,
  village: string,
  run: Run,
  staff: (org: Org) => Actor,
  coordinator: Actor,
  now: number,
  date: (ms: number) => string,
) {
  const org = ORGS[index % ORGS.length];
  const other = ORGS[(index + 3) % ORGS.length];
  const items = need.lineItems.map((li, i) => ({ lineItemId: `L${i + 1}`, quantity: li.quantity }));
  const half = need.lineItems.map((li, i) => ({ lineItemId: `L${i + 1}`, quantity: Math.max(1, Math.floor(li.quantity / 2)) }));
  const commitmentId = seedId(`commitment/${need.key}/1`);
  const promisedBy = need.outcome === 'overdue' ? date(now - 5 * DAY) : date(now + 20 * DAY);
  const offer = (o: Org, id: string, what: typeof items) =>
    run(staff(o), { type: 'OfferCommitment', commitmentId: id, organizationId: o.id, organizationName: o.name, items: what, promisedBy, note: `${o.name}承接` });

  if (need.outcome === 'declined') {
    await offer(org, commitmentId, half);
    await run(coordinator, { type: 'DeclineCommitment', commitmentId, reason: '时间安排不合适' });
    return;
  }
  if (need.outcome === 'offered') {
    await offer(org, commitmentId, half);
    await offer(other, seedId(`commitment/${need.key}/2`), half);
    return;
  }
  const partial = need.outcome === 'partially';
  await offer(org, commitmentId, partial ? half : items);
  await run(coordinator, { type: 'AcceptCommitment', commitmentId });
  if (need.outcome === 'withdrawnCommitment') {
    await run(staff(org), { type: 'WithdrawCommitment', commitmentId, reason: '设备供应商延期，无法按期交付' });
    return;
  }
  // Overdue: promised (at the time of the offer) for a date that has passed since, and not delivered.
  if (need.outcome === 'overdue') return;
  if (partial || need.outcome === 'fully') return;
  const deliveryId = seedId(`delivery/${need.key}/1`);
  await run(staff(org), {
    type: 'RecordDelivery', commitmentId, deliveryId, items,
    evidence: [{ kind: 'photo', ref: `demo/${need.key}/handover.jpg`, note: '交接现场照片' }, { kind: 'recipient_list', ref: `demo/${need.key}/recipients.pdf` }],
    note: '已按清单交付',
  });
  if (need.outcome === 'delivering') return;
  await run(coordinator, { type: 'ConfirmDelivery', commitmentId, deliveryId, note: '已验收' });
  if (need.outcome === 'delivered') return;
  await run(coordinator, { type: 'FulfilNeed', note: '村民反映良好' });
  if (need.outcome === 'closed') await run(coordinator, { type: 'CloseNeed', note: '归档' });
}

function firstVillageUnder(regions: RegionsService, prefix: string, salt: number): string {
  let code = prefix;
  while (code.length < 12) {
    const children = regions.children(code);
    if (children.length === 0) throw new Error(`no divisions under ${code}`);
    code = children[salt % children.length].code;
  }
  return code;
}
