import { Button, Card, Col, Row, Select, Skeleton, Tag, Typography } from 'antd';
import { Link, useNavigate, useSearchParams } from 'react-router';
import { ErrorAlert, PageTitle, Place } from '../components/common';
import { Figures } from '../components/Figures';
import { OrganizationSelect } from '../components/OrganizationSelect';
import { ResponsiveRows } from '../components/ResponsiveRows';
import { formatDate, formatFen, useDivision, useGet } from '../hooks';
import { useI18n } from '../i18n';

/** GET /api/disclosure/recent: published figures only, no donor named. */
interface RecentDisclosures {
  city: string | null;
  organizations: Array<{ organizationId: string; name: string; flows: number; receivedFen: number; fromDonorsFen: number; transferredInFen: number; usedFen: number; confirmedFen: number; updatedAt: string }>;
  donations: Array<{ flowId: string; organizationId: string; organizationName: string; transferFrom: { organizationId: string | null; name: string | null } | null; villageCodes: string[]; receivedAt: string | null; receivedFen: number; usedFen: number; confirmedFen: number; updatedAt: string }>;
}
type OrganizationRow = RecentDisclosures['organizations'][number];
type DonationRow = RecentDisclosures['donations'][number];

const organizationLink = (id: string, name: string) => (
  <Link to={`/disclosure/organizations/${encodeURIComponent(id)}`} className="need-link">
    {name}
  </Link>
);

/** The villages a donation serves: the first three by name, then how many more. */
function Villages({ codes }: { codes: string[] }) {
  const { t } = useI18n();
  if (codes.length === 0) return <span className="secondary">{t('noVillageYet')}</span>;
  return (
    <span>
      {codes.slice(0, 3).map((code, i) => (
        <span key={code}>
          {i > 0 && '、'}
          <Place code={code} />
        </span>
      ))}
      {codes.length > 3 && ` ${t('andMoreVillages', { n: codes.length - 3 })}`}
    </span>
  );
}

/** 转拨: money another organization (or its fund) passed on, the same money as that one's, not new money. */
function TransferTag({ donation }: { donation: DonationRow }) {
  const { t } = useI18n();
  if (!donation.transferFrom) return null;
  return (
    <Tag color="blue" className="transfer-tag" data-testid="transfer-tag">
      {donation.transferFrom.name ? t('transferFromNamed', { name: donation.transferFrom.name }) : t('transferFrom')}
    </Tag>
  );
}

/** The public start of 信息公开: what was disclosed lately, by city, and any organization by name. */
export function DisclosureIndex() {
  const { t } = useI18n();
  const navigate = useNavigate();
  const [params, setParams] = useSearchParams();
  const city = params.get('city') ?? undefined;
  const province = useDivision('');
  const { data, error, loading, reload } = useGet<RecentDisclosures>(`/api/disclosure/recent${city ? `?city=${encodeURIComponent(city)}` : ''}`);
  return (
    <>
      <PageTitle title={t('disclosureTitle')} intro={t('disclosureIndexIntro')} />
      <Row gutter={[12, 12]} className="section">
        <Col xs={24} md={12}>
          <Card size="small" title={t('chooseOrganizationToRead')}>
            <OrganizationSelect testId="disclosure-organization" onChange={(id) => id && navigate(`/disclosure/organizations/${encodeURIComponent(id)}`)} />
          </Card>
        </Col>
        <Col xs={24} md={12}>
          <Card size="small" title={t('disclosureByCity')}>
            <Select
              data-testid="disclosure-city"
              aria-label={t('disclosureByCity')}
              style={{ width: '100%' }}
              allowClear
              showSearch={{ optionFilterProp: 'label' }}
              placeholder={t('wholeProvince')}
              loading={!province}
              value={city}
              options={province?.children.map((c) => ({ value: c.code, label: c.name })) ?? []}
              onChange={(code?: string) => setParams(code ? { city: code } : {}, { replace: true })}
            />
          </Card>
        </Col>
      </Row>
      <ErrorAlert error={error} action={<Button size="small" onClick={reload}>{t('retry')}</Button>} />
      {loading && !data && <Skeleton active />}
      {data && (
        <>
          <Card size="small" className="section" title={t('recentOrganizations')}>
            <Typography.Paragraph type="secondary" className="small">
              {t('recentCountingNote')}
            </Typography.Paragraph>
            <ResponsiveRows<OrganizationRow>
              testId="recent-organizations"
              rows={data.organizations}
              rowKey={(o) => o.organizationId}
              empty={city ? t('nothingDisclosedInCity') : t('nothingDisclosedYet')}
              columns={[
                { title: t('organization'), key: 'name', render: (_, o) => organizationLink(o.organizationId, o.name) },
                { title: t('flowCount'), key: 'flows', width: 90, align: 'right', render: (_, o) => o.flows },
                { title: t('fromDonors'), key: 'donors', width: 150, align: 'right', render: (_, o) => formatFen(o.fromDonorsFen) },
                { title: t('transferredIn'), key: 'transfers', width: 150, align: 'right', render: (_, o) => formatFen(o.transferredInFen) },
                { title: t('totalUsed'), key: 'used', width: 150, align: 'right', render: (_, o) => formatFen(o.usedFen) },
                { title: t('totalConfirmed'), key: 'confirmed', width: 150, align: 'right', render: (_, o) => formatFen(o.confirmedFen) },
                { title: t('lastUpdated'), key: 'at', width: 120, render: (_, o) => formatDate(o.updatedAt) },
              ]}
              card={(o) => (
                <>
                  <div className="card-head-row">
                    {organizationLink(o.organizationId, o.name)}
                    <span className="small secondary">{formatDate(o.updatedAt)}</span>
                  </div>
                  <Figures items={[[t('fromDonors'), formatFen(o.fromDonorsFen)], [t('transferredIn'), formatFen(o.transferredInFen)], [t('totalUsed'), formatFen(o.usedFen)], [t('totalConfirmed'), formatFen(o.confirmedFen)], [t('flowCount'), o.flows]]} />
                </>
              )}
            />
          </Card>
          <Card size="small" className="section" title={t('recentDonations')}>
            <Typography.Paragraph type="secondary" className="small">
              {t('recentDonationsNote')}
            </Typography.Paragraph>
            <ResponsiveRows<DonationRow>
              testId="recent-donations"
              rows={data.donations}
              rowKey={(d) => d.flowId}
              empty={city ? t('nothingDisclosedInCity') : t('nothingDisclosedYet')}
              columns={[
                { title: t('lastUpdated'), key: 'at', width: 120, render: (_, d) => formatDate(d.updatedAt) },
                { title: t('organization'), key: 'org', render: (_, d) => <>{organizationLink(d.organizationId, d.organizationName)}<TransferTag donation={d} /></> },
                { title: t('servingVillages'), key: 'villages', render: (_, d) => <Villages codes={d.villageCodes} /> },
                { title: t('received'), key: 'received', width: 140, align: 'right', render: (_, d) => formatFen(d.receivedFen) },
                { title: t('totalUsed'), key: 'used', width: 140, align: 'right', render: (_, d) => formatFen(d.usedFen) },
                { title: t('totalConfirmed'), key: 'confirmed', width: 140, align: 'right', render: (_, d) => formatFen(d.confirmedFen) },
              ]}
              card={(d) => (
                <>
                  <div className="card-head-row">
                    {organizationLink(d.organizationId, d.organizationName)}
                    <span className="small secondary">{formatDate(d.updatedAt)}</span>
                  </div>
                  <TransferTag donation={d} />
                  <div className="small secondary">
                    <Villages codes={d.villageCodes} />
                  </div>
                  <Figures items={[[t('received'), formatFen(d.receivedFen)], [t('totalUsed'), formatFen(d.usedFen)], [t('totalConfirmed'), formatFen(d.confirmedFen)]]} />
                </>
              )}
            />
          </Card>
        </>
      )}
    </>
  );
}
