import { Card, Empty, Grid, Space, Table, Tag } from 'antd';
import type { ColumnsType } from 'antd/es/table';
import { Link } from 'react-router';
import { BalanceRow, PARTY_KIND_LABELS } from '../donations';
import { formatFen } from '../hooks';
import { useI18n } from '../i18n';
import { asOfQuery, useAsOf } from './AuditToolbar';
import { Place } from './common';
import { Figures } from './Figures';

/** A balances row's name: a village by its place name, others as the API names them. */
function BalanceName({ row }: { row: BalanceRow }) {
  return row.kind === 'village' ? <Place code={row.id} /> : <span>{row.name}</span>;
}

/** Where a balances row leads: the flows of that organization, fund or village; a need's own page. */
function balanceLink(row: BalanceRow, asOf: string | undefined): string {
  const tail = asOfQuery(asOf, '&');
  if (row.kind === 'organization') return `/audit?by=organization&org=${encodeURIComponent(row.id)}${tail}`;
  if (row.kind === 'fund') return `/audit?by=fund&fund=${encodeURIComponent(row.id)}${tail}`;
  if (row.kind === 'village') return `/audit?by=village&village=${row.id}${tail}`;
  return `/needs/${encodeURIComponent(row.id)}`;
}

/** Balances of organizations, funds, needs or villages: a table on wide screens, one card per row on narrow ones. */
export function BalanceTable({ rows, loading, testId }: { rows: BalanceRow[]; loading?: boolean; testId: string }) {
  const { t, pick } = useI18n();
  const [asOf] = useAsOf();
  const wide = Grid.useBreakpoint().lg ?? true;
  const columns: ColumnsType<BalanceRow> = [
    {
      title: t('balanceHolder'),
      key: 'name',
      render: (_, r) => (
        <Space size={6} wrap>
          <Tag className="kind-tag">{pick(PARTY_KIND_LABELS[r.kind])}</Tag>
          <Link to={balanceLink(r, asOf)}>
            <BalanceName row={r} />
          </Link>
        </Space>
      ),
    },
    { title: t('receivedOrAllocatedIn'), key: 'received', width: 140, align: 'right', render: (_, r) => formatFen(r.receivedFen) },
    { title: t('allocatedAmount'), key: 'allocated', width: 130, align: 'right', render: (_, r) => formatFen(r.allocatedFen) },
    {
      title: t('unallocated'),
      key: 'unallocated',
      width: 130,
      align: 'right',
      render: (_, r) => (r.kind === 'organization' || r.kind === 'fund' ? formatFen(r.unallocatedFen) : '—'),
    },
    { title: t('usedAmount'), key: 'used', width: 130, align: 'right', render: (_, r) => formatFen(r.usedFen) },
    { title: t('confirmedAmount'), key: 'confirmed', width: 130, align: 'right', render: (_, r) => formatFen(r.confirmedFen) },
  ];
  if (wide) {
    return (
      <Table<BalanceRow>
        data-testid={testId}
        rowKey={(r) => `${r.kind}:${r.id}`}
        size="middle"
        columns={columns}
        dataSource={rows}
        loading={loading}
        pagination={rows.length > 20 ? { pageSize: 20, showSizeChanger: false } : false}
        locale={{ emptyText: <Empty description={t('noBalances')} /> }}
      />
    );
  }
  return (
    <div data-testid={testId}>
      {loading && rows.length === 0 && <Card loading />}
      {!loading && rows.length === 0 && <Empty description={t('noBalances')} />}
      {rows.map((r) => (
        <Card key={`${r.kind}:${r.id}`} size="small" className="need-card">
          <Space size={6} wrap>
            <Tag className="kind-tag">{pick(PARTY_KIND_LABELS[r.kind])}</Tag>
            <Link to={balanceLink(r, asOf)} className="need-link">
              <BalanceName row={r} />
            </Link>
          </Space>
          <Figures
            items={[
              [t('receivedOrAllocatedIn'), formatFen(r.receivedFen)],
              [t('allocatedAmount'), formatFen(r.allocatedFen)],
              ...(r.kind === 'organization' || r.kind === 'fund' ? ([[t('unallocated'), formatFen(r.unallocatedFen)]] as Array<[string, string]>) : []),
              [t('usedAmount'), formatFen(r.usedFen)],
              [t('confirmedAmount'), formatFen(r.confirmedFen)],
            ]}
          />
        </Card>
      ))}
    </div>
  );
}
