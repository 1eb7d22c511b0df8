import { CommandBus } from '@nestjs/cqrs';
import { Actor } from '@shecun/core';
import { CheckpointFile, checkpointSignatureValid, ExecuteFlowCommand, FlowRequest, keysOfJwks, LEDGER_CHECKPOINT_STREAM, LedgerCheckpointSweeper, merkleRoot, SealedHead, signCheckpoint } from '@shecun/donations';
import Database from 'better-sqlite3';
import { spawnSync } from 'node:child_process';
import { generateKeyPairSync, randomUUID } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { requireBuild, ROOT } from '../support/child-app';
import { actAs, removeDir, staffOf, startEmbeddedApp, TestActor, TestApp } from '../support/embedded-app';
import { registerOrganizations } from '../support/organizations';

/**
 * The anchored ledger end to end on the embedded app: a checkpoint is taken and exported as a
 * signed file; the last event of a donation stream is then deleted from the SQLite event store.
 * Every chain still verifies (as documented), but `cli verify-ledger --against <file>` exits 1
 * naming the stream and the missing revision; a changed event before the checkpoint is named; a
 * forged checkpoint file is refused.
 */

const ORG = 'org-anchor-fdn';
const VILLAGE = '441826105201';
const AUDITOR: TestActor = { id: 'auditor-anchor-01', role: 'auditor', scope: '44' };
const BUREAU: TestActor = { id: 'bureau-anchor-01', role: 'bureau', scope: '4418' };
const ADMIN: TestActor = { id: 'admin-anchor-01', role: 'admin' };

const cli = (dataDir: string, ...args: string[]) =>
  spawnSync(process.execPath, [join(ROOT, 'dist', 'apps', 'standalone', 'src', 'cli.js'), 'verify-ledger', ...args], { cwd: ROOT, env: { ...process.env, DATA_DIR: dataDir }, encoding: 'utf8', timeout: 120_000 });

describe('ledger checkpoints: a deleted tail shows against a kept checkpoint file', () => {
  let t: TestApp;
  const as = new Map<string, Record<string, string>>();
  const h = (actor: TestActor) => as.get(actor.id)!;
  const flowA = randomUUID();
  const flowB = randomUUID();
  let file: CheckpointFile;
  let filePath = '';

  beforeAll(async () => {
    t = await startEmbeddedApp();
    for (const actor of [AUDITOR, BUREAU, ADMIN, staffOf(ORG)]) as.set(actor.id, await actAs(t, actor));
    await registerOrganizations(t, [{ id: ORG, name: '锚定测试基金会', type: 'foundation', homeDivisionCode: '4418' }]);
    const staff: Actor = { id: 'anchor-staff', role: 'organization', organizationId: ORG };
    const run = (flowId: string, request: FlowRequest) => t.app.get(CommandBus).execute(new ExecuteFlowCommand(flowId, request, { actor: staff, commandId: randomUUID(), correlationId: randomUUID() }));
    await run(flowA, { type: 'PledgeDonation', donor: { kind: 'individual' }, recipient: { kind: 'organization', id: ORG }, resource: { kind: 'money' }, amount: 100_000, note: '' });
    await run(flowA, { type: 'ReceiveDonation', receiptNumber: 'R-A1', amount: 100_000, receivedOn: '2026-11-20' });
    await run(flowA, { type: 'AllocateDonation', allocationId: 'a1', target: { kind: 'village', villageCode: VILLAGE, project: '路灯' }, amount: 50_000, note: '' });
    await run(flowA, { type: 'RecordUse', useId: 'u1', allocationId: 'a1', amount: 30_000, evidence: [{ kind: 'invoice', ref: 'inv-1' }], usedOn: '2026-11-21', note: '' });
    await run(flowB, { type: 'PledgeDonation', donor: { kind: 'individual' }, recipient: { kind: 'organization', id: ORG }, resource: { kind: 'money' }, amount: 20_000, note: '' });
    await run(flowB, { type: 'ReceiveDonation', receiptNumber: 'R-B1', amount: 20_000, receivedOn: '2026-11-20' });
    await t.projections.waitFor(await t.store.headPosition());
  });
  afterAll(async () => {
    await t.close();
    removeDir(t.dataDir);
  });

  it('takes a checkpoint on demand (auditors, admins), lists it, and exports it as a file signed with the platform key', async () => {
    await t.http().post('/api/audit/ledger/checkpoints').set(h(staffOf(ORG))).send({}).expect(403);
    await t.http().post('/api/audit/ledger/checkpoints').set(h(BUREAU)).send({}).expect(403);
    const before = await t.eventCount();
    const key = { 'Idempotency-Key': `anchor-${randomUUID()}` };
    const taken = await t.http().post('/api/audit/ledger/checkpoints').set(h(AUDITOR)).set(key).send({ reason: '年度审计前封存' }).expect(201);
    expect(taken.body).toMatchObject({ reason: '年度审计前封存', streams: expect.any(Number), ledgerOk: true, brokenLinks: 0, previous: null, by: { actorRole: 'auditor' } });
    expect(taken.body.root).toMatch(/^[0-9a-f]{64}$/);
    // A retry appends nothing and answers the same checkpoint.
    const again = await t.http().post('/api/audit/ledger/checkpoints').set(h(AUDITOR)).set(key).send({ reason: '年度审计前封存' }).expect(201);
    expect(again.body.id).toBe(taken.body.id);
    expect(await t.eventCount()).toBe(before + 1);
    const [event] = await t.store.readStream(LEDGER_CHECKPOINT_STREAM);
    expect(event).toMatchObject({ id: taken.body.id, type: 'LedgerCheckpointed', metadata: { actorRole: 'auditor', occurredAt: taken.body.at } });

    const list = await t.http().get('/api/audit/ledger/checkpoints').set(h(BUREAU)).expect(200);
    expect(list.body.items.map((c: { id: string }) => c.id)).toEqual([taken.body.id]);

    const res = await t.http().get(`/api/audit/ledger/checkpoints/${taken.body.id}`).set(h(AUDITOR)).expect(200).expect('content-disposition', /ledger-checkpoint-/);
    file = res.body;
    expect(file).toMatchObject({ format: 'shecun-ledger-checkpoint/1', id: taken.body.id, root: taken.body.root, signature: { alg: 'RS256' } });
    expect(file.streams).toEqual(expect.arrayContaining([[`donation-${flowA}`, 3, expect.stringMatching(/^[0-9a-f]{64}$/)], [`donation-${flowB}`, 1, expect.any(String)]]));
    expect(merkleRoot(file.streams)).toBe(file.root);
    const jwks = await t.http().get('/api/auth/jwks.json').expect(200);
    expect(checkpointSignatureValid(file, keysOfJwks(jwks.body))).toBe(true);
    filePath = join(t.dataDir, 'kept-checkpoint.json');
    writeFileSync(filePath, JSON.stringify(file, null, 2));
    await t.http().get(`/api/audit/ledger/checkpoints/${randomUUID()}`).set(h(AUDITOR)).expect(404);
  });

  it('takes the periodic checkpoint as the platform once the interval has passed since the last, not before', async () => {
    const sweeper = t.app.get(LedgerCheckpointSweeper);
    expect(await sweeper.sweep(new Date(Date.now() + 3_600_000))).toBeNull();
    const periodic = await sweeper.sweep(new Date(Date.now() + 25 * 3_600_000));
    expect(periodic).toMatchObject({ by: { actorId: 'system', actorRole: 'system' }, previous: { id: file.id, root: file.root }, root: file.root });
    expect(await sweeper.sweep(new Date(Date.now() + 26 * 3_600_000))).toBeNull();
  });

  it('matches the ledger while nothing before the checkpoint changed, events after it included', async () => {
    const staff: Actor = { id: 'anchor-staff', role: 'organization', organizationId: ORG };
    await t.app.get(CommandBus).execute(new ExecuteFlowCommand(flowB, { type: 'DiscloseDonation' }, { actor: staff, commandId: randomUUID(), correlationId: randomUUID() }));
    const res = await t.http().post('/api/audit/ledger/verify').set(h(AUDITOR)).send(file).expect(200);
    expect(res.body).toMatchObject({ ok: true, findings: [], checkpoint: { id: file.id }, ledger: { ok: true } });
    await t.http().post('/api/audit/ledger/verify').set(h(staffOf(ORG))).send(file).expect(403);
  });

  it('names the stream and the revision when the last event of a donation stream is deleted, which the chains alone cannot show', async () => {
    const db = new Database(join(t.dataDir, 'events.sqlite'));
    const last = db.prepare(`SELECT position, revision, type FROM events WHERE stream = ? ORDER BY revision DESC LIMIT 1`).get(`donation-${flowA}`) as { position: number; revision: number; type: string };
    expect(last).toMatchObject({ revision: 3, type: 'DonationUsed' });
    db.prepare('DELETE FROM events WHERE position = ?').run(last.position);
    db.close();

    // Without a checkpoint file the chain check still passes, as the README says.
    const chains = await t.http().get('/api/audit/donations/ledger').set(h(AUDITOR)).expect(200);
    expect(chains.body).toMatchObject({ ok: true });
    requireBuild();
    const plain = cli(t.dataDir);
    expect({ status: plain.status, stderr: plain.stderr }).toMatchObject({ status: 0 });

    const against = cli(t.dataDir, '--against', filePath);
    expect(against.status).toBe(1);
    expect(against.stderr).toContain(`ledger differs from checkpoint ${file.id}`);
    expect(against.stderr).toContain(`donation-${flowA}: revision 3 missing (sealed up to 3)`);
    expect(JSON.parse(against.stdout)).toMatchObject({ ok: false, findings: [{ stream: `donation-${flowA}`, problem: 'events-missing', revision: 3, missing: [[3, 3]] }] });

    const api = await t.http().post('/api/audit/ledger/verify').set(h(AUDITOR)).send(file).expect(200);
    expect(api.body).toMatchObject({ ok: false, findings: [{ stream: `donation-${flowA}`, problem: 'events-missing', revision: 3 }] });
  });

  it('names a changed event before the checkpoint', async () => {
    const db = new Database(join(t.dataDir, 'events.sqlite'));
    const target = db.prepare(`SELECT position, id FROM events WHERE stream = ? AND revision = 1`).get(`donation-${flowB}`) as { position: number; id: string };
    db.prepare(`UPDATE events SET data = json_set(data, '$.amount', 2000) WHERE position = ?`).run(target.position);
    db.close();
    const api = await t.http().post('/api/audit/ledger/verify').set(h(AUDITOR)).send(file).expect(200);
    expect(api.body.ok).toBe(false);
    expect(api.body.findings).toHaveLength(2);
    expect(api.body.findings).toEqual(expect.arrayContaining([
      expect.objectContaining({ stream: `donation-${flowA}`, problem: 'events-missing', revision: 3 }),
      expect.objectContaining({ stream: `donation-${flowB}`, problem: 'event-changed', revision: 1, eventId: target.id, link: 'content-hash-mismatch' }),
    ]));
  });

  it('refuses a forged checkpoint file: heads changed with the root recomputed, or signed with another key', async () => {
    const forged = { ...file, streams: file.streams.map(([s, seq, hash]): SealedHead => (s === `donation-${flowA}` ? [s, 2, hash] : [s, seq, hash])) };
    forged.root = merkleRoot(forged.streams);
    const forgedPath = join(t.dataDir, 'forged-checkpoint.json');
    writeFileSync(forgedPath, JSON.stringify(forged));
    const refused = cli(t.dataDir, '--against', forgedPath);
    expect(refused.status).toBe(1);
    expect(refused.stderr).toContain(`checkpoint file ${forgedPath} refused`);
    expect(refused.stderr).toContain('signature does not verify');
    expect(refused.stdout).toBe('');

    const res = await t.http().post('/api/audit/ledger/verify').set(h(AUDITOR)).send(forged).expect(422);
    expect(res.body.detail).toMatch(/signature does not verify/);
    const { signature: _signature, ...unsigned } = forged;
    const otherKey = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
    await t.http().post('/api/audit/ledger/verify').set(h(AUDITOR)).send(signCheckpoint(unsigned, otherKey, file.signature.kid)).expect(422);
    await t.http().post('/api/audit/ledger/verify').set(h(AUDITOR)).send({ ...file, root: '0'.repeat(64) }).expect(422);
  });
});
