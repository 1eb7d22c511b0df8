import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { notFound, presentHistory } from '@shecun/core';
import { EVENT_STORE, EventStore } from '@shecun/event-store';
import { DataSource } from 'typeorm';
import { OrganizationState } from './organization.decider';
import { organizationStream } from './organization.model';
import { presentOrganization } from './organization.presenter';
import { OrganizationView } from './organization.projection';
import { ListOrganizationsQuery } from './organizations.dto';

/** Escapes LIKE wildcards in user text (the pattern uses \ as the escape character). */
const likeText = (text: string) => text.replace(/[\\%_]/g, (c) => `\\${c}`);

/** Read side of the organizations context. */
@Injectable()
export class OrganizationsQueries {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(EVENT_STORE) private readonly store: EventStore,
  ) {}

  async list(query: ListOrganizationsQuery) {
    const page = query.page ?? 1;
    const pageSize = query.pageSize ?? 20;
    const qb = this.dataSource.getRepository(OrganizationView).createQueryBuilder('o');
    if (query.q) qb.andWhere(`o.name LIKE :q ESCAPE '\\'`, { q: `%${likeText(query.q.trim())}%` });
    if (query.category) qb.andWhere('o.categories LIKE :category', { category: `%,${query.category},%` });
    if (query.division) qb.andWhere('o.homeDivisionCode LIKE :division', { division: `${query.division}%` });
    if (query.hub !== undefined) qb.andWhere('o.isHub = :hub', { hub: query.hub });
    if (query.standing) qb.andWhere('o.standing = :standing', { standing: query.standing });
    if (query.type) qb.andWhere('o.type = :type', { type: query.type });
    qb.orderBy('o.name', 'ASC').addOrderBy('o.id', 'ASC').skip((page - 1) * pageSize).take(pageSize);
    const [rows, total] = await qb.getManyAndCount();
    return { page, pageSize, total, items: rows.map((r) => presentOrganization(JSON.parse(r.state) as OrganizationState, true)) };
  }

  async get(id: string) {
    const row = await this.dataSource.getRepository(OrganizationView).findOneBy({ id });
    if (!row) throw notFound(`社会组织 ${id} 不存在 (organization not found)`);
    return { ...presentOrganization(JSON.parse(row.state) as OrganizationState), revision: row.revision, position: row.position };
  }

  /** Another organization already holding this credit code, if any (the directory's view). */
  async holderOfCreditCode(creditCode: string): Promise<string | undefined> {
    const row = await this.dataSource.getRepository(OrganizationView).findOne({ where: { creditCode }, select: { id: true } });
    return row?.id;
  }

  async history(id: string) {
    const events = await this.store.readStream(organizationStream(id));
    if (events.length === 0) throw notFound(`社会组织 ${id} 不存在 (organization not found)`);
    return presentHistory(events);
  }
}
