import { Alert, Button, Card, Empty, Grid, Input, Pagination, Segmented, Select, Space, Table, Tag, Typography } from 'antd';
import type { ColumnsType } from 'antd/es/table';
import { useState } from 'react';
import { Link, useNavigate } from 'react-router';
import { donorName, Flow, FlowPage, Fund, FundDetail, PARTY_KIND_LABELS, resourceText } from '../donations';
import { formatFen, useGet } from '../hooks';
import { useI18n } from '../i18n';
import { useAuditParams } from './auditParams';
import { asOfQuery, useAsOf } from './AuditToolbar';
import { ErrorAlert } from './common';
import { Figures } from './Figures';
import { FlowStatusTag, shortId } from './FlowStatusTag';
import { OrganizationSelect } from './OrganizationSelect';
import { RegionPicker, regionPath } from './RegionPicker';

const PAGE_SIZE = 20;

type SearchBy = 'all' | 'flow' | 'organization' | 'fund' | 'village';

/** The audit page's flows: search by flow id, organization, fund or village. */
export function FlowSearch() {
  const { t, pick } = useI18n();
  const navigate = useNavigate();
  const [asOf] = useAsOf();
  const [params, set] = useAuditParams();
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
