import { CommandBus } from '@nestjs/cqrs';
import { Actor } from '@shecun/core';
import { ExecuteNeedCommand, LineItemInput, NeedCommand } from '@shecun/needs';
import { Category } from '@shecun/categories';
import {
  ExecuteKeyAreaCommand,
  ExecuteOrganizationCommand,
  ExecutePairingCommand,
  ExecuteTeamCommand,
  HubKind,
  InvitableRole,
  makeCreditCode,
  OrganizationType,
  pairingId,
  TeamRequest,
} from '@shecun/organizations';
import { RegionsService } from '@shecun/regions';
import { createHash } from 'node:crypto';

/**
 * The demo's organizations across Guangdong (social organizations of every city and of the
 * counterpart cities' counties, with a federation hub per city and industry associations), the
 * 千社扶百村 pairings with key villages of 梅州, 湛江, 清远 and 肇庆, and two 组团帮扶 teams
 * delivering to 三排镇 needs. Everything goes through the command bus with ids derived from names,
 * so a second run appends nothing.
 */

const DAY = 86_400_000;
export type SeedId = (name: string) => string;

export interface DemoOrganization {
  id: string;
  name: string;
  type: OrganizationType;
  hubKind: HubKind | null;
  categories: Category[];
  homeDivisionCode: string;
  creditCode: string;
  /** Bureau staff of the division it registers with. */
  registrar: Actor;
}

interface Template {
  key: string;
  suffix: string;
  type: OrganizationType;
  hubKind?: HubKind;
  categories: Category[];
}

/** Registered with each city's bureau. */
const CITY_TEMPLATES: Template[] = [
  { key: 'federation', suffix: '社会组织总会', type: 'social_group', hubKind: 'hub', categories: ['industry', 'care', 'volunteer'] },
  { key: 'charity', suffix: '慈善会', type: 'social_group', categories: ['care', 'health', 'education'] },
  { key: 'edu-fdn', suffix: '教育基金会', type: 'foundation', categories: ['education'] },
  { key: 'kids-fdn', suffix: '儿童关爱基金会', type: 'foundation', categories: ['care', 'education'] },
  { key: 'volunteers', suffix: '志愿者协会', type: 'social_group', categories: ['volunteer', 'care'] },
  { key: 'social-work', suffix: '社会工作协会', type: 'social_group', categories: ['care', 'volunteer'] },
  { key: 'doctors', suffix: '医师协会', type: 'social_group', categories: ['health'] },
  { key: 'elderly', suffix: '乐龄社会工作服务中心', type: 'social_service_institution', categories: ['care', 'health'] },
  { key: 'ecommerce', suffix: '电子商务行业协会', type: 'social_group', hubKind: 'industry_association', categories: ['consumption', 'industry'] },
  { key: 'agri', suffix: '农业龙头企业协会', type: 'social_group', hubKind: 'industry_association', categories: ['industry', 'consumption'] },
  { key: 'hr', suffix: '人力资源服务行业协会', type: 'social_group', hubKind: 'industry_association', categories: ['employment'] },
  { key: 'greening', suffix: '绿化协会', type: 'social_group', categories: ['greening'] },
  { key: 'youth', suffix: '青年创业促进会', type: 'social_group', categories: ['employment', 'industry'] },
  { key: 'skills', suffix: '职业技能培训中心', type: 'social_service_institution', categories: ['employment', 'education'] },
];
/** Guangzhou's own of these are among the ten core demo organizations already. */
const GUANGZHOU_HAS = new Set(['federation', 'charity', 'edu-fdn', 'volunteers', 'social-work', 'doctors', 'ecommerce', 'hr', 'greening']);

/** Registered with the county bureaus of the counterpart cities and of Guangzhou's rural districts. */
const COUNTY_TEMPLATES: Template[] = [
  { key: 'charity', suffix: '慈善会', type: 'social_group', categories: ['care', 'health'] },
  { key: 'volunteers', suffix: '志愿服务协会', type: 'social_group', categories: ['volunteer'] },
  { key: 'social-work', suffix: '社会工作服务中心', type: 'social_service_institution', categories: ['care'] },
];

/** Guangzhou's counterpart cities (梅州, 湛江, 清远, 肇庆) and its rural districts (从化, 增城, 花都). */
export const COUNTERPART_CITIES = ['4414', '4408', '4418', '4412'];
const GUANGZHOU_RURAL = ['440117', '440118', '440114'];
export const SANPAI = '441826105';

/** Counties whose second town (镇) is a key town with key villages, three per counterpart city. */
const KEY_TOWN_COUNTIES = ['441422', '441424', '441426', '440823', '440825', '440882', '441823', '441882', '441223', '441224', '441225'];

/** Listed as abnormal (活动异常名录) after registering, so that the directory shows every standing. */
const ABNORMAL = ['org-4405-greening', 'org-4409-youth', 'org-4453-skills'];

const bureauOf = (code: string): Actor => ({ id: `seed-mzj-${code}`, role: 'bureau', scope: code });
export const staffOf = (org: { id: string; hubKind: HubKind | null }): Actor => ({ id: `staff-${org.id}`, role: org.hubKind ? 'hub' : 'organization', organizationId: org.id });

/** A credit-code serial per organization id (100000…899999), distinct within the list. */
function serials(ids: string[]): Map<string, number> {
  const used = new Set<number>();
  const out = new Map<string, number>();
  for (const id of ids) {
    let serial = 100_000 + (createHash('sha256').update(id).digest().readUInt32BE(0) % 800_000);
    while (used.has(serial)) serial = serial === 899_999 ? 100_000 : serial + 1;
    used.add(serial);
    out.set(id, serial);
  }
  return out;
}

/** The generated organizations, in a fixed order (the regions data's order). */
export function demoOrganizations(regions: RegionsService): DemoOrganization[] {
  const drafts: Omit<DemoOrganization, 'creditCode'>[] = [];
  for (const city of regions.children('44')) {
    for (const t of CITY_TEMPLATES) {
      if (city.code === '4401' && GUANGZHOU_HAS.has(t.key)) continue;
      drafts.push({ id: `org-${city.code}-${t.key}`, name: `${city.name}${t.suffix}`, type: t.type, hubKind: t.hubKind ?? null, categories: t.categories, homeDivisionCode: city.code, registrar: bureauOf(city.code) });
    }
  }
  const counties = [...COUNTERPART_CITIES.flatMap((c) => regions.children(c).map((d) => d.code)), ...GUANGZHOU_RURAL];
  for (const code of counties) {
    const county = regions.get(code)!;
    for (const t of COUNTY_TEMPLATES) {
      drafts.push({ id: `org-${code}-${t.key}`, name: `${county.name}${t.suffix}`, type: t.type, hubKind: t.hubKind ?? null, categories: t.categories, homeDivisionCode: code, registrar: bureauOf(code) });
    }
  }
  const serial = serials(drafts.map((d) => d.id));
  return drafts.map((d) => ({ ...d, creditCode: makeCreditCode(d.type, d.homeDivisionCode.padEnd(6, '0'), serial.get(d.id)!) }));
}

export interface Tick {
  (): void;
}

/** Registers the generated organizations (about a year back) and lists a few as abnormal. */
export async function seedGeneratedOrganizations(bus: CommandBus, orgs: DemoOrganization[], seedId: SeedId, now: number, tick: Tick): Promise<void> {
  for (const [index, org] of orgs.entries()) {
    const commandId = seedId(`org/${org.id}`);
    await bus.execute(
      new ExecuteOrganizationCommand(
        org.id,
        {
          type: 'RegisterOrganization',
          organizationId: org.id,
          creditCode: org.creditCode,
          name: org.name,
          homeDivisionCode: org.homeDivisionCode,
          hubKind: org.hubKind,
          categories: org.categories,
          contact: { person: '秘书处' },
          memberUnits: [],
          description: '',
        },
        { actor: org.registrar, commandId, correlationId: commandId },
        new Date(now - 400 * DAY + index * 3 * 3_600_000),
      ),
    );
    if (ABNORMAL.includes(org.id)) {
      const listing = seedId(`org/${org.id}/abnormal`);
      await bus.execute(
        new ExecuteOrganizationCommand(org.id, { type: 'ListAbnormal', reason: '未按规定报送年度工作报告' }, { actor: org.registrar, commandId: listing, correlationId: listing }, new Date(now - 30 * DAY)),
      );
    }
    tick();
  }
}

interface PlannedPairing {
  org: { id: string; hubKind: HubKind | null };
  targetCode: string;
  categories: Category[];
  /** Who proposes: the organization's own staff, or the target city's bureau. */
  byBureau: boolean;
  outcome: 'active' | 'proposed' | 'declined' | 'ended';
}

/** Key towns (重点帮扶镇) of the counterpart cities and their key villages: 三排镇 and one town per listed county. */
export function keyAreas(regions: RegionsService): { towns: string[]; villages: string[] } {
  const towns = [SANPAI];
  for (const county of KEY_TOWN_COUNTIES) {
    const town = regions.children(county).filter((t) => t.name.endsWith('镇'))[1];
    if (!town) throw new Error(`no second town in ${county}`);
    towns.push(town.code);
  }
  const villages = towns.flatMap((town) => regions.children(town).slice(0, town === SANPAI ? 6 : 4).map((v) => v.code));
  return { towns, villages };
}

/** Who pairs with what: Guangzhou organizations with key villages, local charities and city federations too. */
export function plannedPairings(regions: RegionsService, guangzhou: { id: string; hubKind: HubKind | null }[], generated: DemoOrganization[]): PlannedPairing[] {
  const { towns, villages } = keyAreas(regions);
  const byId = new Map(generated.map((o) => [o.id, o]));
  const plans: PlannedPairing[] = [];
  const outcomes: PlannedPairing['outcome'][] = ['active', 'active', 'active', 'active', 'active', 'active', 'proposed', 'declined'];
  for (const [i, village] of villages.entries()) {
    const org = guangzhou[i % guangzhou.length];
    plans.push({ org, targetCode: village, categories: i % 2 ? ['education', 'care'] : ['industry', 'consumption'], byBureau: false, outcome: i === 9 ? 'ended' : outcomes[i % outcomes.length] });
    if (i % 3 === 0) {
      const local = byId.get(`org-${village.slice(0, 6)}-charity`) ?? byId.get(`org-${village.slice(0, 4)}-charity`)!;
      plans.push({ org: local, targetCode: village, categories: ['care'], byBureau: true, outcome: 'active' });
    }
  }
  for (const town of towns) {
    plans.push({ org: byId.get(`org-${town.slice(0, 4)}-federation`)!, targetCode: town, categories: ['industry', 'volunteer'], byBureau: true, outcome: 'active' });
  }
  plans.push({ org: { id: 'org-gz-federation', hubKind: 'hub' }, targetCode: SANPAI, categories: ['education', 'care', 'industry'], byBureau: false, outcome: 'active' });
  return plans;
}

/** Designates the key towns and villages, then proposes and confirms (or declines, or ends) the pairings. */
export async function seedPairings(bus: CommandBus, regions: RegionsService, plans: PlannedPairing[], seedId: SeedId, now: number, tick: Tick): Promise<void> {
  const date = (ms: number) => new Date(ms).toISOString().slice(0, 10);
  const { towns, villages } = keyAreas(regions);
  for (const [i, code] of [...towns, ...villages].entries()) {
    const commandId = seedId(`key-area/${code}`);
    await bus.execute(new ExecuteKeyAreaCommand({ type: 'DesignateKeyArea', code, note: '百县千镇万村重点帮扶' }, { actor: bureauOf(code.slice(0, 4)), commandId, correlationId: commandId }, new Date(now - 95 * DAY + i * 600_000)));
    tick();
  }
  for (const [i, plan] of plans.entries()) {
    const id = pairingId(plan.org.id, plan.targetCode);
    const bureau = bureauOf(plan.targetCode.slice(0, 4));
    const at = (days: number) => new Date(now - days * DAY + i * 900_000);
    const run = (actor: Actor, step: string, command: ConstructorParameters<typeof ExecutePairingCommand>[1], when: Date) =>
      bus.execute(new ExecutePairingCommand(id, command, { actor, commandId: seedId(`pairing/${id}/${step}`), correlationId: seedId(`pairing/${id}`) }, when));
    await run(plan.byBureau ? bureau : staffOf(plan.org), 'propose', {
      type: 'ProposePairing', organizationId: plan.org.id, targetCode: plan.targetCode, startDate: date(now - 80 * DAY), endDate: date(now + 3 * 365 * DAY),
      categories: plan.categories, note: '千社扶百村结对帮扶',
    }, at(90));
    if (plan.outcome === 'declined') await run(bureau, 'decline', { type: 'DeclinePairing', reason: '该村已有同类帮扶项目，建议调整帮扶重点' }, at(85));
    if (plan.outcome === 'active' || plan.outcome === 'ended') await run(bureau, 'confirm', { type: 'ConfirmPairing' }, at(85));
    if (plan.outcome === 'ended') await run(staffOf(plan.org), 'end', { type: 'EndPairing', reason: '帮扶项目调整，由本地社会组织接续' }, at(20));
    tick();
  }
}

interface DemoTeam {
  key: string;
  lead: { id: string; hubKind: HubKind };
  title: string;
  description: string;
  categories: Category[];
  leadShare: number;
  invitations: { organizationId: string; role: InvitableRole; share: number; declines?: string }[];
  need: { key: string; village: number; title: string; description: string; category: Category; lineItems: LineItemInput[] };
  /** Each member's share of the commitment, by line item (L1, L2 …). */
  shares: { organizationId: string; items: { lineItemId: string; quantity: number }[] }[];
  /** What the lead records as delivered, and whether the coordinator confirmed it. */
  deliveries: { items: { lineItemId: string; quantity: number }[]; note: string; confirmed: boolean }[];
}

/** Two 组团帮扶 teams, each committing to a 三排镇 need on behalf of its members, who deliver. */
export const DEMO_TEAMS: DemoTeam[] = [
  {
    key: 'sanpai-education',
    lead: { id: 'org-gz-federation', hubKind: 'hub' },
    title: '三排镇瑶寨助学暖冬组团',
    description: '广州市社会组织联合会牵头，教育基金会出资、慈善会和社工协会实施，为三排镇瑶族学生提供助学金和冬衣。',
    categories: ['education', 'care'],
    leadShare: 20,
    invitations: [
      { organizationId: 'org-gz-edu-fdn', role: 'funding', share: 50 },
      { organizationId: 'org-gz-charity', role: 'implementing', share: 20 },
      { organizationId: 'org-gz-social-work', role: 'implementing', share: 10 },
    ],
    need: {
      key: 'sanpai-scholarship', village: 4, title: '瑶族学生助学金与冬衣', description: '为 150 名瑶族中小学生发放助学金和冬衣。', category: 'education',
      lineItems: [{ kind: 'funds', description: '助学金', quantity: 15_000_000 }, { kind: 'goods', description: '学生冬衣', unit: '件', quantity: 300, estimatedValueFen: 4_500_000 }],
    },
    shares: [
      { organizationId: 'org-gz-edu-fdn', items: [{ lineItemId: 'L1', quantity: 10_000_000 }] },
      { organizationId: 'org-gz-federation', items: [{ lineItemId: 'L1', quantity: 5_000_000 }] },
      { organizationId: 'org-gz-charity', items: [{ lineItemId: 'L2', quantity: 200 }] },
      { organizationId: 'org-gz-social-work', items: [{ lineItemId: 'L2', quantity: 100 }] },
    ],
    deliveries: [
      { items: [{ lineItemId: 'L1', quantity: 15_000_000 }], note: '助学金已按名单发放（教育基金会、联合会出资）', confirmed: true },
      { items: [{ lineItemId: 'L2', quantity: 300 }], note: '冬衣由慈善会、社工协会送到各村小', confirmed: false },
    ],
  },
  {
    key: 'sanpai-tea',
    lead: { id: 'org-gz-ecommerce', hubKind: 'industry_association' },
    title: '三排镇瑶山茶产销组团',
    description: '广州市电子商务行业协会牵头，食品行业协会会员单位采购、清远市农业龙头企业协会组织加工，直播带货培训同步开展。',
    categories: ['consumption', 'industry'],
    leadShare: 30,
    invitations: [
      { organizationId: 'org-gz-hr', role: 'implementing', share: 10, declines: '本年度无相关岗位需求' },
      { organizationId: 'org-gz-food', role: 'funding', share: 40 },
      { organizationId: 'org-4418-agri', role: 'implementing', share: 30 },
    ],
    need: {
      key: 'sanpai-tea-market', village: 5, title: '瑶山高山茶产销对接', description: '村集体合作社高山茶叶 3,000 斤待销，并需电商直播培训。', category: 'consumption',
      lineItems: [{ kind: 'goods', description: '高山茶叶采购', unit: '斤', quantity: 3000, estimatedValueFen: 24_000_000 }, { kind: 'training', description: '电商直播带货培训', quantity: 3, participants: 60 }],
    },
    shares: [
      { organizationId: 'org-gz-food', items: [{ lineItemId: 'L1', quantity: 2000 }] },
      { organizationId: 'org-4418-agri', items: [{ lineItemId: 'L1', quantity: 1000 }] },
      { organizationId: 'org-gz-ecommerce', items: [{ lineItemId: 'L2', quantity: 3 }] },
    ],
    deliveries: [
      { items: [{ lineItemId: 'L2', quantity: 3 }], note: '三期直播带货培训已完成', confirmed: true },
      { items: [{ lineItemId: 'L1', quantity: 1200 }], note: '首批茶叶已由会员单位采购', confirmed: true },
    ],
  },
];

/** Steps `seedTeams` reports, for the progress total. */
export const TEAM_STEPS = DEMO_TEAMS.length * 2;

/**
 * Forms the teams, sends and answers the invitations, then (once the needs context's roster view
 * knows the teams: `catchUpRosters`) posts each team's 三排镇 need, commits on behalf of the team
 * with the members' shares, and records the deliveries.
 */
export async function seedTeams(bus: CommandBus, regions: RegionsService, seedId: SeedId, now: number, catchUpRosters: () => Promise<void>, tick: Tick): Promise<void> {
  const date = (ms: number) => new Date(ms).toISOString().slice(0, 10);
  const staff = (organizationId: string): Actor => ({ id: `staff-${organizationId}`, role: 'organization', organizationId });
  const villages = regions.children(SANPAI);
  for (const team of DEMO_TEAMS) {
    const teamId = seedId(`team/${team.key}`);
    const hub: Actor = { id: `staff-${team.lead.id}`, role: 'hub', organizationId: team.lead.id };
    let step = 0;
    const run = (actor: Actor, command: TeamRequest, days: number) =>
      bus.execute(new ExecuteTeamCommand(teamId, command, { actor, commandId: seedId(`team/${team.key}/${step++}`), correlationId: teamId }, new Date(now - days * DAY + step * 3_600_000)));
    await run(hub, {
      type: 'FormTeam', teamId, leadOrganizationId: team.lead.id, targetCode: SANPAI, title: team.title, description: team.description, categories: team.categories,
      targetNeedIds: [seedId(`need/${team.need.key}`)], leadShare: team.leadShare,
    }, 62);
    for (const invitation of team.invitations) {
      await run(hub, { type: 'InviteToTeam', organizationId: invitation.organizationId, role: invitation.role, share: invitation.share, note: '' }, 61);
      if (invitation.declines) await run(staff(invitation.organizationId), { type: 'DeclineTeamInvitation', organizationId: invitation.organizationId, reason: invitation.declines }, 60);
      else await run(staff(invitation.organizationId), { type: 'AcceptTeamInvitation', organizationId: invitation.organizationId }, 60);
    }
    tick();
  }
  await catchUpRosters();
  for (const team of DEMO_TEAMS) {
    const teamId = seedId(`team/${team.key}`);
    const needId = seedId(`need/${team.need.key}`);
    const village = villages[team.need.village % villages.length].code;
    const coordinator: Actor = { id: `cadre-${village}`, role: 'coordinator', scope: village };
    const hub: Actor = { id: `staff-${team.lead.id}`, role: 'hub', organizationId: team.lead.id };
    let step = 0;
    const run = (actor: Actor, command: NeedCommand, days: number) =>
      bus.execute(new ExecuteNeedCommand(needId, command, { actor, commandId: seedId(`need/${team.need.key}/${step++}`), correlationId: needId }, new Date(now - days * DAY + step * 3_600_000)));
    const { need } = team;
    await run(coordinator, { type: 'DraftNeed', needId, villageCode: village, title: need.title, description: need.description, category: need.category, lineItems: need.lineItems, dueDate: date(now + 60 * DAY), autoAccept: false, publish: true }, 58);
    const commitmentId = seedId(`commitment/${need.key}/team`);
    const items = need.lineItems.map((li, i) => ({ lineItemId: `L${i + 1}`, quantity: li.quantity }));
    await run(hub, {
      type: 'OfferCommitment', commitmentId, organizationId: team.lead.id, organizationName: '', items, promisedBy: date(now + 30 * DAY), note: `${team.title}承接`, teamId, shares: team.shares,
    }, 55);
    await run(coordinator, { type: 'AcceptCommitment', commitmentId }, 54);
    for (const [i, delivery] of team.deliveries.entries()) {
      const deliveryId = seedId(`delivery/${need.key}/${i + 1}`);
      await run(hub, {
        type: 'RecordDelivery', commitmentId, deliveryId, items: delivery.items, note: delivery.note,
        evidence: [{ kind: 'photo', ref: `demo/${need.key}/delivery-${i + 1}.jpg`, note: '交接现场照片' }, { kind: 'recipient_list', ref: `demo/${need.key}/recipients-${i + 1}.pdf` }],
      }, 40 - i * 5);
      if (delivery.confirmed) await run(coordinator, { type: 'ConfirmDelivery', commitmentId, deliveryId, note: '已核实' }, 38 - i * 5);
    }
    tick();
  }
}
