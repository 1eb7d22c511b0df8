import { looksLikeFormula } from '@shecun/core';
import { parse } from 'csv-parse/sync';
import { actAs, COORDINATOR, futureDate, removeDir, staffOf, startEmbeddedApp, TestActor, TestApp } from '../support/embedded-app';
import { registerOrganizations } from '../support/organizations';

/**
 * Every CSV the app writes, opened by a spreadsheet program, shows user text as text (the OWASP
 * CSV injection guidance; libs/core/src/spreadsheet-cell.ts): need titles, organization names,
 * notes, reasons, receipt numbers and units that start like a formula come back with a single
 * quote in front, and amounts — negative ones too — stay numbers (the 元 column too: "-50.00", no quote). On the embedded app over HTTP,
 * parsed with csv-parse. (The XLSX files are checked in test/e2e/export-files.spec.ts.)
 */

const HUB = 'org-csv-hub';
const DONOR = 'org-csv-donor';
const VILLAGE = '441826105201';
const AUDITOR: TestActor = { id: 'auditor-csv-01', role: 'auditor', scope: '44' };
const BUREAU: TestActor = { id: 'bureau-csv-01', role: 'bureau', scope: '44' };

/** Single-line text fields accept these (titles, names, receipt numbers, units). */
const ONE_LINE = ['=HYPERLINK("http://x")', '+1', '-1', '@SUM(1)'];
/** Multi-line fields (notes, reasons) accept tabs and line breaks too. */
const MULTI_LINE = ['\t=1', '\r=1'];

const rowsOf = (text: string) => parse(text, { bom: true, columns: true }) as Record<string, string>[];
const numeric = /^-?\d+(\.\d+)?$/;

/** No cell a spreadsheet could run: every cell is a plain number or text that does not start like a formula. */
function expectNoFormula(rows: Record<string, string>[]) {
  for (const row of rows) for (const [column, cell] of Object.entries(row)) if (looksLikeFormula(cell) && !numeric.test(cell)) throw new Error(`${column} = ${JSON.stringify(cell)} would run as a formula`);
}

describe('CSV exports keep user text as text', () => {
  let t: TestApp;
  const as = new Map<string, Record<string, string>>();
  const h = (actor: TestActor) => as.get(actor.id)!;

  beforeAll(async () => {
    t = await startEmbeddedApp();
    for (const actor of [staffOf(HUB), staffOf(DONOR), COORDINATOR, AUDITOR, BUREAU]) as.set(actor.id, await actAs(t, actor));
    await registerOrganizations(t, [
      { id: HUB, name: '清远市社会组织总会', hubKind: 'hub', homeDivisionCode: '4418' },
      // An organization whose registered name starts like a formula.
      { id: DONOR, name: '=HYPERLINK("http://x")', homeDivisionCode: '4401' },
    ]);
  });
  afterAll(async () => {
    await t.close();
    removeDir(t.dataDir);
  });

  it('the donations ledger: notes, receipt numbers, reasons and units with the quote; signed amounts as numbers', async () => {
    const hub = h(staffOf(HUB));
    const pledged = await t.http().post('/api/donations').set(h(staffOf(DONOR))).send({ donorKind: 'organization', donorOrganizationId: DONOR, recipientKind: 'organization', recipientId: HUB, resourceKind: 'money', amount: 100_000, note: '=HYPERLINK("http://x")' }).expect(201);
    const flow = pledged.body.flowId;
    await t.http().post(`/api/donations/${flow}/receive`).set(hub).send({ receiptNumber: '+1', amount: 90_000, receivedOn: '2026-11-20' }).expect(200);
    const allocated = await t.http().post(`/api/donations/${flow}/allocations`).set(hub).send({ targetKind: 'village', villageCode: VILLAGE, project: '-1', amount: 60_000 }).expect(201);
    const allocationId = allocated.body.allocationId;
    const used = await t.http().post(`/api/donations/${flow}/uses`).set(hub).send({ allocationId, amount: 30_000, usedOn: '2026-11-21', evidence: [{ kind: 'invoice', ref: '@SUM(1)' }] }).expect(201);
    await t.http().post(`/api/donations/${flow}/uses/${used.body.useId}/confirm`).set(h(COORDINATOR)).send({ note: '\r=1' }).expect(200);
    await t.http().post(`/api/donations/${flow}/allocations/${allocationId}/return`).set(hub).send({ amount: 10_000, reason: '\t=1' }).expect(200);
    await t.http().post(`/api/donations/${flow}/refunds`).set(hub).send({ amount: 5_000, reason: '-1' }).expect(200);
    await t.http().post(`/api/donations/${flow}/corrections`).set(hub).send({ amount: 95_000, receiptNumber: '@SUM(1)', reason: '+1' }).expect(200);
    const goods = await t.http().post('/api/donations').set(hub).send({ donorKind: 'individual', recipientKind: 'organization', recipientId: HUB, resourceKind: 'goods', item: '+1', unit: '@SUM(1)', estimatedValueFen: 20_000, amount: 10 }).expect(201);

    const csv = await t.http().get('/api/audit/donations/ledger.csv?lang=en').set(h(AUDITOR)).expect(200).expect('content-type', /text\/csv/);
    const rows = rowsOf(csv.text);
    expectNoFormula(rows);
    const of = (type: string, flowId = flow) => rows.find((r) => r.type === type && r.flow_id === flowId)!;
    expect(of('DonationPledged').reference).toBe(`'=HYPERLINK("http://x")`);
    expect(of('DonationPledged').counterpart).toBe(`organization:${DONOR} =HYPERLINK("http://x")`);
    expect(of('DonationReceived').reference).toBe("'+1");
    expect(of('DonationAllocated').counterpart).toBe(`village:${VILLAGE} -1`);
    expect(of('DonationUsed').reference).toBe('invoice:@SUM(1)');
    expect(of('UseConfirmed').reference).toBe("'\r=1");
    expect(of('AllocationReturned').reference).toBe("'\t=1");
    expect(of('DonationRefunded').reference).toBe("'-1");
    expect(of('DonationPledged', goods.body.flowId).unit).toBe("'@SUM(1)");
    // Amounts are numbers: a refund and a return are negative, written without a quote.
    expect(of('DonationRefunded')).toMatchObject({ amount: '-5000', value_yuan: '-50.00', value_fen: '-5000' });
    expect(of('AllocationReturned')).toMatchObject({ amount: '-10000', value_yuan: '-100.00', value_fen: '-10000' });
    expect(of('DonationReceived')).toMatchObject({ amount: '90000', value_yuan: '900.00', value_fen: '90000' });
    expect(of('ReceiptCorrected')).toMatchObject({ amount: '5000', reference: "'+1 → @SUM(1): +1" });
  });

  it('the dashboard drill-down: need titles with the quote; the figures as numbers', async () => {
    for (const title of ONE_LINE) {
      await t.http().post('/api/needs').set(h(COORDINATOR)).send({
        villageCode: VILLAGE, title, description: MULTI_LINE.join(' '), category: 'education', dueDate: futureDate(60), autoAccept: false, publish: true,
        lineItems: [{ kind: 'funds', description: '购置课桌椅', unit: '分', quantity: 80_000 }],
      }).expect(201);
    }
    // A title is one line: a tab or a line break in it is refused, so those reach the CSVs only through notes and reasons.
    for (const title of MULTI_LINE) {
      await t.http().post('/api/needs').set(h(COORDINATOR)).send({ villageCode: VILLAGE, title, category: 'education', publish: true, lineItems: [{ kind: 'funds', description: '课桌椅', unit: '分', quantity: 1 }] }).expect(400);
    }
    await t.projections.waitFor(await t.store.headPosition());

    const needs = await t.http().get('/api/dashboard/needs?region=441826105&figure=published&format=csv&lang=en').set(h(BUREAU)).expect(200).expect('content-type', /text\/csv/);
    const listed = rowsOf(needs.text);
    expectNoFormula(listed);
    expect(listed.map((r) => r.title).sort()).toEqual(ONE_LINE.map((title) => `'${title}`).sort());
    expect(listed.every((r) => r.village_code === VILLAGE && numeric.test(r.team_commitments))).toBe(true);

    const figures = rowsOf((await t.http().get('/api/dashboard/figures?region=441826&level=town&format=csv&lang=en').set(h(BUREAU)).expect(200)).text);
    expectNoFormula(figures);
    const total = figures.at(-1)!;
    expect(total).toMatchObject({ bucket: 'all', published: String(ONE_LINE.length) });
    expect(total.region_name).not.toMatch(/^'/);

    const summary = rowsOf((await t.http().get('/api/dashboard/summary?region=441826105&format=csv&lang=en').set(h(BUREAU)).expect(200)).text);
    expectNoFormula(summary);
    expect(summary.at(-1)).toMatchObject({ bucket: 'all', published: String(ONE_LINE.length) });
  });
});
