import { DataSource } from 'typeorm';

/**
 * An embedded SQLite read model has one connection: two transactions interleaving on it would
 * merge into one. Every write to such a DataSource goes through this lock. Server databases
 * (PostgreSQL) give each transaction its own connection and need no lock.
 */
const locks = new WeakMap<DataSource, Promise<unknown>>();

export function withWriteLock<T>(dataSource: DataSource, work: () => Promise<T>): Promise<T> {
  if (dataSource.options.type !== 'better-sqlite3' && dataSource.options.type !== 'sqlite') return work();
  const previous = locks.get(dataSource) ?? Promise.resolve();
  const run = previous.then(work, work);
  locks.set(dataSource, run.catch(() => undefined));
  return run;
}
