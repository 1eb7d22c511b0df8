import { MailOutlined, UnorderedListOutlined } from '@ant-design/icons';
import { Alert, Button, Card, Checkbox, Form, Input, Radio, Select, Space, Switch, Table, Tabs, Tag, Typography } from 'antd';
import type { ColumnsType } from 'antd/es/table';
import { useEffect, useState } from 'react';
import { useSearchParams } from 'react-router';
import { post, type CommandResult } from '../api';
import { actsForOrganization, useActor } from '../auth';
import { ErrorAlert, PageTitle } from '../components/common';
import { formatDateTime, useCommand, useGet } from '../hooks';
import { useI18n } from '../i18n';
import { CATEGORIES, CATEGORY_LABELS, type Category } from '../labels';
import { useFeedback } from '../feedback';

type Channel = 'email' | 'sms';

interface NoticePreferences {
  email: string | null;
  phone: string | null;
  channels: Channel[];
  needs: 'matching' | 'none';
  categories: Category[];
  frequency: 'immediate' | 'daily';
  digestAt: string;
  quietHours: { from: string; to: string } | null;
  /** 定期报表 (bureau staff): the region whose filed reports reach them; null for none. */
  reportRegion?: string | null;
}

interface MyNoticeSettings {
  preferences: NoticePreferences;
  updatedAt: string | null;
  /** The channels this server sends. */
  available: Channel[];
}

interface NoticeLogItem {
  id: string;
  channel: Channel;
  recipient: string;
  subject: string;
  status: 'pending' | 'sending' | 'sent' | 'failed';
  attempts: number;
  createdAt: string;
  sentAt: string | null;
}

interface FormValues {
  channels: Channel[];
  email?: string;
  phone?: string;
  needs: 'matching' | 'none';
  categories: Category[];
  frequency: 'immediate' | 'daily';
  digestAt: string;
  quiet: boolean;
  quietFrom: string;
  quietTo: string;
  reports: boolean;
  reason?: string;
}

/** The region a bureau's filed reports are issued for: its scope, when it is a province, city or county. */
const reportRegionOf = (scope: string | undefined) => (scope && [2, 4, 6].includes(scope.length) ? scope : null);

/** Every half hour of the day, for the times people pick. */
const TIMES = Array.from({ length: 48 }, (_, i) => `${String(Math.floor(i / 2)).padStart(2, '0')}:${i % 2 ? '30' : '00'}`).map((v) => ({ value: v, label: v }));
const PAGE_SIZE = 10;

/** The person's own notice settings, in words for everyone; kept as typed when the server refuses them. */
function NoticeSettings() {
  const { t, pick } = useI18n();
  const actor = useActor();
  const bureau = actor.role === 'bureau';
  const ownRegion = reportRegionOf(actor.scope);
  const { message } = useFeedback();
  const { data, error, reload } = useGet<MyNoticeSettings>('/api/push/notices/me');
  const [form] = Form.useForm<FormValues>();
  const { run, pending } = useCommand();
  const [failure, setFailure] = useState<unknown>();
  const channels = Form.useWatch('channels', form) ?? [];
  const frequency = Form.useWatch('frequency', form);
  const quiet = Form.useWatch('quiet', form);
  const needs = Form.useWatch('needs', form);

  useEffect(() => {
    if (!data) return;
    const p = data.preferences;
    form.setFieldsValue({
      channels: p.channels, email: p.email ?? '', phone: p.phone ?? '', needs: p.needs, categories: p.categories, frequency: p.frequency, digestAt: p.digestAt,
      quiet: p.quietHours !== null, quietFrom: p.quietHours?.from ?? '22:00', quietTo: p.quietHours?.to ?? '07:00', reports: !!p.reportRegion, reason: '',
    });
  }, [data, form]);

  const save = async () => {
    const v = await form.validateFields().catch(() => null);
    if (!v) return;
    setFailure(undefined);
    try {
      const result = await run<CommandResult & { changed: boolean }>(
        post('/api/push/notices/me', {
          channels: v.channels,
          email: v.email?.trim() ? v.email.trim() : null,
          phone: v.phone?.trim() ? v.phone.trim() : null,
          // Bureau staff hear of the reports filed for their region; staff of an organization, of needs.
          ...(bureau
            ? { reportRegion: v.reports ? ownRegion : null }
            : { needs: v.needs, categories: v.categories ?? [], frequency: v.frequency, digestAt: v.digestAt }),
          quietHours: v.quiet ? { from: v.quietFrom, to: v.quietTo } : null,
          ...(v.reason?.trim() ? { reason: v.reason.trim() } : {}),
        }),
      );
      message.success(t(result.changed ? 'saved' : 'noticeNoChange'));
      reload();
    } catch (e) {
      setFailure(e);
    }
  };

  const missing = data ? channels.filter((c) => !data.available.includes(c)) : [];
  return (
    <Card size="small" className="section" data-testid="notice-settings">
      <ErrorAlert error={error} />
      <Form form={form} layout="vertical" initialValues={{ channels: [], needs: 'matching', categories: [], frequency: 'immediate', digestAt: '08:00', quiet: false, quietFrom: '22:00', quietTo: '07:00', reports: false }}>
        <Form.Item name="channels" label={t('noticeChannels')}>
          <Checkbox.Group data-testid="notice-channels" options={[{ value: 'email', label: t('noticeEmail') }, { value: 'sms', label: t('noticeSms') }]} />
        </Form.Item>
        {missing.map((c) => (
          <Alert key={c} type="warning" showIcon className="section" title={t('noticeUnavailable', { channel: t(c === 'email' ? 'noticeEmail' : 'noticeSms') })} />
        ))}
        <Form.Item
          name="email"
          label={t('noticeEmailAddress')}
          dependencies={['channels']}
          rules={[{ type: 'email', message: t('noticeEmailInvalid') }, { required: channels.includes('email'), whitespace: true, message: t('noticeEmailNeeded') }]}
        >
          <Input inputMode="email" autoComplete="email" placeholder="zhangsan@163.com" data-testid="notice-email" />
        </Form.Item>
        <Form.Item
          name="phone"
          label={t('noticePhone')}
          dependencies={['channels']}
          rules={[{ pattern: /^1[3-9]\d{9}$/, message: t('noticePhoneInvalid') }, { required: channels.includes('sms'), whitespace: true, message: t('noticePhoneNeeded') }]}
        >
          <Input inputMode="tel" autoComplete="tel" maxLength={11} placeholder="13800138000" data-testid="notice-phone" />
        </Form.Item>
        {bureau && (
          <Form.Item name="reports" label={t('noticeReports')} extra={ownRegion ? t('noticeReportsHint') : t('noticeReportsTown')} valuePropName="checked">
            <Switch disabled={!ownRegion} data-testid="notice-reports" />
          </Form.Item>
        )}
        {!bureau && (
          <Form.Item name="needs" label={t('noticeNeeds')}>
            <Radio.Group data-testid="notice-needs" options={[{ value: 'matching', label: t('noticeNeedsMatching') }, { value: 'none', label: t('noticeNeedsNone') }]} />
          </Form.Item>
        )}
        {!bureau && needs !== 'none' && (
          <Form.Item name="categories" label={t('noticeCategories')} extra={t('noticeCategoriesHint')}>
            <Select mode="multiple" allowClear optionFilterProp="label" data-testid="notice-categories" placeholder={t('allCategories')} options={CATEGORIES.map((c) => ({ value: c, label: pick(CATEGORY_LABELS[c]) }))} />
          </Form.Item>
        )}
        {!bureau && <Form.Item name="frequency" label={t('noticeFrequency')}>
          <Radio.Group data-testid="notice-frequency">
            <Space direction="vertical">
              <Radio value="immediate">{t('noticeImmediate')}</Radio>
              <Radio value="daily">{t('noticeDaily')}</Radio>
            </Space>
          </Radio.Group>
        </Form.Item>}
        {!bureau && frequency === 'daily' && (
          <Form.Item name="digestAt" label={t('noticeDigestAt')}>
            <Select showSearch options={TIMES} style={{ width: 140 }} data-testid="notice-digest-at" />
          </Form.Item>
        )}
        <Form.Item name="quiet" label={t('noticeQuiet')} extra={t('noticeQuietHint')} valuePropName="checked">
          <Switch data-testid="notice-quiet" />
        </Form.Item>
        {quiet && (
          <Space wrap>
            <Form.Item name="quietFrom" label={t('noticeQuietFrom')}>
              <Select showSearch options={TIMES} style={{ width: 120 }} data-testid="notice-quiet-from" />
            </Form.Item>
            <Form.Item name="quietTo" label={t('noticeQuietTo')}>
              <Select showSearch options={TIMES} style={{ width: 120 }} data-testid="notice-quiet-to" />
            </Form.Item>
          </Space>
        )}
        <Form.Item name="reason" label={t('noticeReason')}>
          <Input maxLength={200} placeholder={t('noticeReasonPlaceholder')} data-testid="notice-reason" />
        </Form.Item>
        <ErrorAlert error={failure} />
        <Space wrap>
          <Button type="primary" onClick={save} loading={pending} data-testid="notice-save">
            {t('save')}
          </Button>
          {data?.updatedAt && <Typography.Text type="secondary">{t('noticeUpdated', { at: formatDateTime(data.updatedAt) })}</Typography.Text>}
        </Space>
      </Form>
    </Card>
  );
}

/** What was sent to the person, newest first. */
function NoticeLog() {
  const { t } = useI18n();
  const [page, setPage] = useState(1);
  const { data, error, loading, reload } = useGet<{ total: number; items: NoticeLogItem[] }>(`/api/push/notices/me/log?page=${page}&pageSize=${PAGE_SIZE}`);
  const columns: ColumnsType<NoticeLogItem> = [
    { title: t('noticeSentAt'), key: 'at', width: 150, render: (_, m) => formatDateTime(m.sentAt ?? m.createdAt) },
    { title: t('noticeChannel'), key: 'channel', width: 80, render: (_, m) => t(m.channel === 'email' ? 'noticeEmail' : 'noticeSms') },
    { title: t('noticeRecipient'), key: 'to', render: (_, m) => m.recipient },
    { title: t('noticeSubject'), key: 'subject', render: (_, m) => m.subject },
    {
      title: t('status'),
      key: 'status',
      width: 110,
      render: (_, m) => <Tag color={m.status === 'sent' ? 'green' : m.status === 'failed' ? 'red' : 'gold'}>{t(m.status === 'sent' ? 'noticeStatusSent' : m.status === 'failed' ? 'noticeStatusFailed' : 'noticeStatusPending')}</Tag>,
    },
    { title: t('attempts'), key: 'attempts', width: 80, render: (_, m) => m.attempts },
  ];
  return (
    <Card size="small" className="section">
      <ErrorAlert error={error} action={<Button size="small" onClick={reload}>{t('retry')}</Button>} />
      <Typography.Paragraph type="secondary">{t('noticeLogIntro')}</Typography.Paragraph>
      <Table<NoticeLogItem>
        rowKey="id"
        size="small"
        loading={loading}
        columns={columns}
        dataSource={data?.items ?? []}
        scroll={{ x: 640 }}
        locale={{ emptyText: t('noticeLogEmpty') }}
        pagination={{ current: page, pageSize: PAGE_SIZE, total: data?.total ?? 0, onChange: setPage, showSizeChanger: false, hideOnSinglePage: true }}
      />
    </Card>
  );
}

/** 我的通知: how and when the person hears of new needs (bureau staff: of the reports filed for their region), and what was sent to them. */
export function MyNotices() {
  const { t } = useI18n();
  const actor = useActor();
  const [params, setParams] = useSearchParams();
  const tab = params.get('tab') ?? 'settings';
  const holdsNotices = actsForOrganization(actor) || (actor.role === 'bureau' && !!actor.scope);
  return (
    <>
      <PageTitle title={t('noticesTitle')} intro={t(actor.role === 'bureau' ? 'noticesIntroBureau' : 'noticesIntro')} />
      {!holdsNotices && <Alert type="info" showIcon title={t('noticesOrgOnly')} />}
      {holdsNotices && (
        <Tabs
          activeKey={tab}
          onChange={(key) => setParams(key === 'settings' ? {} : { tab: key })}
          items={[
            { key: 'settings', label: <span data-testid="tab-notice-settings"><MailOutlined /> {t('tabNoticeSettings')}</span>, children: <NoticeSettings /> },
            { key: 'log', label: <span data-testid="tab-notice-log"><UnorderedListOutlined /> {t('tabNoticeLog')}</span>, children: <NoticeLog /> },
          ]}
        />
      )}
    </>
  );
}
