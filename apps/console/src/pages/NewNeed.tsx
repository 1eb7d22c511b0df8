import { DeleteOutlined, PlusOutlined } from '@ant-design/icons';
import { Alert, Button, Card, Col, DatePicker, Form, FormInstance, Input, InputNumber, Row, Select, Space, Switch, Typography } from 'antd';
import dayjs, { Dayjs } from 'dayjs';
import { useEffect, useRef, useState } from 'react';
import { useNavigate } from 'react-router';
import { ApiError, CommandResult } from '../api';
import { ErrorAlert, PageTitle } from '../components/common';
import { RegionPicker } from '../components/RegionPicker';
import { unitLabel, useCommand, yuanToFen } from '../hooks';
import { useI18n } from '../i18n';
import { useIdentity } from '../identity';
import { CATEGORIES, CATEGORY_LABELS, DEFAULT_UNIT, Kind, KIND_LABELS, KINDS } from '../labels';

interface LineItemValues {
  kind: Kind;
  description?: string;
  unit?: string;
  quantity?: number;
  estimatedValueYuan?: number;
  participants?: number;
}

interface NeedFormValues {
  region?: string[];
  title?: string;
  category?: string;
  description?: string;
  lineItems: LineItemValues[];
  dueDate?: Dayjs | null;
  autoAccept?: boolean;
}

const KEPT = 'shecun.newNeed';
const MAX_FEN = 1_000_000_000_000;
const EMPTY_ITEM: LineItemValues = { kind: 'goods' };

/** What the user typed, kept across a reload (and of course across a failed submit). */
function restore(): Partial<NeedFormValues> | undefined {
  try {
    const kept = JSON.parse(sessionStorage.getItem(KEPT) ?? 'null');
    if (!kept || typeof kept !== 'object') return undefined;
    return { ...kept, dueDate: kept.dueDate ? dayjs(kept.dueDate) : undefined };
  } catch {
    return undefined;
  }
}

function keep(values: NeedFormValues) {
  try {
    sessionStorage.setItem(KEPT, JSON.stringify({ ...values, dueDate: values.dueDate ? values.dueDate.format('YYYY-MM-DD') : undefined }));
  } catch {
    /* storage full or private mode */
  }
}

function LineItemFields({ name, index, form, onRemove, removable }: { name: number; index: number; form: FormInstance<NeedFormValues>; onRemove: () => void; removable: boolean }) {
  const { t, lang, pick } = useI18n();
  const kind = (Form.useWatch(['lineItems', name, 'kind'], form) ?? 'goods') as Kind;
  const funds = kind === 'funds';
  const defaultUnit = DEFAULT_UNIT[kind];
  return (
    <Card
      size="small"
      className="line-item-form"
      data-testid={`line-item-${index}`}
      title={t('item', { n: index + 1 })}
      extra={
        removable && (
          <Button type="text" danger icon={<DeleteOutlined />} onClick={onRemove}>
            {t('removeItem')}
          </Button>
        )
      }
    >
      <Row gutter={12}>
        <Col xs={24} sm={8}>
          <Form.Item name={[name, 'kind']} label={t('kind')} rules={[{ required: true }]}>
            <Select data-testid={`item-kind-${index}`} options={KINDS.map((k) => ({ value: k, label: pick(KIND_LABELS[k]) }))} />
          </Form.Item>
        </Col>
        <Col xs={24} sm={16}>
          <Form.Item name={[name, 'description']} label={t('itemDesc')} rules={[{ required: true, whitespace: true, message: t('itemDescRequired') }]}>
            <Input maxLength={200} placeholder={t('itemDescPlaceholder')} data-testid={`item-desc-${index}`} />
          </Form.Item>
        </Col>
        {funds ? (
          <Col xs={24} sm={12}>
            <Form.Item name={[name, 'quantity']} label={t('amountYuan')} rules={[{ required: true, message: t('amountRequired') }]}>
              <InputNumber
                data-testid={`item-quantity-${index}`}
                style={{ width: '100%' }}
                prefix="¥"
                min={0.01}
                max={MAX_FEN / 100}
                precision={2}
                step={100}
                inputMode="decimal"
              />
            </Form.Item>
          </Col>
        ) : (
          <>
            <Col xs={14} sm={8}>
              <Form.Item name={[name, 'quantity']} label={t('quantity')} rules={[{ required: true, message: t('quantityRequired') }]}>
                <InputNumber data-testid={`item-quantity-${index}`} style={{ width: '100%' }} min={1} max={MAX_FEN} precision={0} inputMode="numeric" />
              </Form.Item>
            </Col>
            <Col xs={10} sm={4}>
              <Form.Item
                name={[name, 'unit']}
                label={t('unit')}
                rules={kind === 'goods' ? [{ required: true, whitespace: true, message: t('unitRequired') }] : []}
              >
                <Input maxLength={20} placeholder={defaultUnit ? unitLabel(defaultUnit, lang) : t('unitPlaceholder')} data-testid={`item-unit-${index}`} />
              </Form.Item>
            </Col>
          </>
        )}
        {(kind === 'goods' || kind === 'facility') && (
          <Col xs={24} sm={12}>
            <Form.Item name={[name, 'estimatedValueYuan']} label={t('estimatedValueYuan')}>
              <InputNumber style={{ width: '100%' }} prefix="¥" min={0} max={MAX_FEN / 100} precision={2} inputMode="decimal" />
            </Form.Item>
          </Col>
        )}
        {kind === 'training' && (
          <Col xs={24} sm={12}>
            <Form.Item name={[name, 'participants']} label={t('participantsOptional')}>
              <InputNumber style={{ width: '100%' }} min={1} max={1_000_000} precision={0} inputMode="numeric" />
            </Form.Item>
          </Col>
        )}
      </Row>
    </Card>
  );
}

function toBody(values: NeedFormValues, publish: boolean) {
  return {
    villageCode: values.region![3],
    title: values.title!.trim(),
    ...(values.description?.trim() ? { description: values.description.trim() } : {}),
    category: values.category,
    lineItems: values.lineItems.map((li) => {
      const funds = li.kind === 'funds';
      return {
        kind: li.kind,
        description: li.description!.trim(),
        ...(!funds && li.unit?.trim() ? { unit: li.unit.trim() } : {}),
        quantity: funds ? yuanToFen(li.quantity!) : li.quantity!,
        ...((li.kind === 'goods' || li.kind === 'facility') && typeof li.estimatedValueYuan === 'number' ? { estimatedValueFen: yuanToFen(li.estimatedValueYuan) } : {}),
        ...(li.kind === 'training' && typeof li.participants === 'number' ? { participants: li.participants } : {}),
      };
    }),
    ...(values.dueDate ? { dueDate: values.dueDate.format('YYYY-MM-DD') } : {}),
    autoAccept: values.autoAccept ?? false,
    publish,
  };
}

export function NewNeed() {
  const { t, pick } = useI18n();
  const { actor } = useIdentity();
  const navigate = useNavigate();
  const [form] = Form.useForm<NeedFormValues>();
  const { run, pending } = useCommand();
  const [error, setError] = useState<unknown>();
  const [submitting, setSubmitting] = useState<'publish' | 'draft' | null>(null);
  const errorRef = useRef<HTMLDivElement>(null);
  const initial = useRef<Partial<NeedFormValues>>(restore() ?? { lineItems: [EMPTY_ITEM], autoAccept: false });
  const coordinator = actor.role === 'coordinator';

  useEffect(() => {
    if (error) errorRef.current?.scrollIntoView({ behavior: 'smooth', block: 'center' });
  }, [error]);

  const submit = async (publish: boolean) => {
    let values: NeedFormValues;
    try {
      values = await form.validateFields();
    } catch {
      return;
    }
    setError(undefined);
    setSubmitting(publish ? 'publish' : 'draft');
    try {
      const result = await run<CommandResult>('/api/needs', toBody(values, publish));
      sessionStorage.removeItem(KEPT);
      navigate(`/needs/${result.needId}`, { state: { minPosition: result.position } });
    } catch (failure) {
      setError(failure);
    } finally {
      setSubmitting(null);
    }
  };

  return (
    <div className="new-need">
      <PageTitle title={t('newTitle')} intro={t('newIntro')} />
      {!coordinator && <Alert type="warning" showIcon title={t('coordinatorOnly')} style={{ marginBottom: 16 }} />}
      <Form<NeedFormValues>
        form={form}
        layout="vertical"
        initialValues={initial.current}
        onValuesChange={(_, all) => keep(all)}
        scrollToFirstError={{ behavior: 'smooth', block: 'center' }}
        data-testid="need-form"
      >
        <Card title={`1. ${t('stepVillage')}`} className="section">
          <Form.Item
            name="region"
            rules={[
              {
                validator: async (_, value?: string[]) => {
                  if (!value || value.length < 4) throw new Error(t('villageRequired'));
                },
              },
            ]}
            style={{ marginBottom: 0 }}
          >
            <RegionPicker depth={4} placeholders={['chooseCity', 'chooseCounty', 'chooseTown', 'chooseVillage']} />
          </Form.Item>
        </Card>

        <Card title={`2. ${t('stepNeed')}`} className="section">
          <Row gutter={12}>
            <Col xs={24} md={16}>
              <Form.Item name="title" label={t('title')} rules={[{ required: true, whitespace: true, message: t('titleRequired') }]}>
                <Input maxLength={100} showCount placeholder={t('titlePlaceholder')} data-testid="need-title-input" />
              </Form.Item>
            </Col>
            <Col xs={24} md={8}>
              <Form.Item name="category" label={t('category')} rules={[{ required: true, message: t('categoryRequired') }]}>
                <Select data-testid="need-category" placeholder={t('categoryRequired')} options={CATEGORIES.map((c) => ({ value: c, label: pick(CATEGORY_LABELS[c]) }))} />
              </Form.Item>
            </Col>
          </Row>
          <Form.Item name="description" label={t('description')} style={{ marginBottom: 0 }}>
            <Input.TextArea rows={3} maxLength={4000} showCount placeholder={t('descPlaceholder')} data-testid="need-description" />
          </Form.Item>
        </Card>

        <Card title={`3. ${t('stepItems')}`} className="section">
          <Form.List name="lineItems">
            {(fields, { add, remove }) => (
              <div className="line-item-forms">
                {fields.map((field, index) => (
                  <LineItemFields key={field.key} name={field.name} index={index} form={form} removable={fields.length > 1} onRemove={() => remove(field.name)} />
                ))}
                <Button type="dashed" block icon={<PlusOutlined />} onClick={() => add({ ...EMPTY_ITEM })} disabled={fields.length >= 50} data-testid="add-line-item">
                  {t('addItem')}
                </Button>
              </div>
            )}
          </Form.List>
        </Card>

        <Card title={`4. ${t('stepOptions')}`} className="section">
          <Row gutter={12}>
            <Col xs={24} sm={12}>
              <Form.Item name="dueDate" label={t('dueDateOptional')}>
                <DatePicker style={{ width: '100%' }} disabledDate={(d) => d.isBefore(dayjs().startOf('day'))} data-testid="need-due-date" />
              </Form.Item>
            </Col>
            <Col xs={24} sm={12}>
              <Form.Item name="autoAccept" label={t('autoAccept')} valuePropName="checked" extra={t('autoAcceptHelp')}>
                <Switch data-testid="need-auto-accept" />
              </Form.Item>
            </Col>
          </Row>
        </Card>

        <div ref={errorRef}>
          <ErrorAlert error={error} extra={error instanceof ApiError && error.network ? t('networkRetry') : t('formKept')} />
        </div>
        <Space wrap className="form-buttons">
          <Button type="primary" size="large" onClick={() => submit(true)} loading={pending && submitting === 'publish'} disabled={!coordinator || pending} data-testid="publish-now">
            {t('publishNow')}
          </Button>
          <Button size="large" onClick={() => submit(false)} loading={pending && submitting === 'draft'} disabled={!coordinator || pending} data-testid="save-draft">
            {t('saveDraft')}
          </Button>
        </Space>
        <Typography.Paragraph type="secondary" className="small" style={{ marginTop: 12 }}>
          {t('identityNote')}
        </Typography.Paragraph>
      </Form>
    </div>
  );
}
