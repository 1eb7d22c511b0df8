/** The cohort of needs behind the dashboard's needs figures, queried from the monitoring read model. */
import { DataSource, SelectQueryBuilder } from 'typeorm';
import { MonitoredNeed } from './monitoring.projection';
import { CohortFilter } from './monitoring.requests';

/** The cohort's needs: published, of villages in the region, within the dates and category. */
export function cohort(dataSource: DataSource, filter: CohortFilter & { region: string }, dates: { first?: string; last?: string } = {}): SelectQueryBuilder<MonitoredNeed> {
  const qb = dataSource
    .getRepository(MonitoredNeed)
    .createQueryBuilder('n')
    // A code prefix as a range: ':' sorts right after '9'.
    .where('n.villageCode >= :lo AND n.villageCode < :hi', { lo: filter.region, hi: `${filter.region}:` })
    .andWhere('n.publishedDate IS NOT NULL');
  const first = [filter.from, dates.first].filter(Boolean).sort().at(-1);
  const last = [filter.to, dates.last].filter(Boolean).sort()[0];
  if (first) qb.andWhere('n.publishedDate >= :first', { first });
  if (last) qb.andWhere('n.publishedDate <= :last', { last });
  if (filter.category) qb.andWhere('n.category = :category', { category: filter.category });
  return qb;
}
