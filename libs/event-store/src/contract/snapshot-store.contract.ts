import { randomUUID } from 'node:crypto';
import { SnapshotStore, StoredSnapshot } from '../snapshots/snapshot-store';

/** The contract every snapshot-store adapter must pass (fresh random stream names, so a shared server is fine). */
export function snapshotStoreContract(adapterName: string, open: () => Promise<SnapshotStore>): void {
  describe(`snapshot store contract: ${adapterName}`, () => {
    let store: SnapshotStore;
    beforeEach(async () => {
      store = await open();
    });
    afterEach(async () => {
      await store.close();
    });

    const snapshot = (over: Partial<StoredSnapshot> = {}): StoredSnapshot => ({
      streamName: `flow-${randomUUID()}`,
      kind: 'flow',
      version: 1,
      revision: 99,
      eventId: randomUUID(),
      state: JSON.stringify({ 名称: '村道硬化', amountFen: 1_250_000, uses: [{ id: 'u1' }] }),
      checksum: 'c'.repeat(64),
      ...over,
    });

    it('finds nothing for a stream without a snapshot', async () => {
      expect(await store.load(`flow-${randomUUID()}`, 'flow')).toBeUndefined();
    });

    it('returns a saved snapshot exactly as saved', async () => {
      const s = snapshot();
      await store.save(s);
      expect(await store.load(s.streamName, s.kind)).toEqual(s);
    });

    it('keeps one snapshot per stream and kind', async () => {
      const a = snapshot({ kind: 'user' });
      const b = snapshot({ streamName: a.streamName, kind: 'user-sessions', revision: 5, state: '{"b":1}' });
      await store.save(a);
      await store.save(b);
      expect(await store.load(a.streamName, 'user')).toEqual(a);
      expect(await store.load(a.streamName, 'user-sessions')).toEqual(b);
    });

    it('replaces a snapshot by one at a later revision, never by one at an earlier revision', async () => {
      const first = snapshot({ revision: 100 });
      await store.save(first);
      const later = { ...first, revision: 200, eventId: randomUUID(), state: '{"later":true}' };
      await store.save(later);
      await store.save({ ...first, revision: 150, state: '{"slow":true}' });
      expect(await store.load(first.streamName, first.kind)).toEqual(later);
    });

    it('replaces a snapshot of another version whatever its revision (a rebuild after a schema change)', async () => {
      const old = snapshot({ version: 1, revision: 500 });
      await store.save(old);
      const rebuilt = { ...old, version: 2, revision: 300, state: '{"v":2}' };
      await store.save(rebuilt);
      expect(await store.load(old.streamName, old.kind)).toEqual(rebuilt);
    });

    it('replaces whatever is kept when asked to (the kept one was found unusable)', async () => {
      const bad = snapshot({ revision: 900 });
      await store.save(bad);
      const rebuilt = { ...bad, revision: 800, eventId: randomUUID(), state: '{"rebuilt":true}' };
      await store.save(rebuilt, { replace: true });
      expect(await store.load(bad.streamName, bad.kind)).toEqual(rebuilt);
    });

    it('forgets the snapshots of a removed stream only', async () => {
      const a = snapshot();
      const other = snapshot();
      await store.save(a);
      await store.save(other);
      await store.remove(a.streamName);
      expect(await store.load(a.streamName, a.kind)).toBeUndefined();
      expect(await store.load(other.streamName, other.kind)).toEqual(other);
    });
  });
}
