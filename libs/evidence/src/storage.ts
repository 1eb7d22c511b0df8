import { createHash } from 'node:crypto';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { SHA256_PATTERN, StoredFileInfo } from './evidence.model';

/**
 * Where evidence files live. Content-addressed: a file is written once under the SHA-256 of its
 * bytes, and writing the same bytes again keeps the first record. `read` answers the bytes as they
 * are now, so a file changed behind the platform's back is found by hashing them again.
 */
export interface EvidenceStorage {
  /** Stores the bytes under their hash; answers the record kept (the earlier one if the bytes were already there). */
  put(info: StoredFileInfo, bytes: Buffer): Promise<StoredFileInfo>;
  info(sha256: string): Promise<StoredFileInfo | null>;
  read(sha256: string): Promise<Buffer | null>;
  /** How many files are stored (for tests and health). */
  count(): Promise<number>;
}

export const EVIDENCE_STORAGE = Symbol('EVIDENCE_STORAGE');

export const sha256Of = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

const requireHash = (sha256: string) => {
  if (!SHA256_PATTERN.test(sha256)) throw new Error(`not a SHA-256 hex digest: ${sha256}`);
};

/**
 * The embedded default: `<dataDir>/evidence/ab/cdef…` (the first two hex digits as a folder), with
 * the record beside it as `ab/cdef….json`. Written to a temporary name and renamed into place.
 */
export class FilesystemEvidenceStorage implements EvidenceStorage {
  constructor(readonly root: string) {}

  pathOf(sha256: string): string {
    requireHash(sha256);
    return join(this.root, sha256.slice(0, 2), sha256.slice(2));
  }

  async put(info: StoredFileInfo, bytes: Buffer): Promise<StoredFileInfo> {
    requireHash(info.sha256);
    if (sha256Of(bytes) !== info.sha256) throw new Error(`bytes do not hash to ${info.sha256}`);
    const existing = await this.info(info.sha256);
    if (existing && (await this.read(info.sha256))) return existing;
    const path = this.pathOf(info.sha256);
    await mkdir(dirname(path), { recursive: true });
    const temp = `${path}.${process.pid}.${Date.now()}.tmp`;
    await writeFile(temp, bytes);
    await rename(temp, path);
    if (!existing) {
      await writeFile(`${temp}.json`, JSON.stringify(info));
      await rename(`${temp}.json`, `${path}.json`);
    }
    return existing ?? info;
  }

  async info(sha256: string): Promise<StoredFileInfo | null> {
    if (!SHA256_PATTERN.test(sha256)) return null;
    try {
      return JSON.parse(await readFile(`${this.pathOf(sha256)}.json`, 'utf8')) as StoredFileInfo;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw error;
    }
  }

  async read(sha256: string): Promise<Buffer | null> {
    if (!SHA256_PATTERN.test(sha256)) return null;
    try {
      return await readFile(this.pathOf(sha256));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw error;
    }
  }

  async count(): Promise<number> {
    const { readdir } = await import('node:fs/promises');
    let n = 0;
    let folders: string[];
    try {
      folders = await readdir(this.root);
    } catch {
      return 0;
    }
    for (const folder of folders) {
      if (!/^[0-9a-f]{2}$/.test(folder)) continue;
      for (const name of await readdir(join(this.root, folder))) if (/^[0-9a-f]{62}$/.test(name)) n += 1;
    }
    return n;
  }
}
