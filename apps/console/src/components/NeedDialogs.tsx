import { MinusCircleOutlined, PlusOutlined } from '@ant-design/icons';
import { Button, DatePicker, Form, Input, InputNumber, Select, Space, Typography } from 'antd';
import dayjs, { Dayjs } from 'dayjs';
import { ReactNode, useState } from 'react';
import type { CommandResult, Commitment, Delivery, LineItem, Need } from '../api';
import { formatDateTime, formatQuantity, unitLabel, useGet, useOrganizationName, yuanToFen } from '../hooks';
import type { Team, TeamPage } from '../teams';
import { useI18n } from '../i18n';
import { useActor } from '../auth';
import { EVIDENCE_KINDS, EVIDENCE_LABELS, KIND_LABELS } from '../labels';
import { ActionModal, FormProblem } from './ActionModal';
import { EvidenceUploader, EvidenceView, UploadedFile } from './Evidence';

export type Dialog =
  | { type: 'commit' }
  | { type: 'accept'; commitment: Commitment }
  | { type: 'decline'; commitment: Commitment }
  | { type: 'withdrawCommitment'; commitment: Commitment }
  | { type: 'deliver'; commitment: Commitment }
  | { type: 'confirm'; commitment: Commitment; delivery: Delivery }
  | { type: 'publish' }
  | { type: 'fulfil' }
  | { type: 'close' }
  | { type: 'withdrawNeed' };

interface DialogProps {
  need: Need;
  dialog: Dialog;
  onClose: () => void;
  onDone: (result: CommandResult) => void;
}

/** A quantity input for a line item: yuan (2 decimals) for funds, whole units otherwise. */
function QuantityInput({ item, max, ...props }: { item: LineItem; max: number; value?: number | null; onChange?: (v: number | null) => void; id?: string; 'data-testid'?: string }) {
  const { lang } = useI18n();
  const funds = item.kind === 'funds';
  return (
    <InputNumber
      {...props}
      style={{ width: '100%' }}
      min={0}
      max={funds ? max / 100 : max}
      precision={funds ? 2 : 0}
      step={funds ? 100 : 1}
      prefix={funds ? '¥' : undefined}
      suffix={funds ? undefined : unitLabel(item.unit, lang)}
      inputMode={funds ? 'decimal' : 'numeric'}
    />
  );
}

const toQuantity = (item: LineItem, value: number) => (item.kind === 'funds' ? yuanToFen(value) : Math.round(value));

function ItemQuantities({ items, maxOf }: { items: LineItem[]; maxOf: (li: LineItem) => number }) {
  const { t, lang, pick } = useI18n();
  const form = Form.useFormInstance();
  const fieldPrefix = 'qty';
  return (
    <div className="item-quantities">
      {items.map((li) => {
        const max = maxOf(li);
        return (
          <Form.Item
            key={li.id}
            label={
              <span>
                {li.id} · {li.description}{' '}
                <Typography.Text type="secondary">
                  {t('paren', { text: `${pick(KIND_LABELS[li.kind as keyof typeof KIND_LABELS] ?? [li.kind, li.kind])}${t('comma')}${t('atMost', { n: formatQuantity(li, max, lang) })}` })}
                </Typography.Text>
              </span>
            }
            required={false}
          >
            <Space.Compact style={{ width: '100%' }}>
              <Form.Item name={[fieldPrefix, li.id]} noStyle>
                <QuantityInput item={li} max={max} data-testid={`qty-${li.id}`} />
              </Form.Item>
              <Button onClick={() => form.setFieldValue([fieldPrefix, li.id], li.kind === 'funds' ? max / 100 : max)} data-testid={`all-${li.id}`}>
                {t('takeAll')}
              </Button>
            </Space.Compact>
          </Form.Item>
        );
      })}
    </div>
  );
}

function collectItems(need: Need, values: Record<string, number | null | undefined> | undefined) {
  const items = [];
  for (const li of need.lineItems) {
    const value = values?.[li.id];
    if (typeof value === 'number' && value > 0) items.push({ lineItemId: li.id, quantity: toQuantity(li, value) });
  }
  if (items.length === 0) throw new FormProblem('请至少填写一项明细的数量 (enter a quantity for at least one line item)');
  return items;
}

const disabledBeforeToday = (d: Dayjs) => d.isBefore(dayjs().startOf('day'));

type CommitValues = {
  qty?: Record<string, number | null>;
  promisedBy: Dayjs;
  note?: string;
  organizationName?: string;
  teamId?: string;
  shares?: Record<string, Record<string, number | null>>;
};

/**
 * For a team commitment: each joined member's share of each line item taken. A line item left
 * blank for every member goes to the lead hub whole; otherwise the shares must add up.
 */
function TeamShares({ need, team }: { need: Need; team: Team }) {
  const { t, lang } = useI18n();
  const qty = Form.useWatch<Record<string, number | null> | undefined>('qty');
  const taken = need.lineItems.filter((li) => typeof qty?.[li.id] === 'number' && qty[li.id]! > 0);
  const members = team.members.filter((m) => m.status === 'member');
  if (taken.length === 0) return <Typography.Paragraph type="secondary">{t('sharesEnterQuantities')}</Typography.Paragraph>;
  return (
    <div className="team-shares" data-testid="team-shares">
      <Typography.Paragraph type="secondary">{t('sharesIntro')}</Typography.Paragraph>
      {taken.map((li) => (
        <div key={li.id} className="team-share-line">
          <Typography.Text strong>
            {li.id} · {li.description} <Typography.Text type="secondary">{t('paren', { text: formatQuantity(li, li.kind === 'funds' ? yuanToFen(qty![li.id]!) : qty![li.id]!, lang) })}</Typography.Text>
          </Typography.Text>
          <div className="team-share-members">
            {members.map((m) => (
              <Form.Item key={m.organizationId} name={['shares', m.organizationId, li.id]} label={m.organizationName} className="team-share-member">
                <QuantityInput item={li} max={li.kind === 'funds' ? yuanToFen(qty![li.id]!) : qty![li.id]!} data-testid={`share-${m.organizationId}-${li.id}`} />
              </Form.Item>
            ))}
          </div>
        </div>
      ))}
    </div>
  );
}

/** The members' shares of a team commitment from the form, checked before sending. */
function collectShares(need: Need, team: Team, items: Array<{ lineItemId: string; quantity: number }>, values: CommitValues['shares']) {
  const members = team.members.filter((m) => m.status === 'member');
  const byMember = new Map<string, Array<{ lineItemId: string; quantity: number }>>();
  for (const item of items) {
    const li = need.lineItems.find((l) => l.id === item.lineItemId)!;
    const parts = members
      .map((m) => ({ organizationId: m.organizationId, value: values?.[m.organizationId]?.[item.lineItemId] }))
      .filter((p): p is { organizationId: string; value: number } => typeof p.value === 'number' && p.value > 0)
      .map((p) => ({ organizationId: p.organizationId, quantity: toQuantity(li, p.value) }));
    if (parts.length === 0) parts.push({ organizationId: team.leadOrganizationId, quantity: item.quantity });
    const total = parts.reduce((sum, p) => sum + p.quantity, 0);
    if (total !== item.quantity) {
      throw new FormProblem(`${li.description} 各成员份额合计 ${formatQuantity(li, total, 'zh')}，与接单数量 ${formatQuantity(li, item.quantity, 'zh')} 不符 (the members’ shares of ${li.description} add up to ${formatQuantity(li, total, 'en')}, not ${formatQuantity(li, item.quantity, 'en')})`);
    }
    for (const p of parts) byMember.set(p.organizationId, [...(byMember.get(p.organizationId) ?? []), { lineItemId: item.lineItemId, quantity: p.quantity }]);
  }
  return [...byMember].map(([organizationId, shareItems]) => ({ organizationId, items: shareItems }));
}

function CommitDialog({ need, onClose, onDone }: DialogProps) {
  const { t } = useI18n();
  const actor = useActor();
  const knownName = useOrganizationName(actor.organizationId);
  const open = need.lineItems.filter((li) => li.lacking > 0);
  const due = need.dueDate && dayjs(need.dueDate).isAfter(dayjs()) ? dayjs(need.dueDate) : dayjs().add(30, 'day');
  // A hub admin may commit on behalf of an active team it leads (组团接单).
  const { data: teamPage } = useGet<TeamPage>(actor.role === 'hub' && actor.organizationId ? `/api/teams?organizationId=${encodeURIComponent(actor.organizationId)}&status=active&pageSize=100` : null);
  const teams = (teamPage?.items ?? []).filter((tm) => tm.status === 'active' && tm.leadOrganizationId === actor.organizationId);
  const [teamId, setTeamId] = useState<string>();
  const team = teams.find((tm) => tm.id === teamId);
  return (
    <ActionModal<CommitValues>
      open
      testId="commit-dialog"
      width={640}
      title={t('commitTitle')}
      intro={t('commitIntro')}
      path={`/api/needs/${need.id}/commitments`}
      initialValues={{ promisedBy: due }}
      onClose={onClose}
      onDone={onDone}
      toBody={(v) => {
        const items = collectItems(need, v.qty);
        return {
          organizationId: actor.organizationId,
          organizationName: (knownName ?? v.organizationName ?? '').trim(),
          items,
          ...(team ? { teamId: team.id, shares: collectShares(need, team, items, v.shares) } : {}),
          promisedBy: v.promisedBy.format('YYYY-MM-DD'),
          ...(v.note?.trim() ? { note: v.note.trim() } : {}),
        };
      }}
    >
      {() => (
        <>
          {knownName ? (
            <Form.Item label={t('commitAs')}>
              <Typography.Text strong data-testid="commit-as">{knownName}</Typography.Text>
            </Form.Item>
          ) : (
            <Form.Item name="organizationName" label={`${t('commitAs')}${t('colon')}${t('orgName')}`} rules={[{ required: true, whitespace: true, message: t('orgNameRequired') }]}>
              <Input maxLength={200} data-testid="commit-org-name" />
            </Form.Item>
          )}
          {teams.length > 0 && (
            <Form.Item name="teamId" label={t('commitOnBehalf')} extra={t('commitOnBehalfHint')}>
              <Select
                allowClear
                data-testid="commit-team"
                placeholder={t('commitAlone')}
                onChange={(v: string | undefined) => setTeamId(v)}
                options={teams.map((tm) => ({ value: tm.id, label: tm.title }))}
              />
            </Form.Item>
          )}
          {open.length === 0 ? (
            <Typography.Paragraph>{t('nothingLacking')}</Typography.Paragraph>
          ) : (
            <ItemQuantities items={open} maxOf={(li) => li.lacking} />
          )}
          {team && <TeamShares need={need} team={team} />}
          <Form.Item name="promisedBy" label={t('promisedBy')} rules={[{ required: true, message: t('promisedByRequired') }]}>
            <DatePicker style={{ width: '100%' }} disabledDate={disabledBeforeToday} inputReadOnly={false} data-testid="promised-by" />
          </Form.Item>
          <Form.Item name="note" label={t('note')}>
            <Input.TextArea rows={2} maxLength={2000} placeholder={t('notePlaceholder')} />
          </Form.Item>
        </>
      )}
    </ActionModal>
  );
}

function DeliverDialog({ need, dialog, onClose, onDone }: DialogProps) {
  const { t, pick } = useI18n();
  const commitment = (dialog as { commitment: Commitment }).commitment;
  const items = commitment.items
    .map((ci) => ({ line: need.lineItems.find((li) => li.id === ci.lineItemId)!, remaining: ci.quantity - ci.delivered }))
    .filter((x) => x.line && x.remaining > 0);
  const [files, setFiles] = useState<UploadedFile[]>([]);
  return (
    <ActionModal<{ qty?: Record<string, number | null>; evidence: Array<{ kind: string; ref: string; note?: string }>; note?: string }>
      open
      testId="deliver-dialog"
      width={680}
      title={t('deliveryTitle')}
      intro={t('deliveryIntro')}
      path={`/api/needs/${need.id}/commitments/${commitment.id}/deliveries`}
      initialValues={{ evidence: [{ kind: 'photo', ref: '' }] }}
      onClose={onClose}
      onDone={onDone}
      toBody={(v) => ({
        items: collectItems(need, v.qty),
        evidence: [
          ...files.map((f) => ({ kind: f.mediaType === 'application/pdf' ? 'document' : 'photo', sha256: f.sha256, visibility: f.visibility })),
          ...(v.evidence ?? []).filter((e) => e.ref?.trim()).map((e) => ({ kind: e.kind, ref: e.ref.trim(), ...(e.note?.trim() ? { note: e.note.trim() } : {}) })),
        ],
        ...(v.note?.trim() ? { note: v.note.trim() } : {}),
      })}
    >
      {() => (
        <>
          <ItemQuantities items={items.map((x) => x.line)} maxOf={(li) => items.find((x) => x.line.id === li.id)!.remaining} />
          <Typography.Text strong>{t('evidence')}</Typography.Text>
          <EvidenceUploader files={files} onChange={setFiles} />
          <Form.List
            name="evidence"
            rules={[
              {
                validator: async (_, value) => {
                  if (files.length === 0 && (!value || value.length === 0)) throw new Error(t('evidenceRequired'));
                },
              },
            ]}
          >
            {(fields, { add, remove }, { errors }) => (
              <div className="evidence-list">
                {fields.map((field, index) => (
                  <div key={field.key} className="evidence-row">
                    <Form.Item name={[field.name, 'kind']} className="evidence-kind" rules={[{ required: true }]}>
                      <Select aria-label={t('evidenceKind')} options={EVIDENCE_KINDS.map((k) => ({ value: k, label: pick(EVIDENCE_LABELS[k]) }))} />
                    </Form.Item>
                    <Form.Item name={[field.name, 'ref']} className="evidence-ref" rules={[{ required: files.length === 0, whitespace: true, message: t('evidenceRefRequired') }]}>
                      <Input placeholder={t('evidenceRef')} aria-label={t('evidenceRef')} maxLength={500} data-testid={`evidence-ref-${index}`} />
                    </Form.Item>
                    <Form.Item name={[field.name, 'note']} className="evidence-note">
                      <Input placeholder={`${t('note')}${t('paren', { text: t('notePlaceholder') })}`} aria-label={t('note')} maxLength={500} />
                    </Form.Item>
                    {fields.length > 1 && <MinusCircleOutlined className="evidence-remove" onClick={() => remove(field.name)} aria-label={t('removeItem')} />}
                  </div>
                ))}
                <Button type="dashed" onClick={() => add({ kind: 'photo', ref: '' })} icon={<PlusOutlined />} block>
                  {t('addEvidence')}
                </Button>
                <Form.ErrorList errors={errors} />
              </div>
            )}
          </Form.List>
          <Form.Item name="note" label={t('note')} style={{ marginTop: 16 }}>
            <Input.TextArea rows={2} maxLength={2000} placeholder={t('notePlaceholder')} />
          </Form.Item>
        </>
      )}
    </ActionModal>
  );
}

function ReasonDialog({ need, dialog, onClose, onDone }: DialogProps) {
  const { t } = useI18n();
  const spec = {
    decline: { title: t('declineTitle'), ok: t('decline'), path: (c?: Commitment) => `/api/needs/${need.id}/commitments/${c!.id}/decline` },
    withdrawCommitment: { title: t('withdrawCommitmentTitle'), ok: t('withdrawCommitment'), path: (c?: Commitment) => `/api/needs/${need.id}/commitments/${c!.id}/withdraw` },
    withdrawNeed: { title: t('withdrawNeedTitle'), ok: t('withdrawNeed'), path: () => `/api/needs/${need.id}/withdraw` },
  }[dialog.type as 'decline' | 'withdrawCommitment' | 'withdrawNeed'];
  const commitment = 'commitment' in dialog ? dialog.commitment : undefined;
  return (
    <ActionModal<{ reason: string }>
      open
      danger
      testId={`${dialog.type}-dialog`}
      title={spec.title}
      intro={commitment ? commitment.organizationName : need.title}
      okText={spec.ok}
      path={spec.path(commitment)}
      onClose={onClose}
      onDone={onDone}
      toBody={(v) => ({ reason: v.reason.trim() })}
    >
      {() => (
        <Form.Item name="reason" label={t('reason')} rules={[{ required: true, whitespace: true, message: t('reasonRequired') }]}>
          <Input.TextArea rows={3} maxLength={500} showCount placeholder={t('reasonPlaceholder')} />
        </Form.Item>
      )}
    </ActionModal>
  );
}

function NoteDialog({ need, dialog, onClose, onDone }: DialogProps) {
  const { t, lang, pick } = useI18n();
  const base = `/api/needs/${need.id}`;
  let title: string;
  let ok: string;
  let path: string;
  let intro: ReactNode = need.title;
  let withNote = true;
  let evidence: ReactNode = null;
  let needsReason = false;
  switch (dialog.type) {
    case 'fulfil':
      [title, ok, path] = [t('fulfilTitle'), t('fulfil'), `${base}/fulfil`];
      break;
    case 'close':
      [title, ok, path] = [t('closeTitle'), t('close'), `${base}/close`];
      break;
    case 'publish':
      [title, ok, path, withNote] = [t('publish'), t('publish'), `${base}/publish`, false];
      break;
    case 'accept':
      [title, ok, path, withNote] = [t('confirmAcceptTitle'), t('accept'), `${base}/commitments/${dialog.commitment.id}/accept`, false];
      intro = (
        <span>
          {dialog.commitment.organizationName}
          {t('colon')}
          {dialog.commitment.items
            .map((ci) => {
              const li = need.lineItems.find((l) => l.id === ci.lineItemId);
              return li ? `${li.description} ${formatQuantity(li, ci.quantity, lang)}` : ci.lineItemId;
            })
            .join(t('comma'))}
        </span>
      );
      break;
    case 'confirm': {
      const { commitment, delivery } = dialog;
      [title, ok, path] = [t('confirmDeliveryTitle'), t('confirmDelivery'), `${base}/commitments/${commitment.id}/deliveries/${delivery.id}/confirm`];
      intro = (
        <span>
          {commitment.organizationName} · {formatDateTime(delivery.recordedAt)}
          {t('colon')}
          {delivery.items
            .map((di) => {
              const li = need.lineItems.find((l) => l.id === di.lineItemId);
              return li ? `${li.description} ${formatQuantity(li, di.quantity, lang)}` : di.lineItemId;
            })
            .join(t('comma'))}
        </span>
      );
      needsReason = delivery.evidence.length === 0;
      evidence = (
        <div className="confirm-evidence" data-testid="confirm-evidence">
          <Typography.Paragraph>{needsReason ? t('noEvidenceWarning') : t('evidenceCheckFirst')}</Typography.Paragraph>
          <EvidenceView evidence={delivery.evidence} base={base} labelOf={(k) => pick(EVIDENCE_LABELS[k as keyof typeof EVIDENCE_LABELS] ?? [k, k])} />
        </div>
      );
      break;
    }
    default:
      return null;
  }
  return (
    <ActionModal<{ note?: string; reason?: string }>
      open
      testId={`${dialog.type}-dialog`}
      title={title}
      intro={intro}
      okText={ok}
      path={path}
      onClose={onClose}
      onDone={onDone}
      width={evidence ? 680 : undefined}
      toBody={(v) => ({ ...(withNote && v.note?.trim() ? { note: v.note.trim() } : {}), ...(needsReason && v.reason?.trim() ? { reason: v.reason.trim() } : {}) })}
    >
      {() => (
        <>
          {evidence}
          {needsReason && (
            <Form.Item name="reason" label={t('noEvidenceReason')} rules={[{ required: true, whitespace: true, message: t('noEvidenceReasonRequired') }]}>
              <Input.TextArea rows={2} maxLength={1000} data-testid="no-evidence-reason" />
            </Form.Item>
          )}
          {withNote && (
            <Form.Item name="note" label={t('note')}>
              <Input.TextArea rows={2} maxLength={2000} placeholder={t('notePlaceholder')} />
            </Form.Item>
          )}
        </>
      )}
    </ActionModal>
  );
}

export function NeedDialog(props: DialogProps) {
  switch (props.dialog.type) {
    case 'commit':
      return <CommitDialog {...props} />;
    case 'deliver':
      return <DeliverDialog {...props} />;
    case 'decline':
    case 'withdrawCommitment':
    case 'withdrawNeed':
      return <ReasonDialog {...props} />;
    default:
      return <NoteDialog {...props} />;
  }
}

