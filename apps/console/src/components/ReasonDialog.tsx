import { Form, Input } from 'antd';
import { post, type Commitment } from '../api';
import { useI18n } from '../i18n';
import { ActionModal } from './ActionModal';
import type { DialogProps } from './NeedDialogs';

/** Declining or withdrawing a commitment, or withdrawing a need: each with a reason. */
export function ReasonDialog({ need, dialog, onClose, onDone }: DialogProps) {
  const { t } = useI18n();
  const spec = {
    decline: { title: t('declineTitle'), ok: t('decline'), command: (reason: string, c?: Commitment) => post('/api/needs/{id}/commitments/{cid}/decline', { id: need.id, cid: c!.id }, { reason }) },
    withdrawCommitment: {
      title: t('withdrawCommitmentTitle'),
      ok: t('withdrawCommitment'),
      command: (reason: string, c?: Commitment) => post('/api/needs/{id}/commitments/{cid}/withdraw', { id: need.id, cid: c!.id }, { reason }),
    },
    withdrawNeed: { title: t('withdrawNeedTitle'), ok: t('withdrawNeed'), command: (reason: string) => post('/api/needs/{id}/withdraw', { id: need.id }, { reason }) },
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
      onClose={onClose}
      onDone={onDone}
      command={(v) => spec.command(v.reason.trim(), commitment)}
    >
      {() => (
        <Form.Item name="reason" label={t('reason')} rules={[{ required: true, whitespace: true, message: t('reasonRequired') }]}>
          <Input.TextArea rows={3} maxLength={500} showCount placeholder={t('reasonPlaceholder')} />
        </Form.Item>
      )}
    </ActionModal>
  );
}
