import { randomBytes } from 'node:crypto';
import { StoredFileInfo } from '../evidence.model';
import { EvidenceStorage, sha256Of } from '../storage';

/**
 * The contract every evidence storage meets. `tamper` replaces a stored file's bytes behind the
 * storage's back (a disk edit, an UPDATE) so that reading shows what is there now.
 */
export function evidenceStorageContract(name: string, make: () => Promise<{ storage: EvidenceStorage; tamper: (sha256: string, bytes: Buffer) => Promise<void>; close: () => Promise<void> }>) {
  describe(`evidence storage contract: ${name}`, () => {
    let storage: EvidenceStorage;
    let tamper: (sha256: string, bytes: Buffer) => Promise<void>;
    let close: () => Promise<void>;
    beforeEach(async () => ({ storage, tamper, close } = await make()));
    afterEach(() => close());

    const fileOf = (bytes: Buffer, uploadedBy = 'user-a'): StoredFileInfo => ({ sha256: sha256Of(bytes), mediaType: 'application/pdf', size: bytes.length, uploadedBy, uploadedAt: '2026-11-20T08:00:00.000Z' });

    it('stores bytes under their hash and answers the record and the bytes', async () => {
      const bytes = randomBytes(5000);
      const info = { ...fileOf(bytes), thumbnail: sha256Of(Buffer.from('thumb')) };
      expect(await storage.put(info, bytes)).toEqual(info);
      expect(await storage.info(info.sha256)).toEqual(info);
      expect((await storage.read(info.sha256))!.equals(bytes)).toBe(true);
      expect(await storage.count()).toBe(1);
    });

    it('keeps the first record when the same bytes come again (content-addressed)', async () => {
      const bytes = randomBytes(100);
      const first = fileOf(bytes, 'user-a');
      await storage.put(first, bytes);
      expect(await storage.put(fileOf(bytes, 'user-b'), bytes)).toEqual(first);
      expect(await storage.count()).toBe(1);
    });

    it('refuses bytes that do not hash to the record’s sha256', async () => {
      const bytes = randomBytes(100);
      await expect(storage.put({ ...fileOf(bytes), sha256: sha256Of(Buffer.from('other')) }, bytes)).rejects.toThrow(/hash/);
      expect(await storage.count()).toBe(0);
    });

    it('answers null for unknown or malformed hashes', async () => {
      expect(await storage.info(sha256Of(Buffer.from('never')))).toBeNull();
      expect(await storage.read(sha256Of(Buffer.from('never')))).toBeNull();
      expect(await storage.read('../../etc/passwd')).toBeNull();
      expect(await storage.info("x' OR 1=1 --")).toBeNull();
    });

    it('reads what is stored now, so a swapped file is seen by hashing it again', async () => {
      const bytes = randomBytes(300);
      const info = fileOf(bytes);
      await storage.put(info, bytes);
      await tamper(info.sha256, Buffer.from('swapped'));
      expect(sha256Of((await storage.read(info.sha256))!)).not.toBe(info.sha256);
    });
  });
}
