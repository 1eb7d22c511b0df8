import { Injectable } from '@nestjs/common';
import { RecordedEvent } from '@shecun/event-store';
import { NEED_EVENT_TYPES, NeedEvent } from '@shecun/needs';
import { numberTransformer, Projection } from '@shecun/projections';
import { Column, Entity, EntityManager, Index, PrimaryColumn } from 'typeorm';
import { foldMilestones, NeedMilestones, newMilestones, statusOf, teamCommitmentsOf } from './need-milestones';

/**
 * One row per need for the bureau's dashboard: its village code (the town, county and city are
 * its first 9, 6 and 4 digits, the province its first 2: 44), category, status and milestones, and
 * the China-time date it was published (its week, month and quarter follow from the date, see
 * periods.ts). `state` holds the rest of the compact fold: the quantities the milestones depend on.
 */
@Entity('monitoring_needs')
export class MonitoredNeed {
  @PrimaryColumn({ type: 'varchar', length: 64 }) needId: string;
  /** Regions are queried as a range of village codes (a code prefix), served by this index. */
  @Index() @Column({ type: 'varchar', length: 12 }) villageCode: string;
  @Column({ type: 'varchar', length: 20 }) category: string;
  @Column({ type: 'varchar', length: 200 }) title: string;
  @Column({ type: 'varchar', length: 24 }) status: string;
  @Column({ type: 'varchar', length: 40, nullable: true }) publishedAt: string | null;
  /** China-time calendar date of publishing (YYYY-MM-DD). */
  @Column({ type: 'varchar', length: 10, nullable: true }) publishedDate: string | null;
  @Column({ type: 'varchar', length: 40, nullable: true }) firstAcceptedAt: string | null;
  @Column({ type: 'varchar', length: 40, nullable: true }) fullyCommittedAt: string | null;
  @Column({ type: 'varchar', length: 40, nullable: true }) fulfilledAt: string | null;
  /** Withdrawn or expired. */
  @Column({ type: 'varchar', length: 40, nullable: true }) endedAt: string | null;
  /** Team commitments (组团帮扶) accepted and not withdrawn, and those delivered in full. */
  @Column({ type: 'integer' }) teamCommitments: number;
  @Column({ type: 'integer' }) teamCommitmentsDelivered: number;
  @Column({ type: 'integer' }) revision: number;
  /** The dashboard's index (cohort-index.ts) reads the rows past a position and the sum of all positions: served by this index. */
  @Index() @Column({ type: 'bigint', transformer: numberTransformer }) position: number;
  /** JSON of the fold's quantities: lifecycle, items, confirmed, commitments. */
  @Column({ type: 'text' }) state: string;
}

export const MONITORING_VIEW_ENTITIES = [MonitoredNeed];

const COLUMNS = [
  'needId', 'villageCode', 'category', 'title', 'status', 'publishedAt', 'publishedDate',
  'firstAcceptedAt', 'fullyCommittedAt', 'fulfilledAt', 'endedAt', 'teamCommitments', 'teamCommitmentsDelivered', 'revision', 'position', 'state',
] as const;

/** Columns a row is read back from into the fold (with `state`). */
const FOLD_COLUMNS = ['needId', 'villageCode', 'category', 'title', 'publishedAt', 'publishedDate', 'firstAcceptedAt', 'fullyCommittedAt', 'fulfilledAt', 'endedAt', 'revision', 'position', 'state'] as const;
type FoldRow = Pick<MonitoredNeed, (typeof FOLD_COLUMNS)[number]>;

/** The row's values, in COLUMNS order. */
export function rowOf(m: NeedMilestones): unknown[] {
  const team = teamCommitmentsOf(m);
  const state = JSON.stringify({ lifecycle: m.lifecycle, items: m.items, confirmed: m.confirmed, commitments: m.commitments });
  return [
    m.needId, m.villageCode, m.category, m.title.slice(0, 200), statusOf(m), m.publishedAt, m.publishedDate,
    m.firstAcceptedAt, m.fullyCommittedAt, m.fulfilledAt, m.endedAt, team.accepted, team.delivered, m.revision, m.position, state,
  ];
}

const foldOf = (row: FoldRow): NeedMilestones => {
  const { state, position, ...rest } = row;
  return { ...rest, position: Number(position), ...(JSON.parse(state) as Pick<NeedMilestones, 'lifecycle' | 'items' | 'confirmed' | 'commitments'>) };
};

const NEED_TYPES = new Set<string>(NEED_EVENT_TYPES);
/** Rows per statement: a batch is read and written in chunks of these sizes, so few distinct statements are prepared. */
const CHUNKS = [256, 64, 16, 4, 1];

function* chunks<T>(items: T[]): Generator<T[]> {
  let offset = 0;
  for (const size of CHUNKS) {
    while (items.length - offset >= size) {
      yield items.slice(offset, offset + size);
      offset += size;
    }
  }
}

const quoted = (columns: readonly string[]) => columns.map((c) => `"${c}"`).join(', ');

/** The statements for `rows` rows, with positional parameters in the database's dialect. */
function statements(numbered: boolean, rows: number) {
  let n = 0;
  const slot = () => (numbered ? `$${++n}` : '?');
  const ids = Array.from({ length: rows }, slot).join(', ');
  n = 0;
  const tuples = Array.from({ length: rows }, () => `(${COLUMNS.map(slot).join(', ')})`).join(', ');
  // A need's village never changes, so the update leaves it (and its index) alone. The guard keeps
  // a row from going back to an earlier revision, whatever is replayed.
  const updates = COLUMNS.filter((c) => c !== 'needId' && c !== 'villageCode').map((c) => `"${c}" = excluded."${c}"`).join(', ');
  return {
    load: `SELECT ${quoted(FOLD_COLUMNS)} FROM "monitoring_needs" WHERE "needId" IN (${ids})`,
    save: `INSERT INTO "monitoring_needs" (${quoted(COLUMNS)}) VALUES ${tuples} ON CONFLICT ("needId") DO UPDATE SET ${updates} WHERE excluded."revision" > "monitoring_needs"."revision"`,
  };
}

const STATEMENTS = new Map<string, ReturnType<typeof statements>>();
const statementsFor = (manager: EntityManager, rows: number) => {
  const numbered = manager.connection.options.type === 'postgres';
  const key = `${numbered}:${rows}`;
  let found = STATEMENTS.get(key);
  if (!found) STATEMENTS.set(key, (found = statements(numbered, rows)));
  return found;
};

/** What one transaction has read and folded: each touched need's fold, and those changed. */
interface Pending {
  states: Map<string, NeedMilestones | null>;
  changed: Set<NeedMilestones>;
}

/**
 * The bureau's monitoring read model, fed by the needs events. The runner hands it the events of a
 * transaction in batches: the needs a batch touches that the transaction has not seen yet are read
 * in one query, every event is folded in memory, and `flush` writes each changed need once, with
 * multi-row upserts, before the runner writes its checkpoint. A need whose first event
 * (revision 0) is in the transaction is folded from scratch, without a read. Events at or before a
 * need's stored revision are skipped, and a row never goes back to an earlier revision: events
 * delivered twice change nothing.
 */
@Injectable()
export class MonitoringProjection implements Projection {
  readonly name = 'monitoring';
  readonly eventTypes = NEED_EVENT_TYPES;
  readonly entities = MONITORING_VIEW_ENTITIES;
  /** Large transactions while catching up: fewer commits, and a need's events mostly written at once. */
  readonly batchSize = 100_000;
  /** Per transaction (its EntityManager): dropped with it, so a rolled-back transaction leaves nothing behind. */
  private readonly pending = new WeakMap<EntityManager, Pending>();

  /** One event on its own (the bus projector's path): applied and written at once. */
  async apply(event: RecordedEvent, manager: EntityManager): Promise<void> {
    await this.applyBatch([event], manager);
    await this.flush(manager);
  }

  async applyBatch(events: RecordedEvent[], manager: EntityManager): Promise<void> {
    let pending = this.pending.get(manager);
    if (!pending) this.pending.set(manager, (pending = { states: new Map(), changed: new Set() }));
    const { states, changed } = pending;
    const needEvents: Array<RecordedEvent<{ needId: string }>> = [];
    const unknown: string[] = [];
    for (const event of events) {
      if (!NEED_TYPES.has(event.type)) continue;
      const e = event as RecordedEvent<{ needId: string }>;
      needEvents.push(e);
      const needId = e.data.needId;
      if (states.has(needId)) continue;
      if (e.revision === 0) states.set(needId, newMilestones(needId));
      else {
        states.set(needId, null);
        unknown.push(needId);
      }
    }
    for (const ids of chunks(unknown)) {
      const rows: FoldRow[] = await manager.query(statementsFor(manager, ids.length).load, ids);
      for (const row of rows) states.set(row.needId, foldOf(row));
    }
    for (const event of needEvents) {
      const needId = event.data.needId;
      let m = states.get(needId);
      if (!m) states.set(needId, (m = newMilestones(needId))); // a stream whose start this read model never saw
      if (m.revision >= event.revision) continue; // already applied
      foldMilestones(m, event as unknown as NeedEvent);
      m.revision = event.revision;
      m.position = event.position;
      changed.add(m);
    }
  }

  async flush(manager: EntityManager): Promise<void> {
    const pending = this.pending.get(manager);
    this.pending.delete(manager);
    if (!pending) return;
    for (const part of chunks([...pending.changed])) {
      const values: unknown[] = [];
      for (const m of part) values.push(...rowOf(m));
      await manager.query(statementsFor(manager, part.length).save, values);
    }
  }
}
