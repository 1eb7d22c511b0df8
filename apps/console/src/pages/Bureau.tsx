import { Alert, Button, Card, Empty, Form, Grid, Input, Segmented, Skeleton, Space, Table, Tabs, Tag, Typography } from 'antd';
import type { ColumnsType } from 'antd/es/table';
import { lazy, Suspense, useState } from 'react';
import { useSearchParams } from 'react-router';
import { post } from '../api';
import { useActor } from '../auth';
import type { Pairing } from '../pairings';
import { ActionModal } from '../components/ActionModal';
import { CategoryTag, ErrorAlert, PageTitle, PairingMeta, Place } from '../components/common';
import { OrganizationSelect, type OrganizationPage, type OrganizationSummary } from '../components/OrganizationSelect';
import { formatDate, useApiOffers, useDivision, useGet } from '../hooks';
import { CoverageView } from './Coverage';
import { DashboardView } from './Dashboard';
import { useI18n } from '../i18n';
import { useFeedback } from '../feedback';

export const BUREAU_ROLES = ['bureau', 'admin'];
// 报表 loads when its tab is opened.
const BureauReports = lazy(() => import('../components/BureauReports'));


/** The bureau's own division, as far as the coverage API takes it (province, city or county). */
const coverageScope = (scope: string | undefined) => (!scope || scope.length < 4 ? '44' : scope.length >= 6 ? scope.slice(0, 6) : scope.slice(0, 4));


// ---------------------------------------------------------------------------------------------
// Pairings to confirm
// ---------------------------------------------------------------------------------------------

function PairingsToConfirm({ division }: { division: string }) {
  const { t } = useI18n();
  const { message } = useFeedback();
  const { data, error, loading, reload } = useGet<{ total: number; items: Pairing[] }>(`/api/pairings?status=proposed&division=${division}&pageSize=100`);
  const [dialog, setDialog] = useState<{ kind: 'confirm' | 'decline'; pairing: Pairing } | null>(null);
  const done = () => {
    setDialog(null);
    message.success(t('done'));
    reload();
  };
  return (
    <>
      <Typography.Paragraph type="secondary">{t('pairingsIntro')}</Typography.Paragraph>
      <ErrorAlert error={error} action={<Button size="small" onClick={reload}>{t('retry')}</Button>} />
      {loading && !data && <Skeleton active />}
      {data && data.items.length === 0 && <Empty description={t('noProposedPairings')} />}
      <div className="team-grid" data-testid="proposed-pairings">
        {data?.items.map((p) => (
          <Card key={p.id} size="small" className="need-card" data-testid={`pairing-${p.id}`}>
            <b className="need-card-title">{p.organizationName}</b>
            <div className="need-card-tags">
              <Tag color="gold">{t('pairingProposed')}</Tag>
              <Tag>{t(p.targetLevel === 'town' ? 'keyTown' : 'keyVillageLevel')}</Tag>
              {p.categories.map((c) => (
                <CategoryTag key={c} category={c} />
              ))}
            </div>
            <Typography.Text className="need-card-place">
              <Place code={p.targetCode} />
            </Typography.Text>
            <PairingMeta pairing={p} />
            {p.note && <Typography.Text type="secondary" className="small">{p.note}</Typography.Text>}
            <Space wrap className="card-actions">
              <Button type="primary" onClick={() => setDialog({ kind: 'confirm', pairing: p })} data-testid="confirm-pairing">
                {t('confirmPairing')}
              </Button>
              <Button onClick={() => setDialog({ kind: 'decline', pairing: p })} data-testid="decline-pairing">
                {t('declinePairing')}
              </Button>
            </Space>
          </Card>
        ))}
      </div>
      <ActionModal<Record<string, never>>
        open={dialog?.kind === 'confirm'}
        onClose={() => setDialog(null)}
        title={t('confirmPairingTitle', { org: dialog?.pairing.organizationName ?? '' })}
        intro={dialog && <Place code={dialog.pairing.targetCode} />}
        okText={t('confirmPairing')}
        command={() => post('/api/pairings/{id}/confirm', { id: dialog?.pairing.id ?? '-' })}
        onDone={done}
        testId="confirm-pairing-dialog"
      />
      <ActionModal<{ reason: string }>
        open={dialog?.kind === 'decline'}
        onClose={() => setDialog(null)}
        title={t('declinePairingTitle', { org: dialog?.pairing.organizationName ?? '' })}
        okText={t('declinePairing')}
        danger
        command={(v) => post('/api/pairings/{id}/decline', { id: dialog?.pairing.id ?? '-' }, { reason: v.reason.trim() })}
        onDone={done}
        testId="decline-pairing-dialog"
      >
        {() => (
          <Form.Item name="reason" label={t('reason')} rules={[{ required: true, whitespace: true, message: t('reasonRequired') }]}>
            <Input.TextArea rows={3} maxLength={500} />
          </Form.Item>
        )}
      </ActionModal>
    </>
  );
}

// ---------------------------------------------------------------------------------------------
// Organizations with abnormal standing (活动异常名录)
// ---------------------------------------------------------------------------------------------

function AbnormalOrganizations({ division }: { division: string }) {
  const { t } = useI18n();
  const { message } = useFeedback();
  const wide = Grid.useBreakpoint().md ?? true;
  const [standing, setStanding] = useState<'abnormal' | 'deregistered'>('abnormal');
  const { data, error, loading, reload } = useGet<OrganizationPage>(`/api/organizations?standing=${standing}&division=${division}&pageSize=100`);
  const [restoring, setRestoring] = useState<OrganizationSummary | null>(null);
  const [listing, setListing] = useState(false);
  const [listingId, setListingId] = useState<string>();
  const columns: ColumnsType<OrganizationSummary> = [
    { title: t('organization'), key: 'name', render: (_, o) => <b>{o.name}</b> },
    { title: t('homeDivision'), key: 'home', width: 220, render: (_, o) => <Typography.Text type="secondary"><Place code={o.homeDivisionCode} /></Typography.Text> },
    { title: t('standingReason'), key: 'reason', render: (_, o) => o.standingReason ?? '—' },
    { title: t('standingSince'), key: 'since', width: 120, render: (_, o) => formatDate(o.standingSince) },
    ...(standing === 'abnormal'
      ? ([
          {
            title: t('actions'),
            key: 'restore',
            width: 130,
            render: (_: unknown, o: OrganizationSummary) => (
              <Button size="small" onClick={() => setRestoring(o)} data-testid={`restore-${o.id}`}>
                {t('restoreStanding')}
              </Button>
            ),
          },
        ] as ColumnsType<OrganizationSummary>)
      : []),
  ];
  return (
    <>
      <div className="view-head">
        <Segmented
          data-testid="standing-filter"
          value={standing}
          onChange={(v) => setStanding(v as 'abnormal' | 'deregistered')}
          options={[
            { value: 'abnormal', label: t('standingAbnormal') },
            { value: 'deregistered', label: t('standingDeregistered') },
          ]}
        />
        {data && <Typography.Text type="secondary">{t('total', { n: data.total })}</Typography.Text>}
        <Button danger onClick={() => setListing(true)} data-testid="list-abnormal">
          {t('listAbnormal')}
        </Button>
      </div>
      <Typography.Paragraph type="secondary">{t(standing === 'abnormal' ? 'abnormalIntro' : 'deregisteredIntro')}</Typography.Paragraph>
      <ErrorAlert error={error} action={<Button size="small" onClick={reload}>{t('retry')}</Button>} />
      {wide ? (
        <Table<OrganizationSummary>
          data-testid="abnormal-organizations"
          rowKey="id"
          size="middle"
          columns={columns}
          dataSource={data?.items ?? []}
          loading={loading}
          pagination={(data?.items.length ?? 0) > 20 ? { pageSize: 20, showSizeChanger: false } : false}
          locale={{ emptyText: <Empty description={t('noAbnormal')} /> }}
        />
      ) : (
        <div data-testid="abnormal-organizations">
          {loading && !data && <Card loading />}
          {data?.items.length === 0 && <Empty description={t('noAbnormal')} />}
          {data?.items.map((o) => (
            <Card key={o.id} size="small" className="need-card">
              <b>{o.name}</b>
              <Typography.Text type="secondary" className="small">
                <Place code={o.homeDivisionCode} />
              </Typography.Text>
              <span>{o.standingReason}</span>
              <div className="need-card-meta">
                <span>
                  {t('standingSince')}
                  {t('colon')}
                  {formatDate(o.standingSince)}
                </span>
              </div>
              {standing === 'abnormal' && (
                <Button block onClick={() => setRestoring(o)} data-testid={`restore-${o.id}`}>
                  {t('restoreStanding')}
                </Button>
              )}
            </Card>
          ))}
        </div>
      )}
      <ActionModal<{ organizationId: string; reason: string }>
        open={listing}
        onClose={() => setListing(false)}
        title={t('listAbnormal')}
        intro={t('listAbnormalIntro')}
        okText={t('listAbnormal')}
        danger
        command={(v) => post('/api/organizations/{id}/abnormal', { id: listingId ?? '-' }, { reason: v.reason.trim() })}
        onDone={() => {
          setListing(false);
          setListingId(undefined);
          setStanding('abnormal');
          message.success(t('done'));
          reload();
        }}
        testId="list-abnormal-dialog"
      >
        {() => (
          <>
            <Form.Item name="organizationId" label={t('organization')} rules={[{ required: true, message: t('chooseOrganization') }]}>
              <OrganizationSelect testId="abnormal-organization" standing="normal" division={division} onChange={(id) => setListingId(id)} />
            </Form.Item>
            <Form.Item name="reason" label={t('standingReason')} rules={[{ required: true, whitespace: true, message: t('reasonRequired') }]}>
              <Input.TextArea rows={3} maxLength={500} placeholder={t('listAbnormalPlaceholder')} />
            </Form.Item>
          </>
        )}
      </ActionModal>
      <ActionModal<{ note: string }>
        open={restoring !== null}
        onClose={() => setRestoring(null)}
        title={t('restoreTitle', { name: restoring?.name ?? '' })}
        okText={t('restoreStanding')}
        command={(v) => post('/api/organizations/{id}/restore', { id: restoring?.id ?? '-' }, { note: v.note.trim() })}
        onDone={() => {
          setRestoring(null);
          message.success(t('done'));
          reload();
        }}
        testId="restore-dialog"
      >
        {() => (
          <Form.Item name="note" label={t('restoreNote')} rules={[{ required: true, whitespace: true, message: t('reasonRequired') }]}>
            <Input.TextArea rows={3} maxLength={500} placeholder={t('restoreNotePlaceholder')} />
          </Form.Item>
        )}
      </ActionModal>
    </>
  );
}

// ---------------------------------------------------------------------------------------------
// The page
// ---------------------------------------------------------------------------------------------

export function Bureau() {
  const { t } = useI18n();
  const actor = useActor();
  const [params, setParams] = useSearchParams();
  const home = actor.role === 'admin' ? '44' : coverageScope(actor.scope);
  const division = actor.role === 'admin' ? '44' : (actor.scope ?? '44');
  const place = useDivision(division === '44' ? '' : division);
  const dashboard = useApiOffers('/api/dashboard/figures');
  const wide = Grid.useBreakpoint().md ?? true;
  const tab = params.get('tab') ?? (dashboard ? 'dashboard' : 'pairings');
  if (actor.role && BUREAU_ROLES.includes(actor.role) && dashboard === undefined) return <Skeleton active />;
  if (!actor.role || !BUREAU_ROLES.includes(actor.role)) {
    return (
      <>
        <PageTitle title={t('bureauTitle')} />
        <Alert type="info" showIcon title={t('bureauOnly')} />
      </>
    );
  }
  return (
    <>
      <PageTitle title={t('bureauTitle')} intro={t('bureauIntro', { place: division === '44' ? t('guangdong') : (place?.name ?? division) })} />
      <Tabs
        data-testid="bureau-tabs"
        activeKey={tab}
        // Closer tabs on a phone: all five fit on one line at 360 px, with no "more" button (which antd puts inside the tab list, where a screen reader expects only tabs).
        tabBarGutter={wide ? undefined : 16}
        onChange={(key) => setParams({ tab: key })}
        items={[
          ...(dashboard ? [{ key: 'dashboard', label: t(wide ? 'tabDashboard' : 'tabDashboardShort'), children: <DashboardView home={home.length > 6 ? home.slice(0, 6) : home} /> }] : []),
          { key: 'pairings', label: t(wide ? 'tabPairings' : 'tabPairingsShort'), children: <PairingsToConfirm division={division} /> },
          { key: 'coverage', label: t(wide ? 'tabCoverage' : 'tabCoverageShort'), children: <CoverageView home={home} /> },
          { key: 'reports', label: t('tabReports'), children: <Suspense fallback={<Skeleton active />}><BureauReports /></Suspense> },
          { key: 'standing', label: t(wide ? 'tabStanding' : 'tabStandingShort'), children: <AbnormalOrganizations division={division} /> },
        ]}
      />
    </>
  );
}
