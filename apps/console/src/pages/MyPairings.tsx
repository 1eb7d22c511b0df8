import { PlusOutlined } from '@ant-design/icons';
import { Alert, Button, Card, DatePicker, Empty, Form, Input, Select, Skeleton, Space, Tag, Typography } from 'antd';
import dayjs, { Dayjs } from 'dayjs';
import { useState } from 'react';
import { post } from '../api';
import { actsForOrganization, useActor } from '../auth';
import { ActionModal, FormProblem } from '../components/ActionModal';
import { CategoryTag, ErrorAlert, PageTitle, PairingMeta, Place } from '../components/common';
import { RegionPicker } from '../components/RegionPicker';
import { useGet, useOrganizationName } from '../hooks';
import { useI18n } from '../i18n';
import { CATEGORIES, CATEGORY_LABELS, type Category } from '../labels';
import type { Pairing } from '../pairings';
import { useFeedback } from '../feedback';


const STATUS: Record<string, { key: 'pairingProposed' | 'pairingActive' | 'pairingDeclined' | 'pairingEnded' | 'pairingExpired'; color: string }> = {
  proposed: { key: 'pairingProposed', color: 'gold' },
  active: { key: 'pairingActive', color: 'green' },
  declined: { key: 'pairingDeclined', color: 'default' },
  ended: { key: 'pairingEnded', color: 'default' },
  expired: { key: 'pairingExpired', color: 'default' },
};

interface ProposeValues {
  region: string[];
  term: [Dayjs, Dayjs];
  categories: Category[];
  note?: string;
}

/**
 * 千社扶百村 for an organization: its pairings with towns and villages (proposed, active, ended),
 * and a proposal of a new one, which the bureau of the target's area confirms.
 */
export function MyPairings() {
  const { t, pick } = useI18n();
  const { message } = useFeedback();
  const actor = useActor();
  const organization = actsForOrganization(actor) ? actor.organizationId! : undefined;
  const organizationName = useOrganizationName(organization);
  const { data, error, loading, reload } = useGet<{ total: number; items: Pairing[] }>(organization ? `/api/pairings?organizationId=${encodeURIComponent(organization)}&pageSize=100` : null);
  const [proposing, setProposing] = useState(false);

  return (
    <>
      <PageTitle
        title={t('myPairingsTitle')}
        intro={organization ? `${organizationName ?? organization} · ${t('myPairingsIntro')}` : t('myPairingsIntro')}
        extra={
          organization && (
            <Button type="primary" icon={<PlusOutlined />} onClick={() => setProposing(true)} data-testid="propose-pairing">
              {t('proposePairing')}
            </Button>
          )
        }
      />
      {!organization && <Alert type="info" showIcon title={t('orgOnlyPage')} />}
      <ErrorAlert error={error} action={<Button size="small" onClick={reload}>{t('retry')}</Button>} />
      {loading && !data && <Skeleton active />}
      {data && data.items.length === 0 && <Empty description={t('noPairings')} />}
      <div className="team-grid" data-testid="my-pairings">
        {data?.items.map((p) => (
          <Card key={p.id} size="small" className="need-card" data-testid={`my-pairing-${p.id}`}>
            <div className="need-card-title">
              <Place code={p.targetCode} />
            </div>
            <Space wrap size={[6, 4]} className="need-card-tags">
              <Tag color={STATUS[p.status]?.color ?? 'default'} data-testid="pairing-status">
                {STATUS[p.status] ? t(STATUS[p.status].key) : p.status}
              </Tag>
              <Tag>{t(p.targetLevel === 'town' ? 'pairingTown' : 'pairingVillage')}</Tag>
              {p.categories.map((c) => (
                <CategoryTag key={c} category={c} />
              ))}
            </Space>
            <PairingMeta pairing={p} />
            {p.note && <Typography.Paragraph type="secondary">{p.note}</Typography.Paragraph>}
          </Card>
        ))}
      </div>
      <ActionModal<ProposeValues>
        open={proposing}
        onClose={() => setProposing(false)}
        title={t('proposePairing')}
        intro={t('proposePairingIntro')}
        okText={t('proposePairing')}
        testId="propose-pairing-dialog"
        initialValues={{ categories: [], term: [dayjs().startOf('day'), dayjs().add(3, 'year').endOf('year')] }}
        command={(v) => {
          const target = v.region[v.region.length - 1];
          if (!target || target.length < 9) throw new FormProblem('请选到镇或村 (choose a town or a village)');
          if (!organization) throw new FormProblem('只有社会组织可以申请结对 (only an organization proposes a pairing)');
          return post('/api/pairings', {
            organizationId: organization,
            targetCode: target,
            startDate: v.term[0].format('YYYY-MM-DD'),
            endDate: v.term[1].format('YYYY-MM-DD'),
            categories: v.categories,
            note: v.note ?? '',
          });
        }}
        onDone={() => {
          setProposing(false);
          message.success(t('pairingProposedDone'));
          reload();
        }}
      >
        {() => (
          <>
            <Form.Item name="region" label={t('pairingTarget')} rules={[{ required: true, message: t('fieldRequired') }]}>
              <RegionPicker depth={4} placeholders={['chooseCity', 'chooseCounty', 'chooseTown', 'chooseVillage']} span={{ xs: 24, sm: 12, lg: 12 }} />
            </Form.Item>
            <Form.Item name="term" label={t('pairingTermLabel')} rules={[{ required: true, message: t('fieldRequired') }]}>
              <DatePicker.RangePicker style={{ width: '100%' }} data-testid="pairing-term" />
            </Form.Item>
            <Form.Item name="categories" label={t('pairingFields')} rules={[{ required: true, type: 'array', min: 1, message: t('fieldRequired') }]}>
              <Select mode="multiple" optionFilterProp="label" data-testid="pairing-categories" options={CATEGORIES.map((c) => ({ value: c, label: pick(CATEGORY_LABELS[c]) }))} />
            </Form.Item>
            <Form.Item name="note" label={t('note')}>
              <Input.TextArea rows={2} maxLength={2000} />
            </Form.Item>
          </>
        )}
      </ActionModal>
    </>
  );
}
