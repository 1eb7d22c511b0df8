import { Button, Card, Col, Empty, Grid, Pagination, Row, Select, Space, Table, Typography } from 'antd';
import type { ColumnsType } from 'antd/es/table';
import { Link } from 'react-router';
import type { NeedListItem, NeedPage } from '../api';
import { CategoryFilter } from '../components/CategoryFilter';
import { CategoryTag, ErrorAlert, NeedStatusTag, PageTitle, Place } from '../components/common';
import { AreaFilter, areaOf } from '../components/RegionPicker';
import { formatDate, formatQuantity, useFilterParams, useGet } from '../hooks';
import { useI18n } from '../i18n';
import { useActor } from '../auth';
import { NEED_STATUS_LABELS, NEED_STATUSES } from '../labels';

const PAGE_SIZE = 10;

function LackingSummary({ need }: { need: NeedListItem }) {
  const { t, lang } = useI18n();
  return (
    <div className="lacking-summary">
      {need.lineItems.slice(0, 3).map((li) => (
        <div key={li.id}>
          <Typography.Text>{li.description}</Typography.Text>{' '}
          <Typography.Text type={li.lacking > 0 ? 'warning' : 'success'}>
            {li.lacking > 0 ? `${t('lacking')} ${formatQuantity(li, li.lacking, lang)}` : t('accepted')}
          </Typography.Text>
        </div>
      ))}
      {need.lineItems.length > 3 && <Typography.Text type="secondary">…</Typography.Text>}
    </div>
  );
}

function CommitmentsCell({ need }: { need: NeedListItem }) {
  const { t } = useI18n();
  return (
    <Space size={4} wrap>
      <span>{need.commitmentCount}</span>
      {need.overdueCount > 0 && <Typography.Text type="danger">{t('overdueCount', { n: need.overdueCount })}</Typography.Text>}
    </Space>
  );
}

export function NeedList() {
  const { t, pick } = useI18n();
  const actor = useActor();
  const [params, setFilter] = useFilterParams();
  const screens = Grid.useBreakpoint();
  const wide = screens.lg ?? true;

  const region = areaOf(params);
  const category = params.get('category') ?? undefined;
  const status = params.get('status') ?? undefined;
  const page = Math.max(1, Number(params.get('page')) || 1);

  const query = new URLSearchParams({ page: String(page), pageSize: String(PAGE_SIZE) });
  if (region.length) query.set('division', region[region.length - 1]);
  if (category) query.set('category', category);
  if (status) query.set('status', status);
  const { data, error, loading, reload } = useGet<NeedPage>(`/api/needs?${query}`);


  const columns: ColumnsType<NeedListItem> = [
    {
      title: t('colTitle'),
      key: 'title',
      render: (_, need) => (
        <Space orientation="vertical" size={2}>
          <Link to={`/needs/${need.id}`} className="need-link">
            {need.title}
          </Link>
          <span>
            <CategoryTag category={need.category} />
          </span>
        </Space>
      ),
    },
    { title: t('colRegion'), key: 'place', width: 220, render: (_, need) => <Typography.Text type="secondary"><Place code={need.villageCode} /></Typography.Text> },
    { title: t('status'), key: 'status', width: 120, render: (_, need) => <NeedStatusTag status={need.status} /> },
    { title: t('lineItems'), key: 'items', width: 260, render: (_, need) => <LackingSummary need={need} /> },
    { title: t('colDue'), key: 'due', width: 120, render: (_, need) => (need.dueDate ? formatDate(need.dueDate) : t('noDueDate')) },
    { title: t('colCommitments'), key: 'commitments', width: 100, render: (_, need) => <CommitmentsCell need={need} /> },
  ];

  return (
    <>
      <PageTitle
        title={t('listTitle')}
        intro={t('listIntro')}
        extra={
          actor.role === 'coordinator' && (
            <Link to="/needs/new">
              <Button type="primary">{t('navNewNeed')}</Button>
            </Link>
          )
        }
      />
      <Card size="small" className="filters" data-testid="filters">
        <Row gutter={[12, 12]}>
          <Col xs={24} lg={14}>
            <AreaFilter params={params} setFilter={setFilter} />
          </Col>
          <Col xs={12} lg={4}>
            <CategoryFilter testId="filter-category" value={category} onChange={(v) => setFilter({ category: v })} />
          </Col>
          <Col xs={12} lg={4}>
            <Select
              data-testid="filter-status"
              style={{ width: '100%' }}
              allowClear
              placeholder={t('allStatuses')}
              aria-label={t('status')}
              value={status}
              onChange={(v) => setFilter({ status: v })}
              options={NEED_STATUSES.map((s) => ({ value: s, label: pick(NEED_STATUS_LABELS[s]) }))}
            />
          </Col>
          <Col xs={24} lg={2}>
            <Button block onClick={() => setFilter(Object.fromEntries([...params.keys()].map((k) => [k, undefined])))}>
              {t('reset')}
            </Button>
          </Col>
        </Row>
      </Card>

      <ErrorAlert error={error} action={<Button size="small" onClick={reload}>{t('retry')}</Button>} />

      {wide ? (
        <Table<NeedListItem>
          data-testid="need-table"
          rowKey="id"
          columns={columns}
          dataSource={data?.items ?? []}
          loading={loading}
          pagination={false}
          locale={{ emptyText: <Empty description={t('emptyList')} /> }}
        />
      ) : (
        <div data-testid="need-cards">
          {loading && !data && <Card loading />}
          {data?.items.length === 0 && <Empty description={t('emptyList')} />}
          {data?.items.map((need) => (
            <Card key={need.id} size="small" className="need-card">
              <Link to={`/needs/${need.id}`} className="need-link need-card-title">
                {need.title}
              </Link>
              <div className="need-card-tags">
                <NeedStatusTag status={need.status} />
                <CategoryTag category={need.category} />
              </div>
              <Typography.Text type="secondary" className="need-card-place">
                <Place code={need.villageCode} />
              </Typography.Text>
              <LackingSummary need={need} />
              <div className="need-card-meta">
                <span>
                  {t('colDue')}{t('colon')}{need.dueDate ? formatDate(need.dueDate) : t('noDueDate')}
                </span>
                <span>
                  {t('colCommitments')}{t('colon')}<CommitmentsCell need={need} />
                </span>
              </div>
            </Card>
          ))}
        </div>
      )}

      {data && data.total > 0 && (
        <div className="pager">
          <Typography.Text type="secondary">{t('total', { n: data.total })}</Typography.Text>
          <Pagination
            current={page}
            pageSize={PAGE_SIZE}
            total={data.total}
            showSizeChanger={false}
            simple={!wide}
            onChange={(p) => setFilter({ page: String(p) })}
          />
        </div>
      )}
    </>
  );
}
