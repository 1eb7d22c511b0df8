import { ArrowLeftOutlined } from '@ant-design/icons';
import { Button, Card, Empty, Grid, Skeleton, Space, Tag, Typography } from 'antd';
import { useMemo } from 'react';
import { Link, useNavigate, useParams } from 'react-router';
import { AuditOnly } from '../components/AuditOnly';
import { asOfQuery, AuditToolbar, useAsOf } from '../components/AuditToolbar';
import { BalanceTable } from '../components/BalanceTable';
import { Chart } from '../components/Chart';
import { ErrorAlert, PageTitle, Place } from '../components/common';
import { EvidenceView } from '../components/Evidence';
import { Figures } from '../components/Figures';
import { NODE_COLORS, OUTCOME_LABELS, sankeyOption, traceSankey, valueOf } from '../components/flowSankey';
import { FlowStatusTag } from '../components/FlowStatusTag';
import { TraceActor } from '../components/TraceActor';
import { Allocation, Balances, donorName, FLOW_EVENT_LABELS, Flow, PARTY_KIND_LABELS, resourceText, Trace, TraceHop, USE_EVIDENCE_LABELS } from '../donations';
import { formatDate, formatDateTime, formatFen, useGet } from '../hooks';
import { useI18n } from '../i18n';
import { label } from '../labels';

/** An amount of a flow in its own terms: yuan for money, quantity and unit (with value) for goods. */
function useAmount() {
  const { t } = useI18n();
  return (flow: Pick<Flow, 'resource' | 'pledged' | 'unit'>, amount: number) =>
    flow.resource.kind === 'money' ? formatFen(amount) : `${amount.toLocaleString('zh-CN')} ${flow.unit}${amount ? t('paren', { text: formatFen(valueOf(flow, amount)) }) : ''}`;
}

function AllocationTargetText({ allocation }: { allocation: Allocation }) {
  const { t, pick } = useI18n();
  const [asOf] = useAsOf();
  const target = allocation.target;
  if (target.kind === 'need') {
    return (
      <span>
        <Tag className="kind-tag">{pick(PARTY_KIND_LABELS.need)}</Tag>
        <Link to={`/needs/${encodeURIComponent(target.needId)}`}>{target.title}</Link>
        <Typography.Text type="secondary" className="small">
          {' '}
          · <Place code={target.villageCode} />
        </Typography.Text>
      </span>
    );
  }
  if (target.kind === 'village') {
    return (
      <span>
        <Tag className="kind-tag">{t('villageProject')}</Tag>
        {target.project}
        <Typography.Text type="secondary" className="small">
          {' '}
          · <Place code={target.villageCode} />
        </Typography.Text>
      </span>
    );
  }
  return (
    <span>
      <Tag className="kind-tag">{t('transferTo')}</Tag>
      {target.party.name}
      {allocation.childFlowId && (
        <>
          {' '}
          <Link to={`/audit/flows/${encodeURIComponent(allocation.childFlowId)}${asOfQuery(asOf)}`} className="small">
            {t('openChild')}
          </Link>
        </>
      )}
    </span>
  );
}

function HopCard({ hop, focus }: { hop: TraceHop; focus: boolean }) {
  const { t, pick, lang } = useI18n();
  const amount = useAmount();
  const depth = hop.depth < 0 ? t('upstream') : hop.depth > 0 ? t('downstream') : t('thisFlow');
  return (
    <Card
      size="small"
      className={focus ? 'hop-card hop-focus' : 'hop-card'}
      data-testid={`hop-${hop.id}`}
      title={
        <div className="hop-title">
          <Tag color={focus ? 'red' : 'default'}>{depth}</Tag>
          <span className="parties">
            {donorName(hop.donor, pick)} <span className="arrow">→</span> {hop.recipient.name}
          </span>
        </div>
      }
      extra={<FlowStatusTag status={hop.status} />}
    >
      <div className="hop-meta small">
        <span>
          {t('flowId')}
          {t('colon')}
          <code>{hop.id}</code>
        </span>
        <span>{resourceText(hop, pick)}</span>
        {hop.receiptNumber && (
          <span>
            {t('receiptNumber')}
            {t('colon')}
            {hop.receiptNumber}
          </span>
        )}
        {hop.receivedOn && (
          <span>
            {t('receivedOn')}
            {t('colon')}
            {formatDate(hop.receivedOn)}
          </span>
        )}
        <span>{hop.disclosedAt ? t('disclosedOn', { date: formatDate(hop.disclosedAt) }) : t('notDisclosed')}</span>
      </div>
      <Figures
        items={[
          [t('pledged'), amount(hop, hop.pledged)],
          [t('received'), amount(hop, hop.received)],
          [t('allocatedAmount'), amount(hop, hop.allocated)],
          [t('unallocated'), amount(hop, hop.available)],
          [t('usedAmount'), amount(hop, hop.used)],
          [t('confirmedAmount'), amount(hop, hop.confirmed)],
          ...(hop.refunded ? ([[t('refunded'), amount(hop, hop.refunded)]] as Array<[string, string]>) : []),
        ]}
      />
      {hop.allocations.length > 0 && (
        <div className="hop-section">
          <Typography.Text strong>{t('allocations')}</Typography.Text>
          {hop.allocations.map((a) => (
            <div key={a.id} className="hop-line">
              <AllocationTargetText allocation={a} />
              <span className="hop-line-figures">
                {amount(hop, a.net)}
                {a.used !== null && (
                  <Typography.Text type="secondary" className="small">
                    {' '}
                    · {t('usedOf', { used: amount(hop, a.used) })}
                  </Typography.Text>
                )}
                {a.returned > 0 && (
                  <Typography.Text type="secondary" className="small">
                    {' '}
                    · {t('returned', { n: amount(hop, a.returned) })}
                  </Typography.Text>
                )}
                <Typography.Text type="secondary" className="small">
                  {' '}
                  · {formatDate(a.allocatedAt)}
                </Typography.Text>
              </span>
            </div>
          ))}
        </div>
      )}
      {hop.uses.length > 0 && (
        <div className="hop-section">
          <Typography.Text strong>{t('uses')}</Typography.Text>
          {hop.uses.map((u) => (
            <div key={u.id} className="delivery">
              <div className="delivery-head">
                <b>{amount(hop, u.amount)}</b>
                <span className="small secondary">{formatDate(u.usedOn)}</span>
                {u.confirmedAt ? <Tag color="success">{t('villageConfirmed', { date: formatDate(u.confirmedAt) })}</Tag> : <Tag color="gold">{t('awaitingVillage')}</Tag>}
              </div>
              <span className="small">
                <Place code={u.villageCode} />
                {u.note ? ` · ${u.note}` : ''}
              </span>
              <div className="evidence">
                {u.evidence.length === 0 && <Typography.Text type="danger">{t('noEvidence')}</Typography.Text>}
                {u.evidence.some((e) => e.file) && (
                  <EvidenceView evidence={u.evidence.filter((e) => e.file)} base={`/api/donations/${encodeURIComponent(hop.id)}`} labelOf={(k) => label(USE_EVIDENCE_LABELS, k, lang)} />
                )}
                {u.evidence.filter((e) => !e.file).map((e, i) => (
                  <span key={i} className="evidence-item">
                    <Tag>{label(USE_EVIDENCE_LABELS, e.kind, lang)}</Tag>
                    <code>{e.ref}</code>
                    {e.amountFen !== undefined && <span className="small secondary"> {formatFen(e.amountFen)}</span>}
                  </span>
                ))}
              </div>
            </div>
          ))}
        </div>
      )}
      {(hop.refunds.length > 0 || hop.corrections.length > 0) && (
        <div className="hop-section">
          <Typography.Text strong>{t('refundsAndCorrections')}</Typography.Text>
          {hop.refunds.map((r, i) => (
            <div key={`r${i}`} className="hop-line">
              <span>
                {t('refunded')} {amount(hop, r.amount)} · {r.reason}
              </span>
              <span className="small secondary">{formatDate(r.at)}</span>
            </div>
          ))}
          {hop.corrections.map((c, i) => (
            <div key={`c${i}`} className="hop-line">
              <span>
                {t('correction')}
                {t('colon')}
                {amount(hop, c.from.amount)} → {amount(hop, c.to.amount)}
                {c.from.receiptNumber !== c.to.receiptNumber ? ` · ${c.from.receiptNumber} → ${c.to.receiptNumber}` : ''} · {c.reason}
              </span>
              <span className="small secondary">{formatDate(c.at)}</span>
            </div>
          ))}
        </div>
      )}
      <div className="hop-section">
        <Typography.Text strong>{t('history')}</Typography.Text>
        <ol className="hop-events">
          {hop.events.map((e) => (
            <li key={e.revision} className="small">
              <b>{label(FLOW_EVENT_LABELS, e.type, lang)}</b> · {formatDateTime(e.occurredAt)} · <TraceActor actor={e.actor} />
            </li>
          ))}
        </ol>
      </div>
    </Card>
  );
}

export function AuditTrace() {
  const { t, pick } = useI18n();
  const { id = '' } = useParams();
  const navigate = useNavigate();
  const [asOf] = useAsOf();
  const screens = Grid.useBreakpoint();
  const compact = !(screens.md ?? true);
  const trace = useGet<Trace>(`/api/donations/${encodeURIComponent(id)}/trace${asOfQuery(asOf)}`);
  const balances = useGet<Balances>(`/api/audit/donations/balances${asOfQuery(asOf)}`);
  const data = trace.data?.flowId === id ? trace.data : undefined;

  const graph = useMemo(() => (data ? traceSankey(data, pick) : null), [data, pick]);
  const option = useMemo(() => (graph ? sankeyOption(graph, compact) : null), [graph, compact]);
  const height = graph ? Math.max(300, Math.min(720, graph.nodes.length * 52)) : 300;

  const rows = useMemo(() => {
    if (!data || !balances.data) return [];
    const wanted = new Set<string>();
    for (const hop of data.hops) {
      wanted.add(`${hop.recipient.kind}:${hop.recipient.id}`);
      for (const a of hop.allocations) {
        if (a.target.kind === 'need') wanted.add(`need:${a.target.needId}`);
        if (a.target.kind === 'need' || a.target.kind === 'village') wanted.add(`village:${a.target.villageCode}`);
      }
    }
    return balances.data.items.filter((r) => wanted.has(`${r.kind}:${r.id}`));
  }, [data, balances.data]);

  const back = `/audit${asOfQuery(asOf)}`;
  return (
    <>
      <div className="detail-top">
        <Button type="link" icon={<ArrowLeftOutlined />} onClick={() => navigate(back)} style={{ paddingInline: 0 }}>
          {t('backToAudit')}
        </Button>
      </div>
      <PageTitle title={t('traceTitle')} intro={t('traceIntro')} />
      <AuditOnly>
        <AuditToolbar />
        <ErrorAlert error={trace.error} action={<Button size="small" onClick={trace.reload}>{t('retry')}</Button>} />
        {trace.loading && !data && <Skeleton active />}
        {data && (
          <>
            <Typography.Paragraph type="secondary" data-testid="trace-summary">
              {t('traceSummary', { date: asOf ?? formatDateTime(data.asOf), hops: data.hops.length, up: data.upstream.length, down: data.downstream.length })}
            </Typography.Paragraph>
            <Card size="small" className="section" title={t('sankeyTitle')} data-testid="sankey-card">
              {graph && graph.links.length > 0 ? (
                <>
                  <Chart
                    option={option!}
                    height={height}
                    minWidth={compact ? 680 : undefined}
                    testId="sankey"
                    ariaLabel={t('sankeyTitle')}
                    onClick={(p) => {
                      const node = graph.nodes.find((n) => n.name === p.name);
                      if (p.dataType === 'node' && node?.flowId && node.flowId !== id) navigate(`/audit/flows/${encodeURIComponent(node.flowId)}${asOfQuery(asOf)}`);
                    }}
                  />
                  {compact && <Typography.Text type="secondary" className="small">{t('swipeHint')}</Typography.Text>}
                  <div className="sankey-legend small">
                    {(['donor', 'fund', 'organization', 'need'] as const).map((k) => (
                      <span key={k}>
                        <i style={{ background: NODE_COLORS[k] }} />
                        {k === 'donor' ? t('donor') : pick(PARTY_KIND_LABELS[k])}
                      </span>
                    ))}
                    {(['confirmed', 'used', 'unused', 'balance'] as const).map((k) => (
                      <span key={k}>
                        <i style={{ background: NODE_COLORS[k] }} />
                        {pick(OUTCOME_LABELS[k])}
                      </span>
                    ))}
                  </div>
                </>
              ) : (
                <Empty description={t('nothingToDraw')} />
              )}
            </Card>
            <Card size="small" className="section" title={t('traceBalances')} data-testid="trace-balances">
              <ErrorAlert error={balances.error} action={<Button size="small" onClick={balances.reload}>{t('retry')}</Button>} />
              <BalanceTable rows={rows} loading={balances.loading} testId="trace-balance-rows" />
            </Card>
            <Typography.Title level={5}>{t('hops')}</Typography.Title>
            <Space orientation="vertical" size={12} style={{ width: '100%' }} data-testid="hops">
              {data.hops.map((hop) => (
                <HopCard key={hop.id} hop={hop} focus={hop.id === id} />
              ))}
            </Space>
          </>
        )}
      </AuditOnly>
    </>
  );
}
