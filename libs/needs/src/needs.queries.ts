import { Inject, Injectable, ServiceUnavailableException } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { Actor, chinaToday, forbidden, notFound, presentHistory } from '@shecun/core';
import type { EvidenceFileRef } from '@shecun/evidence';
import { EVENT_STORE, EventStore } from '@shecun/event-store';
import { Brackets, DataSource } from 'typeorm';
import { canSeeNeed, isOverdueOn } from './need.decider';
import { needStream } from './need.model';
import { NeedDocument, presentNeedDocument } from './need.presenter';
import { CommitmentView, NeedView } from './need.projection';
import { ListCommitmentsQuery, ListNeedsQuery } from './needs.dto';

const DIVISION_COLUMN: Record<number, keyof NeedView> = { 4: 'cityCode', 6: 'countyCode', 9: 'townCode', 12: 'villageCode' };

export const today = () => chinaToday();

/** Read side of the needs context: answers from read models, history from the event store. */
@Injectable()
export class NeedsQueries {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(EVENT_STORE) private readonly store: EventStore,
  ) {}

  async list(query: ListNeedsQuery, actor: Actor) {
    const page = query.page ?? 1;
    const pageSize = query.pageSize ?? 20;
    const qb = this.dataSource.getRepository(NeedView).createQueryBuilder('n');
    // Drafts only for those who may see them (canSeeNeed): the same rule as the decider's.
    if (actor.role !== 'admin' && actor.role !== 'system') {
      if (['coordinator', 'bureau', 'auditor'].includes(actor.role) && actor.scope) {
        qb.andWhere(new Brackets((w) => w.where("n.status <> 'draft'").orWhere('n.villageCode LIKE :scope', { scope: `${actor.scope}%` })));
      } else {
        qb.andWhere("n.status <> 'draft'");
      }
    }
    if (query.division && query.division.length > 2) {
      qb.andWhere(`n.${DIVISION_COLUMN[query.division.length]} = :division`, { division: query.division });
    }
    if (query.category) qb.andWhere('n.category = :category', { category: query.category });
    if (query.status) qb.andWhere('n.status = :status', { status: query.status });
    qb.orderBy('n.updatedAt', 'DESC').addOrderBy('n.id', 'ASC').skip((page - 1) * pageSize).take(pageSize);
    const [rows, total] = await qb.getManyAndCount();
    const day = today();
    return {
      page,
      pageSize,
      total,
      items: rows.map((row) => {
        const need = presentNeedDocument(documentOf(row), day);
        const { commitments, ...summary } = need;
        return {
          ...summary,
          commitmentCount: commitments.length,
          overdueCount: commitments.filter((c) => c.overdue).length,
          // Flags for the coordinator: commitments that changed hands, and handovers awaiting an answer.
          handedOverCount: commitments.filter((c) => c.handedOver).length,
          pendingHandoverCount: commitments.filter((c) => c.pendingHandover).length,
        };
      }),
    };
  }

  /** The need's row, or not-found when it does not exist or the actor may not see it. */
  private async visible(id: string, actor: Actor): Promise<NeedView> {
    const row = await this.dataSource.getRepository(NeedView).findOneBy({ id });
    if (!row || !canSeeNeed(actor, { lifecycle: row.status === 'draft' ? 'draft' : 'published', villageCode: row.villageCode })) {
      throw notFound(`需求 ${id} 不存在 (need not found)`);
    }
    return row;
  }

  async get(id: string, actor: Actor) {
    const row = await this.visible(id, actor);
    return { ...presentNeedDocument(documentOf(row), today()), revision: row.revision, position: row.position };
  }

  /** The evidence files the need's deliveries reference, for a caller who may see the need. */
  async evidenceFiles(id: string, actor: Actor): Promise<EvidenceFileRef[]> {
    const document = documentOf(await this.visible(id, actor));
    return document.commitments.flatMap((c) => c.deliveries.flatMap((d) => d.evidence.flatMap((e) => (e.file ? [e.file] : []))));
  }

  async history(id: string, actor: Actor) {
    await this.visible(id, actor);
    const events = await this.store.readStream(needStream(id));
    if (events.length === 0) throw notFound(`需求 ${id} 不存在 (need not found)`);
    return presentHistory(events);
  }

  /**
   * An organization's commitments: for its own staff and hub admins, for admins, and for bureau
   * staff and auditors limited to villages within their scope.
   */
  async commitmentsOf(organizationId: string, actor: Actor) {
    const own = (actor.role === 'organization' || actor.role === 'hub') && actor.organizationId === organizationId;
    const oversight = ['bureau', 'auditor', 'admin'].includes(actor.role);
    if (!own && !oversight) throw forbidden('只能查看本组织的接单 (you may only see your own organization’s commitments)');
    const qb = this.dataSource.getRepository(CommitmentView).createQueryBuilder('c').where(heldOrShared(organizationId));
    if (!own && actor.role !== 'admin') qb.andWhere('c.villageCode LIKE :scope', { scope: `${actor.scope ?? '-'}%` });
    const rows = await qb.orderBy('c.offeredAt', 'DESC').getMany();
    const day = today();
    return rows.map((r) => presentCommitmentRow(r, day));
  }

  /**
   * Commitments the caller oversees, newest first: coordinators (their own villages), bureau
   * staff and auditors within their division scope; organization staff and hub admins their own
   * organization's (held, or with a share in a team commitment); admins and the platform all.
   * `overdue=true`: accepted, past the promised date and not yet delivered.
   */
  async commitments(query: ListCommitmentsQuery, actor: Actor) {
    const page = query.page ?? 1;
    const pageSize = query.pageSize ?? 20;
    const day = today();
    const qb = this.dataSource.getRepository(CommitmentView).createQueryBuilder('c');
    if (actor.role === 'organization' || actor.role === 'hub') {
      qb.where(heldOrShared(actor.organizationId ?? '-'));
    } else if (actor.role !== 'admin' && actor.role !== 'system') {
      // Coordinators, bureau staff and auditors: within their scope; no scope sees nothing.
      qb.where('c.villageCode LIKE :scope', { scope: actor.scope ? `${actor.scope}%` : '-' });
    }
    if (query.division) qb.andWhere('c.villageCode LIKE :division', { division: `${query.division}%` });
    if (query.status) qb.andWhere('c.status = :status', { status: query.status });
    if (query.overdue === 'true') qb.andWhere("c.status = 'accepted'").andWhere('c.promisedBy < :day', { day });
    if (query.overdue === 'false') qb.andWhere(new Brackets((w) => w.where("c.status <> 'accepted'").orWhere('c.promisedBy >= :day', { day })));
    qb.orderBy('c.promisedBy', 'ASC').addOrderBy('c.needId', 'ASC').addOrderBy('c.id', 'ASC').skip((page - 1) * pageSize).take(pageSize);
    const [rows, total] = await qb.getManyAndCount();
    return { page, pageSize, total, items: rows.map((r) => presentCommitmentRow(r, day)) };
  }
}

/** The need's stored document (needs_view.document, written by NeedsProjection). */
const documentOf = (row: NeedView): NeedDocument => {
  // A row stored by the projection's version 1 (before the rebuild the upgrade starts has reached it).
  if (!row.document) throw new ServiceUnavailableException('需求读模型正在按新版本重建，请稍后再试 (the needs read model is being rebuilt for a new version: try again shortly)');
  return JSON.parse(row.document) as NeedDocument;
};

/** Held by the organization, or a team commitment in which it has a share (LIKE with its wildcards escaped). */
const heldOrShared = (organizationId: string) =>
  new Brackets((w) =>
    w.where('c.organizationId = :heldBy', { heldBy: organizationId }).orWhere("c.teamMemberIds LIKE :member ESCAPE '\\'", {
      member: `%|${organizationId.replace(/[\\%_]/g, (ch) => `\\${ch}`)}|%`,
    }),
  );

function presentCommitmentRow(r: CommitmentView, day: string) {
  const { teamMemberIds, teamId, teamTitle, handoverToOrganizationId, handedOverAt, ...rest } = r;
  return {
    ...rest,
    items: JSON.parse(r.items),
    overdue: isOverdueOn(r.status, r.promisedBy, day),
    team: teamId ? { teamId, title: teamTitle, memberIds: (teamMemberIds ?? '').split('|').filter(Boolean) } : null,
    handoverPendingTo: handoverToOrganizationId ?? null,
    handedOver: !!handedOverAt,
    handedOverAt: handedOverAt ?? null,
  };
}
