import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { notFound } from '@shecun/core';
import { DataSource } from 'typeorm';
import { currentTerm, PairingState } from './pairing.decider';
import { PairingTargetView, PairingView } from './pairing.projection';

export function presentPairing(state: PairingState) {
  const term = currentTerm(state)!;
  return {
    id: state.id,
    organizationId: state.organizationId,
    organizationName: state.organizationName,
    targetCode: state.targetCode,
    targetLevel: state.targetLevel,
    term: term.term,
    status: term.status,
    startDate: term.startDate,
    endDate: term.endDate,
    categories: term.categories,
    note: term.note,
    proposedAt: term.proposedAt,
    confirmedAt: term.confirmedAt,
    closedAt: term.closedAt,
    closeReason: term.closeReason,
    earlierTerms: state.terms.slice(0, -1),
  };
}

export interface PairingListFilter {
  organizationId?: string;
  division?: string;
  status?: string;
  page?: number;
  pageSize?: number;
}

@Injectable()
export class PairingsQueries {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async list(filter: PairingListFilter) {
    const page = filter.page ?? 1;
    const pageSize = filter.pageSize ?? 20;
    const qb = this.dataSource.getRepository(PairingView).createQueryBuilder('p');
    if (filter.organizationId) qb.andWhere('p.organizationId = :org', { org: filter.organizationId });
    if (filter.division) qb.andWhere('p.targetCode LIKE :division', { division: `${filter.division}%` });
    if (filter.status) qb.andWhere('p.status = :status', { status: filter.status });
    qb.orderBy('p.updatedAt', 'DESC').addOrderBy('p.id', 'ASC').skip((page - 1) * pageSize).take(pageSize);
    const [rows, total] = await qb.getManyAndCount();
    return { page, pageSize, total, items: rows.map((r) => presentPairing(JSON.parse(r.state) as PairingState)) };
  }

  async get(id: string) {
    const row = await this.dataSource.getRepository(PairingView).findOneBy({ id });
    if (!row) throw notFound(`结对 ${id} 不存在 (pairing not found)`);
    return { ...presentPairing(JSON.parse(row.state) as PairingState), revision: row.revision };
  }

  /** Pairings of active terms whose end date has passed (the expiry sweep's work). */
  async dueForExpiry(today: string): Promise<string[]> {
    const rows = await this.dataSource.getRepository(PairingView).createQueryBuilder('p').select('p.id', 'id')
      .where('p.status = :status', { status: 'active' }).andWhere('p.endDate < :today', { today }).getRawMany<{ id: string }>();
    return rows.map((r) => r.id);
  }

  /**
   * Share of key villages (and key towns) with at least one active pairing, by city and county,
   * within a division prefix. A key town counts as covered when a pairing targets the town itself.
   */
  async coverage(division = '44') {
    const rows = await this.dataSource.getRepository(PairingTargetView).createQueryBuilder('t')
      .where('t.isKey = :key', { key: true }).andWhere('t.code LIKE :division', { division: `${division}%` }).getMany();
    const group = (key: (r: PairingTargetView) => string) => {
      const out = new Map<string, { code: string; keyVillages: number; coveredVillages: number; keyTowns: number; coveredTowns: number }>();
      for (const r of rows) {
        const code = key(r);
        const g = out.get(code) ?? { code, keyVillages: 0, coveredVillages: 0, keyTowns: 0, coveredTowns: 0 };
        if (r.level === 'village') {
          g.keyVillages += 1;
          if (r.activePairings > 0) g.coveredVillages += 1;
        } else {
          g.keyTowns += 1;
          if (r.activePairings > 0) g.coveredTowns += 1;
        }
        out.set(code, g);
      }
      return [...out.values()].sort((a, b) => (a.code < b.code ? -1 : 1)).map((g) => ({ ...g, villageCoverage: g.keyVillages ? g.coveredVillages / g.keyVillages : null }));
    };
    const [total] = group(() => division);
    return {
      division,
      total: total ?? { code: division, keyVillages: 0, coveredVillages: 0, keyTowns: 0, coveredTowns: 0, villageCoverage: null },
      byCity: group((r) => r.cityCode),
      byCounty: group((r) => r.countyCode),
    };
  }
}
