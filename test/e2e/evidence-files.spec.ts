import { createHash } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { pdf, photoWithGps, png, zip, exe } from '../../libs/evidence/src/testing/fixtures';
import { requireBuild, ROOT } from '../support/child-app';
import { actAs, COORDINATOR, futureDate, removeDir, staffOf, startEmbeddedApp, TestActor, TestApp, userIdOf } from '../support/embedded-app';
import { registerOrganizations } from '../support/organizations';

/**
 * Evidence files on the embedded app: an organization uploads a photo (re-encoded, GPS gone) and a
 * PDF, records a delivery and a donation use that reference them by SHA-256; the events record
 * hash, type, size, uploader and visibility; the coordinator sees the files (need detail, file and
 * thumbnail routes) before confirming, and confirms with a photo of their own; a use without evidence is confirmed only with a reason; the
 * disclosure serves public files to anyone and internal ones to no one; a file replaced on disk is
 * named by the ledger check API and by `cli verify-ledger`. Refused uploads store and append nothing.
 */

const ORG = 'org-ev-charity';
const VILLAGE = '441826105201';
const AUDITOR: TestActor = { id: 'auditor-ev-01', role: 'auditor', scope: '44' };
const OTHER_ORG = 'org-ev-other';
const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');

/** Every file under the evidence folder (relative paths). */
function storedFiles(dataDir: string): string[] {
  const root = join(dataDir, 'evidence');
  if (!existsSync(root)) return [];
  return readdirSync(root, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => join(e.parentPath ?? (e as unknown as { path: string }).path, e.name).slice(root.length + 1))
    .sort();
}

describe('evidence files (embedded app)', () => {
  let t: TestApp;
  let org: Record<string, string>;
  let coordinator: Record<string, string>;
  let needId = '';
  let cid = '';
  let photo = { sha256: '', thumbnail: '' };
  let receipt = { sha256: '' };
  let flowId = '';
  let useId = '';
  let deliveryId = '';

  const upload = (headers: Record<string, string>, bytes: Buffer, name: string, fields: Record<string, string> = {}) => {
    let req = t.http().post('/api/evidence').set(headers);
    for (const [k, v] of Object.entries(fields)) req = req.field(k, v);
    return req.attach('file', bytes, name);
  };
  const settle = async () => t.projections.waitFor(await t.store.headPosition());

  beforeAll(async () => {
    t = await startEmbeddedApp();
    org = await actAs(t, staffOf(ORG));
    coordinator = await actAs(t, COORDINATOR);
    await registerOrganizations(t, [
      { id: ORG, name: '广州市乡村慈善会', type: 'foundation', homeDivisionCode: '4401' },
      { id: OTHER_ORG, name: '广州市某协会', homeDivisionCode: '4401' },
    ]);
    const need = await t.http().post('/api/needs').set(coordinator).send({
      villageCode: VILLAGE, title: '村卫生站药品柜', description: '', category: 'health', dueDate: futureDate(60), publish: true,
      lineItems: [{ kind: 'goods', description: '药品柜', unit: '个', quantity: 4, estimatedValueFen: 400_000 }],
    }).expect(201);
    needId = need.body.needId;
    const offered = await t.http().post(`/api/needs/${needId}/commitments`).set(org).send({ organizationId: ORG, organizationName: '广州市乡村慈善会', items: [{ lineItemId: 'L1', quantity: 4 }], promisedBy: futureDate(20) }).expect(201);
    cid = offered.body.commitmentId;
    await t.http().post(`/api/needs/${needId}/commitments/${cid}/accept`).set(coordinator).expect(200);
  });
  afterAll(async () => {
    await t.close();
    removeDir(t.dataDir);
  });

  it('stores an uploaded photo re-encoded without GPS, content-addressed, with a thumbnail', async () => {
    const original = await photoWithGps(1200, 900);
    const res = await upload(org, original, 'handover-01.jpg').expect(201);
    expect(res.body).toEqual({ sha256: expect.stringMatching(/^[0-9a-f]{64}$/), mediaType: 'image/jpeg', size: expect.any(Number), thumbnail: expect.stringMatching(/^[0-9a-f]{64}$/) });
    photo = res.body;
    const onDisk = join(t.dataDir, 'evidence', photo.sha256.slice(0, 2), photo.sha256.slice(2));
    expect(existsSync(onDisk)).toBe(true);
    const stored = (await t.http().get(`/api/evidence/${photo.sha256}`).set(org).expect(200)).body as Buffer;
    expect(sha256(stored)).toBe(photo.sha256);
    expect((await sharp(stored).metadata()).exif).toBeUndefined();
    // Another organization's staff do not see someone else's unreferenced upload.
    await t.http().get(`/api/evidence/${photo.sha256}`).set(await actAs(t, staffOf(OTHER_ORG))).expect(404);
    // Auditors do not upload (coordinators do: a photo with a delivery's confirmation).
    await upload(await actAs(t, AUDITOR), await png(), 'x.png').expect(403);
    receipt = (await upload(org, pdf({ compress: true }), 'receipt.pdf').expect(201)).body;
    expect(receipt).toMatchObject({ mediaType: 'application/pdf' });
  });

  it('refuses oversized, wrong-type and polyglot files with problem+json: nothing stored, nothing appended', async () => {
    const before = { events: await t.eventCount(), files: storedFiles(t.dataDir) };
    const photoBytes = await photoWithGps();
    const cases: [string, Buffer, string, number][] = [
      ['oversized', Buffer.concat([photoBytes, Buffer.alloc(10 * 1024 * 1024)]), 'big.jpg', 413],
      ['an executable named .jpg', exe(), 'photo.jpg', 415],
      ['an HTML page named .jpg', Buffer.from('<!doctype html><html><script>alert(document.cookie)</script></html>'), 'photo.jpg', 415],
      ['a JPEG with a ZIP appended', Buffer.concat([photoBytes, zip()]), 'photo.jpg', 422],
      ['a JPEG with HTML appended', Buffer.concat([photoBytes, Buffer.from('<html><script>alert(1)</script></html>')]), 'photo.jpg', 422],
      ['a PDF with JavaScript', pdf({ catalogExtra: '/OpenAction << /S /JavaScript /JS (app.alert(1)) >>' }), 'receipt.pdf', 422],
      ['a PDF with an embedded file', pdf({ catalogExtra: '/Names << /EmbeddedFiles << /Names [(a.exe) 5 0 R] >> >>' }), 'receipt.pdf', 422],
    ];
    for (const [what, bytes, name, status] of cases) {
      const res = await upload(org, bytes, name);
      expect({ what, status: res.status, type: res.headers['content-type'] }).toEqual({ what, status, type: expect.stringContaining('application/problem+json') });
      expect(res.body.detail).toMatch(/^[^(]*[\u4e00-\u9fff].*\(.+\)/);
    }
    // No file part at all, and a JSON body: 4xx too.
    expect((await t.http().post('/api/evidence').set(org).send({ file: 'files/2026/11/handover-01.jpg' })).status).toBe(400);
    expect((await t.http().post('/api/evidence').set(org).field('keepMetadata', 'true')).status).toBe(422);
    expect(await t.eventCount()).toBe(before.events);
    expect(storedFiles(t.dataDir)).toEqual(before.files);
  });

  it('records the file’s hash, type, size, uploader and visibility in the delivery event; old text evidence stays as it was', async () => {
    await t.http().post(`/api/needs/${needId}/commitments/${cid}/deliveries`).set(org).send({
      items: [{ lineItemId: 'L1', quantity: 4 }],
      evidence: [{ kind: 'photo', sha256: '0'.repeat(64) }],
    }).expect(422);
    const delivered = await t.http().post(`/api/needs/${needId}/commitments/${cid}/deliveries`).set(org).send({
      items: [{ lineItemId: 'L1', quantity: 4 }],
      evidence: [{ kind: 'photo', sha256: photo.sha256, note: '交接现场' }, { kind: 'receipt', ref: '签收单 No.0012' }],
    }).expect(201);
    deliveryId = delivered.body.deliveryId;
    const events = await t.store.readStream(`need-${needId}`);
    const recorded = events.find((e) => e.type === 'DeliveryRecorded')!;
    expect((recorded.data as { evidence: unknown[] }).evidence).toEqual([
      { kind: 'photo', ref: `sha256:${photo.sha256}`, note: '交接现场', file: { sha256: photo.sha256, mediaType: 'image/jpeg', size: expect.any(Number), uploadedBy: userIdOf(staffOf(ORG)), visibility: 'internal', thumbnail: photo.thumbnail } },
      { kind: 'receipt', ref: '签收单 No.0012' },
    ]);
  });

  it('shows the coordinator the evidence before confirming: the need detail, the file and its thumbnail', async () => {
    await settle();
    const detail = await t.http().get(`/api/needs/${needId}`).set(coordinator).expect(200);
    const delivery = detail.body.commitments[0].deliveries[0];
    expect(delivery.confirmedAt).toBeNull();
    expect(delivery.evidence[0].file).toMatchObject({ sha256: photo.sha256, mediaType: 'image/jpeg', thumbnail: photo.thumbnail });
    const file = await t.http().get(`/api/needs/${needId}/evidence/${photo.sha256}`).set(coordinator).expect(200);
    expect(file.headers['content-type']).toBe('image/jpeg');
    expect(file.headers['x-content-type-options']).toBe('nosniff');
    expect(file.headers['content-security-policy']).toContain('sandbox');
    expect(sha256(file.body)).toBe(photo.sha256);
    const thumb = await t.http().get(`/api/needs/${needId}/evidence/${photo.sha256}?thumbnail=true`).set(coordinator).expect(200);
    expect(thumb.headers['content-type']).toBe('image/webp');
    expect(sha256(thumb.body)).toBe(photo.thumbnail);
    // Without a token: 401; a file the need does not reference: 404.
    await t.http().get(`/api/needs/${needId}/evidence/${photo.sha256}`).expect(401);
    await t.http().get(`/api/needs/${needId}/evidence/${receipt.sha256}`).set(coordinator).expect(404);
  });

  it('the coordinator confirms with a photo of their own: recorded in DeliveryConfirmed, added to the delivery’s evidence, served with it', async () => {
    const confirmPath = `/api/needs/${needId}/commitments/${cid}/deliveries/${deliveryId}/confirm`;
    const before = await t.eventCount();
    await t.http().post(confirmPath).set(coordinator).send({ evidence: [{ kind: 'photo', sha256: '0'.repeat(64) }] }).expect(422);
    expect(await t.eventCount()).toBe(before);
    const own = (await upload(coordinator, await photoWithGps(800, 600), 'arrival.jpg').expect(201)).body as { sha256: string };
    await t.http().post(confirmPath).set(coordinator).send({ note: '已查看照片，验收无误', evidence: [{ kind: 'photo', sha256: own.sha256 }] }).expect(200);
    const confirmed = (await t.store.readStream(`need-${needId}`)).find((e) => e.type === 'DeliveryConfirmed')!;
    expect(confirmed.data).toMatchObject({
      deliveryId,
      evidence: [{ kind: 'photo', ref: `sha256:${own.sha256}`, file: { sha256: own.sha256, mediaType: 'image/jpeg', uploadedBy: userIdOf(COORDINATOR), visibility: 'internal' } }],
    });
    expect(confirmed.data).not.toHaveProperty('noEvidenceReason');
    await settle();
    const delivery = (await t.http().get(`/api/needs/${needId}`).set(coordinator).expect(200)).body.commitments[0].deliveries[0];
    expect(delivery.evidence.map((e: { file?: { sha256: string }; ref: string }) => e.file?.sha256 ?? e.ref)).toEqual([photo.sha256, '签收单 No.0012', own.sha256]);
    const file = await t.http().get(`/api/needs/${needId}/evidence/${own.sha256}`).set(org).expect(200);
    expect(sha256(file.body)).toBe(own.sha256);
  });

  it('a donation use with a public PDF: a use without evidence is confirmed only with a reason; the disclosure serves public files only', async () => {
    const pledged = await t.http().post('/api/donations').set(org).send({ donorKind: 'individual', recipientKind: 'organization', recipientId: ORG, resourceKind: 'money', amount: 500_000 }).expect(201);
    flowId = pledged.body.flowId;
    const scan = (await upload(org, await png(120, 80), 'receipt-scan.png').expect(201)).body;
    await t.http().post(`/api/donations/${flowId}/receive`).set(org).send({ receiptNumber: 'GD-EV-0001', amount: 500_000, receivedOn: '2026-11-20', evidence: [{ kind: 'receipt', sha256: scan.sha256 }] }).expect(200);
    const receivedEvent = (await t.store.readStream(`donation-${flowId}`)).find((e) => e.type === 'DonationReceived')!;
    expect((receivedEvent.data as { evidence: unknown[] }).evidence).toEqual([{ kind: 'receipt', ref: `sha256:${scan.sha256}`, file: expect.objectContaining({ sha256: scan.sha256, mediaType: 'image/png', visibility: 'internal' }) }]);
    const allocated = await t.http().post(`/api/donations/${flowId}/allocations`).set(org).send({ targetKind: 'need', needId, amount: 400_000 }).expect(201);
    const allocationId = allocated.body.allocationId;
    const used = await t.http().post(`/api/donations/${flowId}/uses`).set(org).send({
      allocationId, needId, amount: 300_000, usedOn: '2026-11-22',
      evidence: [{ kind: 'invoice', sha256: receipt.sha256, visibility: 'public', amountFen: 300_000 }, { kind: 'photo', sha256: photo.sha256 }],
    }).expect(201);
    useId = used.body.useId;
    const bare = await t.http().post(`/api/donations/${flowId}/uses`).set(org).send({ allocationId, needId, amount: 50_000, usedOn: '2026-11-23', evidence: [] }).expect(201);
    const usedEvent = (await t.store.readStream(`donation-${flowId}`)).find((e) => e.type === 'DonationUsed')!;
    expect((usedEvent.data as { evidence: { file: unknown }[] }).evidence[0].file).toMatchObject({ sha256: receipt.sha256, mediaType: 'application/pdf', visibility: 'public' });

    await settle();
    const pdfFile = await t.http().get(`/api/donations/${flowId}/evidence/${receipt.sha256}`).set(coordinator).expect(200);
    await t.http().get(`/api/donations/${flowId}/evidence/${scan.sha256}`).set(org).expect(200);
    await t.http().get(`/api/disclosure/donations/${flowId}/evidence/${scan.sha256}`).expect(404);
    expect(pdfFile.headers['content-type']).toBe('application/pdf');
    await t.http().post(`/api/donations/${flowId}/uses/${useId}/confirm`).set(coordinator).send({}).expect(200);
    const eventsBefore = await t.eventCount();
    const refused = await t.http().post(`/api/donations/${flowId}/uses/${bare.body.useId}/confirm`).set(coordinator).send({ note: '' }).expect(422);
    expect(refused.body.detail).toMatch(/没有凭证.*state why/);
    expect(await t.eventCount()).toBe(eventsBefore);
    await t.http().post(`/api/donations/${flowId}/uses/${bare.body.useId}/confirm`).set(coordinator).send({ reason: '村委会现场清点，发票由镇财政所保管' }).expect(200);
    const confirmed = (await t.store.readStream(`donation-${flowId}`)).filter((e) => e.type === 'UseConfirmed');
    expect(confirmed.map((e) => (e.data as { noEvidenceReason?: string }).noEvidenceReason)).toEqual([undefined, '村委会现场清点，发票由镇财政所保管']);

    // Not disclosed yet: nothing public.
    await t.http().get(`/api/disclosure/donations/${flowId}/evidence/${receipt.sha256}`).expect(404);
    await t.http().post(`/api/donations/${flowId}/disclose`).set(org).expect(200);
    await settle();
    const report = await t.http().get(`/api/disclosure/organizations/${ORG}`).expect(200);
    expect(report.body.evidence).toEqual([{ flowId, useId, needId, usedOn: '2026-11-22', kind: 'invoice', sha256: receipt.sha256, mediaType: 'application/pdf', size: expect.any(Number), thumbnail: null }]);
    expect(JSON.stringify(report.body)).not.toContain(userIdOf(staffOf(ORG)));
    const publicFile = await t.http().get(`/api/disclosure/donations/${flowId}/evidence/${receipt.sha256}`).expect(200);
    expect(sha256(publicFile.body)).toBe(receipt.sha256);
    // The internal photo is not served publicly.
    await t.http().get(`/api/disclosure/donations/${flowId}/evidence/${photo.sha256}`).expect(404);
    expect((await t.http().get(`/api/disclosure/needs/${needId}`).expect(200)).body.evidence).toHaveLength(1);
  });

  it('names a file replaced on disk: the ledger check API and cli verify-ledger', async () => {
    const intact = await t.http().get('/api/audit/donations/ledger').set(await actAs(t, AUDITOR)).expect(200);
    expect(intact.body).toMatchObject({ ok: true, evidenceFiles: { ok: true, problems: [] } });
    expect(intact.body.evidenceFiles.filesChecked).toBeGreaterThanOrEqual(5);

    const path = join(t.dataDir, 'evidence', receipt.sha256.slice(0, 2), receipt.sha256.slice(2));
    const forged = pdf({ contentStream: 'BT /F1 12 Tf 72 720 Td (forged receipt) Tj ET' });
    writeFileSync(path, forged);
    const broken = await t.http().get('/api/audit/donations/ledger').set(await actAs(t, AUDITOR)).expect(200);
    expect(broken.body.ok).toBe(false);
    expect(broken.body.firstBrokenLink).toBeNull();
    const used = (await t.store.readStream(`donation-${flowId}`)).find((e) => e.type === 'DonationUsed')!;
    expect(broken.body.evidenceFiles.problems).toEqual([
      expect.objectContaining({ stream: `donation-${flowId}`, revision: used.revision, eventId: used.id, type: 'DonationUsed', sha256: receipt.sha256, problem: 'hash-mismatch', found: sha256(forged) }),
    ]);

    requireBuild();
    await t.close();
    const cli = spawnSync(process.execPath, [join(ROOT, 'dist', 'apps', 'standalone', 'src', 'cli.js'), 'verify-ledger'], { cwd: ROOT, env: { ...process.env, DATA_DIR: t.dataDir }, encoding: 'utf8', timeout: 120_000 });
    expect(cli.stderr).toContain(`evidence file ${receipt.sha256} referenced by donation-${flowId} revision ${used.revision}`);
    expect(cli.status).toBe(1);
    t = await startEmbeddedApp(t.dataDir);
  });
});
