import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { evidenceStorageContract } from './contract/storage.contract';
import { FilesystemEvidenceStorage } from './storage';

evidenceStorageContract('filesystem (temp folder)', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'shecun-evidence-'));
  const storage = new FilesystemEvidenceStorage(join(dir, 'evidence'));
  return {
    storage,
    tamper: async (sha256, bytes) => writeFileSync(storage.pathOf(sha256), bytes),
    close: async () => rmSync(dir, { recursive: true, force: true }),
  };
});

describe('filesystem layout', () => {
  it('keeps a file at <root>/ab/cdef… with its record beside it', () => {
    const storage = new FilesystemEvidenceStorage('/data/evidence');
    const sha = 'ab' + 'c'.repeat(62);
    expect(storage.pathOf(sha)).toBe(`/data/evidence/ab/${'c'.repeat(62)}`);
    expect(() => storage.pathOf('../x')).toThrow();
  });
});
