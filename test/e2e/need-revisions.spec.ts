import { RegionsService } from '@shecun/regions';
import { actAs, COORDINATOR, futureDate, removeDir, staffOf, startEmbeddedApp, TestApp } from '../support/embedded-app';
import { registerOrganizations } from '../support/organizations';

/**
 * Two coordinators editing one need must not overwrite each other: GET gives the need's ETag (its
 * stream revision), a revision must send it back as If-Match, and one made on an older revision is
 * answered 412 with the need as it is now. A revision sends only the fields that change.
 */
describe('need revisions with ETag and If-Match', () => {
  let t: TestApp;
  let village: string;
  let coordinator: Record<string, string>;
  beforeAll(async () => {
    t = await startEmbeddedApp();
    coordinator = await actAs(t, COORDINATOR);
    village = t.app.get(RegionsService).children('441826105')[0].code;
    await registerOrganizations(t, [{ id: 'org-gz-edu', name: '广州市教育基金会', type: 'foundation' }]);
  });
  afterAll(async () => {
    await t.close();
    removeDir(t.dataDir);
  });

  const post = async () => {
    const { body } = await t.http().post('/api/needs').set(coordinator).send({
      villageCode: village,
      title: '村小学课桌椅',
      description: '旧课桌椅已用十余年',
      category: 'education',
      lineItems: [{ kind: 'goods', description: '学生课桌椅', unit: '套', quantity: 100 }],
      dueDate: futureDate(60),
      publish: true,
    }).expect(201);
    return { needId: body.needId as string, position: body.position as number };
  };
  const read = (needId: string, position?: number) =>
    t.http().get(`/api/needs/${needId}`).set(coordinator).set(position ? { 'X-Min-Position': String(position) } : {}).expect(200);
  const revise = (needId: string, ifMatch: string | undefined, body: Record<string, unknown>, key?: string) =>
    t.http().post(`/api/needs/${needId}/revise`).set(coordinator).set(ifMatch === undefined ? {} : { 'If-Match': ifMatch }).set(key ? { 'Idempotency-Key': key } : {}).send(body);

  it('GET answers the need with its revision as a strong ETag', async () => {
    const { needId, position } = await post();
    const res = await read(needId, position);
    expect(res.headers.etag).toBe(`"${res.body.revision}"`);
    expect(res.body.revision).toBeGreaterThanOrEqual(0);
  });

  it('two revisions on the same ETag at once: one 200, one 412 with the need as the winner left it; nothing is overwritten', async () => {
    const { needId, position } = await post();
    const etag = (await read(needId, position)).headers.etag as string;
    const before = await t.eventCount();
    const [a, b] = await Promise.all([
      revise(needId, etag, { title: '村小学课桌椅（甲）', reason: '甲的修改' }),
      revise(needId, etag, { title: '村小学课桌椅（乙）', reason: '乙的修改' }),
    ]);
    expect([a.status, b.status].sort()).toEqual([200, 412]);
    const [won, lost] = a.status === 200 ? [a, b] : [b, a];
    expect(lost.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(lost.body.detail).toMatch(/^内容已被修改.*changed since you read it/);
    expect(lost.body.currentRevision).toBe(won.body.revision);
    expect(lost.body.expectedRevision).toBe(Number(etag.replace(/"/g, '')));
    expect(lost.body.need.title).toBe(won.body.need.title);
    expect(won.headers.etag).toBe(`"${won.body.revision}"`);
    expect(await t.eventCount()).toBe(before + 1);
    const revised = (await t.store.readStream(`need-${needId}`)).filter((e) => e.type === 'NeedRevised');
    expect(revised).toHaveLength(1);
    // The loser sends again on what it now sees, and that goes through.
    const again = await revise(needId, won.headers.etag, { title: '村小学课桌椅（乙）', reason: '乙看过甲的修改后再改' }).expect(200);
    expect(again.body.need.title).toBe('村小学课桌椅（乙）');
  });

  it('any change to the need moves its ETag: a revision made before an offer arrived is refused', async () => {
    const { needId, position } = await post();
    const etag = (await read(needId, position)).headers.etag as string;
    const org = await actAs(t, staffOf('org-gz-edu'));
    await t.http().post(`/api/needs/${needId}/commitments`).set(org)
      .send({ organizationId: 'org-gz-edu', organizationName: '广州市教育基金会', items: [{ lineItemId: 'L1', quantity: 40 }], promisedBy: futureDate(10) })
      .expect(201);
    const stale = await revise(needId, etag, { lineItems: [{ id: 'L1', kind: 'goods', description: '学生课桌椅', unit: '套', quantity: 30 }], reason: '减少数量' }).expect(412);
    expect(stale.body.need.commitments).toHaveLength(1);
  });

  it('without If-Match: 428; a malformed or weak one: 400; nothing is appended', async () => {
    const { needId } = await post();
    const before = await t.eventCount();
    const missing = await revise(needId, undefined, { title: '无条件修改', reason: '试试' }).expect(428);
    expect(missing.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(missing.body.detail).toMatch(/^需要 If-Match/);
    for (const bad of ['W/"1"', 'abc', '"1", "2"', '"-7"', `"${'9'.repeat(40)}"`]) {
      const res = await revise(needId, bad, { title: '格式不对', reason: '试试' });
      expect({ bad, status: res.status, type: res.headers['content-type'] }).toEqual({ bad, status: 400, type: expect.stringMatching(/^application\/problem\+json/) });
    }
    expect(await t.eventCount()).toBe(before);
  });

  it('sends only what changes: absent fields stay, a line item list replaces the list, dueDate null clears the date', async () => {
    const { needId, position } = await post();
    const first = await read(needId, position);
    const titled = await revise(needId, first.headers.etag, { title: '村小学课桌椅和书柜', reason: '补充书柜' }).expect(200);
    expect(titled.body.need).toMatchObject({ title: '村小学课桌椅和书柜', description: '旧课桌椅已用十余年', category: 'education', dueDate: first.body.dueDate });
    expect(titled.body.need.lineItems).toEqual(first.body.lineItems);
    const cleared = await revise(needId, titled.headers.etag, { dueDate: null, reason: '不限日期' }).expect(200);
    expect(cleared.body.need.dueDate).toBeNull();
    expect(cleared.body.need.title).toBe('村小学课桌椅和书柜');
    const items = await revise(needId, cleared.headers.etag, { lineItems: [{ id: 'L1', kind: 'goods', description: '学生课桌椅', unit: '套', quantity: 120 }, { kind: 'goods', description: '书柜', unit: '个', quantity: 4 }], reason: '加书柜' }).expect(200);
    expect(items.body.need.lineItems.map((li: { id: string; quantity: number }) => [li.id, li.quantity])).toEqual([['L1', 120], ['L2', 4]]);
    // A null for a field that cannot be empty changes nothing; an empty title is refused.
    const nulls = await revise(needId, items.headers.etag, { title: null, category: null, reason: '空值不改' }).expect(200);
    expect(nulls.body.need).toMatchObject({ title: '村小学课桌椅和书柜', category: 'education' });
    await revise(needId, nulls.headers.etag, { title: '', reason: '空标题' }).expect(400);
  });

  it('a retried revision (same Idempotency-Key) gets its first answer, not a 412 for its own change', async () => {
    const { needId, position } = await post();
    const etag = (await read(needId, position)).headers.etag as string;
    const first = await revise(needId, etag, { title: '重试的修改', reason: '网络不好' }, 'revise-retry-0001').expect(200);
    const retry = await revise(needId, etag, { title: '重试的修改', reason: '网络不好' }, 'revise-retry-0001').expect(200);
    expect(retry.body.revision).toBe(first.body.revision);
    expect((await t.store.readStream(`need-${needId}`)).filter((e) => e.type === 'NeedRevised')).toHaveLength(1);
  });
});
