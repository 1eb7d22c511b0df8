import Database from 'better-sqlite3';
import { randomUUID } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { retry } from '@shecun/resilience';

/** The lock file in the data folder. */
export const LOCK_FILE = 'shecun.lock';

/** Who holds (or last held) a data folder. */
export interface LockHolder {
  pid: number;
  host: string;
  /** `server`, or the CLI command (`cli rebuild`…). */
  command: string;
  /** ISO time the holder took the lock. */
  since: string;
}

/** Another process holds the data folder: the message names it (Chinese first, English in parentheses). */
export class DataFolderLockedError extends Error {
  constructor(
    readonly dataDir: string,
    readonly holder?: LockHolder,
  ) {
    const who = holder
      ? `进程 ${holder.pid}${holder.host !== hostname() ? `（主机 ${holder.host}）` : ''}（${holder.command}，自 ${holder.since} 起）`
      : '另一个进程';
    const whoEn = holder ? `process ${holder.pid}${holder.host !== hostname() ? ` on ${holder.host}` : ''} (${holder.command}, since ${holder.since})` : 'another process';
    super(
      `数据目录 ${dataDir} 正被${who}使用：一个数据目录同时只能由一个进程打开，请先停止它。` +
        ` (The data folder ${dataDir} is in use by ${whoEn}: one process per data folder; stop it first.)`,
    );
    this.name = 'DataFolderLockedError';
  }
}

const isBusy = (error: unknown) => typeof (error as { code?: unknown })?.code === 'string' && /^SQLITE_(BUSY|LOCKED)/.test((error as { code: string }).code);
/** A step of the handshake is done and the next must follow (our row committed; or another taker's commit was ours to wait for). */
class HandshakeStep extends Error {}

/**
 * One process per data folder. `<dataDir>/shecun.lock` is a small SQLite database: the holder keeps
 * a write transaction open on it for as long as it lives, which is an operating-system lock on the
 * file (fcntl on Unix, LockFileEx on Windows) that the system drops when the process ends, however
 * it ends — a SIGKILLed holder leaves no lock behind, only its row, which the next holder replaces
 * (and reports as `previous`). The row (pid, host, command, start) is committed before the lock is
 * kept, so a refused process can name the holder.
 */
export class DataFolderLock {
  private released = false;

  private constructor(
    private readonly db: Database.Database,
    readonly dataDir: string,
    /** The row of an earlier holder that ended without releasing (killed, crashed), if any. */
    readonly previous: LockHolder | undefined,
  ) {}

  /**
   * Takes the data folder's lock, or throws {@link DataFolderLockedError} naming the holder. A
   * handshake of a few steps under the one {@link retry}: take the write lock, write our row and
   * commit it (so a refused process can name us), take the write lock again and keep it.
   */
  static async acquire(dataDir: string, command: string): Promise<DataFolderLock> {
    mkdirSync(dataDir, { recursive: true });
    // The busy timeout covers a holder committing its row; a held lock is reported within a second.
    const db = new Database(join(dataDir, LOCK_FILE), { timeout: 1000 });
    const me = { pid: process.pid, host: hostname(), command, since: new Date().toISOString(), token: randomUUID() };
    let previous: LockHolder | undefined;
    let first = true;
    /** The row found at the first look: an earlier holder's, or none. */
    let seen: string | undefined;
    const step = (): DataFolderLock => {
      try {
        db.exec('BEGIN IMMEDIATE');
      } catch (error) {
        if (!isBusy(error)) throw error;
        const holder = readHolder(db);
        // Our own row: the holder that got in after our commit has not written its row yet.
        if (holder && 'token' in holder && holder.token === me.token) throw new HandshakeStep();
        throw new DataFolderLockedError(dataDir, holder && publicHolder(holder));
      }
      db.exec('CREATE TABLE IF NOT EXISTS holder (id INTEGER PRIMARY KEY CHECK (id = 1), pid INTEGER NOT NULL, host TEXT NOT NULL, command TEXT NOT NULL, since TEXT NOT NULL, token TEXT NOT NULL)');
      const current = readHolder(db);
      if (current?.token === me.token) return new DataFolderLock(db, dataDir, previous);
      if (!first && current && current.token !== seen) {
        // Written since our first look by another process taking the folder: it goes first (its
        // lock, or its row, names it at our next step). Overwriting it would let two starts take
        // turns overwriting each other until both give up.
        db.exec('ROLLBACK');
        throw new HandshakeStep();
      }
      if (first && current) previous = publicHolder(current);
      seen = first ? current?.token : seen;
      first = false;
      db.prepare('INSERT OR REPLACE INTO holder (id, pid, host, command, since, token) VALUES (1, @pid, @host, @command, @since, @token)').run(me);
      // Committed so that others can read who holds the folder; then the write lock is taken again and kept.
      db.exec('COMMIT');
      throw new HandshakeStep();
    };
    try {
      return await retry(async () => step(), { attempts: 20, minDelayMs: 1, maxDelayMs: 50, shouldRetry: (error) => error instanceof HandshakeStep });
    } catch (error) {
      if (db.inTransaction) db.exec('ROLLBACK');
      db.close();
      if (error instanceof HandshakeStep) {
        const holder = readHolderOf(dataDir);
        throw new DataFolderLockedError(dataDir, holder && publicHolder(holder));
      }
      throw error;
    }
  }

  /** Lets the folder go (on a clean stop): the row goes, then the lock. The system does the same when the process dies. */
  release(): void {
    if (this.released) return;
    this.released = true;
    try {
      this.db.exec('DELETE FROM holder');
      this.db.exec('COMMIT');
    } finally {
      this.db.close();
    }
  }
}

function readHolder(db: Database.Database): (LockHolder & { token: string }) | undefined {
  try {
    return db.prepare('SELECT pid, host, command, since, token FROM holder WHERE id = 1').get() as (LockHolder & { token: string }) | undefined;
  } catch {
    return undefined; // not created yet, or the holder is committing
  }
}

/** The holder's row, read through a connection of its own (after ours was closed). */
function readHolderOf(dataDir: string): (LockHolder & { token: string }) | undefined {
  const db = new Database(join(dataDir, LOCK_FILE), { timeout: 1000 });
  try {
    return readHolder(db);
  } finally {
    db.close();
  }
}

const publicHolder = ({ pid, host, command, since }: LockHolder): LockHolder => ({ pid, host, command, since });

let held: DataFolderLock | undefined;

/**
 * Takes the lock for this process (the server or a CLI command) and keeps it until the process
 * exits: after the app has closed on a stop (SIGTERM, SIGINT, the end of a CLI command), or by the
 * system's hand when the process is killed.
 */
export async function lockDataFolder(dataDir: string, command: string): Promise<DataFolderLock> {
  if (held) throw new Error(`this process already holds ${held.dataDir}`);
  held = await DataFolderLock.acquire(dataDir, command);
  process.once('exit', releaseDataFolderLock);
  return held;
}

/** Releases this process's lock, if it holds one. */
export function releaseDataFolderLock(): void {
  const lock = held;
  held = undefined;
  lock?.release();
}
