import { Button, Table } from 'antd';
import { useI18n } from '../i18n';

/** A rate as a bureau reads it: "0%" when nothing came of the needs, 无数据 when there was nothing to count. */
export function useRate() {
  const { t } = useI18n();
  return (value: number | null) => (value === null ? t('noData') : `${Math.round(value * 100)}%`);
}

export interface RegionRates {
  region: { code: string; name: string };
  published: number;
  matched: number;
  fulfilled: number;
}

const ratio = (a: number, b: number) => (b > 0 ? a / b : null);

/** The rates by region as a table: each region's name opens it (a button: Tab, then Enter or Space). */
export function RegionRatesTable({ rows, onDrill }: { rows: RegionRates[]; onDrill: (code: string) => void }) {
  const { t } = useI18n();
  const rate = useRate();
  return (
    <Table<RegionRates>
      size="small"
      data-testid="region-table"
      rowKey={(r) => r.region.code}
      pagination={false}
      scroll={{ x: true }}
      dataSource={rows}
      columns={[
        {
          title: t('regionCol'),
          key: 'region',
          render: (_, r) => (
            <Button type="link" size="small" style={{ paddingInline: 0 }} onClick={() => onDrill(r.region.code)} data-testid={`region-row-${r.region.code}`}>
              {r.region.name}
            </Button>
          ),
        },
        { title: t('figPublished'), dataIndex: 'published', align: 'right' },
        { title: t('figMatched'), dataIndex: 'matched', align: 'right' },
        { title: t('figFulfilled'), dataIndex: 'fulfilled', align: 'right' },
        { title: t('matchRate'), key: 'matchRate', align: 'right', render: (_, r) => rate(ratio(r.matched, r.published)) },
        { title: t('conversionRate'), key: 'conversionRate', align: 'right', render: (_, r) => rate(ratio(r.fulfilled, r.matched)) },
      ]}
    />
  );
}

export interface PeriodRates {
  period: { key: string };
  needs: { published: number; matched: number; fulfilled: number; matchRate: number | null; conversionRate: number | null };
}

/** The rates over time as a table: each period lists its needs (a button: Tab, then Enter or Space). */
export function PeriodRatesTable({ rows, onOpen }: { rows: PeriodRates[]; onOpen: (bucket: string) => void }) {
  const { t } = useI18n();
  const rate = useRate();
  return (
    <Table<PeriodRates>
      size="small"
      data-testid="period-table"
      rowKey={(r) => r.period.key}
      pagination={false}
      scroll={{ x: true }}
      dataSource={rows}
      columns={[
        {
          title: t('periodCol'),
          key: 'period',
          render: (_, r) => (
            <Button type="link" size="small" style={{ paddingInline: 0 }} onClick={() => onOpen(r.period.key)} data-testid={`period-row-${r.period.key}`}>
              {r.period.key}
            </Button>
          ),
        },
        { title: t('figPublished'), key: 'published', align: 'right', render: (_, r) => r.needs.published },
        { title: t('figMatched'), key: 'matched', align: 'right', render: (_, r) => r.needs.matched },
        { title: t('figFulfilled'), key: 'fulfilled', align: 'right', render: (_, r) => r.needs.fulfilled },
        { title: t('matchRate'), key: 'matchRate', align: 'right', render: (_, r) => rate(r.needs.matchRate) },
        { title: t('conversionRate'), key: 'conversionRate', align: 'right', render: (_, r) => rate(r.needs.conversionRate) },
      ]}
    />
  );
}
