import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { notFound } from '@shecun/core';
import { CATEGORY_LABELS } from '@shecun/categories';
import { DataSource } from 'typeorm';
import { HUB_KIND_LABELS } from './organization.model';
import { committedShares, TEAM_ROLE_LABELS, TeamState } from './team.decider';
import { TeamMemberView, TeamView } from './team.projection';

/** The team roster as users see it. */
export function presentTeam(state: TeamState) {
  return {
    id: state.id,
    title: state.title,
    description: state.description,
    status: state.status,
    targetCode: state.targetCode,
    categories: state.categories.map((c) => ({ code: c, label: CATEGORY_LABELS[c] })),
    targetNeedIds: state.targetNeedIds,
    leadOrganizationId: state.leadOrganizationId,
    leadOrganizationName: state.leadOrganizationName,
    leadHubKind: state.leadHubKind,
    leadHubKindLabel: state.leadHubKind ? HUB_KIND_LABELS[state.leadHubKind] : null,
    members: state.members.map((m) => ({ ...m, roleLabel: TEAM_ROLE_LABELS[m.role] })),
    sharesCommitted: committedShares(state),
    formedAt: state.formedAt,
    closedAt: state.closedAt,
    closeReason: state.closeReason,
  };
}

export interface TeamListFilter {
  organizationId?: string;
  division?: string;
  status?: string;
  page?: number;
  pageSize?: number;
}

@Injectable()
export class TeamsQueries {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** Teams by target division, status, and an organization taking part (lead, member or invited). */
  async list(filter: TeamListFilter) {
    const page = filter.page ?? 1;
    const pageSize = filter.pageSize ?? 20;
    const qb = this.dataSource.getRepository(TeamView).createQueryBuilder('t');
    if (filter.organizationId) {
      qb.andWhere((sub) => {
        const members = sub.subQuery().select('m.teamId').from(TeamMemberView, 'm').where('m.organizationId = :org').andWhere("m.status <> 'declined'").getQuery();
        return `t.id IN ${members}`;
      }).setParameter('org', filter.organizationId);
    }
    if (filter.division) qb.andWhere('t.targetCode LIKE :division', { division: `${filter.division}%` });
    if (filter.status) qb.andWhere('t.status = :status', { status: filter.status });
    qb.orderBy('t.updatedAt', 'DESC').addOrderBy('t.id', 'ASC').skip((page - 1) * pageSize).take(pageSize);
    const [rows, total] = await qb.getManyAndCount();
    return { page, pageSize, total, items: rows.map((r) => presentTeam(JSON.parse(r.state) as TeamState)) };
  }

  async get(id: string) {
    const row = await this.dataSource.getRepository(TeamView).findOneBy({ id });
    if (!row) throw notFound(`组团 ${id} 不存在 (team not found)`);
    return { ...presentTeam(JSON.parse(row.state) as TeamState), revision: row.revision };
  }
}
