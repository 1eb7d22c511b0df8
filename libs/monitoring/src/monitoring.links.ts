/** The links a dashboard answer carries: from a figure to the needs, or the events, behind it. */
import { MoneyFigure } from '@shecun/donations';
import { Figure } from './figures';
import { CohortFilter, MONEY_FIELDS } from './monitoring.requests';

const NEEDS_LINK = '/api/dashboard/needs';
const SOURCES_LINK = (figure: MoneyFigure) => `/api/dashboard/figures/${figure}/events`;

/** A query string of the parameters that are set. */
export const query = (params: Record<string, string | number | boolean | undefined>) =>
  Object.entries(params)
    .filter(([, v]) => v !== undefined && v !== '')
    .map(([k, v]) => `${k}=${encodeURIComponent(String(v))}`)
    .join('&');

function drillDown(filter: CohortFilter, region: string, category: string | undefined, bucket: string | undefined) {
  return (figure: Figure) =>
    `${NEEDS_LINK}?${query({ region, period: filter.period, bucket, category, from: filter.from, to: filter.to, figure })}`;
}

/** Links to the needs behind each needs figure of a region (and category and bucket). */
export function needsLinks(filter: CohortFilter, region: string, category: string | undefined, bucket: string | undefined) {
  const link = drillDown(filter, region, category, bucket);
  return {
    published: link('published'),
    matched: link('matched'),
    fullyCommitted: link('fully_committed'),
    fulfilled: link('fulfilled'),
    teamCommitments: link('team_commitments'),
    teamCommitmentsDelivered: link('team_delivered'),
  };
}

/** Links to the events behind each money figure of a region (and bucket). */
export function moneyLinks(filter: CohortFilter, region: string, bucket: string | undefined, unallocated = false): Record<MoneyFigure, string> {
  const link = (figure: MoneyFigure) =>
    `${SOURCES_LINK(figure)}?${query({ region, period: filter.period, bucket, from: filter.from, to: filter.to, unallocated: unallocated ? 'true' : undefined })}`;
  const links = {} as Record<MoneyFigure, string>;
  for (const figure of Object.keys(MONEY_FIELDS) as MoneyFigure[]) {
    if (unallocated && figure !== 'received' && figure !== 'transferred') continue;
    links[figure] = link(figure);
  }
  return links;
}
