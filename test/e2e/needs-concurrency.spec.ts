import { RegionsService } from '@shecun/regions';
import { LineItemView } from '@shecun/needs';
import { DataSource } from 'typeorm';
import { actAs, COORDINATOR, futureDate, staffOf, removeDir, startEmbeddedApp, TestApp } from '../support/embedded-app';

/**
 * The invariant under a race: accepted commitments never exceed what a line item lacks. 100
 * organizations go for a line item lacking 10 units at the same moment, over real HTTP.
 */
describe('racing for the last units', () => {
  let t: TestApp;
  let village: string;
  let coordinator: Record<string, string>;
  beforeAll(async () => {
    t = await startEmbeddedApp();
    coordinator = await actAs(t, COORDINATOR);
    village = t.app.get(RegionsService).children('441826105')[0].code;
  });
  afterAll(async () => {
    await t.close();
    removeDir(t.dataDir);
  });

  async function postNeed(autoAccept: boolean): Promise<string> {
    const { body } = await t.http().post('/api/needs').set(coordinator).send({
      villageCode: village, title: '冬季棉被', category: 'care', publish: true, autoAccept,
      lineItems: [{ kind: 'goods', description: '棉被', unit: '床', quantity: 10 }],
    }).expect(201);
    return body.needId;
  }

  const offer = async (needId: string, i: number) =>
    t.http().post(`/api/needs/${needId}/commitments`).set(await actAs(t, staffOf(`org-${i}`)))
      .send({ organizationId: `org-${i}`, organizationName: `社会组织${i}`, items: [{ lineItemId: 'L1', quantity: 1 }], promisedBy: futureDate(7) });

  async function agreement(needId: string) {
    const events = await t.store.readStream(`need-${needId}`);
    const offered = new Map(events.filter((e) => e.type === 'CommitmentOffered').map((e) => [(e.data as { commitmentId: string }).commitmentId, e.data as { items: { quantity: number }[] }]));
    const acceptedUnits = events
      .filter((e) => e.type === 'CommitmentAccepted')
      .reduce((sum, e) => sum + offered.get((e.data as { commitmentId: string }).commitmentId)!.items[0].quantity, 0);
    const last = events[events.length - 1].position;
    await t.projections.waitFor(last);
    const row = await t.app.get(DataSource).getRepository(LineItemView).findOneByOrFail({ needId, lineItemId: 'L1' });
    return { acceptedUnits, readModelAccepted: row.accepted, readModelLacking: row.lacking };
  }

  it('auto-accepting need: 100 concurrent offers of 1 unit → exactly 10 accepted, 90 × 409', async () => {
    const needId = await postNeed(true);
    const responses = await Promise.all(Array.from({ length: 100 }, (_, i) => offer(needId, i)));
    const statuses = responses.map((r) => r.status);
    expect(statuses.filter((s) => s === 201)).toHaveLength(10);
    expect(statuses.filter((s) => s === 409)).toHaveLength(90);
    for (const r of responses.filter((r) => r.status === 409)) {
      expect(r.headers['content-type']).toMatch(/problem\+json/);
      expect(r.body.detail).toMatch(/lacks 0|not open for commitments|concurrent changes/);
    }
    expect(await agreement(needId)).toEqual({ acceptedUnits: 10, readModelAccepted: 10, readModelLacking: 0 });
    const detail = await t.http().get(`/api/needs/${needId}`).set(coordinator).expect(200);
    expect(detail.body.status).toBe('fully_committed');
  });

  it('coordinator accepting 100 offers concurrently → exactly 10 accepted, 90 × 409', async () => {
    const needId = await postNeed(false);
    const offers = [];
    for (let i = 0; i < 100; i++) {
      const offered = await offer(needId, 1000 + i);
      expect(offered.status).toBe(201);
      offers.push(offered.body.commitmentId as string);
    }
    const responses = await Promise.all(offers.map((cid) => t.http().post(`/api/needs/${needId}/commitments/${cid}/accept`).set(coordinator)));
    const statuses = responses.map((r) => r.status);
    expect(statuses.filter((s) => s === 200)).toHaveLength(10);
    expect(statuses.filter((s) => s === 409)).toHaveLength(90);
    expect(await agreement(needId)).toEqual({ acceptedUnits: 10, readModelAccepted: 10, readModelLacking: 0 });
  });
});
