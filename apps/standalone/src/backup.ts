import Database from 'better-sqlite3';
import type { SingleBar } from 'cli-progress';
import { createHash } from 'node:crypto';
import { createReadStream, existsSync } from 'node:fs';
import { copyFile, mkdir, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { dirname, isAbsolute, join, normalize, sep } from 'node:path';
import { pipeline } from 'node:stream/promises';

/** What a backup folder holds besides the files: `manifest.json`. */
export interface BackupManifest {
  format: 'shecun-backup';
  version: 1;
  /** ISO time the event store was read. */
  createdAt: string;
  /** Events in the backed-up event store, and the position of the last (0 when empty). */
  eventCount: number;
  headPosition: number;
  /** Every file of the backup but the manifest: path relative to the backup folder (`/`-separated), size, SHA-256. */
  files: { path: string; size: number; sha256: string }[];
}

export const MANIFEST = 'manifest.json';
const EVENTS = 'events.sqlite';
/**
 * What the app keeps in a data folder; a forced restore replaces these and leaves anything else.
 * The read models and the command snapshots are derived data: dropped, and rebuilt after the restore.
 */
const DATA_ENTRIES = [
  ...['events.sqlite', 'read.sqlite', 'events.snapshots.sqlite'].flatMap((file) => [file, `${file}-wal`, `${file}-shm`, `${file}-journal`]),
  'evidence',
  'keys',
];

/** A backup or restore refused: the message is Chinese first, English in parentheses. */
export class BackupError extends Error {
  constructor(zh: string, en: string) {
    super(`${zh} (${en})`);
    this.name = 'BackupError';
  }
}

export type ProgressBars = (label: string) => SingleBar;

const exists = async (path: string) => stat(path).then(() => true, (error: NodeJS.ErrnoException) => (error.code === 'ENOENT' ? false : Promise.reject(error)));

async function sha256OfFile(path: string): Promise<string> {
  const hash = createHash('sha256');
  await pipeline(createReadStream(path), hash);
  return hash.digest('hex');
}

/** The regular files under `dir`, relative and `/`-separated; none when it does not exist. */
async function filesUnder(dir: string): Promise<string[]> {
  if (!(await exists(dir))) return [];
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries.filter((e) => e.isFile()).map((e) => join(e.parentPath ?? e.path, e.name).slice(dir.length + 1).split(sep).join('/')).sort();
}

/** Evidence files whose record is written too (a file being stored has not been referenced by any event yet). */
async function evidenceFiles(dataDir: string): Promise<string[]> {
  const names = new Set(await filesUnder(join(dataDir, 'evidence')));
  return [...names].filter((n) => /^[0-9a-f]{2}\/[0-9a-f]{62}$/.test(n) && names.has(`${n}.json`)).flatMap((n) => [`evidence/${n}`, `evidence/${n}.json`]);
}

/** Runs `work` on each item with a progress bar. */
async function eachWithBar<T>(bars: ProgressBars, label: string, items: T[], work: (item: T) => Promise<void>): Promise<void> {
  const progress = bars(label);
  progress.start(Math.max(items.length, 1), 0);
  try {
    for (const [i, item] of items.entries()) {
      await work(item);
      progress.update(i + 1);
    }
  } finally {
    progress.stop();
  }
}

function countEvents(path: string): { eventCount: number; headPosition: number } {
  const db = new Database(path, { readonly: true, fileMustExist: true });
  try {
    const row = db.prepare('SELECT COUNT(*) AS n, COALESCE(MAX(position), 0) AS head FROM events').get() as { n: number; head: number };
    return { eventCount: row.n, headPosition: row.head };
  } finally {
    db.close();
  }
}

/**
 * Backs the data folder up into the folder `out` (which must not exist yet), beside a running app:
 * first the event store, a snapshot through SQLite's online backup taken inside one read
 * transaction; then the evidence files (content-addressed and only ever added, so every file an
 * event of the snapshot references is already there) and the keys. Read models are left out: they
 * are rebuilt from the events. Written into `<out>.partial-<pid>` and renamed at the end.
 */
export async function backupDataFolder(dataDir: string, out: string, bars: ProgressBars): Promise<BackupManifest> {
  const source = join(dataDir, EVENTS);
  if (!existsSync(source)) throw new BackupError(`数据目录 ${dataDir} 中没有事件库 ${EVENTS}`, `no event store ${EVENTS} in the data folder ${dataDir}`);
  if (existsSync(out)) throw new BackupError(`备份目标 ${out} 已存在`, `the backup target ${out} already exists`);
  const staging = `${out}.partial-${process.pid}`;
  await mkdir(staging, { recursive: true });
  try {
    const createdAt = new Date().toISOString();
    const db = new Database(source, { readonly: true, fileMustExist: true });
    try {
      const progress = bars('backup events');
      progress.start(1, 0);
      // One read transaction: the backup copies that snapshot while the app goes on appending.
      db.exec('BEGIN');
      db.prepare('SELECT 1 FROM events LIMIT 1').get();
      await db.backup(join(staging, EVENTS), {
        progress: ({ totalPages, remainingPages }) => {
          progress.setTotal(Math.max(totalPages, 1));
          progress.update(totalPages - remainingPages);
          return 256;
        },
      });
      db.exec('COMMIT');
      progress.update(progress.getTotal());
      progress.stop();
    } finally {
      db.close();
    }
    const copy = new Database(join(staging, EVENTS));
    copy.pragma('journal_mode = DELETE');
    copy.close();
    const copied = [...(await evidenceFiles(dataDir)), ...(await filesUnder(join(dataDir, 'keys'))).map((n) => `keys/${n}`)];
    await eachWithBar(bars, 'backup files', copied, async (path) => {
      await mkdir(dirname(join(staging, path)), { recursive: true });
      await copyFile(join(dataDir, path), join(staging, path));
    });
    const files: BackupManifest['files'] = [];
    await eachWithBar(bars, 'checksums', [EVENTS, ...copied], async (path) => {
      files.push({ path, size: (await stat(join(staging, path))).size, sha256: await sha256OfFile(join(staging, path)) });
    });
    const manifest: BackupManifest = { format: 'shecun-backup', version: 1, createdAt, ...countEvents(join(staging, EVENTS)), files };
    await writeFile(join(staging, MANIFEST), `${JSON.stringify(manifest, null, 2)}\n`);
    await rename(staging, out);
    return manifest;
  } catch (error) {
    await rm(staging, { recursive: true, force: true });
    throw error;
  }
}

const corrupt = (backup: string, zh: string, en: string) => new BackupError(`备份 ${backup} 不可用：${zh}`, `the backup ${backup} is unusable: ${en}`);

/** Reads the manifest and checks every file it lists (present, same size, same SHA-256); nothing is written. */
export async function checkBackup(backup: string, bars: ProgressBars): Promise<BackupManifest> {
  if (!(await exists(backup))) throw new BackupError(`备份 ${backup} 不存在`, `the backup ${backup} does not exist`);
  let manifest: BackupManifest;
  try {
    manifest = JSON.parse(await readFile(join(backup, MANIFEST), 'utf8')) as BackupManifest;
  } catch (error) {
    throw corrupt(backup, `无法读取 ${MANIFEST}`, `${MANIFEST} cannot be read (${(error as Error).message})`);
  }
  if (manifest?.format !== 'shecun-backup' || manifest.version !== 1 || !Array.isArray(manifest.files) || !Number.isSafeInteger(manifest.eventCount)) {
    throw corrupt(backup, `${MANIFEST} 不是社村通备份清单`, `${MANIFEST} is not a shecun backup manifest`);
  }
  const safe = (path: unknown) => typeof path === 'string' && !isAbsolute(path) && !normalize(path).startsWith('..') && (path === EVENTS || /^(evidence|keys)\//.test(path));
  if (!manifest.files.some((f) => f.path === EVENTS) || !manifest.files.every((f) => safe(f.path))) {
    throw corrupt(backup, '清单中的文件列表无效', 'the manifest lists no event store or a path outside the data folder');
  }
  await eachWithBar(bars, 'check backup', manifest.files, async ({ path, size, sha256 }) => {
    const file = join(backup, path);
    if (!(await exists(file))) throw corrupt(backup, `缺少文件 ${path}`, `${path} is missing`);
    if ((await stat(file)).size !== size || (await sha256OfFile(file)) !== sha256) throw corrupt(backup, `文件 ${path} 的校验和不符`, `${path} does not match its checksum`);
  });
  return manifest;
}

/** The event store of a restore checked before it is put in place: intact, with the events the manifest counts. */
function checkEventStore(backup: string, path: string, manifest: BackupManifest): void {
  let counted: { eventCount: number; headPosition: number };
  try {
    const db = new Database(path, { fileMustExist: true });
    try {
      const integrity = db.pragma('integrity_check', { simple: true });
      if (integrity !== 'ok') throw new Error(String(integrity));
    } finally {
      db.close();
    }
    counted = countEvents(path);
  } catch (error) {
    throw corrupt(backup, `事件库损坏`, `the event store is damaged (${(error as Error).message})`);
  }
  if (counted.eventCount !== manifest.eventCount || counted.headPosition !== manifest.headPosition) {
    throw corrupt(backup, '事件数与清单不符', `the event store holds ${counted.eventCount} events up to ${counted.headPosition}, the manifest ${manifest.eventCount} up to ${manifest.headPosition}`);
  }
}

/**
 * Restores a backup into `dataDir`, whose lock the caller holds: into an empty folder, or with
 * `force` in place of its event store, read models, evidence and keys. The files are copied into
 * `<dataDir>/.restore-<pid>` and checked there, then what they replace is moved aside, they are
 * renamed into place and the old ones removed; on any error the folder is left as it was. The read
 * models are not restored: they are rebuilt from the events on the next start.
 */
export async function restoreDataFolder(backup: string, dataDir: string, manifest: BackupManifest, force: boolean, bars: ProgressBars): Promise<void> {
  const present = (await readdir(dataDir)).filter((name) => !name.startsWith('shecun.lock'));
  if (present.length && !force) {
    throw new BackupError(`数据目录 ${dataDir} 不是空的（${present.join('、')}）：要替换它，请加 --force`, `the data folder ${dataDir} is not empty (${present.join(', ')}): add --force to replace it`);
  }
  const staging = join(dataDir, `.restore-${process.pid}`);
  const aside = join(dataDir, `.replaced-${process.pid}`);
  await mkdir(staging);
  const moved: string[] = [];
  try {
    await eachWithBar(bars, 'restore files', manifest.files, async ({ path }) => {
      await mkdir(dirname(join(staging, path)), { recursive: true });
      await copyFile(join(backup, path), join(staging, path));
    });
    checkEventStore(backup, join(staging, EVENTS), manifest);
    await mkdir(aside);
    for (const name of DATA_ENTRIES.filter((n) => present.includes(n))) {
      await rename(join(dataDir, name), join(aside, name));
      moved.push(name);
    }
    for (const name of [EVENTS, 'evidence', 'keys']) if (await exists(join(staging, name))) await rename(join(staging, name), join(dataDir, name));
  } catch (error) {
    await rm(staging, { recursive: true, force: true });
    for (const name of ['evidence', 'keys', EVENTS]) if (moved.includes(name) || !present.includes(name)) await rm(join(dataDir, name), { recursive: true, force: true });
    for (const name of moved) await rename(join(aside, name), join(dataDir, name));
    await rm(aside, { recursive: true, force: true });
    throw error;
  }
  await rm(staging, { recursive: true, force: true });
  await rm(aside, { recursive: true, force: true });
}
