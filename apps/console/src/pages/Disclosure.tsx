import { Alert, Button, Card, Col, Progress, Row, Skeleton, Statistic, Table, Tag, Typography } from 'antd';
import type { ReactNode } from 'react';
import { Link, useParams } from 'react-router';
import { splitBilingual } from '../api';
import { ErrorAlert, PageTitle, Place } from '../components/common';
import { PrintButton } from '../components/PrintButton';
import { ResponsiveRows } from '../components/ResponsiveRows';
import { DisclosureCorrection, DONOR_KIND_LABELS, FLOW_EVENT_LABELS, NeedDisclosure, OrganizationDisclosure, PublicEvidence, USE_EVIDENCE_LABELS } from '../donations';
import { EvidenceView } from '../components/Evidence';
import { Figures } from '../components/Figures';
import { formatDate, formatFen, useGet } from '../hooks';
import { useI18n } from '../i18n';
import { label } from '../labels';

/** Evidence files the organizations marked public, each opened from the public route (no sign-in). */
function PublicEvidenceList({ evidence }: { evidence: PublicEvidence[] }) {
  const { t, pick } = useI18n();
  if (evidence.length === 0) return null;
  return (
    <Card size="small" className="section" title={t('publicEvidence')} data-testid="public-evidence">
      {evidence.map((e) => (
        <div key={`${e.flowId}/${e.useId}/${e.sha256}`} className="public-evidence-item">
          <span className="small secondary">{formatDate(e.usedOn)}</span>
          <EvidenceView
            evidence={[{ kind: e.kind, ref: `sha256:${e.sha256}`, file: { sha256: e.sha256, mediaType: e.mediaType, size: e.size, uploadedBy: '', visibility: 'public', ...(e.thumbnail ? { thumbnail: e.thumbnail } : {}) } }]}
            base={`/api/disclosure/donations/${encodeURIComponent(e.flowId)}`}
            labelOf={(k) => pick(USE_EVIDENCE_LABELS[k] ?? [k, k])}
          />
        </div>
      ))}
    </Card>
  );
}

/** Share of `part` in `whole`, in whole percent (0 when nothing is there to share). */
const percent = (part: number, whole: number) => (whole > 0 ? Math.round((part / whole) * 100) : 0);

function Totals({ items, testId }: { items: Array<{ title: string; fen: number; note?: ReactNode }>; testId: string }) {
  return (
    <Row gutter={[12, 12]} className="section" data-testid={testId}>
      {items.map((item) => (
        <Col key={item.title} xs={12} md={24 / items.length}>
          <Card size="small" className="total-card">
            <Statistic title={item.title} value={formatFen(item.fen)} />
            {item.note && <div className="small secondary total-note">{item.note}</div>}
          </Card>
        </Col>
      ))}
    </Row>
  );
}

function Corrections({ corrections }: { corrections: DisclosureCorrection[] }) {
  const { t, lang } = useI18n();
  if (corrections.length === 0) return <Typography.Paragraph type="secondary">{t('noCorrections')}</Typography.Paragraph>;
  const changed = (c: DisclosureCorrection) =>
    (['receivedFen', 'allocatedFen', 'usedFen', 'confirmedFen'] as const)
      .filter((k) => c.before[k] !== c.after[k])
      .map((k) => `${t(k === 'receivedFen' ? 'received' : k === 'allocatedFen' ? 'allocatedAmount' : k === 'usedFen' ? 'usedAmount' : 'confirmedAmount')} ${formatFen(c.before[k])} → ${formatFen(c.after[k])}`);
  return (
    <div className="corrections" data-testid="corrections">
      {corrections.map((c, i) => (
        <div key={i} className="correction">
          <div className="correction-head">
            <Tag color="orange">{label(FLOW_EVENT_LABELS, c.kind, lang)}</Tag>
            <span className="small secondary">{formatDate(c.at)}</span>
          </div>
          <div>{c.reason}</div>
          {changed(c).map((line) => (
            <div key={line} className="small secondary">
              {line}
            </div>
          ))}
        </div>
      ))}
    </div>
  );
}

const inLanguage = (text: string, lang: 'zh' | 'en') => {
  const parts = splitBilingual(text);
  return (lang === 'zh' ? parts.zh : parts.en) ?? text;
};

/** How the disclosed money counts (libs/donations/src/counting.ts): new money from donors, transfers in and out, arranged for villages, not yet arranged. */
interface DisclosureCounting {
  counting?: { fromDonorsFen: number; transferredInFen: number; transferredOutFen: number; toVillagesFen: number; unallocatedFen: number };
  transfers?: Array<{ flowId: string; to: string; kind: 'organization' | 'fund'; allocatedAt: string; allocatedFen: number; childFlowId: string | null; receivedFen: number | null }>;
}
type TransferRow = NonNullable<DisclosureCounting['transfers']>[number];

function Transfers({ data }: { data: DisclosureCounting }) {
  const { t } = useI18n();
  const c = data.counting;
  if (!c) return null;
  const transfers = data.transfers ?? [];
  return (
    <Card size="small" className="section" title={t('transfersTitle')} data-testid="disclosure-transfers">
      <Typography.Paragraph type="secondary" className="small">
        {t('countingNote', { donors: formatFen(c.fromDonorsFen), transferredIn: formatFen(c.transferredInFen), transferredOut: formatFen(c.transferredOutFen), villages: formatFen(c.toVillagesFen), unallocated: formatFen(c.unallocatedFen) })}
      </Typography.Paragraph>
      {transfers.length > 0 && (
        <Table<TransferRow>
          size="small"
          rowKey={(x) => `${x.flowId}/${x.childFlowId}`}
          pagination={false}
          dataSource={transfers}
          scroll={{ x: true }}
          columns={[
            { title: t('transferTo'), key: 'to', render: (_, x) => x.to },
            { title: t('transferDate'), key: 'at', width: 120, render: (_, x) => formatDate(x.allocatedAt) },
            { title: t('transferredAmount'), key: 'allocated', width: 140, align: 'right', render: (_, x) => formatFen(x.allocatedFen) },
            { title: t('transferReceived'), key: 'received', width: 140, align: 'right', render: (_, x) => (x.receivedFen === null ? t('transferNotReceived') : formatFen(x.receivedFen)) },
          ]}
        />
      )}
    </Card>
  );
}

export function OrganizationDisclosurePage() {
  const { t, lang } = useI18n();
  const { id = '' } = useParams();
  const organization = useGet<{ name: string }>(`/api/organizations/${encodeURIComponent(id)}`);
  const { data, error, loading, reload } = useGet<OrganizationDisclosure>(`/api/disclosure/organizations/${encodeURIComponent(id)}`);
  const name = organization.data?.name ?? data?.recipients[0] ?? id;
  type DonorRow = OrganizationDisclosure['donors'][number];
  type ProjectRow = OrganizationDisclosure['projects'][number];
  const projectTitle = (p: ProjectRow) =>
    p.kind === 'need' ? (
      <Link to={`/disclosure/needs/${encodeURIComponent(p.id)}`} className="need-link">
        {p.title}
      </Link>
    ) : (
      <span className="need-link">{p.title}</span>
    );
  return (
    <>
      <PageTitle title={t('disclosureOf', { name })} intro={t('disclosureIntro')} extra={<><PrintButton /><Link to="/disclosure">{t('otherOrganizations')}</Link></>} />
      <ErrorAlert error={error} action={<Button size="small" onClick={reload}>{t('retry')}</Button>} />
      {loading && !data && <Skeleton active />}
      {data && (
        <>
          {data.flows === 0 && <Alert className="section" type="info" showIcon title={t('nothingDisclosed')} />}
          <Totals
            testId="disclosure-totals"
            items={[
              { title: t('totalReceived'), fen: data.totals.receivedFen, note: t('flowsCount', { n: data.flows }) },
              { title: t('totalAllocated'), fen: data.totals.allocatedFen, note: <Progress percent={percent(data.totals.allocatedFen, data.totals.receivedFen)} aria-label={t('totalAllocated')} size="small" /> },
              { title: t('totalUsed'), fen: data.totals.usedFen, note: <Progress percent={percent(data.totals.usedFen, data.totals.receivedFen)} aria-label={t('totalUsed')} size="small" /> },
              { title: t('totalConfirmed'), fen: data.totals.confirmedFen, note: <Progress percent={percent(data.totals.confirmedFen, data.totals.receivedFen)} aria-label={t('totalConfirmed')} size="small" strokeColor="#389e0d" /> },
            ]}
          />
          <Card size="small" className="section" title={t('byDonor')}>
            <ResponsiveRows<DonorRow>
              testId="disclosure-donors"
              rows={data.donors}
              rowKey={(d) => `${d.kind}:${d.donor}`}
              empty={t('nothingDisclosed')}
              columns={[
                { title: t('donor'), key: 'donor', render: (_, d) => inLanguage(d.donor, lang) },
                { title: t('donorKind'), key: 'kind', width: 140, render: (_, d) => <Tag>{label(DONOR_KIND_LABELS, d.kind, lang)}</Tag> },
                { title: t('flowCount'), key: 'flows', width: 110, align: 'right', render: (_, d) => d.flows },
                { title: t('received'), key: 'received', width: 160, align: 'right', render: (_, d) => formatFen(d.receivedFen) },
              ]}
              card={(d) => (
                <>
                  <div className="card-head-row">
                    <b>{inLanguage(d.donor, lang)}</b>
                    <Tag>{label(DONOR_KIND_LABELS, d.kind, lang)}</Tag>
                  </div>
                  <Figures items={[[t('received'), formatFen(d.receivedFen)], [t('flowCount'), d.flows]]} />
                </>
              )}
            />
          </Card>
          <Transfers data={data as DisclosureCounting} />
          <Card size="small" className="section" title={t('byProject')}>
            <ResponsiveRows<ProjectRow>
              testId="disclosure-projects"
              rows={data.projects}
              rowKey={(p) => `${p.kind}:${p.id}:${p.title}`}
              empty={t('noProjects')}
              columns={[
                { title: t('project'), key: 'title', render: (_, p) => projectTitle(p) },
                { title: t('colRegion'), key: 'place', render: (_, p) => <Typography.Text type="secondary"><Place code={p.villageCode} /></Typography.Text> },
                { title: t('allocatedAmount'), key: 'allocated', width: 140, align: 'right', render: (_, p) => formatFen(p.allocatedFen) },
                { title: t('usedAmount'), key: 'used', width: 140, align: 'right', render: (_, p) => formatFen(p.usedFen) },
                { title: t('confirmedAmount'), key: 'confirmed', width: 140, align: 'right', render: (_, p) => formatFen(p.confirmedFen) },
              ]}
              card={(p) => (
                <>
                  {projectTitle(p)}
                  <Typography.Text type="secondary" className="small">
                    <Place code={p.villageCode} />
                  </Typography.Text>
                  <Figures
                    items={[
                      [t('allocatedAmount'), formatFen(p.allocatedFen)],
                      [t('usedAmount'), formatFen(p.usedFen)],
                      [t('confirmedAmount'), formatFen(p.confirmedFen)],
                    ]}
                  />
                </>
              )}
            />
          </Card>
          <PublicEvidenceList evidence={data.evidence ?? []} />
          <Card size="small" className="section" title={t('correctionsTitle')}>
            <Corrections corrections={data.corrections} />
          </Card>
        </>
      )}
    </>
  );
}

export function NeedDisclosurePage() {
  const { t } = useI18n();
  const { id = '' } = useParams();
  const { data, error, loading, reload } = useGet<NeedDisclosure>(`/api/disclosure/needs/${encodeURIComponent(id)}`);
  type Row = NeedDisclosure['byOrganization'][number];
  return (
    <>
      <PageTitle
        title={data?.title ? t('needDisclosureOf', { title: data.title }) : t('needDisclosure')}
        intro={
          data?.villageCode ? (
            <>
              <Place code={data.villageCode} /> · {t('disclosureIntro')}
            </>
          ) : (
            t('disclosureIntro')
          )
        }
        extra={<><PrintButton /><Link to="/disclosure">{t('otherOrganizations')}</Link></>}
      />
      <ErrorAlert error={error} action={<Button size="small" onClick={reload}>{t('retry')}</Button>} />
      {loading && !data && <Skeleton active />}
      {data && (
        <>
          {data.flows === 0 && <Alert className="section" type="info" showIcon title={t('nothingDisclosedNeed')} />}
          <Totals
            testId="disclosure-totals"
            items={[
              { title: t('totalAllocatedToNeed'), fen: data.totals.allocatedFen, note: t('flowsCount', { n: data.flows }) },
              { title: t('totalUsed'), fen: data.totals.usedFen, note: <Progress percent={percent(data.totals.usedFen, data.totals.allocatedFen)} aria-label={t('totalUsed')} size="small" /> },
              { title: t('totalConfirmed'), fen: data.totals.confirmedFen, note: <Progress percent={percent(data.totals.confirmedFen, data.totals.allocatedFen)} aria-label={t('totalConfirmed')} size="small" strokeColor="#389e0d" /> },
            ]}
          />
          <Card size="small" className="section" title={t('byOrganization')}>
            <ResponsiveRows<Row>
              testId="disclosure-organizations"
              rows={data.byOrganization}
              rowKey={(r) => r.organization}
              empty={t('nothingDisclosedNeed')}
              columns={[
                { title: t('organization'), key: 'org', render: (_, r) => r.organization },
                { title: t('allocatedAmount'), key: 'allocated', width: 160, align: 'right', render: (_, r) => formatFen(r.allocatedFen) },
                { title: t('usedAmount'), key: 'used', width: 160, align: 'right', render: (_, r) => formatFen(r.usedFen) },
                { title: t('confirmedAmount'), key: 'confirmed', width: 160, align: 'right', render: (_, r) => formatFen(r.confirmedFen) },
              ]}
              card={(r) => (
                <>
                  <b>{r.organization}</b>
                  <Figures
                    items={[
                      [t('allocatedAmount'), formatFen(r.allocatedFen)],
                      [t('usedAmount'), formatFen(r.usedFen)],
                      [t('confirmedAmount'), formatFen(r.confirmedFen)],
                    ]}
                  />
                </>
              )}
            />
          </Card>
          <PublicEvidenceList evidence={data.evidence ?? []} />
          <Card size="small" className="section" title={t('correctionsTitle')}>
            <Corrections corrections={data.corrections} />
          </Card>
        </>
      )}
    </>
  );
}
