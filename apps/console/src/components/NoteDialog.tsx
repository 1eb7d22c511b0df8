import { Form, Input, Typography } from 'antd';
import { ReactNode, useState } from 'react';
import { ApiCommand, post } from '../api';
import { formatDateTime, formatQuantity } from '../hooks';
import { useI18n } from '../i18n';
import { EVIDENCE_LABELS } from '../labels';
import { ActionModal, FormProblem } from './ActionModal';
import { EvidenceView } from './Evidence';
import { EvidenceUploader, KeptFile, UploadedFile } from './EvidenceUploader';
import type { DialogProps } from './NeedDialogs';

/** Publishing, fulfilling or closing a need, accepting a commitment, confirming a delivery (with a reason when it has no evidence); a note where one is taken. */
export function NoteDialog({ need, dialog, onClose, onDone }: DialogProps) {
  const { t, lang, pick } = useI18n();
  // Confirming: the coordinator's own photos of the arrival, uploaded, or kept on this device without a network.
  const [files, setFiles] = useState<UploadedFile[]>([]);
  const [kept, setKept] = useState<KeptFile[]>([]);
  const [uploading, setUploading] = useState(0);
  const base = `/api/needs/${need.id}`;
  const id = need.id;
  let title: string;
  let ok: string;
  /** The command with the note and the reason typed (absent when empty or not asked for). */
  let command: (note?: string, reason?: string) => ApiCommand;
  let intro: ReactNode = need.title;
  let withNote = true;
  let evidence: ReactNode = null;
  let needsReason = false;
  switch (dialog.type) {
    case 'fulfil':
      [title, ok] = [t('fulfilTitle'), t('fulfil')];
      command = (note) => post('/api/needs/{id}/fulfil', { id }, { note });
      break;
    case 'close':
      [title, ok] = [t('closeTitle'), t('close')];
      command = (note) => post('/api/needs/{id}/close', { id }, { note });
      break;
    case 'publish':
      [title, ok, withNote] = [t('publish'), t('publish'), false];
      command = () => post('/api/needs/{id}/publish', { id });
      break;
    case 'accept':
      [title, ok, withNote] = [t('confirmAcceptTitle'), t('accept'), false];
      command = () => post('/api/needs/{id}/commitments/{cid}/accept', { id, cid: dialog.commitment.id });
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
      [title, ok] = [t('confirmDeliveryTitle'), t('confirmDelivery')];
      command = (note, reason) =>
        post('/api/needs/{id}/commitments/{cid}/deliveries/{did}/confirm', { id, cid: commitment.id, did: delivery.id }, {
          note,
          reason,
          ...(files.length ? { evidence: files.map((f) => ({ kind: f.mediaType === 'application/pdf' ? ('document' as const) : ('photo' as const), sha256: f.sha256, visibility: f.visibility })) } : {}),
        });
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
      needsReason = delivery.evidence.length === 0 && files.length === 0 && kept.length === 0;
      evidence = (
        <div className="confirm-evidence" data-testid="confirm-evidence">
          <Typography.Paragraph>{delivery.evidence.length === 0 ? t('noEvidenceWarning') : t('evidenceCheckFirst')}</Typography.Paragraph>
          <EvidenceView evidence={delivery.evidence} base={base} labelOf={(k) => pick(EVIDENCE_LABELS[k as keyof typeof EVIDENCE_LABELS] ?? [k, k])} />
          <Typography.Paragraph type="secondary">{t('confirmOwnEvidence')}</Typography.Paragraph>
          <EvidenceUploader files={files} onChange={setFiles} onPendingChange={setUploading} keep={{ files: kept, onChange: setKept }} />
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
      onClose={onClose}
      onDone={onDone}
      width={evidence ? 680 : undefined}
      command={(v) => {
        if (uploading) throw new FormProblem(t('uploadsPending'));
        return command((withNote && v.note?.trim()) || undefined, (needsReason && v.reason?.trim()) || undefined);
      }}
      // A delivery is often confirmed where it arrived, in a village with no signal: kept and sent
      // later, with the photos taken there (kept on this device until then).
      queueOffline={dialog.type === 'confirm' ? `${t('confirmDelivery')}${t('colon')}${need.title}` : undefined}
      keepFiles={dialog.type === 'confirm' ? kept.map((k) => ({ file: k.file, visibility: k.visibility })) : undefined}
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
