import { PostgresEventStore } from '@shecun/event-store';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { pdf, photoWithGps } from '../../libs/evidence/src/testing/fixtures';
import { requireBuild } from '../support/child-app';
import { removeDir } from '../support/embedded-app';
import { provisionDistributed, tokenKeys, untilAuthorized, waitUntilAuthorized } from '../support/distributed-identity';
import { createTestDatabase } from '../support/pg';
import { ServiceProcess, startService, waitForHealth } from '../support/processes';

const KAFKA_BROKERS = process.env.KAFKA_BROKERS ?? '127.0.0.1:19092';
const ORG = 'org-ev';

/**
 * Evidence files in the distributed topology (gateway, needs service, relay and projector on
 * PostgreSQL and Kafka, from the compiled apps): with EVIDENCE_DATABASE_URL the gateway takes the
 * upload into the shared table, the needs and donations services resolve the hash a delivery, a
 * receipt or a use names, and the gateway serves the file to whoever may see the need or flow once
 * projected, and a public file of a disclosed flow to anyone.
 */
describe('evidence files in the distributed topology', () => {
  const prefix = `e${randomBytes(4).toString('hex')}.`;
  const dbs: Array<Awaited<ReturnType<typeof createTestDatabase>>> = [];
  const running: ServiceProcess[] = [];
  const dir = mkdtempSync(join(tmpdir(), 'evidence-dist-'));
  let gateway: ServiceProcess;
  let users: Record<string, Record<string, string>> = {};
  let eventsUrl = '';
  let evidenceUrl = '';

  beforeAll(async () => {
    requireBuild();
    const [events, read, needs, donations, evidence] = await Promise.all(['shecun_events', 'shecun_read', 'shecun_needs', 'shecun_donations', 'shecun_evidence'].map((name) => createTestDatabase(name)));
    dbs.push(events, read, needs, donations, evidence);
    eventsUrl = events.url;
    evidenceUrl = evidence.url;
    const keys = tokenKeys(dir);
    const env = { EVENT_STORE_URL: events.url, KAFKA_BROKERS, TOPIC_PREFIX: prefix, DATABASE_URL: events.url, READ_DATABASE_URL: read.url, EVIDENCE_DATABASE_URL: evidence.url, KAFKA_SESSION_TIMEOUT_MS: '6000', ...keys.issuerEnv };
    users = await provisionDistributed(events.url, keys.tokens, [{ username: 'cadre-01', grant: { role: 'coordinator', scope: '441826105' } }, { username: `staff-${ORG}`, grant: { role: 'organization', organizationId: ORG } }], [ORG]);
    const start = async (app: string, extra: Record<string, string>) => {
      const service = await startService(app, { ...env, ...extra });
      running.push(service);
      await waitForHealth(service, 90_000);
      return service;
    };
    const needsService = await start('needs-service', { DATABASE_URL: needs.url });
    const donationsService = await start('donations-service', { DATABASE_URL: donations.url });
    await start('projector', {});
    await start('relay', {});
    gateway = await start('gateway', { NEEDS_SERVICE_URL: needsService.url, DONATIONS_SERVICE_URL: donationsService.url });
    await waitUntilAuthorized(gateway.url, users);
  }, 180_000);

  afterAll(async () => {
    await Promise.all(running.map((s) => s.stop()));
    await Promise.all(dbs.map((d) => d.drop()));
    removeDir(dir);
  });

  const upload = async (bytes: Buffer, name: string, type: string) => {
    const form = new FormData();
    form.append('file', new Blob([new Uint8Array(bytes)], { type }), name);
    const res = await fetch(`${gateway.url}/api/evidence`, { method: 'POST', headers: users[`staff-${ORG}`], body: form });
    expect(res.status).toBe(201);
    return (await res.json()) as { sha256: string; mediaType: string; thumbnail?: string };
  };
  /** Fetches `path` until it answers 200 (read models catch up through Kafka), at most a minute. */
  async function until200(path: string, headers: Record<string, string> = {}): Promise<Response> {
    const deadline = Date.now() + 60_000;
    for (;;) {
      const res = await fetch(`${gateway.url}${path}`, { headers });
      if (res.status === 200 || Date.now() > deadline) return res;
      await res.body?.cancel();
      await new Promise((r) => setTimeout(r, 250));
    }
  }
  const json = (as: string) => ({ ...users[as], 'content-type': 'application/json' });
  const post = (path: string, as: string, body: object) => fetch(`${gateway.url}${path}`, { method: 'POST', headers: json(as), body: JSON.stringify(body) });
  async function head(): Promise<number> {
    const store = await PostgresEventStore.open({ connectionString: eventsUrl });
    try {
      return await store.headPosition();
    } finally {
      await store.close();
    }
  }

  it('uploads through the gateway, references the hash in a delivery, and serves the file from the shared table', async () => {
    const need = await post('/api/needs', 'cadre-01', { villageCode: '441826105201', title: '村卫生室药柜', category: 'health', publish: true, lineItems: [{ kind: 'goods', description: '药柜', unit: '个', quantity: 2 }] });
    expect(need.status).toBe(201);
    const { needId } = (await need.json()) as { needId: string };
    const offered = await untilAuthorized(() => post(`/api/needs/${needId}/commitments`, `staff-${ORG}`, { organizationId: ORG, organizationName: '社会组织', items: [{ lineItemId: 'L1', quantity: 2 }], promisedBy: '2099-01-01' }));
    expect(offered.status).toBe(201);
    const { commitmentId } = (await offered.json()) as { commitmentId: string };
    expect((await post(`/api/needs/${needId}/commitments/${commitmentId}/accept`, 'cadre-01', {})).status).toBe(200);

    const form = new FormData();
    form.append('file', new Blob([new Uint8Array(await photoWithGps(640, 480))], { type: 'image/jpeg' }), 'handover.jpg');
    const uploaded = await fetch(`${gateway.url}/api/evidence`, { method: 'POST', headers: users[`staff-${ORG}`], body: form });
    expect(uploaded.status).toBe(201);
    const file = (await uploaded.json()) as { sha256: string; mediaType: string; thumbnail: string };
    expect(file.mediaType).toBe('image/jpeg');
    const db = new Client({ connectionString: evidenceUrl });
    await db.connect();
    const { rows } = await db.query('SELECT sha256, media_type FROM evidence_files ORDER BY sha256');
    await db.end();
    expect(rows.map((r) => r.sha256).sort()).toEqual([file.sha256, file.thumbnail].sort());

    const before = await head();
    const unknown = await post(`/api/needs/${needId}/commitments/${commitmentId}/deliveries`, `staff-${ORG}`, { items: [{ lineItemId: 'L1', quantity: 2 }], evidence: [{ kind: 'photo', sha256: 'f'.repeat(64) }] });
    expect(unknown.status).toBe(422);
    expect(await head()).toBe(before);
    const delivered = await post(`/api/needs/${needId}/commitments/${commitmentId}/deliveries`, `staff-${ORG}`, { items: [{ lineItemId: 'L1', quantity: 2 }], evidence: [{ kind: 'photo', sha256: file.sha256, visibility: 'internal' }] });
    expect(delivered.status).toBe(201);

    const store = await PostgresEventStore.open({ connectionString: eventsUrl });
    const recorded = (await store.readStream(`need-${needId}`)).find((e) => e.type === 'DeliveryRecorded')!;
    await store.close();
    expect((recorded.data as { evidence: unknown[] }).evidence).toEqual([{ kind: 'photo', ref: `sha256:${file.sha256}`, file: expect.objectContaining({ sha256: file.sha256, mediaType: 'image/jpeg', visibility: 'internal' }) }]);

    // Served by the gateway once the projector has the delivery in the need's read model.
    const deadline = Date.now() + 60_000;
    let res: Response;
    for (;;) {
      res = await fetch(`${gateway.url}/api/needs/${needId}/evidence/${file.sha256}`, { headers: users['cadre-01'] });
      if (res.status === 200 || Date.now() > deadline) break;
      await res.body?.cancel();
      await new Promise((r) => setTimeout(r, 250));
    }
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('image/jpeg');
    expect(createHash('sha256').update(Buffer.from(await res.arrayBuffer())).digest('hex')).toBe(file.sha256);
  }, 180_000);

  it('a receipt scan and a public photo of a use: recorded by the donations service, the public one served to anyone once disclosed', async () => {
    const staff = `staff-${ORG}`;
    const pledged = await untilAuthorized(() => post('/api/donations', staff, { donorKind: 'individual', recipientKind: 'organization', recipientId: ORG, resourceKind: 'money', amount: 300_000 }));
    expect(pledged.status).toBe(201);
    const { flowId } = (await pledged.json()) as { flowId: string };
    const scan = await upload(pdf(), 'receipt.pdf', 'application/pdf');
    expect((await post(`/api/donations/${flowId}/receive`, staff, { receiptNumber: 'GD-EV-1', amount: 300_000, receivedOn: '2026-11-20', evidence: [{ kind: 'receipt', sha256: scan.sha256 }] })).status).toBe(200);
    const allocated = await post(`/api/donations/${flowId}/allocations`, staff, { targetKind: 'village', villageCode: '441826105201', project: '村卫生室', amount: 200_000 });
    expect(allocated.status).toBe(201);
    const { allocationId } = (await allocated.json()) as { allocationId: string };
    const photo = await upload(await photoWithGps(320, 240), 'use.jpg', 'image/jpeg');
    const used = await post(`/api/donations/${flowId}/uses`, staff, { allocationId, amount: 100_000, usedOn: '2026-11-22', evidence: [{ kind: 'photo', sha256: photo.sha256, visibility: 'public' }] });
    expect(used.status).toBe(201);
    expect((await post(`/api/donations/${flowId}/disclose`, staff, {})).status).toBe(200);

    const store = await PostgresEventStore.open({ connectionString: eventsUrl });
    const events = await store.readStream(`donation-${flowId}`);
    await store.close();
    expect((events.find((e) => e.type === 'DonationReceived')!.data as { evidence: Array<{ file: { sha256: string } }> }).evidence[0].file.sha256).toBe(scan.sha256);
    expect((events.find((e) => e.type === 'DonationUsed')!.data as { evidence: Array<{ file: { sha256: string; visibility: string } }> }).evidence[0].file).toMatchObject({ sha256: photo.sha256, visibility: 'public' });

    const receipt = await until200(`/api/donations/${flowId}/evidence/${scan.sha256}`, users[staff]);
    expect(receipt.headers.get('content-type')).toBe('application/pdf');
    const publicPhoto = await until200(`/api/disclosure/donations/${flowId}/evidence/${photo.sha256}`);
    expect(createHash('sha256').update(Buffer.from(await publicPhoto.arrayBuffer())).digest('hex')).toBe(photo.sha256);
    expect((await fetch(`${gateway.url}/api/disclosure/donations/${flowId}/evidence/${scan.sha256}`)).status).toBe(404);
    // The disclosure's landing, grouped and summed on the projector's PostgreSQL read models.
    const recent = (await (await until200('/api/disclosure/recent')).json()) as { organizations: { organizationId: string; flows: number }[]; donations: { flowId: string }[] };
    expect(recent.donations.map((d) => d.flowId)).toContain(flowId);
    expect(recent.organizations.every((o) => typeof o.flows === 'number' && o.flows >= 1)).toBe(true);
  }, 180_000);
});
