/**
 * The dialogs of the console reached only through an action, in a real browser against the real
 * embedded app with the demo seed: each is opened as its user would open it, left to settle, and the
 * page with the dialog open is checked by axe-core (WCAG 2.1 A and AA rules) at 360 and at 1366 px
 * wide; nothing serious or critical may be found. The organization's offer (接单), delivery (登记交付),
 * withdrawal, pairing proposal, use of a donation (and evidence added to it) and its answers to a
 * team's invitation (accept, decline); the hub's invitation,
 * completion and dissolution of its team and its offer on behalf of the team with the members' shares;
 * the coordinator's decisions on an offer, the evidence photo viewer, the confirmation of a delivery
 * and of a use, publishing, fulfilling, closing and withdrawing a need; the bureau's confirmation and
 * decline of a pairing, listing an organization as abnormal and restoring it, and the needs behind a
 * dashboard figure. Each dialog is photographed at
 * 360, 768 and 1366 px under test/browser/artifacts/a11y-dialog-*.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from '../../apps/console/node_modules/playwright-core';
import { photoWithGps } from '../../libs/evidence/src/testing/fixtures';
import { actAs, futureDate, staffOf } from '../support/embedded-app';
import { registerOrganizations } from '../support/organizations';
import { choose, DESKTOP, newPage, Running, sees, signIn, startConsole } from './support/browser';
import { dialogProblems, expectNone } from './support/dialogs';
import { TOWN } from './support/needs-journey';
import { acceptedCommitment } from './support/outbox';

const ORG = 'org-gz-charity'; // the demo org-staff account's organization
const PAIRING_ORG = 'org-a11y-qy-volunteers';
const PAIRING_ORG_NAME = '清远市连南瑶族自治县助学志愿者协会';
const LISTED_ORG = 'org-a11y-qy-listed';
const LISTED_ORG_NAME = '清远市清城区农村互助促进会';
const HUB = 'org-gz-federation'; // the demo hub-admin account's organization
const TEAM_TITLE = '三排镇瑶寨助学暖冬组团'; // the team the demo hub leads in 三排镇

let running: Running;
let photoPath: string;
/** A need with 广州市慈善会's offer waiting for the coordinator. */
let offeredNeed: string;
/** A need nobody has offered for yet. */
let openNeed: string;
/** A need the coordinator drafted and has not published. */
let draftNeed: string;
/** A need with 广州市慈善会's accepted offer, ready for a delivery. */
let acceptedNeed: string;
let flowId: string;

beforeAll(async () => {
  running = await startConsole();
  const t = running.app;
  const http = t.http();
  const villages = (await http.get(`/api/regions/${TOWN}`).expect(200)).body.children as Array<{ code: string }>;
  const coordinator = await actAs(t, { id: 'a11y-dialogs-coordinator', role: 'coordinator', scope: TOWN });
  const staff = await actAs(t, { id: 'a11y-dialogs-staff', role: 'organization', organizationId: ORG });
  const publish = async (title: string, village: number, publish = true) =>
    (await http.post('/api/needs').set(coordinator).send({
      villageCode: villages[village].code, title, description: '村民活动室需要折叠桌椅', category: 'care', dueDate: futureDate(60), publish,
      lineItems: [{ kind: 'goods', description: '折叠桌', unit: '张', quantity: 6 }],
    }).expect(201)).body.needId as string;
  offeredNeed = await publish('活动室折叠桌（待确认的认领）', 1);
  openNeed = await publish('活动室折叠桌（尚无认领）', 2);
  draftNeed = await publish('活动室折叠桌（草稿）', 4, false);
  await http.post(`/api/needs/${offeredNeed}/commitments`).set(staff)
    .send({ organizationId: ORG, organizationName: '广州市慈善会', items: [{ lineItemId: 'L1', quantity: 6 }], promisedBy: futureDate(20) }).expect(201);
  acceptedNeed = (await acceptedCommitment(running, { title: '村卫生室血压计（待交付）', village: 3, description: '电子血压计', unit: '台', category: 'care' })).needId;

  // Money of 广州市慈善会 allocated to the accepted need: the organization may record its use.
  const pledged = await http.post('/api/donations').set(staff).send({ donorKind: 'individual', recipientKind: 'organization', recipientId: ORG, resourceKind: 'money', amount: 100_000 }).expect(201);
  flowId = pledged.body.flowId as string;
  await http.post(`/api/donations/${flowId}/receive`).set(staff).send({ receiptNumber: 'GD-A11Y-1', amount: 100_000, receivedOn: futureDate(0) }).expect(200);
  await http.post(`/api/donations/${flowId}/allocations`).set(staff).send({ targetKind: 'need', needId: acceptedNeed, amount: 80_000 }).expect(201);

  await registerOrganizations(t, [
    { id: PAIRING_ORG, name: PAIRING_ORG_NAME, homeDivisionCode: '441826', categories: ['volunteer', 'education'] },
    { id: LISTED_ORG, name: LISTED_ORG_NAME, homeDivisionCode: '441802', categories: ['industry'] },
  ]);
  await http.post('/api/pairings').set(await actAs(t, staffOf(PAIRING_ORG))).send({
    organizationId: PAIRING_ORG, targetCode: villages[0].code, startDate: futureDate(0), endDate: futureDate(730), categories: ['volunteer'], note: '每周到村开展助学活动',
  }).expect(201);
  await t.projections.waitFor(await t.store.headPosition());
  photoPath = join(mkdtempSync(join(tmpdir(), 'shecun-a11y-dialogs-')), 'handover.jpg');
  writeFileSync(photoPath, await photoWithGps(900, 600));
});

afterAll(async () => {
  await running?.close();
});

/** A page of the console, signed in with the demo account, for one describe block. */
function signedIn(account: string): () => Page {
  let page: Page;
  beforeAll(async () => {
    ({ page } = await newPage(running, DESKTOP));
    await signIn(page, account);
  });
  afterAll(async () => {
    await page?.context().close();
  });
  return () => page;
}

/** Opens the need's page and waits for its actions. */
async function needPage(page: Page, id: string): Promise<void> {
  await page.goto(`/needs/${id}`);
  await page.getByTestId('need-title').waitFor();
}

describe('the organization’s dialogs', () => {
  const page = signedIn('org-staff');

  it('接单: the offer dialog, and the same after a refused submit', async () => {
    await needPage(page(), openNeed);
    expectNone(await dialogProblems(page(), 'commit', () => page().getByTestId('take-need').click(), 'commit-dialog'));
    expectNone(
      await dialogProblems(page(), 'commit-refused', () => page().getByTestId('take-need').click(), 'commit-dialog', {
        ready: async () => {
          // Nothing entered (said above the form), then more than is lacking (said at the field).
          await page().getByTestId('commit-dialog-submit').click();
          await page().getByTestId('commit-dialog').getByTestId('error-alert').waitFor();
          await page().getByTestId('qty-L1').fill('99');
          await page().getByTestId('commit-dialog-submit').click();
          await page().getByTestId('commit-dialog').locator('.ant-form-item-explain-error').first().waitFor();
        },
      }),
    );
  });

  it('withdrawing an offer', async () => {
    await needPage(page(), offeredNeed);
    expectNone(await dialogProblems(page(), 'withdraw-commitment', () => page().getByTestId('withdraw-commitment').click(), 'withdrawCommitment-dialog'));
  });

  it('proposing a pairing', async () => {
    await page().goto('/my/pairings');
    expectNone(await dialogProblems(page(), 'propose-pairing', () => page().getByTestId('propose-pairing').click(), 'propose-pairing-dialog'));
  });

  it('登记交付: the delivery dialog with a photo uploaded, then recorded', async () => {
    await needPage(page(), acceptedNeed);
    const found = await dialogProblems(page(), 'deliver', () => page().getByTestId('record-delivery').click(), 'deliver-dialog', {
      keepOpen: true,
      ready: async () => {
        await page().getByTestId('all-L1').click();
        await page().getByTestId('evidence-upload').locator('input[type=file][multiple]').setInputFiles(photoPath);
        await page().getByTestId('evidence-uploaded').getByText('handover.jpg').waitFor();
      },
    });
    await page().getByTestId('deliver-dialog-submit').click();
    await page().getByTestId('delivery').getByTestId('evidence-file').waitFor();
    expectNone(found);
  });

  it('recording the use of a donation', async () => {
    await page().goto('/my/donations');
    const card = page().getByTestId(`flow-${flowId}`);
    await card.waitFor();
    const found = await dialogProblems(page(), 'record-use', () => card.getByTestId('record-use').click(), 'use-dialog', { keepOpen: true });
    await page().getByTestId('use-amount').fill('500');
    await page().getByTestId('evidence-upload').locator('input[type=file][multiple]').setInputFiles(photoPath);
    await page().getByTestId('evidence-uploaded').getByText('handover.jpg').waitFor();
    await page().getByTestId('use-dialog-submit').click();
    const use = card.getByTestId('use').first();
    await use.waitFor();
    found.push(...(await dialogProblems(page(), 'add-use-evidence', () => use.getByTestId('add-use-evidence').click(), 'add-evidence-dialog')));
    expectNone(found);
  });

  it('answering a team’s invitation: accepting it, and declining it with a reason', async () => {
    // The demo hub forms a team and invites 广州市慈善会 to it.
    const hub = await actAs(running.app, { id: 'a11y-dialogs-hub-invites', role: 'hub', organizationId: HUB });
    const formed = await running.app.http().post('/api/teams').set(hub).send({ leadOrganizationId: HUB, targetCode: TOWN, title: '三排镇图书角组团', categories: ['education'], leadShare: 60 }).expect(201);
    const teamId = formed.body.teamId as string;
    await running.app.http().post(`/api/teams/${teamId}/invitations`).set(hub).send({ organizationId: ORG, role: 'implementing', share: 40 }).expect(201);
    await running.app.projections.waitFor(await running.app.store.headPosition());
    await page().goto(`/teams/${teamId}`);
    await page().getByTestId('invitation-accept').waitFor();
    expectNone([
      ...(await dialogProblems(page(), 'accept-invitation', () => page().getByTestId('invitation-accept').click(), 'accept-invitation-dialog')),
      ...(await dialogProblems(page(), 'decline-invitation', () => page().getByTestId('invitation-decline').click(), 'decline-invitation-dialog')),
    ]);
  });
});

describe('the coordinator’s dialogs', () => {
  const page = signedIn('coordinator');

  it('accepting and declining an offer, and withdrawing the need', async () => {
    await needPage(page(), offeredNeed);
    const found = [
      ...(await dialogProblems(page(), 'accept', () => page().getByTestId('accept-commitment').click(), 'accept-dialog')),
      ...(await dialogProblems(page(), 'decline', () => page().getByTestId('decline-commitment').click(), 'decline-dialog')),
      ...(await dialogProblems(page(), 'withdraw-need', () => page().getByTestId('withdraw-need').click(), 'withdrawNeed-dialog')),
    ];
    expectNone(found);
  });

  it('the evidence photo viewer, the confirmation of the delivery, fulfilling and closing the need', async () => {
    await needPage(page(), acceptedNeed);
    const found = await dialogProblems(page(), 'evidence-viewer', () => page().getByTestId('delivery').getByTestId('evidence-view').click(), 'evidence-viewer', {
      ready: () => page().waitForFunction("(() => { const img = document.querySelector('[data-testid=viewer-image]'); return !!img && img.complete && img.naturalWidth > 0; })()").then(() => undefined),
    });
    found.push(...(await dialogProblems(page(), 'confirm-delivery', () => page().getByTestId('confirm-delivery').click(), 'confirm-dialog', { keepOpen: true })));
    await page().getByTestId('confirm-dialog-submit').click();
    await page().getByTestId('fulfil-need').waitFor();
    found.push(...(await dialogProblems(page(), 'fulfil', () => page().getByTestId('fulfil-need').click(), 'fulfil-dialog', { keepOpen: true })));
    await page().getByTestId('fulfil-dialog-submit').click();
    await page().getByTestId('close-need').waitFor();
    found.push(...(await dialogProblems(page(), 'close', () => page().getByTestId('close-need').click(), 'close-dialog')));
    expectNone(found);
  });

  it('publishing a draft', async () => {
    await needPage(page(), draftNeed);
    expectNone(await dialogProblems(page(), 'publish', () => page().getByTestId('publish-need').click(), 'publish-dialog'));
  });

  it('confirming the use of a donation', async () => {
    await page().goto('/mine');
    const task = page().getByTestId('donation-uses').locator('.task').first();
    await task.waitFor();
    expectNone(await dialogProblems(page(), 'confirm-use', () => task.getByTestId('confirm-use').click(), 'confirm-use-dialog'));
  });
});

describe('the hub’s dialogs', () => {
  const page = signedIn('hub-admin');

  it('inviting a member, completing and dissolving the team it leads', async () => {
    const teams = (await running.app.http().get(`/api/teams?organizationId=${HUB}&pageSize=100`).set(await actAs(running.app, { id: 'a11y-dialogs-hub', role: 'hub', organizationId: HUB })).expect(200)).body as { items: Array<{ id: string; leadOrganizationId: string; status: string }> };
    const team = teams.items.find((tm) => tm.leadOrganizationId === HUB && tm.status === 'active') ?? teams.items[0];
    await page().goto(`/teams/${team.id}`);
    await page().getByTestId('invite-member').waitFor();
    const found = [
      ...(await dialogProblems(page(), 'invite', () => page().getByTestId('invite-member').click(), 'invite-dialog')),
      ...(await dialogProblems(page(), 'complete-team', () => page().getByTestId('complete-team').click(), 'complete-dialog')),
      ...(await dialogProblems(page(), 'dissolve-team', () => page().getByTestId('dissolve-team').click(), 'dissolve-dialog')),
    ];
    expectNone(found);
  });

  it('接单 on behalf of the team, with the members’ shares', async () => {
    await needPage(page(), openNeed);
    expectNone(await dialogProblems(page(), 'commit-team', () => page().getByTestId('take-need').click(), 'commit-dialog', {
      ready: async () => {
        await choose(page(), 'commit-team', TEAM_TITLE);
        await page().getByTestId('all-L1').click();
        await page().getByTestId('team-shares').waitFor();
      },
    }));
  });
});

describe('the bureau’s dialogs', () => {
  const page = signedIn('bureau');

  it('confirming and declining a proposed pairing', async () => {
    await page().goto('/bureau?tab=pairings');
    const card = page().getByTestId('proposed-pairings').locator('.need-card').filter({ hasText: PAIRING_ORG_NAME });
    await card.waitFor();
    const found = [
      ...(await dialogProblems(page(), 'confirm-pairing', () => card.getByTestId('confirm-pairing').click(), 'confirm-pairing-dialog')),
      ...(await dialogProblems(page(), 'decline-pairing', () => card.getByTestId('decline-pairing').click(), 'decline-pairing-dialog')),
    ];
    expectNone(found);
  });

  it('listing an organization as abnormal, with the grounds missing, and restoring it', async () => {
    await page().goto('/bureau?tab=standing');
    await page().getByTestId('list-abnormal').waitFor();
    const found = await dialogProblems(page(), 'list-abnormal', () => page().getByTestId('list-abnormal').click(), 'list-abnormal-dialog', {
      keepOpen: true,
      ready: async () => {
        await choose(page(), 'abnormal-organization', LISTED_ORG_NAME);
        await page().getByTestId('list-abnormal-dialog-submit').click();
        await sees(page(), '请填写原因');
      },
    });
    await page().getByTestId('list-abnormal-dialog').locator('textarea').fill('未按规定报送年度工作报告');
    await page().getByTestId('list-abnormal-dialog-submit').click();
    const restore = page().locator(`[data-testid=restore-${LISTED_ORG}]:visible`);
    await restore.waitFor();
    found.push(...(await dialogProblems(page(), 'restore', () => restore.click(), 'restore-dialog')));
    expectNone(found);
  });

  it('the needs behind a dashboard figure', async () => {
    await page().goto('/bureau');
    await page().getByTestId('kpi-published').waitFor();
    expectNone(await dialogProblems(page(), 'drill-down', () => page().getByTestId('kpi-published').click(), 'drill-down', {
      ready: () => page().getByTestId('drill-down').getByText(/共 \d+ 条/).waitFor(),
    }));
  });
});
