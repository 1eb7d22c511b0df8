import { DeleteOutlined, PlusOutlined } from '@ant-design/icons';
import { Alert, Button, Card, Col, DatePicker, Form, FormInstance, Input, InputNumber, Progress, Result, Row, Select, Skeleton, Space, Switch } from 'antd';
import dayjs, { Dayjs } from 'dayjs';
import { useCallback, useEffect, useRef, useState } from 'react';
import { Link, useNavigate, useParams } from 'react-router';
import { ApiError, CommandResult, get, Need, post } from '../api';
import { discardDraft, draftKey, keepDraft, restoreDraft } from '../needDraft';
import { enqueue, isOffline } from '../outbox';
import { AfterFirstPaint, ErrorAlert, PageTitle } from '../components/common';
import { RegionPicker, regionPath } from '../components/RegionPicker';
import { unitLabel, useCommand, yuanToFen } from '../hooks';
import { useI18n } from '../i18n';
import { useActor } from '../auth';
import { CATEGORIES, CATEGORY_LABELS, DEFAULT_UNIT, Kind, KIND_LABELS, KINDS, type Category } from '../labels';

interface LineItemValues {
  /** Kept on revise: an existing line item. */
  id?: string;
  kind: Kind;
  description?: string;
  unit?: string;
  quantity?: number;
  estimatedValueYuan?: number;
  participants?: number;
}

interface NeedFormValues {
  region?: string[];
  reason?: string;
  title?: string;
  category?: Category;
  description?: string;
  lineItems: LineItemValues[];
  dueDate?: Dayjs | null;
  autoAccept?: boolean;
}

const MAX_FEN = 1_000_000_000_000;
const EMPTY_ITEM: LineItemValues = { kind: 'goods' };

function LineItemFields({ name, index, form, onRemove, removable }: { name: number; index: number; form: FormInstance<NeedFormValues>; onRemove: () => void; removable: boolean }) {
  const { t, lang, pick } = useI18n();
  const existing = Form.useWatch(['lineItems', name, 'id'], form) as string | undefined;
  const kind = (Form.useWatch(['lineItems', name, 'kind'], form) ?? 'goods') as Kind;
  const funds = kind === 'funds';
  const defaultUnit = DEFAULT_UNIT[kind];
  return (
    <Card
      size="small"
      className="line-item-form"
      data-testid={`line-item-${index}`}
      title={existing ? `${t('item', { n: index + 1 })} · ${existing}` : t('item', { n: index + 1 })}
      extra={
        removable && (
          <Button type="text" danger icon={<DeleteOutlined />} onClick={onRemove}>
            {t('removeItem')}
          </Button>
        )
      }
    >
      {/* An existing line item keeps its id on revise: without a field of its own, the form would drop it. */}
      <Form.Item name={[name, 'id']} hidden>
        <Input />
      </Form.Item>
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

function fields(values: NeedFormValues) {
  return {
    title: values.title!.trim(),
    ...(values.description?.trim() ? { description: values.description.trim() } : {}),
    category: values.category!,
    lineItems: values.lineItems.map((li) => {
      const funds = li.kind === 'funds';
      return {
        ...(li.id ? { id: li.id } : {}),
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
  };
}

/** A need's line items as the form shows them: funds in yuan. */
function formValuesOf(need: Need): NeedFormValues {
  return {
    region: regionPath(need.villageCode),
    title: need.title,
    category: need.category,
    description: need.description,
    lineItems: need.lineItems.map((li) => ({
      id: li.id,
      kind: li.kind as Kind,
      description: li.description,
      ...(li.kind === 'funds' ? {} : { unit: li.unit }),
      quantity: li.kind === 'funds' ? li.quantity / 100 : li.quantity,
      ...(li.estimatedValueFen !== undefined ? { estimatedValueYuan: li.estimatedValueFen / 100 } : {}),
      ...(li.participants !== undefined ? { participants: li.participants } : {}),
    })),
    dueDate: need.dueDate ? dayjs(need.dueDate) : null,
    autoAccept: need.autoAccept,
  };
}

/** The guided form: post a need (`need` absent) or revise one. */
function NeedForm({ need, onReload, onDiscard }: { need?: Need; onReload?: () => void; onDiscard?: () => void }) {
  const { t, pick } = useI18n();
  const actor = useActor();
  const navigate = useNavigate();
  const [form] = Form.useForm<NeedFormValues>();
  const { run, pending, failedKey } = useCommand();
  const [error, setError] = useState<unknown>();
  const [submitting, setSubmitting] = useState<'publish' | 'draft' | 'revise' | null>(null);
  const errorRef = useRef<HTMLDivElement>(null);
  const keptKey = draftKey(actor.id, need);
  const scopePath = actor.scope ? regionPath(actor.scope) : [];
  const [restored] = useState(() => restoreDraft<NeedFormValues>(keptKey));
  const initial = useRef<Partial<NeedFormValues>>(restored ?? (need ? formValuesOf(need) : { region: scopePath, lineItems: [EMPTY_ITEM], autoAccept: false }));
  const coordinator = actor.role === 'coordinator';
  const locked = need ? 4 : Math.min(scopePath.length, 4);
  const values = Form.useWatch([], form);
  const steps = [
    (values?.region?.length ?? 0) >= 4,
    Boolean(values?.title?.trim() && values?.category),
    Boolean(values?.lineItems?.length && values.lineItems.every((li) => li?.description?.trim() && li?.quantity)),
    // Part 4 is optional on a new need; a revision needs its reason there.
    ...(need ? [Boolean(values?.reason?.trim())] : []),
  ];
  const progress = Math.round((steps.filter(Boolean).length / steps.length) * 100);

  useEffect(() => {
    if (error) errorRef.current?.scrollIntoView({ behavior: 'smooth', block: 'center' });
  }, [error]);

  const submit = async (kind: 'publish' | 'draft' | 'revise') => {
    let values: NeedFormValues;
    try {
      values = await form.validateFields();
    } catch {
      return;
    }
    setError(undefined);
    setSubmitting(kind);
    const posted = need ? undefined : post('/api/needs', { villageCode: values.region![3], ...fields(values), publish: kind === 'publish' });
    // Without a network a new need waits in the outbox (sent when back online), with the key of
    // the attempt that may have reached the API before the connection dropped.
    const queue = (key?: string) => {
      void enqueue(actor.id, posted!, values.title!.trim(), key);
      discardDraft(keptKey);
      navigate('/mine');
    };
    try {
      if (posted && !navigator.onLine) return queue();
      const result = need
        ? await run<CommandResult>(post('/api/needs/{id}/revise', { id: need.id }, { ...fields(values), reason: values.reason!.trim() }), { ifMatch: need.revision })
        : await run<CommandResult>(posted!);
      discardDraft(keptKey);
      navigate(`/needs/${result.needId}`, { state: { minPosition: result.position } });
    } catch (failure) {
      if (posted && isOffline(failure)) return queue(failedKey());
      setError(failure);
    } finally {
      setSubmitting(null);
    }
  };

  return (
    <div className="new-need">
      <PageTitle title={need ? t('reviseTitle') : t('newTitle')} intro={need ? need.title : t('newIntro')} />
      {!coordinator && <Alert type="warning" showIcon title={t('coordinatorOnly')} style={{ marginBottom: 16 }} />}
      <div className="form-progress" aria-hidden>
        <Progress percent={progress} size="small" showInfo={false} />
        <span className="small secondary" data-testid="form-progress-text">{t(need ? 'stepsDone' : 'requiredPartsDone', { n: steps.filter(Boolean).length, total: steps.length })}</span>
      </div>
      {restored && !need && (
        <Alert
          type="info"
          showIcon
          title={t('draftRestored')}
          style={{ marginBottom: 16 }}
          data-testid="draft-restored"
          action={<Button size="small" onClick={() => (discardDraft(keptKey), onDiscard?.())} data-testid="discard-draft">{t('discardDraft')}</Button>}
        />
      )}
      <Form<NeedFormValues>
        form={form}
        layout="vertical"
        initialValues={initial.current}
        onValuesChange={(_, all) => keepDraft(keptKey, all)}
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
            <RegionPicker depth={4} locked={locked} placeholders={['chooseCity', 'chooseCounty', 'chooseTown', 'chooseVillage']} />
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

        <AfterFirstPaint>
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
          {need && (
            <Form.Item name="reason" label={t('reviseReason')} rules={[{ required: true, whitespace: true, message: t('reasonRequired') }]} style={{ marginBottom: 0 }}>
              <Input.TextArea rows={2} maxLength={500} showCount placeholder={t('reviseReasonPlaceholder')} data-testid="revise-reason" />
            </Form.Item>
          )}
        </Card>

        </AfterFirstPaint>
        <div ref={errorRef}>
          {error instanceof ApiError && error.status === 412 ? (
            // Someone changed the need since this form opened: show them theirs, never overwrite it.
            <ErrorAlert
              error={error}
              extra={t('needChangedMeanwhile')}
              action={
                <Button size="small" onClick={onReload} data-testid="reload-need">
                  {t('loadLatest')}
                </Button>
              }
            />
          ) : (
            <ErrorAlert error={error} extra={error instanceof ApiError && error.network ? t('networkRetry') : t('formKept')} />
          )}
        </div>
        <Space wrap className="form-buttons">
          {need ? (
            <>
              <Button type="primary" size="large" onClick={() => submit('revise')} loading={pending} disabled={!coordinator || pending} data-testid="save-revision">
                {t('saveRevision')}
              </Button>
              <Link to={`/needs/${need.id}`}>
                <Button size="large">{t('cancel')}</Button>
              </Link>
            </>
          ) : (
            <>
              <Button type="primary" size="large" onClick={() => submit('publish')} loading={pending && submitting === 'publish'} disabled={!coordinator || pending} data-testid="publish-now">
                {t('publishNow')}
              </Button>
              <Button size="large" onClick={() => submit('draft')} loading={pending && submitting === 'draft'} disabled={!coordinator || pending} data-testid="save-draft">
                {t('saveDraft')}
              </Button>
            </>
          )}
        </Space>
      </Form>
    </div>
  );
}

export function NewNeed() {
  // Discarding the draft opens the form afresh.
  const [round, setRound] = useState(0);
  return <NeedForm key={round} onDiscard={() => setRound((n) => n + 1)} />;
}

export function ReviseNeed() {
  const { id = '' } = useParams();
  const { t } = useI18n();
  const [need, setNeed] = useState<Need>();
  const [error, setError] = useState<unknown>();
  const load = useCallback(() => {
    get<Need>(`/api/needs/${encodeURIComponent(id)}`).then(setNeed, setError);
  }, [id]);
  useEffect(load, [load]);
  if (error instanceof ApiError && error.status === 404) return <Result status="404" title={t('notFound')} extra={<Link to="/">{t('navHome')}</Link>} />;
  if (error) return <ErrorAlert error={error} />;
  if (!need) return <Skeleton active paragraph={{ rows: 10 }} />;
  return <NeedForm key={`${need.id}.${need.revision}`} need={need} onReload={load} />;
}
