import { Alert, Button, Card, Empty, Grid, Input, InputNumber, Pagination, Segmented, Select, Space, Table, Tabs, Tag, Typography } from 'antd';
import type { ColumnsType } from 'antd/es/table';
import { ReactNode, useState } from 'react';
import { Link, useNavigate, useSearchParams } from 'react-router';
import { splitBilingual } from '../api';
import { asOfQuery, AuditToolbar, useAsOf } from '../components/AuditToolbar';
import { ErrorAlert, PageTitle, Place } from '../components/common';
import { OrganizationSelect } from '../components/OrganizationSelect';
import { RegionPicker, regionPath } from '../components/RegionPicker';
import {
  ANOMALY_COLORS,
  ANOMALY_KINDS,
  ANOMALY_LABELS,
  Anomalies,
  Anomaly,
  BalanceRow,
  Balances,
  donorName,
  Flow,
  FLOW_STATUS_COLORS,
  FLOW_STATUS_LABELS,
  FlowPage,
  Fund,
  FundDetail,
  PARTY_KIND_LABELS,
  resourceText,
} from '../donations';
import { formatDate, formatFen, useGet } from '../hooks';
import { useI18n } from '../i18n';
import { useActor } from '../auth';
import { label } from '../labels';

const PAGE_SIZE = 20;
export const AUDIT_ROLES = ['auditor', 'bureau', 'admin'];

/** A flow's id, shortened for tables (the full id is in the link's title). */
export const shortId = (id: string) => (id.length > 13 ? `${id.slice(0, 8)}…` : id);

export function FlowStatusTag({ status }: { status: string }) {
  const { lang } = useI18n();
  return (
    <Tag color={FLOW_STATUS_COLORS[status] ?? 'default'} data-testid="flow-status">
      {label(FLOW_STATUS_LABELS, status, lang)}
    </Tag>
  );
}

/** Label / value pairs in two columns (the need detail's figures). */
export function Figures({ items }: { items: Array<[ReactNode, ReactNode, string?]> }) {
  return (
    <div className="figures">
      {items.map(([name, value, className], i) => (
        <div key={i}>
          <span>{name}</span>
          <b className={className}>{value}</b>
        </div>
      ))}
    </div>
  );
}

function useParamsState() {
  const [params, setParams] = useSearchParams();
  const set = (change: Record<string, string | undefined>, keepPage = false) => {
    const next = new URLSearchParams(params);
    for (const [k, v] of Object.entries(change)) {
      if (v) next.set(k, v);
      else next.delete(k);
    }
    if (!keepPage && !('page' in change)) next.delete('page');
    setParams(next);
  };
  return [params, set] as const;
}

// ---------------------------------------------------------------------------------------------
// Flows: search by flow id, organization, fund or village
// ---------------------------------------------------------------------------------------------

type SearchBy = 'all' | 'flow' | 'organization' | 'fund' | 'village';

function FlowSearch() {
  const { t, pick } = useI18n();
  const navigate = useNavigate();
  const [asOf] = useAsOf();
  const [params, set] = useParamsState();
  const wide = Grid.useBreakpoint().lg ?? true;
  const by = (params.get('by') as SearchBy) ?? 'all';
  const org = params.get('org') ?? undefined;
  const fund = params.get('fund') ?? undefined;
  const village = params.get('village') ?? undefined;
  const page = Math.max(1, Number(params.get('page')) || 1);
  const [flowId, setFlowId] = useState('');
  const funds = useGet<{ items: Fund[] }>(by === 'fund' ? '/api/funds' : null);
  const fundDetail = useGet<FundDetail>(by === 'fund' && fund ? `/api/funds/${encodeURIComponent(fund)}` : null);
  const holder = fundDetail.data?.holderOrganizationId;

  let path: string | null = null;
  const query = new URLSearchParams({ page: String(page), pageSize: String(PAGE_SIZE) });
  if (by === 'all') path = `/api/donations?${query}`;
  if (by === 'organization' && org) path = `/api/donations?${query}&organizationId=${encodeURIComponent(org)}`;
  if (by === 'village' && village) path = `/api/donations?${query}&villageCode=${village}`;
  // A fund's flows: those of its holder (the API's organization filter), kept when the fund received or passed them on.
  if (by === 'fund' && holder) path = `/api/donations?page=1&pageSize=100&organizationId=${encodeURIComponent(holder)}`;
  const { data, error, loading, reload } = useGet<FlowPage>(path);
  const items =
    by === 'fund' && fund
      ? (data?.items ?? []).filter((f) => (f.recipient.kind === 'fund' && f.recipient.id === fund) || (f.donor.kind === 'transfer' && f.donor.from.kind === 'fund' && f.donor.from.id === fund))
      : (data?.items ?? []);
  const total = by === 'fund' ? items.length : (data?.total ?? 0);
  const traceLink = (id: string) => `/audit/flows/${encodeURIComponent(id)}${asOfQuery(asOf)}`;

  const columns: ColumnsType<Flow> = [
    {
      title: t('flow'),
      key: 'id',
      width: 130,
      render: (_, f) => (
        <Space orientation="vertical" size={2}>
          <Link to={traceLink(f.id)} title={f.id} className="mono">
            {shortId(f.id)}
          </Link>
          <FlowStatusTag status={f.status} />
        </Space>
      ),
    },
    {
      title: t('donorToRecipient'),
      key: 'parties',
      render: (_, f) => (
        <span className="parties">
          {donorName(f.donor, pick)} <span className="arrow">→</span> {f.recipient.name}
          {f.recipient.kind === 'fund' && <Tag className="kind-tag">{pick(PARTY_KIND_LABELS.fund)}</Tag>}
        </span>
      ),
    },
    { title: t('resource'), key: 'resource', width: 130, render: (_, f) => resourceText(f, pick) },
    { title: t('received'), key: 'received', width: 130, align: 'right', render: (_, f) => formatFen(f.figures.receivedFen) },
    { title: t('allocatedAmount'), key: 'allocated', width: 130, align: 'right', render: (_, f) => formatFen(f.figures.allocatedFen) },
    { title: t('usedAmount'), key: 'used', width: 130, align: 'right', render: (_, f) => formatFen(f.figures.usedFen) },
    { title: t('confirmedAmount'), key: 'confirmed', width: 130, align: 'right', render: (_, f) => formatFen(f.figures.confirmedFen) },
    {
      title: t('actions'),
      key: 'trace',
      width: 90,
      render: (_, f) => (
        <Link to={traceLink(f.id)} data-testid={`trace-${f.id}`}>
          {t('trace')}
        </Link>
      ),
    },
  ];

  const needsChoice = (by === 'organization' && !org) || (by === 'fund' && !fund) || (by === 'village' && !village);
  return (
    <>
      <Card size="small" className="filters" data-testid="flow-search">
        <Space orientation="vertical" size={12} style={{ width: '100%' }}>
          <Segmented<SearchBy>
            data-testid="search-by"
            value={by}
            onChange={(v) => set({ by: v === 'all' ? undefined : v, org: undefined, fund: undefined, village: undefined })}
            block={!wide}
            options={[
              { value: 'all', label: t('searchAll') },
              { value: 'flow', label: t(wide ? 'searchFlow' : 'searchFlowShort') },
              { value: 'organization', label: t(wide ? 'searchOrganizationTab' : 'searchOrganizationShort') },
              { value: 'fund', label: t(wide ? 'searchFund' : 'searchFundShort') },
              { value: 'village', label: t(wide ? 'searchVillage' : 'searchVillageShort') },
            ]}
            className="search-by"
          />
          {by === 'flow' && (
            <Input.Search
              data-testid="flow-id-input"
              placeholder={t('flowIdPlaceholder')}
              enterButton={t('trace')}
              value={flowId}
              onChange={(e) => setFlowId(e.target.value)}
              onSearch={(v) => v.trim() && navigate(traceLink(v.trim()))}
              allowClear
            />
          )}
          {by === 'organization' && <OrganizationSelect testId="search-organization" value={org} onChange={(id) => set({ org: id })} />}
          {by === 'fund' && (
            <Select
              data-testid="search-fund"
              style={{ width: '100%' }}
              allowClear
              showSearch={{ optionFilterProp: 'label' }}
              loading={funds.loading}
              placeholder={t('chooseFund')}
              aria-label={t('chooseFund')}
              value={fund}
              onChange={(v) => set({ fund: v ?? undefined })}
              options={(funds.data?.items ?? []).map((f) => ({ value: f.id, label: `${f.name}${f.holderName ? ` · ${f.holderName}` : ''}` }))}
              notFoundContent={t('noFunds')}
            />
          )}
          {by === 'village' && (
            <RegionPicker
              depth={4}
              allowClear
              span={{ xs: 24, sm: 12, lg: 6 }}
              placeholders={['allCities', 'allCounties', 'allTowns', 'allVillages']}
              value={village ? regionPath(village) : []}
              onChange={(codes) => set({ village: codes[codes.length - 1] })}
            />
          )}
        </Space>
      </Card>
      {asOf && <Alert className="section" type="info" showIcon title={t('flowsAreLive')} />}
      <ErrorAlert error={error ?? fundDetail.error ?? funds.error} action={<Button size="small" onClick={reload}>{t('retry')}</Button>} />
      {fundDetail.data && (
        <Card size="small" className="section" data-testid="fund-card" title={`${fundDetail.data.name} · ${fundDetail.data.holderName ?? fundDetail.data.holderOrganizationId}`}>
          <Figures
            items={[
              [t('received'), formatFen(fundDetail.data.totals.receivedFen)],
              [t('allocatedAmount'), formatFen(fundDetail.data.totals.allocatedFen)],
              [t('usedAmount'), formatFen(fundDetail.data.totals.usedFen)],
              [t('confirmedAmount'), formatFen(fundDetail.data.totals.confirmedFen)],
            ]}
          />
        </Card>
      )}
      {by === 'flow' ? (
        <Typography.Paragraph type="secondary">{t('flowIdHint')}</Typography.Paragraph>
      ) : needsChoice ? (
        <Empty description={t('chooseToSearch')} />
      ) : wide ? (
        <Table<Flow>
          data-testid="flow-table"
          rowKey="id"
          size="middle"
          columns={columns}
          dataSource={items}
          loading={loading}
          pagination={false}
          locale={{ emptyText: <Empty description={t('noFlows')} /> }}
        />
      ) : (
        <div data-testid="flow-cards">
          {loading && !data && <Card loading />}
          {data && items.length === 0 && <Empty description={t('noFlows')} />}
          {items.map((f) => (
            <Card key={f.id} size="small" className="need-card">
              <div className="card-head-row">
                <Link to={traceLink(f.id)} className="mono" title={f.id}>
                  {shortId(f.id)}
                </Link>
                <FlowStatusTag status={f.status} />
              </div>
              <span className="parties">
                {donorName(f.donor, pick)} <span className="arrow">→</span> {f.recipient.name}
              </span>
              <Typography.Text type="secondary" className="small">
                {resourceText(f, pick)}
              </Typography.Text>
              <Figures
                items={[
                  [t('received'), formatFen(f.figures.receivedFen)],
                  [t('allocatedAmount'), formatFen(f.figures.allocatedFen)],
                  [t('usedAmount'), formatFen(f.figures.usedFen)],
                  [t('confirmedAmount'), formatFen(f.figures.confirmedFen)],
                ]}
              />
              <Link to={traceLink(f.id)}>
                <Button block>{t('traceFlow')}</Button>
              </Link>
            </Card>
          ))}
        </div>
      )}
      {by !== 'fund' && by !== 'flow' && !needsChoice && total > PAGE_SIZE && (
        <div className="pager">
          <Typography.Text type="secondary">{t('total', { n: total })}</Typography.Text>
          <Pagination current={page} pageSize={PAGE_SIZE} total={total} showSizeChanger={false} simple={!wide} onChange={(p) => set({ page: String(p) }, true)} />
        </div>
      )}
    </>
  );
}

// ---------------------------------------------------------------------------------------------
// Balances
// ---------------------------------------------------------------------------------------------

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

function BalancesView() {
  const { t, pick } = useI18n();
  const [asOf] = useAsOf();
  const [params, set] = useParamsState();
  const kind = params.get('kind') ?? 'all';
  const { data, error, loading, reload } = useGet<Balances>(`/api/audit/donations/balances${asOfQuery(asOf)}`);
  const rows = (data?.items ?? []).filter((r) => kind === 'all' || r.kind === kind);
  return (
    <>
      <div className="view-head">
        <Segmented
          data-testid="balance-kind"
          value={kind}
          onChange={(v) => set({ kind: v === 'all' ? undefined : String(v) })}
          options={[{ value: 'all', label: t('allKinds') }, ...(['organization', 'fund', 'need', 'village'] as const).map((k) => ({ value: k, label: pick(PARTY_KIND_LABELS[k]) }))]}
        />
        {data && (
          <Typography.Text type="secondary" data-testid="balances-as-of">
            {t('figuresAsOf', { date: formatDate(data.asOf), flows: data.flows })}
          </Typography.Text>
        )}
      </div>
      <ErrorAlert error={error} action={<Button size="small" onClick={reload}>{t('retry')}</Button>} />
      <BalanceTable rows={rows} loading={loading} testId="balances" />
    </>
  );
}

// ---------------------------------------------------------------------------------------------
// Anomalies
// ---------------------------------------------------------------------------------------------

function AnomaliesView() {
  const { t, lang, pick } = useI18n();
  const [asOf] = useAsOf();
  const [params, set] = useParamsState();
  const wide = Grid.useBreakpoint().lg ?? true;
  const days = Math.min(3650, Math.max(0, Number(params.get('days') ?? 30) || 0));
  const kind = params.get('anomaly') ?? undefined;
  const [typed, setTyped] = useState<number | null>(days);
  const path = `/api/audit/donations/anomalies?days=${days}${kind ? `&kind=${kind}` : ''}${asOfQuery(asOf, '&')}`;
  const { data, error, loading, reload } = useGet<Anomalies>(path);
  const detail = (a: Anomaly) => {
    const parts = splitBilingual(a.detail);
    return lang === 'zh' ? (parts.zh ?? a.detail) : (parts.en ?? a.detail);
  };
  const traceLink = (id: string) => `/audit/flows/${encodeURIComponent(id)}${asOfQuery(asOf)}`;
  const columns: ColumnsType<Anomaly> = [
    { title: t('anomalyKind'), key: 'kind', width: 170, render: (_, a) => <Tag color={ANOMALY_COLORS[a.kind]}>{label(ANOMALY_LABELS, a.kind, lang)}</Tag> },
    { title: t('holder'), key: 'holder', render: (_, a) => a.holder },
    { title: t('amount'), key: 'value', width: 130, align: 'right', render: (_, a) => formatFen(a.valueFen) },
    { title: t('since'), key: 'since', width: 120, render: (_, a) => formatDate(a.since) },
    { title: t('daysCol'), key: 'days', width: 80, align: 'right', render: (_, a) => (a.days === null ? '—' : a.days) },
    { title: t('explanation'), key: 'detail', render: (_, a) => detail(a) },
    { title: t('actions'), key: 'trace', width: 80, render: (_, a) => <Link to={traceLink(a.flowId)}>{t('trace')}</Link> },
  ];
  return (
    <>
      <div className="view-head">
        <Space wrap size={[8, 8]}>
          <span>{t('olderThan')}</span>
          <InputNumber
            data-testid="anomaly-days"
            min={0}
            max={3650}
            precision={0}
            value={typed}
            onChange={setTyped}
            onPressEnter={() => set({ days: String(typed ?? 30) })}
            suffix={t('daysUnit')}
            style={{ width: 120 }}
            inputMode="numeric"
          />
          <Button data-testid="anomaly-apply" onClick={() => set({ days: String(typed ?? 30) })}>
            {t('apply')}
          </Button>
          <Select
            data-testid="anomaly-kind"
            allowClear
            style={{ minWidth: 200 }}
            placeholder={t('allAnomalyKinds')}
            aria-label={t('anomalyKind')}
            value={kind}
            onChange={(v) => set({ anomaly: v ?? undefined })}
            options={ANOMALY_KINDS.map((k) => ({ value: k, label: pick(ANOMALY_LABELS[k]) }))}
          />
        </Space>
        {data && (
          <Typography.Text type="secondary" data-testid="anomalies-as-of">
            {t('anomaliesAsOf', { date: formatDate(data.asOf), n: data.total, days: data.days })}
          </Typography.Text>
        )}
      </div>
      <ErrorAlert error={error} action={<Button size="small" onClick={reload}>{t('retry')}</Button>} />
      {wide ? (
        <Table<Anomaly>
          data-testid="anomalies"
          rowKey={(a) => `${a.kind}:${a.flowId}:${a.itemId ?? ''}`}
          size="middle"
          columns={columns}
          dataSource={data?.items ?? []}
          loading={loading}
          pagination={(data?.items.length ?? 0) > 20 ? { pageSize: 20, showSizeChanger: false } : false}
          locale={{ emptyText: <Empty description={t('noAnomalies')} /> }}
        />
      ) : (
        <div data-testid="anomalies">
          {loading && !data && <Card loading />}
          {data?.items.length === 0 && <Empty description={t('noAnomalies')} />}
          {data?.items.map((a) => (
            <Card key={`${a.kind}:${a.flowId}:${a.itemId ?? ''}`} size="small" className="need-card">
              <div className="card-head-row">
                <Tag color={ANOMALY_COLORS[a.kind]}>{label(ANOMALY_LABELS, a.kind, lang)}</Tag>
                <b>{formatFen(a.valueFen)}</b>
              </div>
              <span>{a.holder}</span>
              <Typography.Text type="secondary" className="small">
                {detail(a)}
              </Typography.Text>
              <div className="need-card-meta">
                <span>
                  {t('since')}
                  {t('colon')}
                  {formatDate(a.since)}
                </span>
                {a.days !== null && <span>{t('daysAgo', { n: a.days })}</span>}
                <Link to={traceLink(a.flowId)}>{t('trace')}</Link>
              </div>
            </Card>
          ))}
        </div>
      )}
    </>
  );
}

// ---------------------------------------------------------------------------------------------
// The page
// ---------------------------------------------------------------------------------------------

export function AuditOnly({ children }: { children: ReactNode }) {
  const { t } = useI18n();
  const actor = useActor();
  if (!actor.role || !AUDIT_ROLES.includes(actor.role)) return <Alert type="info" showIcon title={t('auditorsOnly')} />;
  return <>{children}</>;
}

export function Audit() {
  const { t } = useI18n();
  const [params, set] = useParamsState();
  const tab = params.get('tab') ?? 'flows';
  return (
    <>
      <PageTitle title={t('auditTitle')} intro={t('auditIntro')} />
      <AuditOnly>
        <AuditToolbar />
        <Tabs
          data-testid="audit-tabs"
          activeKey={tab}
          onChange={(key) => {
            const keep = params.get('asOf') ?? undefined;
            const next: Record<string, string | undefined> = {};
            for (const k of params.keys()) next[k] = undefined;
            set({ ...next, tab: key === 'flows' ? undefined : key, asOf: keep });
          }}
          items={[
            { key: 'flows', label: t('tabFlows'), children: <FlowSearch /> },
            { key: 'balances', label: t('tabBalances'), children: <BalancesView /> },
            { key: 'anomalies', label: t('tabAnomalies'), children: <AnomaliesView /> },
          ]}
        />
      </AuditOnly>
    </>
  );
}

