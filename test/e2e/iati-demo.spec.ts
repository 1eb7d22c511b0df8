import { seedDemo } from '../../apps/standalone/src/seed/demo-seed';
import { actAs, removeDir, startEmbeddedApp, TestApp } from '../support/embedded-app';
import { checkIatiActivities } from '../support/iati-schema';

/**
 * The IATI export of the demo's donation flows (apps/standalone/src/seed) on the embedded app, as
 * an auditor of the province downloads it: every activity in the 2.03 schema's order with every
 * required element and codes from the code lists (test/support/iati-schema.ts), every flow
 * reported by its holder under its credit code, and the gift that goes through the 乡村教育专项基金
 * fund to 广州市慈善会 and 三排镇's desks linked hop by hop.
 */
describe('IATI export of the demo', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startEmbeddedApp();
    await seedDemo(t.app);
    await t.projections.waitFor(await t.store.headPosition());
  }, 120_000);
  afterAll(async () => {
    await t.close();
    removeDir(t.dataDir);
  });

  it('is valid IATI 2.03 in structure and code lists, with every hop linked', async () => {
    const auditor = await actAs(t, { id: 'audit-iati-demo', role: 'auditor', scope: '44' });
    const xml = await t.http().get('/api/audit/donations/iati.xml').set(auditor).expect(200).expect('content-type', /application\/xml/);
    const { activities, problems } = checkIatiActivities(xml.text);
    expect(problems).toEqual([]);

    const admin = await actAs(t, { id: 'admin-iati-demo', role: 'admin' });
    const flows = (await t.http().get('/api/donations').query({ pageSize: 100 }).set(admin).expect(200)).body;
    expect(activities).toHaveLength(flows.total);
    expect(activities.length).toBeGreaterThan(3);

    // Every flow is reported by its holder, named by its registered credit code.
    for (const flow of flows.items as { id: string; recipient: { organizationId: string } }[]) {
      const org = (await t.http().get(`/api/organizations/${flow.recipient.organizationId}`).set(admin).expect(200)).body;
      expect(activities.find((a) => a.id.endsWith(`-${flow.id}`))!.id).toBe(`CN-USCI-${org.creditCode}-${flow.id}`);
    }

    // The fund's gift: a disbursement to 广州市慈善会's activity, which spends at the village.
    const charity = (await t.http().get('/api/organizations/org-gz-charity').set(admin).expect(200)).body.creditCode;
    const hops = activities.filter((a) => a.transactions.some((x) => x.type === '3' && x.receiverActivityId?.startsWith(`CN-USCI-${charity}-`)));
    expect(hops.length).toBeGreaterThan(0);
    const child = activities.find((a) => a.id === hops[0].transactions.find((x) => x.type === '3')!.receiverActivityId)!;
    expect(child.transactions.find((x) => x.type === '1')!.providerActivityId).toBe(hops[0].id);
    expect(child.transactions.some((x) => x.type === '4')).toBe(true);
    expect(child.related).toContainEqual({ ref: hops[0].id, type: '1' });
  });
});
