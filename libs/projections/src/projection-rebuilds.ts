import { Column, Entity, EntityManager, PrimaryColumn } from 'typeorm';
import { numberTransformer } from './projection';

/**
 * The last rebuild of a bus-fed projection (`projector rebuild`): its tables were built from the
 * event store up to `position`, and swapped in. The projector skips a message whose event is at or
 * before that position (it is in the tables already), marking it processed as any other.
 */
@Entity('projection_rebuilds')
export class ProjectionRebuild {
  @PrimaryColumn({ type: 'varchar', length: 100 }) projection: string;
  /** The event store's global position the rebuilt tables hold every event up to. */
  @Column({ type: 'bigint', transformer: numberTransformer }) position: number;
  @Column({ type: 'varchar', length: 40 }) rebuiltAt: string;
  /** Who ran it (`cli:<login>`). */
  @Column({ type: 'varchar', length: 200 }) rebuiltBy: string;
}

/** First key of the advisory locks that pause a bus-fed projection's writes while a rebuild swaps its tables (the second: the projection's name hashed). */
export const REBUILD_LOCK_KEY = 0x5c_4e_42; // "\NB": shecun rebuild

/**
 * At the start of a transaction that writes a bus-fed projection's tables: takes the projection's
 * lock in shared mode (writers of one projection do not wait for one another; a rebuild swapping
 * its tables holds it exclusively, so they wait for the swap and then see the new tables), then
 * answers whether the event at `position` is already in the tables because a rebuild read it from
 * the event store. Two statements: the second reads with a snapshot taken after the lock is held.
 */
export async function rebuiltThrough(manager: EntityManager, projection: string, position: number): Promise<boolean> {
  const rebuilt = await rebuiltPosition(manager, projection);
  return rebuilt !== undefined && position >= 0 && position <= rebuilt;
}

/**
 * As {@link rebuiltThrough}, for several events in one transaction: takes the shared lock (held
 * until the commit, so the answer stays true for the transaction) and answers the position through
 * which the swapped-in tables hold the events, or undefined when no rebuild swapped any in.
 */
export async function rebuiltPosition(manager: EntityManager, projection: string): Promise<number | undefined> {
  await manager.query(`SELECT pg_advisory_xact_lock_shared($1, hashtext($2))`, [REBUILD_LOCK_KEY, projection]);
  const rows: Array<{ position: string }> = await manager.query(`SELECT "position" FROM projection_rebuilds WHERE "projection" = $1`, [projection]);
  return rows.length > 0 ? Number(rows[0].position) : undefined;
}

/** Inside the swapping transaction: waits for the projection's writers in flight, and holds new ones until the commit. */
export async function holdProjectionWriters(manager: EntityManager, projection: string): Promise<void> {
  await manager.query(`SELECT pg_advisory_xact_lock($1, hashtext($2))`, [REBUILD_LOCK_KEY, projection]);
}
