import { RegionsService } from '@shecun/regions';
import { actAs, COORDINATOR, futureDate, removeDir, staffOf, startEmbeddedApp, TestApp } from '../support/embedded-app';
import { PROVINCE_BUREAU, registerOrganizations } from '../support/organizations';

/**
 * Text people write (titles, names, descriptions, reasons, notes) must show something: text of
 * only invisible characters, or holding control characters, is a 400 problem+json and appends
 * nothing; accepted text is kept in Unicode normalization form C.
 */
describe('human text fields', () => {
  let t: TestApp;
  let village: string;
  let needId: string;
  let coordinator: Record<string, string>;
  let org: Record<string, string>;
  const ORG = 'org-text-1';

  beforeAll(async () => {
    t = await startEmbeddedApp();
    coordinator = await actAs(t, COORDINATOR);
    org = await actAs(t, staffOf(ORG));
    await registerOrganizations(t, [{ id: ORG, name: '文字测试协会' }]);
    village = t.app.get(RegionsService).children('441826105')[0].code;
    const { body } = await t.http().post('/api/needs').set(coordinator).send(need({ title: '村道照明' })).expect(201);
    needId = body.needId;
  });
  afterAll(async () => {
    await t.close();
    removeDir(t.dataDir);
  });

  const need = (fields: Record<string, unknown>) => ({
    villageCode: village,
    title: '村道照明',
    category: 'industry',
    publish: true,
    lineItems: [{ kind: 'goods', description: '太阳能路灯', unit: '盏', quantity: 10 }],
    ...fields,
  });

  const INVISIBLE_TITLES: Array<[string, string]> = [
    ['only U+200B zero-width space', '\u200b'],
    ['only zero-width spaces and joiners', '\u200b\u200c\u200d\u200b'],
    ['only U+FEFF and U+2060', '\ufeff\u2060'],
    ['only bidi controls', '\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069'],
    ['only a soft hyphen', '\u00ad'],
    ['only spaces, ideographic and no-break', ' \u3000\u00a0 '],
    ['only a Hangul filler', '\u3164'],
    ['only combining marks', '\u0301\u0308'],
  ];
  const CONTROL_TITLES: Array<[string, string]> = [
    ['a NUL inside', '村道\u0000照明'],
    ['a bell', '村道照明\u0007'],
    ['a line break', '村道\n照明'],
    ['an escape sequence', '\u001b[31m村道照明'],
  ];

  const expectRefused = async (send: () => Promise<{ status: number; headers: Record<string, string>; body: Record<string, unknown> }>, field: string, reason: RegExp) => {
    const before = await t.eventCount();
    const res = await send();
    expect({ status: res.status, type: res.headers['content-type'] }).toEqual({ status: 400, type: expect.stringMatching(/^application\/problem\+json/) });
    expect(res.body).toMatchObject({ status: 400, title: expect.any(String), detail: expect.stringContaining(field) });
    expect(res.body.detail).toMatch(reason);
    expect(await t.eventCount()).toBe(before);
  };
  const INVISIBLE = /须含可见文字，不能只有空白或不可见字符 \(.* must contain visible text, not only blank or invisible characters\)/;
  const CONTROL = /不能含控制字符/;

  it.each(INVISIBLE_TITLES)('refuses a need title of %s', async (_, title) => {
    await expectRefused(() => t.http().post('/api/needs').set(coordinator).send(need({ title })), 'title', INVISIBLE);
  });

  it.each(CONTROL_TITLES)('refuses a need title with %s', async (_, title) => {
    await expectRefused(() => t.http().post('/api/needs').set(coordinator).send(need({ title })), 'title', CONTROL);
  });

  it('refuses a lone surrogate', async () => {
    await expectRefused(
      () => t.http().post('/api/needs').set(coordinator).set('content-type', 'application/json').send('{"villageCode":"' + village + '","title":"路灯\\ud800","category":"industry","lineItems":[{"kind":"goods","description":"路灯","unit":"盏","quantity":1}]}'),
      'title',
      /无效的 Unicode/,
    );
  });

  it('refuses invisible text in the other text fields of every context', async () => {
    const zw = '\u200b\u2060';
    await expectRefused(() => t.http().post('/api/needs').set(coordinator).send(need({ lineItems: [{ kind: 'goods', description: zw, unit: '盏', quantity: 1 }] })), 'lineItems.0.description', INVISIBLE);
    await expectRefused(() => t.http().post('/api/needs').set(coordinator).send(need({ description: zw })), 'description', INVISIBLE);
    await expectRefused(() => t.http().post(`/api/needs/${needId}/withdraw`).set(coordinator).send({ reason: '\u202e\u202c' }), 'reason', INVISIBLE);
    await expectRefused(
      () => t.http().post(`/api/needs/${needId}/commitments`).set(org).send({ organizationId: ORG, organizationName: '\ufeff', items: [{ lineItemId: 'L1', quantity: 1 }], promisedBy: futureDate(10), note: '\u200b' }),
      'organizationName',
      INVISIBLE,
    );
    const bureau = await actAs(t, PROVINCE_BUREAU);
    await expectRefused(() => t.http().post('/api/organizations').set(bureau).send({ creditCode: '53440100MJ0000010H', name: '\u2066\u2069', homeDivisionCode: '4401', categories: ['education'] }), 'name', INVISIBLE);
    await expectRefused(() => t.http().post(`/api/organizations/${ORG}/abnormal`).set(bureau).send({ reason: 'x\u0000' }), 'reason', CONTROL);
    await expectRefused(() => t.http().post('/api/funds').set(org).send({ holderOrganizationId: ORG, name: '\u00ad\u200b' }), 'name', INVISIBLE);
    await expectRefused(() => t.http().post('/api/teams').set(org).send({ leadOrganizationId: ORG, targetCode: '441826105', title: '\u200d', categories: ['education'] }), 'title', INVISIBLE);
  });

  it('accepts real text with a joiner inside, line breaks in descriptions and empty notes, stored NFC-normalized', async () => {
    const decomposed = 'Cafe\u0301 家庭\u200d帮扶';
    const res = await t.http().post('/api/needs').set(coordinator).send(need({ title: decomposed, description: '第一行\n第二行\t（说明）', lineItems: [{ kind: 'goods', description: 'A\u030angstro\u0308m 灯', unit: '盏', quantity: 2 }] })).expect(201);
    await t.projections.waitFor(res.body.position);
    const read = await t.http().get(`/api/needs/${res.body.needId}`).set(coordinator).expect(200);
    expect(read.body.title).toBe('Caf\u00e9 家庭\u200d帮扶');
    expect(read.body.description).toBe('第一行\n第二行\t（说明）');
    expect(read.body.lineItems[0].description).toBe('\u00c5ngstr\u00f6m 灯');
    const [drafted] = (await t.store.readStream(`need-${res.body.needId}`)).filter((e) => e.type === 'NeedDrafted');
    expect((drafted.data as { title: string }).title).toBe('Caf\u00e9 家庭\u200d帮扶');
    // An empty optional note is no note.
    await t.http().post(`/api/needs/${res.body.needId}/commitments`).set(org).send({ organizationId: ORG, organizationName: '文字测试协会', items: [{ lineItemId: 'L1', quantity: 1 }], promisedBy: futureDate(10), note: '' }).expect(201);
  });

  it('does not refuse passwords as text', async () => {
    // A password of a zero-width space and a decomposed accent is not a text fault (only a wrong password here).
    const res = await t.http().post('/api/auth/login').send({ username: 'nobody-here', password: '\u200be\u0301' });
    expect(res.status).toBe(401);
  });
});
