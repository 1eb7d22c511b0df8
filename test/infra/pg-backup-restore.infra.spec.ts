import { EventStore, openEventStore, SqliteEventStore } from '@shecun/event-store';
import { PostgresEvidenceStorage } from '@shecun/evidence';
import { STREAM_CATALOGUE } from '@shecun/hosting';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { appendNeedBacklog } from '../support/backlog';
import { requireBuild } from '../support/child-app';
import { removeDir } from '../support/embedded-app';
import { createTestDatabase } from '../support/pg';
import { copyLog, createNamedDatabase, Pipeline, projectedChecksums, query, run, script, verifyLedger } from '../support/pg-backup';
import { cliSync } from '../support/rebuild-fixture';

const BROKERS = process.env.KAFKA_BROKERS ?? '127.0.0.1:19092';
type Db = Awaited<ReturnType<typeof createTestDatabase>>;

/**
 * scripts/pg-backup.sh and scripts/pg-restore.sh on the machine's PostgreSQL, with throwaway
 * databases: the demo's history (donations with their ledger, users, organizations, needs, teams)
 * in a PostgreSQL event store, evidence files beside it, and a relay and a projector building the
 * read models over the real broker. A backup taken while needs are being appended is one snapshot
 * of the log; after backup → drop → restore the ledger verifies with the same head, the evidence
 * files are the same, and read models rebuilt by a fresh relay and projector equal those before.
 */
describe('PostgreSQL backup and restore of the distributed topology', () => {
  const runId = randomBytes(4).toString('hex');
  const dbs: Db[] = [];
  let dir: string;
  let events: Db;
  let evidence: Db;
  let store: EventStore;
  let pipeline: Pipeline;
  const makeDb = async (name: string) => {
    const db = await createTestDatabase(`shecun_bk_${name}`);
    dbs.push(db);
    return db;
  };
  const evidenceRows = (url: string) => query(url, `SELECT sha256, media_type, size, uploaded_by, uploaded_at, md5(bytes) AS bytes FROM evidence_files ORDER BY sha256`);

  beforeAll(async () => {
    requireBuild();
    dir = mkdtempSync(join(tmpdir(), 'shecun-pg-backup-'));
    cliSync(join(dir, 'demo'), ['seed-demo']);
    events = await makeDb('events');
    evidence = await makeDb('evidence');
    const demo = new SqliteEventStore({ path: join(dir, 'demo', 'events.sqlite') });
    store = await openEventStore(events.url);
    // The streams the distributed topology publishes (not the embedded app's own, as its seed markers).
    const published = (stream: string) => {
      try {
        return STREAM_CATALOGUE.topicFor(stream) !== '';
      } catch {
        return false;
      }
    };
    expect(await copyLog(demo, store, published)).toBeGreaterThan(300);
    await demo.close();
    const files = PostgresEvidenceStorage.fromUrl(evidence.url);
    for (let i = 0; i < 3; i++) {
      const bytes = randomBytes(2048 + i);
      const sha256 = createHash('sha256').update(bytes).digest('hex');
      await files.put({ sha256, mediaType: 'image/jpeg', size: bytes.length, uploadedBy: 'staff-1', uploadedAt: new Date().toISOString() }, bytes);
    }
    await files.close();
  }, 300_000);

  afterAll(async () => {
    await pipeline?.stop();
    await store?.close();
    for (const db of dbs) await db.drop();
    if (dir) removeDir(dir);
  });

  it('takes one snapshot of the log while needs are being appended', async () => {
    const stop = { done: false };
    let appended = 0;
    const writer = (async () => {
      while (!stop.done) appended += await appendNeedBacklog(store, 1, ['441826105201'], `live-${runId}-${appended}`);
    })();
    while (appended < 90) await new Promise((r) => setTimeout(r, 10));
    const headBefore = await store.headPosition();
    const target = join(dir, 'during-writes');
    const backup = await run('bash', [script('pg-backup.sh'), target], { EVENT_STORE_URL: events.url, EVIDENCE_DATABASE_URL: evidence.url });
    const headAfter = await store.headPosition();
    stop.done = true;
    await writer;
    expect({ status: backup.status, stderr: backup.stderr }).toEqual({ status: 0, stderr: expect.stringContaining('backup complete') });
    const manifest = JSON.parse(readFileSync(join(target, 'manifest.json'), 'utf8'));
    // Needs were appended before, during and after the dump: the snapshot is a point between.
    expect(manifest.eventStore.headPosition).toBeGreaterThan(headBefore);
    expect(manifest.eventStore.headPosition).toBeLessThan(headAfter);
    expect(manifest.eventStore.eventCount).toBe(manifest.eventStore.headPosition);

    const copy = await makeDb('snapshot');
    const copyEvidence = await makeDb('snapshot_evidence');
    const restore = await run('bash', [script('pg-restore.sh'), target], { EVENT_STORE_URL: copy.url, EVIDENCE_DATABASE_URL: copyEvidence.url });
    expect({ status: restore.status, stderr: restore.stderr }).toEqual({ status: 0, stderr: expect.stringContaining(`${manifest.eventStore.eventCount} events`) });
    // Exactly the first events of the live log, up to the snapshot's head, nothing after…
    const restored = await query<{ position: string; id: string }>(copy.url, 'SELECT position, id FROM event_store.events ORDER BY position');
    const original = await query<{ position: string; id: string }>(events.url, 'SELECT position, id FROM event_store.events WHERE position <= $1 ORDER BY position', [manifest.eventStore.headPosition]);
    expect(restored).toEqual(original);
    // …and every need appended whole (one append each): no stream cut in the middle of an append.
    const sizes = await query<{ n: string }>(copy.url, `SELECT count(*) AS n FROM event_store.events WHERE metadata->>'actorId' = 'seed' GROUP BY stream`);
    expect(sizes.length).toBeGreaterThan(10);
    expect(new Set(sizes.map((s) => s.n)).size).toBe(1);
    expect((await verifyLedger(copy.url)).ok).toBe(true);
    expect(await evidenceRows(copyEvidence.url)).toEqual(await evidenceRows(evidence.url));
  }, 300_000);

  it('backup, drop, restore, verify the ledger, rebuild: the read models equal those before', async () => {
    const relayA = await makeDb('relay_a');
    const readA = await makeDb('read_a');
    pipeline = new Pipeline({ eventStoreUrl: events.url, relayUrl: relayA.url, readUrl: readA.url, prefix: `bk${runId}a.`, brokers: BROKERS });
    await pipeline.start();
    const head = await store.headPosition();
    await pipeline.waitCaughtUp(head, 180_000);
    const before = await projectedChecksums(readA.url);
    expect(Number(before.needs_view.split(':')[0])).toBeGreaterThan(10);
    expect(Number(before.donation_flows_view.split(':')[0])).toBeGreaterThan(0);
    const ledgerBefore = await verifyLedger(events.url);
    expect(ledgerBefore).toMatchObject({ ok: true });
    expect(ledgerBefore.eventsChecked).toBeGreaterThan(0);
    const filesBefore = await evidenceRows(evidence.url);

    const target = join(dir, 'quiet');
    const backup = await run('bash', [script('pg-backup.sh'), target], { EVENT_STORE_URL: events.url, EVIDENCE_DATABASE_URL: evidence.url });
    expect(backup.status).toBe(0);

    // Disaster: every database of the topology gone.
    await pipeline.stop();
    await store.close();
    for (const db of [events, evidence, relayA, readA]) await db.drop();
    // Restore refuses a database that does not answer…
    const missing = await run('bash', [script('pg-restore.sh'), target], { EVENT_STORE_URL: events.url, EVIDENCE_DATABASE_URL: evidence.url });
    expect({ status: missing.status, stderr: missing.stderr }).toEqual({ status: 1, stderr: expect.stringContaining('does not answer') });
    // …restores into empty ones of the same names…
    await createNamedDatabase(events.name);
    await createNamedDatabase(evidence.name);
    const restore = await run('bash', [script('pg-restore.sh'), target], { EVENT_STORE_URL: events.url, EVIDENCE_DATABASE_URL: evidence.url });
    expect({ status: restore.status, stderr: restore.stderr }).toEqual({ status: 0, stderr: expect.stringContaining(`${head} events up to position ${head}`) });
    // …and refuses to restore over data.
    const again = await run('bash', [script('pg-restore.sh'), target], { EVENT_STORE_URL: events.url, EVIDENCE_DATABASE_URL: evidence.url });
    expect({ status: again.status, stderr: again.stderr }).toEqual({ status: 1, stderr: expect.stringContaining('not empty') });

    expect(await verifyLedger(events.url)).toEqual(ledgerBefore);
    expect(await evidenceRows(evidence.url)).toEqual(filesBefore);

    // Rebuild: a relay without a checkpoint publishes the restored log to fresh topics, a projector builds empty read models from them.
    const relayB = await makeDb('relay_b');
    const readB = await makeDb('read_b');
    store = await openEventStore(events.url);
    pipeline = new Pipeline({ eventStoreUrl: events.url, relayUrl: relayB.url, readUrl: readB.url, prefix: `bk${runId}b.`, brokers: BROKERS });
    await pipeline.start();
    await pipeline.waitCaughtUp(head, 180_000);
    expect(await projectedChecksums(readB.url)).toEqual(before);
  }, 600_000);
});
