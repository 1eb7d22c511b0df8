import { Injectable } from '@nestjs/common';
import { RecordedEvent } from '@shecun/event-store';
import { deleteRowsIn, numberTransformer, Projection, selectRowsIn, upsertRows } from '@shecun/projections';
import { Column, Entity, EntityManager, Index, PrimaryColumn } from 'typeorm';
import {
  acceptedQuantity,
  commitmentStatus,
  confirmedQuantity,
  handoversOf,
  initialNeedState,
  lackingQuantity,
  lineItemStatus,
  NeedState,
  needDecider,
  needStatus,
  pendingHandoverOf,
  pendingQuantity,
  recordedForCommitment,
  teamOf,
} from './need.decider';
import { isNeedEvent, NEED_EVENT_TYPES, NeedEvent } from './need.events';
import { needDocument } from './need.presenter';

/**
 * The version of the rows NeedsProjection writes (see Projection.version): raise it with any change
 * to needs_view's document (needDocument), to the other tables' columns, or to the shape of the
 * decider's NeedState kept in needs_fold.
 */
export const NEEDS_PROJECTION_VERSION = 2;

/** One row per need: filter columns, and the need as users see it (its document, see needDocument) for the list and the detail view. */
@Entity('needs_view')
@Index(['status', 'category'])
export class NeedView {
  @PrimaryColumn({ type: 'varchar', length: 64 }) id: string;
  @Index() @Column({ type: 'varchar', length: 12 }) villageCode: string;
  @Index() @Column({ type: 'varchar', length: 9 }) townCode: string;
  @Index() @Column({ type: 'varchar', length: 6 }) countyCode: string;
  @Index() @Column({ type: 'varchar', length: 4 }) cityCode: string;
  @Column({ type: 'varchar', length: 200 }) title: string;
  @Column({ type: 'varchar', length: 20 }) category: string;
  @Index() @Column({ type: 'varchar', length: 24 }) status: string;
  @Column({ type: 'varchar', length: 10, nullable: true }) dueDate: string | null;
  @Column({ type: 'integer' }) lineItemCount: number;
  @Column({ type: 'integer' }) openCommitmentCount: number;
  @Column({ type: 'varchar', length: 40, nullable: true }) draftedAt: string | null;
  @Index() @Column({ type: 'varchar', length: 40, nullable: true }) publishedAt: string | null;
  @Column({ type: 'varchar', length: 40, nullable: true }) firstAcceptedAt: string | null;
  @Column({ type: 'varchar', length: 40, nullable: true }) fulfilledAt: string | null;
  @Column({ type: 'varchar', length: 40 }) updatedAt: string;
  @Column({ type: 'integer' }) revision: number;
  @Column({ type: 'bigint', transformer: numberTransformer }) position: number;
  /** JSON of NeedDocument: the read model's own shape, of the projection's version; empty in a row stored before version 2 (rebuilt at start). */
  @Column({ type: 'text', default: '' }) document: string;
}

/**
 * The projection's working copy of each need's folded state, which only the projection reads (to
 * apply the next event of the need without reading its stream): never served. Its shape is the
 * decider's NeedState; a change to that shape raises the projection's version (see the spec that
 * guards it), and every copy is folded again from the event store.
 */
@Entity('needs_fold')
export class NeedFoldRow {
  @PrimaryColumn({ type: 'varchar', length: 64 }) needId: string;
  @Column({ type: 'integer' }) revision: number;
  @Column({ type: 'text' }) state: string;
}

@Entity('need_line_items_view')
export class LineItemView {
  @PrimaryColumn({ type: 'varchar', length: 64 }) needId: string;
  @PrimaryColumn({ type: 'varchar', length: 16 }) lineItemId: string;
  @Column({ type: 'varchar', length: 20 }) kind: string;
  @Column({ type: 'varchar', length: 200 }) description: string;
  @Column({ type: 'varchar', length: 20 }) unit: string;
  @Column({ type: 'bigint', transformer: numberTransformer }) quantity: number;
  @Column({ type: 'bigint', transformer: numberTransformer }) accepted: number;
  @Column({ type: 'bigint', transformer: numberTransformer }) pending: number;
  @Column({ type: 'bigint', transformer: numberTransformer }) delivered: number;
  @Column({ type: 'bigint', transformer: numberTransformer }) lacking: number;
  @Column({ type: 'varchar', length: 24 }) status: string;
}

@Entity('commitments_view')
export class CommitmentView {
  @PrimaryColumn({ type: 'varchar', length: 64 }) needId: string;
  @PrimaryColumn({ type: 'varchar', length: 64 }) id: string;
  @Index() @Column({ type: 'varchar', length: 64 }) organizationId: string;
  @Column({ type: 'varchar', length: 200 }) organizationName: string;
  @Index() @Column({ type: 'varchar', length: 12 }) villageCode: string;
  @Column({ type: 'varchar', length: 200 }) needTitle: string;
  @Index() @Column({ type: 'varchar', length: 16 }) status: string;
  @Column({ type: 'varchar', length: 10 }) promisedBy: string;
  @Column({ type: 'text' }) items: string;
  @Column({ type: 'integer' }) deliveryCount: number;
  @Column({ type: 'integer' }) unconfirmedDeliveryCount: number;
  @Column({ type: 'varchar', length: 40 }) offeredAt: string;
  @Column({ type: 'varchar', length: 40, nullable: true }) acceptedAt: string | null;
  @Column({ type: 'varchar', length: 40, nullable: true }) closedAt: string | null;
  /** 组团帮扶: the team it was offered on behalf of, and its members with a share as `|id|id|`. */
  @Index() @Column({ type: 'varchar', length: 64, nullable: true }) teamId: string | null;
  @Column({ type: 'varchar', length: 200, nullable: true }) teamTitle: string | null;
  @Column({ type: 'text', nullable: true }) teamMemberIds: string | null;
  /** A handover awaiting the receiver (its organization id), and when it last changed hands. */
  @Column({ type: 'varchar', length: 64, nullable: true }) handoverToOrganizationId: string | null;
  @Column({ type: 'varchar', length: 40, nullable: true }) handedOverAt: string | null;
}

export const NEED_VIEW_ENTITIES = [NeedView, LineItemView, CommitmentView, NeedFoldRow];

const needRow = (state: NeedState, needId: string, last: RecordedEvent): NeedView => {
  const code = state.villageCode;
  return {
    id: needId,
    villageCode: code,
    townCode: code.slice(0, 9),
    countyCode: code.slice(0, 6),
    cityCode: code.slice(0, 4),
    title: state.fields.title,
    category: state.fields.category,
    status: needStatus(state),
    dueDate: state.fields.dueDate,
    lineItemCount: state.fields.lineItems.length,
    openCommitmentCount: state.commitments.filter((c) => c.status === 'offered' || c.status === 'accepted').length,
    draftedAt: state.draftedAt,
    publishedAt: state.publishedAt,
    firstAcceptedAt: state.firstAcceptedAt,
    fulfilledAt: state.fulfilledAt,
    updatedAt: last.metadata.occurredAt,
    revision: last.revision,
    position: last.position,
    document: JSON.stringify(needDocument(state)),
  } as NeedView;
};

const lineItemRows = (state: NeedState, needId: string): LineItemView[] =>
  state.fields.lineItems.map((li) => ({
    needId,
    lineItemId: li.id,
    kind: li.kind,
    description: li.description,
    unit: li.unit,
    quantity: li.quantity,
    accepted: acceptedQuantity(state, li.id),
    pending: pendingQuantity(state, li.id),
    delivered: confirmedQuantity(state, li.id),
    lacking: lackingQuantity(state, li),
    status: lineItemStatus(state, li),
  }));

const commitmentRow = (state: NeedState, needId: string, c: NeedState['commitments'][number]): CommitmentView => ({
  needId,
  id: c.id,
  organizationId: c.organizationId,
  organizationName: c.organizationName,
  villageCode: state.villageCode,
  needTitle: state.fields.title,
  status: commitmentStatus(c),
  promisedBy: c.promisedBy,
  items: JSON.stringify(c.items.map((i) => ({ ...i, delivered: recordedForCommitment(c, i.lineItemId) }))),
  deliveryCount: c.deliveries.length,
  unconfirmedDeliveryCount: c.deliveries.filter((d) => !d.confirmedAt).length,
  offeredAt: c.offeredAt,
  acceptedAt: c.acceptedAt,
  closedAt: c.closedAt,
  teamId: teamOf(c)?.teamId ?? null,
  teamTitle: teamOf(c)?.title ?? null,
  teamMemberIds: teamOf(c) ? `|${teamOf(c)!.members.map((m) => m.organizationId).join('|')}|` : null,
  handoverToOrganizationId: pendingHandoverOf(c)?.toOrganizationId ?? null,
  handedOverAt: handoversOf(c).at(-1)?.handedOverAt ?? null,
}) as CommitmentView;


/**
 * Keeps needs, their line items and commitments queryable; state comes from the decider's evolve.
 * A batch of events is folded in memory need by need (each need read once, with one query per few
 * hundred needs) and each touched need written once: its row upserted, its line items replaced,
 * the commitments its events touched upserted.
 */
@Injectable()
export class NeedsProjection implements Projection {
  readonly name = 'needs';
  readonly eventTypes = NEED_EVENT_TYPES;
  readonly entities = NEED_VIEW_ENTITIES;
  readonly batchSize = 5000;
  /** 2: needs_view holds the need's document instead of the decider's state, which moved to needs_fold. */
  readonly version = NEEDS_PROJECTION_VERSION;

  async apply(event: RecordedEvent, manager: EntityManager): Promise<void> {
    await this.applyBatch([event], manager);
  }

  async applyBatch(events: RecordedEvent[], manager: EntityManager): Promise<void> {
    const needEvents = events.filter((e): e is RecordedEvent & NeedEvent => isNeedEvent(e));
    if (needEvents.length === 0) return;
    const ids = [...new Set(needEvents.map((e) => (e.data as { needId: string }).needId))];
    const stored = new Map<string, { state: NeedState; revision: number }>();
    for (const row of await selectRowsIn(manager, NeedFoldRow, 'needId', ids)) stored.set(row.needId, { state: JSON.parse(row.state) as NeedState, revision: row.revision });
    const touched = new Map<string, { state: NeedState; revision: number; last: RecordedEvent; commitments: Set<string> | 'all' }>();
    for (const event of needEvents) {
      const needId = (event.data as { needId: string }).needId;
      const current = touched.get(needId) ?? { ...(stored.get(needId) ?? { state: initialNeedState, revision: -1 }), last: event, commitments: new Set<string>() };
      if (current.revision >= event.revision) continue; // already applied
      current.state = needDecider.evolve(current.state, event);
      current.revision = event.revision;
      current.last = event;
      const commitmentId = (event.data as { commitmentId?: string }).commitmentId;
      if (event.type === 'NeedRevised') current.commitments = 'all';
      else if (commitmentId && current.commitments !== 'all') current.commitments.add(commitmentId);
      touched.set(needId, current);
    }
    if (touched.size === 0) return;
    const changed = [...touched.entries()];
    await upsertRows(manager, NeedFoldRow, changed.map(([needId, t]) => ({ needId, revision: t.revision, state: JSON.stringify(t.state) })));
    await upsertRows(manager, NeedView, changed.map(([needId, t]) => needRow(t.state, needId, t.last)));
    await deleteRowsIn(manager, LineItemView, 'needId', changed.map(([needId]) => needId));
    await upsertRows(manager, LineItemView, changed.flatMap(([needId, t]) => lineItemRows(t.state, needId)));
    const commitments = changed.flatMap(([needId, t]) => t.state.commitments.filter((c) => t.commitments === 'all' || t.commitments.has(c.id)).map((c) => commitmentRow(t.state, needId, c)));
    await upsertRows(manager, CommitmentView, commitments);
  }
}
