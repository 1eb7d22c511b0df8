import { Breadcrumb, Button, Card, Drawer, Empty, Grid, Pagination, Segmented, Select, Skeleton, Space, Statistic, Typography } from 'antd';
import { useMemo, useState } from 'react';
import { Link, useSearchParams } from 'react-router';
import { Chart } from '../components/Chart';
import { rateSeries, sideBySide } from '../components/regionRateChart';
import { PeriodRatesTable, RegionRatesTable, useRate } from '../components/DashboardTables';
import { CategoryTag, ErrorAlert, NeedStatusTag } from '../components/common';
import { formatDate, formatFen, useDivision, useGet } from '../hooks';
import { MessageKey, useI18n } from '../i18n';
import { CATEGORIES, CATEGORY_LABELS } from '../labels';

/** The monitoring API's shapes (libs/monitoring: GET /api/dashboard/figures, /summary, /needs). */
interface Durations {
  needs: number;
  medianHours: number | null;
  p90Hours: number | null;
}
interface NeedFigures {
  published: number;
  matched: number;
  fullyCommitted: number;
  fulfilled: number;
  matchRate: number | null;
  conversionRate: number | null;
  timeToFirstAcceptance: Durations;
  timeToFulfilment: Durations;
  teamCommitments: number;
  teamCommitmentsDelivered: number;
}
interface RegionRef {
  code: string;
  name: string;
  level: string;
}
interface Period {
  key: string;
  firstDate?: string;
  lastDate?: string;
}
interface FiguresAnswer {
  region: RegionRef;
  rows: Array<NeedFigures & { region: RegionRef; category: string; period: Period }>;
  total: NeedFigures;
}
interface SummaryAnswer {
  region: RegionRef;
  rows: Array<{ period: Period; needs: NeedFigures; teamsFormed: number; donations: { receivedFen: number; allocatedFen: number; usedFen: number; confirmedFen: number } }>;
  total: {
    needs: NeedFigures;
    teams: { formed: number; activeNow: number };
    /** Counted once where the money entered (libs/donations/src/counting.ts); 未分配 at the province only. */
    donations: { receivedFen: number; transferredFen?: number; allocatedFen: number; usedFen: number; confirmedFen: number; flows: number; unallocated?: { receivedFen: number; transferredFen: number } | null };
    coverage: { keyVillages: number; coveredVillages: number; villageCoverage: number | null; keyTowns: number; coveredTowns: number };
  };
}
interface DrillNeed {
  id: string;
  title: string;
  villageCode: string;
  villageName: string;
  category: string;
  status: string;
  publishedAt: string;
  hoursToFirstAcceptance: number | null;
  hoursToFulfilment: number | null;
}
interface DrillAnswer {
  total: number;
  page: number;
  pageSize: number;
  items: DrillNeed[];
}

type PeriodKind = 'week' | 'month' | 'quarter';
type Figure = 'published' | 'matched' | 'fulfilled' | 'fully_committed';
const NEXT_LEVEL: Record<number, 'city' | 'county' | 'town' | undefined> = { 2: 'city', 4: 'county', 6: 'town' };
const FIGURE_LABELS: Record<Figure, MessageKey> = { published: 'figPublished', matched: 'figMatched', fulfilled: 'figFulfilled', fully_committed: 'figFullyCommitted' };

const ratio = (a: number, b: number) => (b > 0 ? a / b : null);

/** Hours in days and hours, e.g. 2天5小时. */
function useDuration() {
  const { t } = useI18n();
  return (hours: number | null) => {
    if (hours === null) return '—';
    if (hours < 24) return t('hoursShort', { h: Math.round(hours) });
    return t('daysHours', { d: Math.floor(hours / 24), h: Math.round(hours % 24) });
  };
}

function DrillDown({ region, period, category, drill, onClose }: { region: string; period: PeriodKind; category?: string; drill: { figure: Figure; bucket?: string; title: string } | null; onClose: () => void }) {
  const { t } = useI18n();
  const duration = useDuration();
  const wide = Grid.useBreakpoint().md ?? true;
  const [page, setPage] = useState(1);
  const query = new URLSearchParams({ region, period, page: String(page), pageSize: '20' });
  if (drill) query.set('figure', drill.figure);
  if (drill?.bucket) query.set('bucket', drill.bucket);
  if (category) query.set('category', category);
  const { data, error, loading } = useGet<DrillAnswer>(drill ? `/api/dashboard/needs?${query}` : null);
  return (
    <Drawer open={drill !== null} onClose={onClose} title={drill?.title} size={wide ? 640 : '100%'} destroyOnHidden data-testid="drill-down">
      <ErrorAlert error={error} />
      {loading && !data && <Skeleton active />}
      {data && (
        <>
          <Typography.Paragraph type="secondary">{t('total', { n: data.total })}</Typography.Paragraph>
          {data.items.length === 0 && <Empty description={t('emptyList')} />}
          {data.items.map((n) => (
            <div key={n.id} className="drill-need">
              <Link to={`/needs/${encodeURIComponent(n.id)}`} className="need-link">
                {n.title}
              </Link>
              <Space size={4} wrap>
                <NeedStatusTag status={n.status} />
                <CategoryTag category={n.category} />
              </Space>
              <div className="need-card-meta">
                <span>{n.villageName}</span>
                <span>
                  {t('publishedAt')}
                  {t('colon')}
                  {formatDate(n.publishedAt)}
                </span>
                {n.hoursToFirstAcceptance !== null && <span>{t('toFirstAcceptance', { d: duration(n.hoursToFirstAcceptance) })}</span>}
              </div>
            </div>
          ))}
          {data.total > data.pageSize && <Pagination className="pager" current={page} pageSize={data.pageSize} total={data.total} onChange={setPage} simple showSizeChanger={false} />}
        </>
      )}
    </Drawer>
  );
}

/** Match and conversion rates by city → county → town and over time, each figure opening the needs behind it. */
export function DashboardView({ home }: { home: string }) {
  const { t, pick } = useI18n();
  const duration = useDuration();
  // 0% when nothing came of the needs, 无数据 when there were none to count.
  const pct = useRate();
  const [params, setParams] = useSearchParams();
  const screens = Grid.useBreakpoint();
  const compact = !(screens.md ?? true);
  const region = params.get('region') ?? home;
  const period = (params.get('period') as PeriodKind) ?? 'month';
  const category = params.get('category') ?? undefined;
  const view = params.get('view') === 'table' ? 'table' : 'chart';
  const [drill, setDrill] = useState<{ figure: Figure; bucket?: string; title: string } | null>(null);
  const set = (change: Record<string, string | undefined>) => {
    const next = new URLSearchParams(params);
    for (const [k, v] of Object.entries(change)) {
      if (v) next.set(k, v);
      else next.delete(k);
    }
    setParams(next);
  };
  const common = `region=${region}&period=${period}${category ? `&category=${category}` : ''}`;
  const summary = useGet<SummaryAnswer>(`/api/dashboard/summary?${common}`);
  const level = NEXT_LEVEL[region.length];
  const figures = useGet<FiguresAnswer>(level ? `/api/dashboard/figures?${common}&level=${level}` : null);
  const division = useDivision(region === '44' ? '' : region);

  // Per child region over every bucket: counts added up, rates from the sums.
  const byRegion = useMemo(() => {
    const out = new Map<string, { region: RegionRef; published: number; matched: number; fulfilled: number }>();
    for (const row of figures.data?.rows ?? []) {
      const r = out.get(row.region.code) ?? { region: row.region, published: 0, matched: 0, fulfilled: 0 };
      r.published += row.published;
      r.matched += row.matched;
      r.fulfilled += row.fulfilled;
      out.set(row.region.code, r);
    }
    return [...out.values()].sort((a, b) => b.published - a.published);
  }, [figures.data]);
  // One row per region on a phone, and wherever the regions are too many to stand side by side.
  const byRows = compact || byRegion.length > sideBySide(screens);

  const regionOption = useMemo(
    () => ({
      animation: false,
      legend: { top: 0 },
      grid: { left: 8, right: 16, top: 32, bottom: 8, containLabel: true },
      tooltip: {
        trigger: 'axis',
        confine: true,
        axisPointer: { type: 'shadow' },
        formatter: (items: Array<{ dataIndex: number }>) => {
          const r = byRegion[items[0].dataIndex];
          return `${r.region.name}<br/>${t('figPublished')} ${r.published} · ${t('figMatched')} ${r.matched} · ${t('figFulfilled')} ${r.fulfilled}<br/>${t('matchRate')} ${pct(ratio(r.matched, r.published))} · ${t('conversionRate')} ${pct(ratio(r.fulfilled, r.matched))}`;
        },
      },
      // Side by side on a wide screen; one row per region (every name whole) on a phone, or when they are too many.
      ...(byRows
        ? {
            yAxis: { type: 'category', inverse: true, data: byRegion.map((r) => r.region.name), axisLabel: { width: 64, overflow: 'break', lineHeight: 14 } },
            xAxis: { type: 'value', max: 100, splitNumber: 2, axisLabel: { formatter: '{value}%' } },
          }
        : {
            xAxis: { type: 'category', data: byRegion.map((r) => r.region.name), axisLabel: { interval: 0, width: Math.max(64, Math.min(160, Math.floor(880 / Math.max(1, byRegion.length)))), overflow: 'break', lineHeight: 14 } },
            yAxis: { type: 'value', max: 100, axisLabel: { formatter: '{value}%' } },
          }),
      series: [
        rateSeries(t('matchRate'), '#1d4f91', byRegion.map((r) => ({ rate: ratio(r.matched, r.published), code: r.region.code })), pct, byRows),
        rateSeries(t('conversionRate'), '#389e0d', byRegion.map((r) => ({ rate: ratio(r.fulfilled, r.matched), code: r.region.code })), pct, byRows),
      ],
    }),
    [byRegion, byRows, t, pct],
  );

  const rows = summary.data?.rows ?? [];
  const timeOption = useMemo(
    () => ({
      animation: false,
      legend: { top: 0 },
      // On a phone the three entries of the legend take two lines (in English): the plot starts below them.
      grid: { left: 8, right: 8, top: compact ? 60 : 32, bottom: 8, containLabel: true },
      tooltip: { trigger: 'axis', confine: true },
      xAxis: { type: 'category', data: rows.map((r) => r.period.key) },
      yAxis: [
        { type: 'value', max: 100, axisLabel: { formatter: '{value}%' } },
        { type: 'value', minInterval: 1, splitLine: { show: false } },
      ],
      series: [
        { name: t('figPublished'), type: 'bar', yAxisIndex: 1, data: rows.map((r) => r.needs.published), itemStyle: { color: '#d9d9d9' }, barMaxWidth: 28, label: { show: true, position: 'top', color: '#595959' } },
        { name: t('matchRate'), type: 'line', data: rows.map((r) => (r.needs.matchRate === null ? null : Math.round(r.needs.matchRate * 100))), itemStyle: { color: '#1d4f91' }, connectNulls: true, symbolSize: 8 },
        { name: t('conversionRate'), type: 'line', data: rows.map((r) => (r.needs.conversionRate === null ? null : Math.round(r.needs.conversionRate * 100))), itemStyle: { color: '#389e0d' }, connectNulls: true, symbolSize: 8 },
      ],
    }),
    [rows, t, compact],
  );

  const total = summary.data?.total;
  const crumbs = [{ code: '44', name: t('guangdong') }, ...(division?.path.filter((p) => p.level !== 'province').map((p) => ({ code: p.code, name: p.name })) ?? [])];
  const canGoUp = (code: string) => code.length >= home.length;
  const open = (figure: Figure, bucket?: string) =>
    setDrill({ figure, bucket, title: `${crumbs[crumbs.length - 1]?.name ?? ''} · ${t(FIGURE_LABELS[figure])}${bucket ? ` · ${bucket}` : ''}` });

  return (
    <>
      <div className="view-head">
        <Breadcrumb
          items={crumbs.map((c, i) => ({
            key: c.code,
            title:
              i === crumbs.length - 1 || !canGoUp(c.code) ? (
                <span>{c.name}</span>
              ) : (
                <a
                  href={`?${new URLSearchParams({ ...Object.fromEntries(params), region: c.code })}`}
                  onClick={(event) => {
                    event.preventDefault();
                    set({ region: c.code });
                  }}
                  data-testid={`dashboard-crumb-${c.code}`}
                >
                  {c.name}
                </a>
              ),
          }))}
        />
        <Space wrap>
          <Segmented<PeriodKind>
            data-testid="dashboard-period"
            value={period}
            onChange={(v) => set({ period: v === 'month' ? undefined : v })}
            options={[
              { value: 'week', label: t('byWeek') },
              { value: 'month', label: t('byMonth') },
              { value: 'quarter', label: t('byQuarter') },
            ]}
          />
          <Segmented<'chart' | 'table'>
            data-testid="dashboard-view"
            aria-label={t('viewAs')}
            value={view}
            onChange={(v) => set({ view: v === 'table' ? v : undefined })}
            options={[
              { value: 'chart', label: t('viewChart') },
              { value: 'table', label: t('viewTable') },
            ]}
          />
          <Select
            data-testid="dashboard-category"
            allowClear
            style={{ minWidth: 160 }}
            placeholder={t('allCategories')}
            aria-label={t('category')}
            value={category}
            onChange={(v) => set({ category: v ?? undefined })}
            options={CATEGORIES.map((c) => ({ value: c, label: pick(CATEGORY_LABELS[c]) }))}
          />
        </Space>
      </div>
      <ErrorAlert error={summary.error ?? figures.error} action={<Button size="small" onClick={() => (summary.reload(), figures.reload())}>{t('retry')}</Button>} />
      {summary.loading && !summary.data && <Skeleton active />}
      {total && (
        <div className="kpis" data-testid="kpis">
          <Card size="small" hoverable onClick={() => open('published')} data-testid="kpi-published">
            <Statistic title={t('figPublished')} value={total.needs.published} />
            <div className="small secondary">{t('kpiMatchedFulfilled', { matched: total.needs.matched, fulfilled: total.needs.fulfilled })}</div>
          </Card>
          <Card size="small" hoverable onClick={() => open('matched')} data-testid="kpi-match-rate">
            <Statistic title={t('matchRate')} value={pct(total.needs.matchRate)} />
            <div className="small secondary">{t('matchRateHelp')}</div>
          </Card>
          <Card size="small" hoverable onClick={() => open('fulfilled')} data-testid="kpi-conversion-rate">
            <Statistic title={t('conversionRate')} value={pct(total.needs.conversionRate)} />
            <div className="small secondary">{t('conversionRateHelp')}</div>
          </Card>
          <Card size="small" data-testid="kpi-time">
            <Statistic title={t('timeToMatch')} value={duration(total.needs.timeToFirstAcceptance.medianHours)} />
            <div className="small secondary">{t('timeToMatchHelp', { p90: duration(total.needs.timeToFirstAcceptance.p90Hours) })}</div>
          </Card>
          <Card size="small" data-testid="kpi-coverage">
            <Statistic title={t('keyVillageCoverage')} value={pct(total.coverage.villageCoverage)} />
            <div className="small secondary">{t('coveredOfKey', { covered: total.coverage.coveredVillages, key: total.coverage.keyVillages })}</div>
          </Card>
          <Card size="small" data-testid="kpi-donations">
            <Statistic title={t('donationsUsed')} value={formatFen(total.donations.usedFen)} />
            <div className="small secondary">{t('donationsReceivedConfirmed', { received: formatFen(total.donations.receivedFen), confirmed: formatFen(total.donations.confirmedFen) })}</div>
            <div className="small secondary">
              {t('donationsTransferred', { transferred: formatFen(total.donations.transferredFen ?? 0) })}
              {total.donations.unallocated ? ` · ${t('donationsUnallocated', { unallocated: formatFen(total.donations.unallocated.receivedFen) })}` : ''}
            </div>
          </Card>
        </div>
      )}
      {level && (
        <Card size="small" className="section" title={t(level === 'city' ? 'ratesByCity' : level === 'county' ? 'ratesByCounty' : 'ratesByTown')} extra={!compact && <span className="small secondary">{t('clickToDrill')}</span>} data-testid="rates-by-region">
          {compact && <Typography.Paragraph type="secondary" className="small">{t('clickToDrill')}</Typography.Paragraph>}
          {byRegion.length > 0 && view === 'table' ? (
            <RegionRatesTable rows={byRegion} onDrill={(code) => set({ region: code })} />
          ) : byRegion.length > 0 ? (
            <Chart
              option={regionOption}
              height={byRows ? Math.max(220, byRegion.length * 56 + 60) : 320}
              testId="region-chart"
              ariaLabel={t('ratesByCity')}
              onClick={(p) => {
                const code = (p.data as { code?: string } | undefined)?.code;
                if (code) set({ region: code });
              }}
              keyboard={{
                count: byRegion.length,
                hint: t('chartKeysRegion'),
                describe: (i) => t('regionReadout', { name: byRegion[i].region.name, published: byRegion[i].published, match: pct(ratio(byRegion[i].matched, byRegion[i].published)), conversion: pct(ratio(byRegion[i].fulfilled, byRegion[i].matched)) }),
                onActivate: (i) => set({ region: byRegion[i].region.code }),
              }}
            />
          ) : (
            !figures.loading && <Empty description={t('noNeedsInRegion')} />
          )}
        </Card>
      )}
      {summary.data && (
        <Card size="small" className="section" title={t('ratesOverTime')} extra={!compact && <span className="small secondary">{t('clickToList')}</span>} data-testid="rates-over-time">
          {compact && <Typography.Paragraph type="secondary" className="small">{t('clickToList')}</Typography.Paragraph>}
          {rows.length > 0 && view === 'table' ? (
            <PeriodRatesTable rows={rows} onOpen={(bucket) => open('published', bucket)} />
          ) : rows.length > 0 ? (
            <Chart
              option={timeOption}
              height={300}
              testId="time-chart"
              ariaLabel={t('ratesOverTime')}
              onClick={(p) => {
                const bucket = rows[p.dataIndex ?? -1]?.period.key;
                if (bucket) open('published', bucket);
              }}
              keyboard={{
                count: rows.length,
                hint: t('chartKeysPeriod'),
                describe: (i) => t('periodReadout', { period: rows[i].period.key, published: rows[i].needs.published, match: pct(rows[i].needs.matchRate), conversion: pct(rows[i].needs.conversionRate) }),
                onActivate: (i) => open('published', rows[i].period.key),
              }}
            />
          ) : (
            <Empty description={t('noNeedsInRegion')} />
          )}
        </Card>
      )}
      <DrillDown region={region} period={period} category={category} drill={drill} onClose={() => setDrill(null)} />
    </>
  );
}
