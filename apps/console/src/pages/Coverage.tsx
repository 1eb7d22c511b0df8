import { Breadcrumb, Button, Card, Grid, Skeleton, Statistic, Typography } from 'antd';
import { useMemo } from 'react';
import { useSearchParams } from 'react-router';
import { Chart } from '../components/Chart';
import { useRate } from '../components/DashboardTables';
import { ErrorAlert } from '../components/common';
import { useDivision, useGet } from '../hooks';
import { useI18n } from '../i18n';

interface CoverageRow {
  code: string;
  keyVillages: number;
  coveredVillages: number;
  keyTowns: number;
  coveredTowns: number;
  villageCoverage: number | null;
}

interface Coverage {
  division: string;
  total: CoverageRow;
  byCity: CoverageRow[];
  byCounty: CoverageRow[];
}

/** Pairing coverage of key villages (the bureau's 结对覆盖率 tab), by city or county, with drill-down by pointer or keyboard. */
export function CoverageView({ home }: { home: string }) {
  const { t } = useI18n();
  const pct = useRate();
  const [params, setParams] = useSearchParams();
  const screens = Grid.useBreakpoint();
  const compact = !(screens.md ?? true);
  const division = params.get('coverage') ?? home;
  const { data, error, loading, reload } = useGet<Coverage>(`/api/pairings/coverage?division=${division}`);
  const region = useDivision(division === '44' ? '' : division);
  const names = useMemo(() => new Map(region?.children.map((c) => [c.code, c.name]) ?? []), [region]);
  const rows = data ? (division.length === 2 ? data.byCity : division.length === 4 ? data.byCounty : []) : [];
  const drill = (code: string) => {
    if (code.length > 6) return;
    const next = new URLSearchParams(params);
    next.set('coverage', code);
    setParams(next);
  };
  const sorted = useMemo(() => [...rows].filter((r) => r.keyVillages > 0).sort((a, b) => (a.villageCoverage ?? 0) - (b.villageCoverage ?? 0)), [rows]);
  const option = useMemo(() => {
    return {
      animation: false,
      grid: { left: 8, right: 56, top: 8, bottom: 8, containLabel: true },
      tooltip: {
        trigger: 'axis',
        axisPointer: { type: 'shadow' },
        confine: true,
        formatter: (items: Array<{ dataIndex: number }>) => {
          const r = sorted[items[0].dataIndex];
          return `${names.get(r.code) ?? r.code}<br/>${t('coveredOfKey', { covered: r.coveredVillages, key: r.keyVillages })}<br/>${t('keyTownsCovered', { covered: r.coveredTowns, key: r.keyTowns })}`;
        },
      },
      xAxis: { type: 'value', max: 100, splitNumber: compact ? 2 : 5, axisLabel: { formatter: '{value}%' } },
      yAxis: { type: 'category', data: sorted.map((r) => names.get(r.code) ?? r.code), axisLabel: { width: compact ? 64 : 160, overflow: 'break', lineHeight: 14 } },
      series: [
        {
          type: 'bar',
          data: sorted.map((r) => ({ value: Math.round((r.villageCoverage ?? 0) * 100), code: r.code, itemStyle: { color: (r.villageCoverage ?? 0) >= 0.8 ? '#389e0d' : (r.villageCoverage ?? 0) >= 0.5 ? '#d4a106' : '#cf1322' } })),
          barMaxWidth: 22,
          label: { show: true, position: 'right', formatter: (p: { dataIndex: number }) => `${pct(sorted[p.dataIndex].villageCoverage)} (${sorted[p.dataIndex].coveredVillages}/${sorted[p.dataIndex].keyVillages})` },
          cursor: division.length < 6 ? 'pointer' : 'default',
        },
      ],
    };
  }, [sorted, names, compact, division, t, pct]);
  const crumbHref = (code: string) => {
    const next = new URLSearchParams(params);
    next.set('coverage', code);
    return `?${next}`;
  };
  const crumbs = [{ code: '44', name: t('guangdong') }, ...(region?.path.filter((p) => p.level !== 'province').map((p) => ({ code: p.code, name: p.name })) ?? [])];
  return (
    <>
      <Breadcrumb
        className="section"
        items={crumbs.map((c, i) => ({
          key: c.code,
          title:
            i === crumbs.length - 1 ? (
              <span>{c.name}</span>
            ) : (
              <a
                href={crumbHref(c.code)}
                onClick={(event) => {
                  event.preventDefault();
                  drill(c.code);
                }}
                data-testid={`coverage-crumb-${c.code}`}
              >
                {c.name}
              </a>
            ),
        }))}
      />
      <ErrorAlert error={error} action={<Button size="small" onClick={reload}>{t('retry')}</Button>} />
      {loading && !data && <Skeleton active />}
      {data && (
        <>
          <div className="coverage-totals" data-testid="coverage-total">
            <Card size="small">
              <Statistic title={t('keyVillageCoverage')} value={pct(data.total.villageCoverage)} />
              <div className="small secondary">{t('coveredOfKey', { covered: data.total.coveredVillages, key: data.total.keyVillages })}</div>
            </Card>
            <Card size="small">
              <Statistic title={t('keyTownCoverage')} value={pct(data.total.keyTowns ? data.total.coveredTowns / data.total.keyTowns : null)} />
              <div className="small secondary">{t('keyTownsCovered', { covered: data.total.coveredTowns, key: data.total.keyTowns })}</div>
            </Card>
          </div>
          {rows.length > 0 ? (
            <Card size="small" className="section" title={t(division.length === 2 ? 'coverageByCity' : 'coverageByCounty')} extra={division.length < 6 && <span className="small secondary">{t('clickToDrill')}</span>}>
              <Chart
                option={option}
                height={Math.max(160, sorted.length * (compact ? 40 : 34) + 24)}
                testId="coverage-chart"
                ariaLabel={t(division.length === 2 ? 'coverageByCity' : 'coverageByCounty')}
                onClick={(p) => {
                  const code = (p.data as { code?: string } | undefined)?.code;
                  if (code && division.length < 6) drill(code);
                }}
                keyboard={{
                  count: sorted.length,
                  hint: t(division.length < 6 ? 'chartKeysRegion' : 'chartKeysBrowse'),
                  describe: (i) => `${names.get(sorted[i].code) ?? sorted[i].code}${t('colon')}${pct(sorted[i].villageCoverage)}${t('paren', { text: t('coveredOfKey', { covered: sorted[i].coveredVillages, key: sorted[i].keyVillages }) })}`,
                  onActivate: (i) => division.length < 6 && drill(sorted[i].code),
                }}
              />
            </Card>
          ) : (
            division.length >= 6 && <Typography.Paragraph type="secondary">{t('countyCoverageNote')}</Typography.Paragraph>
          )}
        </>
      )}
    </>
  );
}
