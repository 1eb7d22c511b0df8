import { Form, Input } from 'antd';
import type { Commitment } from '../api';
import { useI18n } from '../i18n';
import { ActionModal } from './ActionModal';
import type { DialogProps } from './NeedDialogs';

/** Declining or withdrawing a commitment, or withdrawing a need: each with a reason. */
export function ReasonDialog({ need, dialog, onClose, onDone }: DialogProps) {
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
