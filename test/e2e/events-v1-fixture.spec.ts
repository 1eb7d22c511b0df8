import { foldRecorded } from '@shecun/core';
import { flowDecider, fundDecider } from '@shecun/donations';
import { RecordedEvent, SqliteEventStore } from '@shecun/event-store';
import { sessionDecider, userDecider } from '@shecun/identity';
import { needDecider } from '@shecun/needs';
import { keyAreaDecider, organizationDecider, pairingDecider, teamDecider } from '@shecun/organizations';
import { pushSettingsDecider } from '@shecun/push';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { actAs, removeDir, startEmbeddedApp, TestApp } from '../support/embedded-app';

/**
 * Events as the platform wrote them at schema version 1 (test/fixtures/events-v1.json: the demo
 * seed's streams holding 40 event types, a sign-in, a revision, a ledger checkpoint and push
 * preferences) must load in every later version: each stream folds with its context's decider,
 * every projection rebuilds from them without parking one, and the figures read as they did.
 * When an event type gets a new version, its upcaster must keep this suite green; the fixture
 * itself is never regenerated.
 */
type FixtureEvent = Pick<RecordedEvent, 'id' | 'streamName' | 'revision' | 'type' | 'schemaVersion' | 'data' | 'metadata'>;
const FIXTURE: { events: FixtureEvent[] } = JSON.parse(readFileSync(join(__dirname, '..', 'fixtures', 'events-v1.json'), 'utf8'));

const DECIDERS = {
  need: needDecider,
  org: organizationDecider,
  pairing: pairingDecider,
  team: teamDecider,
  donation: flowDecider,
  fund: fundDecider,
  user: userDecider,
  session: sessionDecider,
} as const;

describe('version-1 events load forever', () => {
  let t: TestApp;
  let admin: Record<string, string>;
  beforeAll(async () => {
    const dir = mkdtempSync(join(tmpdir(), 'shecun-v1-'));
    const store = new SqliteEventStore({ path: join(dir, 'events.sqlite') });
    for (const e of FIXTURE.events) {
      await store.append(e.streamName, [{ id: e.id, type: e.type, schemaVersion: e.schemaVersion, data: e.data, metadata: e.metadata }], e.revision === 0 ? 'no-stream' : e.revision - 1);
    }
    await store.close();
    t = await startEmbeddedApp(dir);
    admin = await actAs(t, { id: 'test-admin', role: 'admin' });
  }, 120_000);
  afterAll(async () => {
    await t?.close();
    if (t) removeDir(t.dataDir);
  });

  it('holds version-1 events of 40 types', () => {
    expect(FIXTURE.events.every((e) => e.schemaVersion === 1)).toBe(true);
    expect(new Set(FIXTURE.events.map((e) => e.type)).size).toBe(40);
  });

  it('folds every stream with its context’s decider', async () => {
    const streams = new Map<string, RecordedEvent[]>();
    for (const e of await t.store.readAll(-1, 100_000)) streams.set(e.streamName, [...(streams.get(e.streamName) ?? []), e]);
    const folded: Record<string, unknown> = {};
    for (const [stream, events] of streams) {
      const family = stream.split('-')[0];
      const decider =
        stream.startsWith('pairing-key-') ? keyAreaDecider : stream.startsWith('push-settings-') ? pushSettingsDecider : DECIDERS[family as keyof typeof DECIDERS];
      if (!decider) continue; // the ledger checkpoint stream has no decider
      folded[stream] = foldRecorded(decider as never, events);
      expect({ stream, folded: folded[stream] }).toEqual({ stream, folded: expect.anything() });
    }
    expect(Object.keys(folded).length).toBeGreaterThanOrEqual(20);
  });

  it('rebuilds every read model without parking an event', () => {
    const status = t.projections.status();
    expect(status.parked).toBe(0);
    expect(status.projections.filter((p) => p.error)).toEqual([]);
    expect(status.ready).toBe(true);
  });

  it('reads the needs and the donation ledger as they were written', async () => {
    const needs = (await t.http().get('/api/needs?pageSize=100').set(admin).expect(200)).body.items as Array<{ title: string; status: string }>;
    expect(needs.map((n) => [n.title, n.status]).sort()).toEqual([
      ['三排镇中心小学课桌椅更新', 'closed'],
      ['乡村绿化认种', 'expired'],
      ['村道路灯', 'withdrawn'],
      ['村饮水净化设备', 'published'],
      ['独居老人暖冬关爱', 'fully_committed'],
      ['红树林认种认养', 'published'],
    ]);
    // The seals cover the data as written: the same head digest, every link intact.
    const ledger = (await t.http().get('/api/audit/donations/ledger').set(admin).expect(200)).body;
    expect(ledger).toMatchObject({ ok: true, eventsChecked: 13, streamsChecked: 3, brokenLinks: 0, head: '9c71ab9761399f9c11571b74e558ce4eda840e3fdf2bd8279f48870930fa8143' });
  });
});
