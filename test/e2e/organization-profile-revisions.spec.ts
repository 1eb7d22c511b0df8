import { actAs, removeDir, staffOf, startEmbeddedApp, TestApp } from '../support/embedded-app';
import { registerOrganizations } from '../support/organizations';

/**
 * Two staff members of one organization editing its profile must not overwrite each other: GET
 * gives the organization's ETag (its stream revision), an update may send it back as If-Match,
 * and one made on an older revision is answered 412 with the organization as it is now. An update
 * without If-Match is applied to the profile as it is (documented on the route); the executor
 * refuses it with 409 instead of deciding it again when another change lands in between.
 */
describe('organization profile updates with ETag and If-Match', () => {
  let t: TestApp;
  let staff: Record<string, string>;
  const ORG = 'org-gz-edu';
  beforeAll(async () => {
    t = await startEmbeddedApp();
    await registerOrganizations(t, [{ id: ORG, name: '广州市教育基金会', type: 'foundation' }]);
    staff = await actAs(t, staffOf(ORG));
  });
  afterAll(async () => {
    await t.close();
    removeDir(t.dataDir);
  });

  const read = (position?: number) => t.http().get(`/api/organizations/${ORG}`).set(position ? { 'X-Min-Position': String(position) } : {}).expect(200);
  const update = (ifMatch: string | undefined, description: string) =>
    t.http().post(`/api/organizations/${ORG}/profile`).set(staff).set(ifMatch === undefined ? {} : { 'If-Match': ifMatch }).send({ categories: ['education'], description });

  it('GET answers the organization with its revision as a strong ETag; an update answers the new one', async () => {
    const res = await read();
    expect(res.headers.etag).toBe(`"${res.body.revision}"`);
    const updated = await update(res.headers.etag as string, '助学帮教').expect(200);
    expect(updated.headers.etag).toBe(`"${updated.body.revision}"`);
    expect(updated.body.revision).toBe(res.body.revision + 1);
  });

  it('two updates on the same ETag at once: one 200, one 412 with the organization as the winner left it; one event appended', async () => {
    const { body, headers } = await read();
    await read(body.position);
    const before = await t.eventCount();
    const [a, b] = await Promise.all([update(headers.etag as string, '甲：乡村教师培训'), update(headers.etag as string, '乙：留守儿童陪伴')]);
    expect([a.status, b.status].sort()).toEqual([200, 412]);
    const [won, lost] = a.status === 200 ? [a, b] : [b, a];
    expect(lost.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(lost.body.detail).toMatch(/^内容已被修改/);
    expect(lost.body.currentRevision).toBe(won.body.revision);
    expect(lost.body.organization.description).toBe(won.body.organization.description);
    expect(await t.eventCount()).toBe(before + 1);
  });

  it('an update on an ETag the organization has moved past is refused and appends nothing; a malformed If-Match is 400', async () => {
    const { headers } = await read();
    await update(headers.etag as string, '第一次修改').expect(200);
    const before = await t.eventCount();
    await update(headers.etag as string, '基于旧内容的修改').expect(412);
    await update('W/"1"', '弱标签').expect(400);
    expect(await t.eventCount()).toBe(before);
  });

  it('an update without If-Match is applied to the profile as it is', async () => {
    const res = await update(undefined, '不带 If-Match 的修改').expect(200);
    expect(res.body.organization.description).toBe('不带 If-Match 的修改');
  });
});
