import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { notFound } from '@shecun/core';
import { EVENT_STORE, EventStore } from '@shecun/event-store';
import { DataSource } from 'typeorm';
import { NeedState } from './need.decider';
import { needStream } from './need.model';
import { presentNeed } from './need.presenter';
import { CommitmentView, NeedView } from './need.projection';
import { ListNeedsQuery } from './needs.dto';

const DIVISION_COLUMN: Record<number, keyof NeedView> = { 4: 'cityCode', 6: 'countyCode', 9: 'townCode', 12: 'villageCode' };

export const today = () => new Date().toISOString().slice(0, 10);

/** Read side of the needs context: answers from read models, history from the event store. */
@Injectable()
export class NeedsQueries {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(EVENT_STORE) private readonly store: EventStore,
  ) {}

  async list(query: ListNeedsQuery) {
    const page = query.page ?? 1;
    const pageSize = query.pageSize ?? 20;
    const qb = this.dataSource.getRepository(NeedView).createQueryBuilder('n');
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
        const need = presentNeed(JSON.parse(row.state) as NeedState, day);
        const { commitments, ...summary } = need;
        return { ...summary, commitmentCount: commitments.length, overdueCount: commitments.filter((c) => c.overdue).length };
      }),
    };
  }

  async get(id: string) {
    const row = await this.dataSource.getRepository(NeedView).findOneBy({ id });
    if (!row) throw notFound(`需求 ${id} 不存在 (need not found)`);
    return { ...presentNeed(JSON.parse(row.state) as NeedState, today()), revision: row.revision, position: row.position };
  }

  async history(id: string) {
    const events = await this.store.readStream(needStream(id));
    if (events.length === 0) throw notFound(`需求 ${id} 不存在 (need not found)`);
    return events.map((e) => ({
      revision: e.revision,
      position: e.position,
      type: e.type,
      occurredAt: e.metadata.occurredAt,
      actor: { id: e.metadata.actorId, role: e.metadata.actorRole, organizationId: e.metadata.actorOrganizationId ?? null },
      correlationId: e.metadata.correlationId,
      causationId: e.metadata.causationId,
      data: e.data,
    }));
  }

  async commitmentsOf(organizationId: string) {
    const rows = await this.dataSource.getRepository(CommitmentView).find({ where: { organizationId }, order: { offeredAt: 'DESC' } });
    const day = today();
    return rows.map((r) => ({ ...r, items: JSON.parse(r.items), overdue: r.status === 'accepted' && r.promisedBy < day }));
  }
}
