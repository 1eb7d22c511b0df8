import { MinusCircleOutlined, PlusOutlined } from '@ant-design/icons';
import { Button, Form, Input, Select, Typography } from 'antd';
import { useState } from 'react';
import { post, type Commitment, type PostBody } from '../api';
import { useI18n } from '../i18n';
import { EVIDENCE_KINDS, EVIDENCE_LABELS } from '../labels';
import { ActionModal, FormProblem } from './ActionModal';
import { EvidenceUploader, KeptFile, UploadedFile } from './EvidenceUploader';
import { collectItems, ItemQuantities } from './ItemQuantities';
import type { DialogProps } from './NeedDialogs';

type DeliveryEvidence = PostBody<'/api/needs/{id}/commitments/{cid}/deliveries'>['evidence'][number];

/**
 * Recording a delivery of a commitment, with evidence files or references to evidence. Without a
 * network (a delivery is recorded where it was handed over), it is kept in the outbox with the
 * photos taken there (kept on this device) and sent on reconnect.
 */
export function DeliverDialog({ need, dialog, onClose, onDone }: DialogProps) {
  const { t, pick } = useI18n();
  const commitment = (dialog as { commitment: Commitment }).commitment;
  const items = commitment.items
    .map((ci) => ({ line: need.lineItems.find((li) => li.id === ci.lineItemId)!, remaining: ci.quantity - ci.delivered }))
    .filter((x) => x.line && x.remaining > 0);
  const [files, setFiles] = useState<UploadedFile[]>([]);
  const [kept, setKept] = useState<KeptFile[]>([]);
  const [uploading, setUploading] = useState(0);
  const withFiles = files.length > 0 || kept.length > 0;
  return (
    <ActionModal<{ qty?: Record<string, number | null>; evidence: Array<{ kind: DeliveryEvidence['kind']; ref: string; note?: string }>; note?: string }>
      open
      testId="deliver-dialog"
      width={680}
      title={t('deliveryTitle')}
      intro={t('deliveryIntro')}
      initialValues={{ evidence: [{ kind: 'photo', ref: '' }] }}
      onClose={onClose}
      onDone={onDone}
      queueOffline={`${t('recordDelivery')}${t('colon')}${need.title}`}
      keepFiles={kept.map((k) => ({ file: k.file, visibility: k.visibility }))}
      command={(v) => {
        if (uploading) throw new FormProblem(t('uploadsPending'));
        return post('/api/needs/{id}/commitments/{cid}/deliveries', { id: need.id, cid: commitment.id }, {
          items: collectItems(need, v.qty),
          evidence: [
            ...files.map((f): DeliveryEvidence => ({ kind: f.mediaType === 'application/pdf' ? 'document' : 'photo', sha256: f.sha256, visibility: f.visibility })),
            ...(v.evidence ?? []).filter((e) => e.ref?.trim()).map((e) => ({ kind: e.kind, ref: e.ref.trim(), ...(e.note?.trim() ? { note: e.note.trim() } : {}) })),
          ],
          ...(v.note?.trim() ? { note: v.note.trim() } : {}),
        });
      }}
    >
      {() => (
        <>
          <ItemQuantities items={items.map((x) => x.line)} maxOf={(li) => items.find((x) => x.line.id === li.id)!.remaining} />
          <Typography.Text strong>{t('evidence')}</Typography.Text>
          <EvidenceUploader files={files} onChange={setFiles} onPendingChange={setUploading} keep={{ files: kept, onChange: setKept }} />
          <Form.List
            name="evidence"
            rules={[
              {
                validator: async (_, value) => {
                  if (uploading) throw new Error(t('uploadsPending'));
                  if (!withFiles && (!value || value.length === 0)) throw new Error(t('evidenceRequired'));
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
                    <Form.Item name={[field.name, 'ref']} className="evidence-ref" rules={[{ required: !withFiles && !uploading, whitespace: true, message: t('evidenceRefRequired') }]}>
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
