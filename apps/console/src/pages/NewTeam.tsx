import { TeamOutlined } from '@ant-design/icons';
import { Alert, Button, Card, Col, Form, Input, InputNumber, Row, Select, Space } from 'antd';
import { useState } from 'react';
import { Link, useNavigate } from 'react-router';
import { ApiError, NeedListItem, NeedPage, post } from '../api';
import { useActor } from '../auth';
import { ErrorAlert, PageTitle } from '../components/common';
import { RegionPicker } from '../components/RegionPicker';
import { useCommand, useGet } from '../hooks';
import { useI18n } from '../i18n';
import { CATEGORIES, CATEGORY_LABELS, type Category } from '../labels';
import { TeamCommandResult } from '../teams';

const OPEN_NEED_STATUSES = ['published', 'partially_committed'];

interface TeamFormValues {
  region?: string[];
  title?: string;
  description?: string;
  categories?: Category[];
  targetNeedIds?: string[];
  leadShare?: number;
}

/** /teams/new: form a team for a target area and project. */
export function NewTeam() {
  const { t, pick } = useI18n();
  const actor = useActor();
  const navigate = useNavigate();
  const [form] = Form.useForm<TeamFormValues>();
  const { run, pending } = useCommand();
  const [error, setError] = useState<unknown>();
  const region = Form.useWatch('region', form) ?? [];
  const target = region[region.length - 1];
  const categories = Form.useWatch('categories', form) ?? [];
  const needs = useGet<NeedPage>(target ? `/api/needs?division=${target}&pageSize=100` : null);
  const open = (needs.data?.items ?? []).filter((n) => OPEN_NEED_STATUSES.includes(n.status) && (categories.length === 0 || categories.includes(n.category)));

  if (actor.role !== 'hub' || !actor.organizationId) {
    return (
      <>
        <PageTitle title={t('formTeam')} />
        <Alert type="info" showIcon title={t('hubsOnly')} />
      </>
    );
  }

  const lead = actor.organizationId;
  const submit = async (values: TeamFormValues) => {
    setError(undefined);
    try {
      const result = await run<TeamCommandResult & { needId: string }>(
        post('/api/teams', {
          leadOrganizationId: lead,
          targetCode: values.region![values.region!.length - 1],
          title: values.title!.trim(),
          ...(values.description?.trim() ? { description: values.description.trim() } : {}),
          categories: values.categories ?? [],
          targetNeedIds: values.targetNeedIds ?? [],
          leadShare: values.leadShare ?? 0,
        }),
      );
      navigate(`/teams/${encodeURIComponent(result.teamId)}`, { state: { position: result.position } });
    } catch (failure) {
      setError(failure);
    }
  };

  return (
    <>
      <PageTitle title={t('formTeam')} intro={t('formTeamIntro')} />
      <Card className="section">
        <Form<TeamFormValues> form={form} layout="vertical" onFinish={submit} initialValues={{ leadShare: 40 }} data-testid="team-form" scrollToFirstError>
          <Form.Item
            name="region"
            label={t('teamTarget')}
            extra={t('teamTargetHelp')}
            rules={[{ validator: (_, v?: string[]) => (v && v.length > 0 ? Promise.resolve() : Promise.reject(new Error(t('teamTargetRequired')))) }]}
          >
            <RegionPicker depth={4} allowClear placeholders={['chooseCity', 'chooseCounty', 'chooseTown', 'chooseVillage']} />
          </Form.Item>
          <Row gutter={12}>
            <Col xs={24} md={14}>
              <Form.Item name="title" label={t('teamTitle')} rules={[{ required: true, whitespace: true, message: t('titleRequired') }]}>
                <Input maxLength={100} placeholder={t('teamTitlePlaceholder')} data-testid="team-title" />
              </Form.Item>
            </Col>
            <Col xs={24} md={10}>
              <Form.Item name="categories" label={t('category')} rules={[{ required: true, message: t('categoryRequired') }]}>
                <Select
                  mode="multiple"
                  data-testid="team-categories"
                  showSearch={{ optionFilterProp: 'label' }}
                  placeholder={t('chooseCategories')}
                  options={CATEGORIES.map((c) => ({ value: c, label: pick(CATEGORY_LABELS[c]) }))}
                />
              </Form.Item>
            </Col>
          </Row>
          <Form.Item name="description" label={t('description')}>
            <Input.TextArea rows={3} maxLength={4000} placeholder={t('teamDescPlaceholder')} />
          </Form.Item>
          <Form.Item name="targetNeedIds" label={t('targetNeeds')} extra={target ? t('targetNeedsHelp', { n: open.length }) : t('chooseAreaFirst')}>
            <Select
              mode="multiple"
              data-testid="team-needs"
              disabled={!target}
              loading={needs.loading}
              placeholder={t('chooseNeeds')}
              showSearch={{ optionFilterProp: 'label' }}
              options={open.map((n: NeedListItem) => ({ value: n.id, label: n.title }))}
              maxCount={50}
            />
          </Form.Item>
          <Form.Item name="leadShare" label={t('leadShare')} extra={t('leadShareHelp')} rules={[{ required: true, message: t('quantityRequired') }]}>
            <InputNumber min={0} max={100} precision={0} suffix="%" style={{ width: 160 }} data-testid="lead-share" inputMode="numeric" />
          </Form.Item>
          <ErrorAlert error={error} extra={error instanceof ApiError ? (error.network ? t('networkRetry') : t('formKept')) : undefined} />
          <Space wrap className="form-buttons">
            <Button type="primary" htmlType="submit" loading={pending} icon={<TeamOutlined />} data-testid="submit-team">
              {t('formTeamSubmit')}
            </Button>
            <Link to="/teams">
              <Button>{t('cancel')}</Button>
            </Link>
          </Space>
        </Form>
      </Card>
    </>
  );
}
