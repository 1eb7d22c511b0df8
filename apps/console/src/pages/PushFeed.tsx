import { ApiOutlined, BellOutlined, SettingOutlined } from '@ant-design/icons';
import { Alert, Badge, Button, Card, Empty, Form, Input, InputNumber, Pagination, Select, Skeleton, Space, Switch, Table, Tabs, Tag, Typography } from 'antd';
import type { ColumnsType } from 'antd/es/table';
import { useEffect, useRef, useState } from 'react';
import { Link, useSearchParams } from 'react-router';
import { follow, post } from '../api';
import { actsForOrganization, useActor } from '../auth';
import { CategoryTag, ErrorAlert, PageTitle, Place } from '../components/common';
import { formatDateTime, useCommand, useDivision, useGet, useOrganizationName } from '../hooks';
import { useI18n } from '../i18n';
import { CATEGORIES, CATEGORY_LABELS, type Category } from '../labels';
import { inLang } from './Recommended';
import { formatPoints } from '../needs';
import { useFeedback } from '../feedback';

interface FeedItem {
  position: number;
  needId: string;
  title: string;
  villageCode: string;
  category: string;
  score: number;
  reasons: string[];
  trigger: string;
  memberUnits: string[];
  pushedAt: string;
}

interface Preferences {
  categories: Category[];
  regions: string[];
  minimumScore: number;
  webhookUrl: string | null;
  includeMemberUnits: boolean;
}

interface Settings {
  organizationId: string;
  preferences: Preferences;
  secretVersion: number;
  webhookSecret: string;
  updatedAt: string | null;
}

interface Delivery {
  id: string;
  url: string;
  needId: string;
  status: 'pending' | 'delivered' | 'failed';
  attempts: number;
  nextAttemptAt: string;
  lastError: string | null;
  createdAt: string;
  deliveredAt: string | null;
  log: Array<{ attempt: number; at: string; statusCode: number | null; error: string | null; durationMs: number }>;
}

const PAGE_SIZE = 10;

/** The feed, newest first, with new pushes arriving over Server-Sent Events while the page is open. */
function Feed({ organization }: { organization: string }) {
  const { t, lang } = useI18n();
  const [params, setParams] = useSearchParams();
  const page = Math.max(1, Number(params.get('page')) || 1);
  const { data, error, loading, reload } = useGet<{ total: number; items: FeedItem[] }>(`/api/push/${encodeURIComponent(organization)}/feed?page=${page}&pageSize=${PAGE_SIZE}`);
  const [arrived, setArrived] = useState<FeedItem[]>([]);
  const [live, setLive] = useState<'connecting' | 'live' | 'offline'>('connecting');

  // The newest feed position seen: a reconnect resumes after it, so that nothing pushed meanwhile is missed.
  const last = useRef<number | null>(null);
  useEffect(() => {
    if (page === 1 && data && last.current === null) last.current = data.items[0]?.position ?? -1;
  }, [data, page]);

  useEffect(() => {
    const controller = new AbortController();
    let stopped = false;
    void (async () => {
      while (!stopped) {
        setLive('connecting');
        let failed = false;
        try {
          const after = last.current === null ? '' : `?after=${last.current}`;
          await follow<FeedItem>(
            `/api/push/${encodeURIComponent(organization)}/feed/stream${after}`,
            'need.pushed',
            (item) => {
              last.current = Math.max(last.current ?? -1, item.position);
              setArrived((list) => (list.some((i) => i.position === item.position) ? list : [item, ...list]));
            },
            controller.signal,
            () => setLive('live'),
          );
        } catch {
          if (stopped) return;
          failed = true;
        }
        // The server ends a stream after a while: resume shortly; after a failure, wait a little longer.
        if (failed) setLive('offline');
        await new Promise((r) => setTimeout(r, failed ? 5000 : 1000));
      }
    })();
    return () => {
      stopped = true;
      controller.abort();
    };
  }, [organization]);

  const shown = page === 1 ? [...arrived.filter((a) => !data?.items.some((i) => i.position === a.position)), ...(data?.items ?? [])] : data?.items ?? [];
  const total = (data?.total ?? 0) + (page === 1 ? shown.length - (data?.items.length ?? 0) : 0);

  return (
    <>
      <Space className="feed-status" wrap>
        <Badge status={live === 'live' ? 'processing' : live === 'offline' ? 'error' : 'default'} text={t(live === 'live' ? 'feedLive' : live === 'offline' ? 'feedOffline' : 'feedConnecting')} />
        {arrived.length > 0 && <Tag color="red" data-testid="feed-new">{t('feedNew', { n: arrived.length })}</Tag>}
      </Space>
      <ErrorAlert error={error} action={<Button size="small" onClick={reload}>{t('retry')}</Button>} />
      {loading && !data && <Skeleton active />}
      {data && shown.length === 0 && <Empty description={t('feedEmpty')} />}
      <div className="feed-list" data-testid="push-feed">
        {shown.map((item) => (
          <Card key={item.position} size="small" className="need-card feed-card" data-testid={`feed-${item.needId}`}>
            <Link to={`/needs/${item.needId}`} className="need-link need-card-title">
              {item.title}
            </Link>
            <Space wrap size={[6, 4]} className="need-card-tags">
              <CategoryTag category={item.category} />
              <Tag color="blue">{t('matchScore', { n: formatPoints(item.score) })}</Tag>
              <Tag>{t(item.trigger === 'revised' ? 'pushRevised' : 'pushPublished')}</Tag>
            </Space>
            <Typography.Text type="secondary" className="need-card-place">
              <Place code={item.villageCode} />
              {' · '}
              {formatDateTime(item.pushedAt)}
            </Typography.Text>
            <ul className="feed-reasons">
              {item.reasons.map((r) => (
                <li key={r}>{inLang(r, lang)}</li>
              ))}
            </ul>
            {item.memberUnits.length > 0 && (
              <Typography.Text type="secondary">
                {t('memberUnitsNamed')}
                {t('colon')}
                {item.memberUnits.join('、')}
              </Typography.Text>
            )}
          </Card>
        ))}
      </div>
      {total > PAGE_SIZE && (
        <Pagination
          className="pager"
          current={page}
          pageSize={PAGE_SIZE}
          total={total}
          showSizeChanger={false}
          onChange={(p) => {
            const next = new URLSearchParams(params);
            next.set('page', String(p));
            setParams(next);
            setArrived([]);
          }}
        />
      )}
    </>
  );
}

interface SettingsValues {
  categories: Category[];
  regions: string[];
  minimumScore: number;
  webhookUrl?: string;
  includeMemberUnits: boolean;
}

/** What the organization wants pushed, and where its webhook goes. Kept as typed when the API refuses it. */
function SettingsForm({ organization }: { organization: string }) {
  const { t, pick } = useI18n();
  const { message } = useFeedback();
  const { data, error, reload } = useGet<Settings>(`/api/push/${encodeURIComponent(organization)}/settings`);
  const province = useDivision('');
  const [form] = Form.useForm<SettingsValues>();
  const { run, pending } = useCommand();
  const [failure, setFailure] = useState<unknown>();
  const [showSecret, setShowSecret] = useState(false);

  useEffect(() => {
    if (!data) return;
    const p = data.preferences;
    form.setFieldsValue({ categories: p.categories, regions: p.regions, minimumScore: p.minimumScore, webhookUrl: p.webhookUrl ?? '', includeMemberUnits: p.includeMemberUnits });
  }, [data, form]);

  const save = async () => {
    const values = await form.validateFields().catch(() => null);
    if (!values) return;
    setFailure(undefined);
    try {
      await run(
        post('/api/push/{id}/settings', { id: organization }, {
          categories: values.categories ?? [],
          regions: values.regions ?? [],
          minimumScore: values.minimumScore,
          webhookUrl: values.webhookUrl?.trim() ? values.webhookUrl.trim() : null,
          includeMemberUnits: values.includeMemberUnits,
        }),
      );
      message.success(t('saved'));
      reload();
    } catch (e) {
      setFailure(e);
    }
  };

  const rotate = async () => {
    setFailure(undefined);
    try {
      await run(post('/api/push/{id}/secret/rotate', { id: organization }));
      message.success(t('secretRotated'));
      reload();
    } catch (e) {
      setFailure(e);
    }
  };

  return (
    <Card size="small" className="section" data-testid="push-settings">
      <ErrorAlert error={error} />
      <Typography.Paragraph type="secondary">{t('pushSettingsIntro')}</Typography.Paragraph>
      <Form form={form} layout="vertical" initialValues={{ categories: [], regions: [], minimumScore: 50, includeMemberUnits: false }}>
        <Form.Item name="categories" label={t('pushCategories')} extra={t('emptyMeansAll')}>
          <Select mode="multiple" allowClear optionFilterProp="label" data-testid="push-categories" placeholder={t('allCategories')} options={CATEGORIES.map((c) => ({ value: c, label: pick(CATEGORY_LABELS[c]) }))} />
        </Form.Item>
        <Form.Item name="regions" label={t('pushRegions')} extra={t('emptyMeansAll')}>
          <Select
            mode="multiple"
            allowClear
            data-testid="push-regions"
            placeholder={t('allCities')}
            optionFilterProp="label"
            options={(province?.children ?? []).map((c) => ({ value: c.code, label: c.name }))}
          />
        </Form.Item>
        <Form.Item name="minimumScore" label={t('pushMinimumScore')} extra={t('pushMinimumScoreHint')} rules={[{ required: true, message: t('fieldRequired') }]}>
          <InputNumber min={0} max={100} precision={0} style={{ width: 160 }} data-testid="push-minimum-score" />
        </Form.Item>
        <Form.Item name="webhookUrl" label={t('pushWebhook')} extra={t('pushWebhookHint')}>
          <Input placeholder="https://example.org/hooks/shecun" data-testid="push-webhook" inputMode="url" />
        </Form.Item>
        <Form.Item name="includeMemberUnits" label={t('pushMemberUnits')} extra={t('pushMemberUnitsHint')} valuePropName="checked">
          <Switch data-testid="push-member-units" />
        </Form.Item>
        <ErrorAlert error={failure} />
        <Space wrap>
          <Button type="primary" onClick={save} loading={pending} data-testid="push-save">
            {t('save')}
          </Button>
        </Space>
      </Form>
      {data && (
        <div className="webhook-secret">
          <Typography.Title level={5}>{t('webhookSecret')}</Typography.Title>
          <Typography.Paragraph type="secondary">{t('webhookSecretIntro', { version: data.secretVersion })}</Typography.Paragraph>
          <Space wrap>
            {showSecret ? (
              <Typography.Text code copyable data-testid="webhook-secret">
                {data.webhookSecret}
              </Typography.Text>
            ) : (
              <Button onClick={() => setShowSecret(true)}>{t('showSecret')}</Button>
            )}
            <Button danger onClick={rotate} loading={pending} data-testid="rotate-secret">
              {t('rotateSecret')}
            </Button>
          </Space>
        </div>
      )}
    </Card>
  );
}

function Deliveries({ organization }: { organization: string }) {
  const { t, lang } = useI18n();
  const [page, setPage] = useState(1);
  const { data, error, loading, reload } = useGet<{ total: number; items: Delivery[] }>(`/api/push/${encodeURIComponent(organization)}/deliveries?page=${page}&pageSize=${PAGE_SIZE}`);
  const columns: ColumnsType<Delivery> = [
    { title: t('deliveryCreated'), key: 'created', width: 150, render: (_, d) => formatDateTime(d.createdAt) },
    { title: t('colTitle'), key: 'need', render: (_, d) => <Link to={`/needs/${d.needId}`}>{d.needId}</Link> },
    {
      title: t('status'),
      key: 'status',
      width: 110,
      render: (_, d) => <Tag color={d.status === 'delivered' ? 'green' : d.status === 'failed' ? 'red' : 'gold'}>{t(d.status === 'delivered' ? 'webhookDelivered' : d.status === 'failed' ? 'webhookFailed' : 'webhookPending')}</Tag>,
    },
    { title: t('attempts'), key: 'attempts', width: 80, render: (_, d) => d.attempts },
    { title: t('lastError'), key: 'error', render: (_, d) => (d.lastError ? <Typography.Text type="danger">{inLang(d.lastError, lang)}</Typography.Text> : '—') },
  ];
  return (
    <Card size="small" className="section">
      <ErrorAlert error={error} action={<Button size="small" onClick={reload}>{t('retry')}</Button>} />
      <Typography.Paragraph type="secondary">{t('deliveriesIntro')}</Typography.Paragraph>
      <Table<Delivery>
        rowKey="id"
        size="small"
        loading={loading}
        columns={columns}
        dataSource={data?.items ?? []}
        scroll={{ x: 640 }}
        locale={{ emptyText: t('noDeliveries') }}
        expandable={{
          rowExpandable: (d) => d.log.length > 0,
          expandedRowRender: (d) => (
            <ul className="attempt-log">
              {d.log.map((a) => (
                <li key={a.attempt}>
                  {t('attemptLine', { n: a.attempt, at: formatDateTime(a.at), status: a.statusCode ?? '—', ms: a.durationMs })}
                  {a.error ? ` · ${a.error}` : ''}
                </li>
              ))}
            </ul>
          ),
        }}
        pagination={{ current: page, pageSize: PAGE_SIZE, total: data?.total ?? 0, onChange: setPage, showSizeChanger: false, hideOnSinglePage: true }}
      />
    </Card>
  );
}

/** 推送消息: the needs pushed to the organization (live), its push settings, and the webhook delivery log. */
export function PushFeed() {
  const { t } = useI18n();
  const actor = useActor();
  const organization = actsForOrganization(actor) ? actor.organizationId! : undefined;
  const organizationName = useOrganizationName(organization);
  const [params, setParams] = useSearchParams();
  const tab = params.get('tab') ?? 'feed';
  return (
    <>
      <PageTitle title={t('pushTitle')} intro={organization ? `${organizationName ?? organization} · ${t('pushIntro')}` : t('pushIntro')} />
      {!organization && <Alert type="info" showIcon title={t('orgOnlyPage')} />}
      {organization && (
        <Tabs
          activeKey={tab}
          onChange={(key) => setParams(key === 'feed' ? {} : { tab: key })}
          items={[
            { key: 'feed', label: <span data-testid="tab-feed"><BellOutlined /> {t('tabFeed')}</span>, children: <Feed organization={organization} /> },
            { key: 'settings', label: <span data-testid="tab-push-settings"><SettingOutlined /> {t('tabPushSettings')}</span>, children: <SettingsForm organization={organization} /> },
            { key: 'deliveries', label: <span data-testid="tab-deliveries"><ApiOutlined /> {t('tabDeliveries')}</span>, children: <Deliveries organization={organization} /> },
          ]}
        />
      )}
    </>
  );
}
