import { Button, Card, Empty, Grid, InputNumber, Segmented, Select, Space, Table, Tabs, Tag, Typography } from 'antd';
import type { ColumnsType } from 'antd/es/table';
import { useState } from 'react';
import { Link } from 'react-router';
import { splitBilingual } from '../api';
import { AuditOnly } from '../components/AuditOnly';
import { useAuditParams } from '../components/auditParams';
import { asOfQuery, AuditToolbar, useAsOf } from '../components/AuditToolbar';
import { BalanceTable } from '../components/BalanceTable';
import { ErrorAlert, PageTitle } from '../components/common';
import { FlowSearch } from '../components/FlowSearch';
import { ANOMALY_COLORS, ANOMALY_KINDS, ANOMALY_LABELS, Anomalies, Anomaly, Balances, PARTY_KIND_LABELS } from '../donations';
import { formatDate, formatFen, useGet } from '../hooks';
import { useI18n } from '../i18n';
import { label } from '../labels';

// ---------------------------------------------------------------------------------------------
// Balances
// ---------------------------------------------------------------------------------------------

function BalancesView() {
  const { t, pick } = useI18n();
  const [asOf] = useAsOf();
  const [params, set] = useAuditParams();
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
  const [params, set] = useAuditParams();
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
            aria-label={`${t('olderThan')} (${t('daysUnit')})`}
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

export function Audit() {
  const { t } = useI18n();
  const [params, set] = useAuditParams();
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
