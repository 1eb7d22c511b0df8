import { Category } from '@shecun/categories';
import { DataSource } from 'typeorm';
import { TeamState, TeamStatus } from './team.decider';
import { TeamView } from './team.projection';

/** What another context may know of a team (组团帮扶): published language of this context, version 1. */
export interface TeamSummary {
  teamId: string;
  /** The area it serves: a village, town or county code. */
  targetCode: string;
  categories: Category[];
  status: TeamStatus;
  formedAt: string | null;
}

/** Teams formed for an area within `regionCode` (a division code prefix), from this context's read model. */
export async function teamsWithin(dataSource: DataSource, regionCode: string): Promise<TeamSummary[]> {
  const rows = await dataSource.getRepository(TeamView).createQueryBuilder('t').where('t.targetCode >= :lo AND t.targetCode < :hi', { lo: regionCode, hi: `${regionCode}:` }).getMany();
  return rows.map((row) => {
    const team = JSON.parse(row.state) as TeamState;
    return { teamId: row.id, targetCode: row.targetCode, categories: team.categories, status: team.status, formedAt: team.formedAt };
  });
}
