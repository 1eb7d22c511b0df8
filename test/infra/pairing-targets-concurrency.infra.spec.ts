import { RecordedEvent } from '@shecun/event-store';
import { PairingsProjection, PairingTargetView } from '@shecun/organizations';
import { DataSource, EntityManager } from 'typeorm';
import { openReadModel } from '../../apps/projector/src/read-model';
import { createTestDatabase } from '../support/pg';

const VILLAGE = '441826105201';
let position = 0;
const event = (stream: string, revision: number, type: string, data: Record<string, unknown>): RecordedEvent => ({
  id: `${stream}-${revision}`,
  type,
  schemaVersion: 1,
  data,
  metadata: { actorId: 'staff-1', actorRole: 'bureau', correlationId: 'c', causationId: 'c', occurredAt: '2026-12-01T00:00:00.000Z' },
  streamName: stream,
  revision,
  position: ++position,
});
const proposed = (org: string) =>
  event(`pairing-${org}:${VILLAGE}`, 0, 'PairingProposed', {
    pairingId: `${org}:${VILLAGE}`, term: 1, organizationId: org, organizationName: org, targetCode: VILLAGE, targetLevel: 'village',
    startDate: '2026-12-01', endDate: '2027-11-30', categories: ['education'], note: '', proposedAt: '2026-12-01T00:00:00.000Z',
  });
const confirmed = (org: string) => event(`pairing-${org}:${VILLAGE}`, 1, 'PairingConfirmed', { pairingId: `${org}:${VILLAGE}`, term: 1, confirmedAt: '2026-12-01T01:00:00.000Z' });
const designated = () => event(`pairing-key-${VILLAGE}`, 0, 'KeyAreaDesignated', { code: VILLAGE });

/**
 * The distributed projector applies events of different streams at the same time (several Kafka
 * partitions, one transaction each). Pairings of several organizations with one village, and the
 * village's designation as a key area, all change that village's one row of pairing_targets_view:
 * applied concurrently on PostgreSQL, no change may be lost.
 */
describe('pairing targets under concurrent transactions (PostgreSQL)', () => {
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  let dataSource: DataSource;
  const projection = new PairingsProjection();

  beforeAll(async () => {
    db = await createTestDatabase('shecun_pairing');
    dataSource = await openReadModel(db.url);
  }, 60_000);
  afterAll(async () => {
    await dataSource?.destroy();
    await db?.drop();
  });

  /** Each list of events in its own transaction; every transaction has begun and read before any applies. */
  async function concurrently(batches: RecordedEvent[][]): Promise<void> {
    let started = 0;
    let release!: () => void;
    const allStarted = new Promise<void>((resolve) => (release = resolve));
    await Promise.all(
      batches.map((events) =>
        dataSource.transaction(async (manager: EntityManager) => {
          await manager.query('SELECT 1');
          if (++started === batches.length) release();
          await allStarted;
          for (const e of events) await projection.apply(e, manager);
        }),
      ),
    );
  }
  const target = () => dataSource.getRepository(PairingTargetView).findOneByOrFail({ code: VILLAGE });

  it('counts every active pairing and keeps the key-area flag', async () => {
    const orgs = Array.from({ length: 8 }, (_, i) => `org-${i}`);
    await concurrently([...orgs.map((org) => [proposed(org), confirmed(org)]), [designated()]]);
    expect(await target()).toMatchObject({ code: VILLAGE, level: 'village', cityCode: '4418', countyCode: '441826', isKey: true, activePairings: 8 });

    // Four of them end at the same time: four fewer, still a key area.
    const ended = (org: string) => event(`pairing-${org}:${VILLAGE}`, 2, 'PairingEnded', { pairingId: `${org}:${VILLAGE}`, term: 1, reason: '到期前结束', endedAt: '2026-12-02T00:00:00.000Z' });
    await concurrently(orgs.slice(0, 4).map((org) => [ended(org)]));
    expect(await target()).toMatchObject({ isKey: true, activePairings: 4 });
  }, 60_000);
});
