import { Form, Input, Typography } from 'antd';
import { post } from '../api';
import { USE_EVIDENCE_LABELS } from '../donations';
import { useI18n } from '../i18n';
import type { UseTask } from '../pages/MyNeeds';
import { ActionModal } from './ActionModal';
import { EvidenceView } from './Evidence';

/** The village confirms a use of donated money or goods (受益村确认), having seen its evidence. */
export function ConfirmUseDialog({ task: confirming, amount, onClose, onDone }: { task: UseTask; amount: string; onClose: () => void; onDone: () => void }) {
  const { t, pick } = useI18n();
  return (
    <ActionModal<{ note?: string; reason?: string }>
      open
      width={680}
      onClose={onClose}
      title={t('confirmUseTitle', { amount })}
      intro={t('confirmUseIntro', { org: confirming.flow.recipient.name, purpose: confirming.purpose })}
      okText={t('confirmUse')}
      command={(v) =>
        post(
          '/api/donations/{id}/uses/{useId}/confirm',
          { id: confirming.flow.id, useId: confirming.use.id },
          { note: v.note ?? '', ...(confirming.use.evidence.length === 0 && v.reason?.trim() ? { reason: v.reason.trim() } : {}) },
        )
      }
      testId="confirm-use-dialog"
      onDone={onDone}
    >
      {() => (
        <>
          <div className="confirm-evidence" data-testid="confirm-evidence">
            <Typography.Paragraph>{confirming.use.evidence.length === 0 ? t('noEvidenceWarning') : t('evidenceCheckFirst')}</Typography.Paragraph>
            <EvidenceView evidence={confirming.use.evidence} base={`/api/donations/${encodeURIComponent(confirming.flow.id)}`} labelOf={(k) => pick(USE_EVIDENCE_LABELS[k] ?? [k, k])} />
          </div>
          {confirming.use.evidence.length === 0 && (
            <Form.Item name="reason" label={t('noEvidenceReason')} rules={[{ required: true, whitespace: true, message: t('noEvidenceReasonRequired') }]}>
              <Input.TextArea rows={2} maxLength={1000} data-testid="no-evidence-reason" />
            </Form.Item>
          )}
          <Form.Item name="note" label={t('note')}>
            <Input.TextArea rows={2} maxLength={2000} />
          </Form.Item>
        </>
      )}
    </ActionModal>
  );
}
