import { CommandBus } from '@nestjs/cqrs';
import { Actor, CommandResult } from '@shecun/core';
import { availableOf, ExecuteFlowCommand, ExecuteFundCommand, FlowRequest, FlowState, netAllocation, usedOn } from '@shecun/donations';
import { RecordedEvent } from '@shecun/event-store';
import { bucketsOfDate, MONEY_FIELDS, MoneyFigures, MonitoringQueries, Period } from '@shecun/monitoring';
import { ExecuteNeedCommand, NeedCommand } from '@shecun/needs';
import { RegionsService } from '@shecun/regions';
import fc from 'fast-check';
import { randomUUID } from 'node:crypto';
import { registerOrganizations } from '../support/organizations';
import { fen, Flat, foldRaw, net, Op, opArb, recount } from '../support/donation-graphs';
import { removeDir, startEmbeddedApp, TestApp } from '../support/embedded-app';

/**
 * The counting rules over generated donation graphs, on the real embedded app: gifts of money and
 * goods to organizations and a fund, transfers two and three hops deep (some never received, some
 * received in part, some refunded by their receiver), allocations to villages and needs of several
 * cities with returns, uses with and without evidence, confirmations, refunds and receipt
 * corrections, and needs with commitments — all through the command path, read back through the
 * dashboard's queries after the projections caught up. After every generated graph:
 * (a) the province's received money is the sum of the gifts received from outside;
 * (b) every summed figure of every region (province, city, county, town) equals the sum of its
 *     children's (plus 未分配 at the province), in every week, month and quarter, and for needs in
 *     every category;
 * (c) every money figure equals a recomputation from the raw events by a simple fold of them
 *     (test/support/donation-graphs.ts, with the operations the graphs are generated from).
 */

const ADMIN: Actor = { id: 'counting-admin', role: 'admin' };
const FDN = 'org-cnt-fdn';
const HUB = 'org-cnt-hub';
const CHARITY = 'org-cnt-charity';
const CLINIC = 'org-cnt-clinic';
const FUND = 'fund-cnt-edu';
const PARTIES = [
  { kind: 'organization' as const, id: FDN, staff: FDN },
  { kind: 'organization' as const, id: HUB, staff: HUB },
  { kind: 'organization' as const, id: CHARITY, staff: CHARITY },
  { kind: 'organization' as const, id: CLINIC, staff: CLINIC },
  { kind: 'fund' as const, id: FUND, staff: FDN },
];
const staff = (organizationId: string): Actor => ({ id: `cnt-staff-${organizationId}`, role: 'organization', organizationId });
const CATEGORIES = ['education', 'health'] as const;
const PERIODS: Period[] = ['week', 'month', 'quarter'];
const FIGURES = Object.keys(MONEY_FIELDS) as (keyof typeof MONEY_FIELDS)[];

// ---- the spec ----------------------------------------------------------------------------------

describe('counting donated money (generated donation graphs on the embedded app)', () => {
  let t: TestApp;
  let villages: string[];
  let queries: MonitoringQueries;
  const needs: Array<{ id: string; village: string }> = [];

  beforeAll(async () => {
    process.env.NEED_EXPIRY_SWEEP = 'false';
    t = await startEmbeddedApp();
    queries = t.app.get(MonitoringQueries);
    const regions = t.app.get(RegionsService);
    // Villages of two towns in 连南 and one in 清城 (清远), and of towns in two other cities.
    const firstTown = (county: string) => regions.children(county)[0].code;
    const towns = ['441826105', '441826105', '441802006', firstTown(regions.children('4401')[0].code), firstTown(regions.children('4414')[0].code)];
    villages = [...new Set(towns.flatMap((town) => regions.children(town).slice(0, 2).map((v) => v.code)))];
    await registerOrganizations(t, [
      { id: FDN, name: '计数测试教育基金会', type: 'foundation' },
      { id: HUB, name: '计数测试联合会', hubKind: 'hub' },
      { id: CHARITY, name: '计数测试慈善会' },
      { id: CLINIC, name: '计数测试医师协会', homeDivisionCode: '441802' },
    ]);
    await t.app.get(CommandBus).execute(
      new ExecuteFundCommand(FUND, { type: 'EstablishFund', holderOrganizationId: FDN, name: '计数测试专项基金', purpose: '测试' }, { actor: staff(FDN), commandId: randomUUID(), correlationId: randomUUID() }),
    );
  });

  afterAll(async () => {
    delete process.env.NEED_EXPIRY_SWEEP;
    await t.close();
    removeDir(t.dataDir);
  });

  /** Runs one generated graph through the command path; commands the rules refuse are skipped by construction. */
  async function run(ops: Op[], start: number): Promise<void> {
    const bus = t.app.get(CommandBus);
    let clock = start;
    const at = () => new Date((clock += 3_600_000 * 7 + 60_000)); // 7 hours apart: weeks, months and quarters get several
    const flows = new Map<string, FlowState>();
    const pending: Array<{ parent: string; allocationId: string; net: number; receiver: string }> = [];
    const flow = async (flowId: string, actor: Actor, request: FlowRequest) => {
      const result = await bus.execute<ExecuteFlowCommand, CommandResult<FlowState>>(new ExecuteFlowCommand(flowId, request, { actor, commandId: randomUUID(), correlationId: randomUUID() }, at()));
      flows.set(result.state.id, result.state);
      return result.state;
    };
    const holderStaff = (s: FlowState) => staff(s.recipient.organizationId);
    const received = () => [...flows.values()].filter((s) => s.receivedAt);
    const villageAllocations = () => received().flatMap((s) => s.allocations.filter((a) => a.target.kind === 'need' || a.target.kind === 'village').map((a) => ({ s, a })));
    for (const op of ops) {
      switch (op.kind) {
        case 'gift': {
          const party = PARTIES[op.party % PARTIES.length];
          const flowId = randomUUID();
          const resource = op.goods ? { kind: 'goods' as const, item: '大米', unit: '袋', estimatedValueFen: op.valueFen } : { kind: 'money' as const };
          const amount = op.goods ? 1 + (op.amount % 500) : op.amount;
          await flow(flowId, staff(party.staff), { type: 'PledgeDonation', donor: { kind: 'individual' }, recipient: { kind: party.kind, id: party.id }, resource, amount, note: '' });
          await flow(flowId, staff(party.staff), { type: 'ReceiveDonation', receiptNumber: `R-${flowId.slice(0, 8)}`, amount: Math.max(1, Math.floor(amount * op.part)), receivedOn: '2025-01-01' });
          break;
        }
        case 'allocate':
        case 'transfer':
        case 'refund':
        case 'correct': {
          const nodes = received();
          if (nodes.length === 0) break;
          const s = nodes[op.node % nodes.length];
          const available = availableOf(s);
          const amount = Math.floor(available * op.part);
          if (op.kind === 'correct') {
            const committed = s.received - available;
            const to = committed + Math.floor((s.pledged - committed) * op.part);
            if (s.parent || to < 1 || to === s.received) break;
            await flow(s.id, holderStaff(s), { type: 'CorrectReceipt', amount: to, receiptNumber: `${s.receiptNumber}-C`, reason: '更正' });
            break;
          }
          if (amount < 1) break;
          if (op.kind === 'refund') {
            await flow(s.id, holderStaff(s), { type: 'RefundDonation', amount, reason: '退回捐赠方' });
          } else if (op.kind === 'allocate') {
            const target = op.pick % 3 === 0 && needs.length > 0
              ? (() => { const n = needs[op.pick % needs.length]; return { kind: 'need' as const, needId: n.id }; })()
              : { kind: 'village' as const, villageCode: villages[op.pick % villages.length], project: '村级项目' };
            await flow(s.id, holderStaff(s), { type: 'AllocateDonation', allocationId: randomUUID(), target, amount, note: '' });
          } else {
            const others = PARTIES.filter((p) => !(p.kind === s.recipient.kind && p.id === s.recipient.id));
            const to = others[op.pick % others.length];
            const allocationId = randomUUID();
            await flow(s.id, holderStaff(s), { type: 'AllocateDonation', allocationId, target: { kind: to.kind, id: to.id }, amount, note: '' });
            pending.push({ parent: s.id, allocationId, net: amount, receiver: to.staff });
          }
          break;
        }
        case 'chain': {
          const nodes = received();
          if (nodes.length === 0) break;
          let s = nodes[op.node % nodes.length];
          for (let hop = 0; hop < op.hops; hop++) {
            const amount = Math.floor(availableOf(s) * op.part);
            if (amount < 1) break;
            const others = PARTIES.filter((p) => !(p.kind === s.recipient.kind && p.id === s.recipient.id));
            const to = others[(op.pick + hop) % others.length];
            const allocationId = randomUUID();
            await flow(s.id, holderStaff(s), { type: 'AllocateDonation', allocationId, target: { kind: to.kind, id: to.id }, amount, note: '' });
            s = await flow('', staff(to.staff), { type: 'ReceiveTransfer', parentFlowId: s.id, allocationId, receiptNumber: `T-${allocationId.slice(0, 8)}`, amount: Math.max(1, Math.floor(amount * op.received)), receivedOn: '2025-01-01' });
          }
          break;
        }
        case 'receive': {
          if (pending.length === 0) break;
          const [p] = pending.splice(op.pick % pending.length, 1);
          await flow('', staff(p.receiver), { type: 'ReceiveTransfer', parentFlowId: p.parent, allocationId: p.allocationId, receiptNumber: `T-${p.allocationId.slice(0, 8)}`, amount: Math.max(1, Math.floor(p.net * op.part)), receivedOn: '2025-01-01' });
          break;
        }
        case 'return':
        case 'use': {
          const open = villageAllocations().filter(({ s, a }) => netAllocation(a) - usedOn(s, a.id) > 0);
          if (open.length === 0) break;
          const { s, a } = open[op.pick % open.length];
          const amount = Math.max(1, Math.floor((netAllocation(a) - usedOn(s, a.id)) * op.part));
          if (op.kind === 'return') await flow(s.id, holderStaff(s), { type: 'ReturnAllocation', allocationId: a.id, amount, reason: '项目调整' });
          else await flow(s.id, holderStaff(s), { type: 'RecordUse', useId: randomUUID(), allocationId: a.id, amount, evidence: op.evidence ? [{ kind: 'invoice', ref: 'No.1' }] : [], usedOn: '2025-01-01', note: '' });
          break;
        }
        case 'confirm': {
          const open = received().flatMap((s) => s.uses.filter((u) => !u.confirmedAt).map((u) => ({ s, u })));
          if (open.length === 0) break;
          const { s, u } = open[op.pick % open.length];
          await flow(s.id, { id: `cnt-coord-${u.villageCode}`, role: 'coordinator', scope: u.villageCode }, { type: 'ConfirmUse', useId: u.id, note: '现场验收', ...(u.evidence.length ? {} : { reason: '村委会现场核实，凭证待补' }) });
          break;
        }
        case 'need': {
          const needId = randomUUID();
          const village = villages[op.village % villages.length];
          const coordinator: Actor = { id: `cnt-coord-${village}`, role: 'coordinator', scope: village };
          const steps: Array<[Actor, NeedCommand]> = [[coordinator, {
            type: 'DraftNeed', needId, villageCode: village, title: '计数测试需求', description: '', category: CATEGORIES[op.category % 2], dueDate: null, autoAccept: false, publish: true,
            lineItems: [{ kind: 'goods', description: '课桌', unit: '套', quantity: 10 }],
          }]];
          if (op.matched) {
            steps.push([staff(CHARITY), { type: 'OfferCommitment', commitmentId: 'c1', organizationId: CHARITY, organizationName: '计数测试慈善会', items: [{ lineItemId: 'L1', quantity: 4 }], promisedBy: '2026-12-31', note: '' }]);
            steps.push([coordinator, { type: 'AcceptCommitment', commitmentId: 'c1' }]);
          }
          for (const [actor, command] of steps) await bus.execute(new ExecuteNeedCommand(needId, command, { actor, commandId: randomUUID(), correlationId: randomUUID() }, at()));
          needs.push({ id: needId, village });
          break;
        }
      }
    }
    await t.projections.waitFor(await t.store.headPosition());
  }

  const summary = (region: string, period: Period, category?: string) => queries.summary(ADMIN, { region, period, category });
  const byBucket = (s: Awaited<ReturnType<typeof summary>>) => new Map(s.rows.map((r) => [r.period.key, r]));
  const moneyOf = (d: MoneyFigures | undefined) => FIGURES.map((f) => d?.[MONEY_FIELDS[f]] ?? 0);

  it('counts every gift once, adds up across regions and equals a recount of the raw events', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(opArb, { minLength: 6, maxLength: 28 }), fc.integer({ min: 0, max: 300 }), async (ops, day) => {
        // Gifts first so that every graph has something to pass on, then everything else in order.
        await run([{ kind: 'gift', party: day, goods: day % 4 === 0, amount: 1_000_000 + day, valueFen: 777_777, part: 1 }, ...ops], Date.UTC(2025, 0, 1) + day * 86_400_000);

        const all: RecordedEvent[] = [];
        for (let after = -1; ; ) {
          const batch = await t.store.readAll(after, 5000);
          if (batch.length === 0) break;
          all.push(...batch);
          after = batch[batch.length - 1].position;
        }
        const flows = foldRaw(all);
        const expected = recount(flows);

        // The regions to look at: the province, and every city, county and town of the villages.
        const used = new Set([...flows.values()].flatMap((f) => [...f.allocations.values()].map((a) => a.village).filter((v): v is string => !!v)));
        for (const n of needs) used.add(n.village);
        const regions = ['44', ...new Set([...used].flatMap((v) => [v.slice(0, 4), v.slice(0, 6), v.slice(0, 9)]))];
        const children = (r: string) => regions.filter((c) => c.length === (r.length === 2 ? 4 : r.length === 4 ? 6 : 9) && c.startsWith(r));

        // (a) the province's received money is what entered from outside: the gifts, net of refunds, at their value.
        const gifts = [...flows.values()].filter((f) => !f.parent && f.receivedAt).reduce((s, f) => s + fen(f, net(f)), 0);
        const province = await summary('44', 'quarter');
        expect(province.total.donations.receivedFen).toBe(gifts);

        for (const period of PERIODS) {
          const summaries = new Map<string, Awaited<ReturnType<typeof summary>>>();
          for (const r of regions) summaries.set(r, await summary(r, period));
          for (const r of regions) {
            const s = summaries.get(r)!;
            const rows = byBucket(s);
            // (c) every money figure of every bucket equals the recount of the raw events.
            const want = new Map<string, number[]>();
            for (const p of expected) {
              if (!(p.place === 'U' ? r === '44' : p.place.startsWith(r))) continue;
              const key = bucketsOfDate(p.date)[period];
              const row = want.get(key) ?? FIGURES.map(() => 0);
              row[FIGURES.indexOf(p.figure as (typeof FIGURES)[number])] += p.fen;
              want.set(key, row);
            }
            for (const key of new Set([...want.keys(), ...rows.keys()])) {
              expect({ r, period, key, money: moneyOf(rows.get(key)?.donations) }).toEqual({ r, period, key, money: want.get(key) ?? FIGURES.map(() => 0) });
            }
            expect({ r, total: moneyOf(s.total.donations) }).toEqual({ r, total: [...want.values()].reduce((t, row) => t.map((v, i) => v + row[i]), FIGURES.map(() => 0)) });

            // (b) parent = sum of children (+ 未分配 at the province), for money and needs, bucket by bucket.
            const kids = children(r);
            if (kids.length === 0) continue;
            for (const key of new Set([...rows.keys(), ...kids.flatMap((c) => [...byBucket(summaries.get(c)!).keys()])])) {
              const parent = rows.get(key);
              const sum = FIGURES.map((_, i) => kids.reduce((t, c) => t + moneyOf(byBucket(summaries.get(c)!).get(key)?.donations)[i], 0));
              const unallocated = r === '44' ? [parent?.donations.unallocated?.receivedFen ?? 0, parent?.donations.unallocated?.transferredFen ?? 0, 0, 0, 0, 0] : FIGURES.map(() => 0);
              expect({ r, period, key, money: moneyOf(parent?.donations) }).toEqual({ r, period, key, money: sum.map((v, i) => v + unallocated[i]) });
              const needsOf = (n: { published: number; matched: number; fullyCommitted: number; fulfilled: number; teamCommitments: number; teamCommitmentsDelivered: number } | undefined) =>
                [n?.published ?? 0, n?.matched ?? 0, n?.fullyCommitted ?? 0, n?.fulfilled ?? 0, n?.teamCommitments ?? 0, n?.teamCommitmentsDelivered ?? 0];
              const needSum = kids.map((c) => needsOf(byBucket(summaries.get(c)!).get(key)?.needs)).reduce((t, row) => t.map((v, i) => v + row[i]), needsOf(undefined));
              expect({ r, period, key, needs: needsOf(parent?.needs) }).toEqual({ r, period, key, needs: needSum });
              // Rates come from the sums.
              if (parent && parent.needs.published > 0) expect(parent.needs.matchRate).toBe(parent.needs.matched / parent.needs.published);
            }
          }
        }

        // Needs by category add up to all categories, region by region (the figures endpoint, by county and by category).
        const byCategory = await queries.figures(ADMIN, { region: '44', level: 'town', period: 'month', byCategory: true });
        const allCategories = await queries.figures(ADMIN, { region: '44', level: 'city', period: 'month' });
        for (const row of allCategories.rows) {
          const parts = byCategory.rows.filter((x) => x.region.code.startsWith(row.region.code) && x.period.key === row.period.key);
          expect({ region: row.region.code, bucket: row.period.key, published: row.published, matched: row.matched }).toEqual({
            region: row.region.code, bucket: row.period.key, published: parts.reduce((s, x) => s + x.published, 0), matched: parts.reduce((s, x) => s + x.matched, 0),
          });
        }

        // Every figure's parts, as its sources list them, add up to it.
        for (const figure of FIGURES) {
          const sources = await queries.sources(ADMIN, { region: '44', period: 'month', figure }, { all: true });
          expect({ figure, total: sources.items.reduce((s, p) => s + p.fen, 0) }).toEqual({ figure, total: province.total.donations[MONEY_FIELDS[figure]] });
          for (const p of sources.items) expect(p.events.length).toBeGreaterThan(0);
        }
      }),
      {
        numRuns: 15,
        // One graph with everything in it first: goods through three hops, money through three hops, a
        // transfer never received, a refund by a receiver, returns, uses with and without evidence, a
        // confirmation, a corrected receipt and a matched need given money.
        examples: [[[
          // Money: the first gift (day 1: 1,000,001 fen) through three hops, nodes 1 to 3.
          { kind: 'chain', node: 0, pick: 1, hops: 3, part: 0.6, received: 0.9 },
          // Goods: 500 bags (node 4) through three hops, nodes 5 to 7.
          { kind: 'gift', party: 1, goods: true, amount: 499, valueFen: 1_234_567, part: 1 },
          { kind: 'chain', node: 4, pick: 2, hops: 3, part: 0.7, received: 1 },
          { kind: 'need', village: 0, category: 0, matched: true },
          { kind: 'allocate', node: 3, pick: 1, part: 0.5 },
          { kind: 'allocate', node: 7, pick: 0, part: 0.5 },
          { kind: 'use', pick: 0, part: 0.5, evidence: true },
          { kind: 'use', pick: 1, part: 0.3, evidence: false },
          { kind: 'confirm', pick: 0, part: 1, evidence: false },
          { kind: 'return', pick: 0, part: 0.2, evidence: false },
          { kind: 'refund', node: 2, pick: 0, part: 0.3 },
          { kind: 'correct', node: 0, pick: 0, part: 0.5 },
          { kind: 'transfer', node: 1, pick: 0, part: 0.5 },
        ], 1]],
      },
    );

    // What the generated graphs held: transfers three hops deep, goods, refunds by a transfer's receiver, corrections, returns.
    const flows = foldRaw(await t.store.readAll(-1, 1_000_000));
    const depth = (f: Flat): number => (f.parent ? 1 + depth(flows.get(f.parent.flowId)!) : 0);
    const types = new Set((await t.store.readAll(-1, 1_000_000)).map((e) => e.type));
    expect(Math.max(...[...flows.values()].map(depth))).toBeGreaterThanOrEqual(3);
    expect([...flows.values()].some((f) => f.goods && f.parent)).toBe(true);
    expect([...flows.values()].some((f) => f.parent && f.refunded > 0)).toBe(true);
    expect([...types].filter((x) => ['ReceiptCorrected', 'AllocationReturned', 'UseConfirmed', 'TransferReceived', 'NeedPublished', 'CommitmentAccepted'].includes(x)).sort()).toEqual(
      ['AllocationReturned', 'CommitmentAccepted', 'NeedPublished', 'ReceiptCorrected', 'TransferReceived', 'UseConfirmed'],
    );
  }, 300_000);
});
