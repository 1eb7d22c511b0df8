import { Alert, Button, Card, DatePicker, Empty, Form, Input, InputNumber, Skeleton, Space, Tag, Typography } from 'antd';
import dayjs, { Dayjs } from 'dayjs';
import { useState } from 'react';
import { post, type PostBody } from '../api';
import { ActionModal, FormProblem } from '../components/ActionModal';
import { ErrorAlert, PageTitle } from '../components/common';
import { EvidenceView } from '../components/Evidence';
import { EvidenceUploader, UploadedFile } from '../components/EvidenceUploader';
import { Allocation, donorName, Flow, FlowPage, USE_EVIDENCE_LABELS, Use } from '../donations';
import { formatDate, formatFen, useGet, useOrganizationName, yuanToFen } from '../hooks';
import { useI18n } from '../i18n';
import { actsForOrganization, useActor } from '../auth';
import { useFeedback } from '../feedback';

type UseEvidence = PostBody<'/api/donations/{id}/uses/{useId}/evidence'>['evidence'][number];

const fileEvidence = (files: UploadedFile[]) => files.map((f): UseEvidence => ({ kind: f.mediaType === 'application/pdf' ? 'invoice' : 'photo', sha256: f.sha256, visibility: f.visibility }));

type Dialog = { type: 'use'; flow: Flow; allocation: Allocation } | { type: 'evidence'; flow: Flow; use: Use };

/** Recording a use of an allocation (使用), with evidence files; money in yuan, goods in their unit. */
function UseDialog({ flow, allocation, onClose, onDone }: { flow: Flow; allocation: Allocation; onClose: () => void; onDone: () => void }) {
  const { t } = useI18n();
  const [files, setFiles] = useState<UploadedFile[]>([]);
  const [uploading, setUploading] = useState(0);
  const money = flow.resource.kind === 'money';
  const left = allocation.net - (allocation.used ?? 0);
  return (
    <ActionModal<{ amount?: number | null; usedOn?: Dayjs; note?: string }>
      open
      width={680}
      testId="use-dialog"
      title={t('recordUse')}
      intro={allocation.target.kind === 'need' ? allocation.target.title : allocation.target.kind === 'village' ? allocation.target.project : ''}
      initialValues={{ usedOn: dayjs() }}
      onClose={onClose}
      onDone={onDone}
      command={(v) => {
        if (uploading) throw new FormProblem(t('uploadsPending'));
        const amount = money ? yuanToFen(v.amount ?? 0) : Math.round(v.amount ?? 0);
        if (amount <= 0) throw new FormProblem('请填写使用数量 (enter the amount used)');
        return post('/api/donations/{id}/uses', { id: flow.id }, {
          allocationId: allocation.id,
          ...(allocation.target.kind === 'need' ? { needId: allocation.target.needId } : {}),
          amount,
          usedOn: (v.usedOn ?? dayjs()).format('YYYY-MM-DD'),
          evidence: fileEvidence(files),
          ...(v.note?.trim() ? { note: v.note.trim() } : {}),
        });
      }}
    >
      {() => (
        <>
          <Form.Item name="amount" label={`${t('useAmount')}（${money ? t('yuan') : flow.unit}，${t('useLeft', { left: money ? formatFen(left) : `${left} ${flow.unit}` })}）`} rules={[{ required: true }]}>
            <InputNumber min={0} max={money ? left / 100 : left} style={{ width: '100%' }} data-testid="use-amount" />
          </Form.Item>
          <Form.Item name="usedOn" label={t('usedOn')} rules={[{ required: true }]}>
            <DatePicker />
          </Form.Item>
          <Typography.Text strong>{t('evidence')}</Typography.Text>
          <EvidenceUploader files={files} onChange={setFiles} onPendingChange={setUploading} />
          {files.length === 0 && <Alert type="warning" showIcon title={t('useWithoutEvidence')} className="section" />}
          <Form.Item name="note" label={t('note')}>
            <Input.TextArea rows={2} maxLength={2000} />
          </Form.Item>
        </>
      )}
    </ActionModal>
  );
}

/** Adding evidence files to a use recorded without them (补充凭证). */
function AddEvidenceDialog({ flow, use, onClose, onDone }: { flow: Flow; use: Use; onClose: () => void; onDone: () => void }) {
  const { t } = useI18n();
  const [files, setFiles] = useState<UploadedFile[]>([]);
  const [uploading, setUploading] = useState(0);
  return (
    <ActionModal<object>
      open
      width={640}
      testId="add-evidence-dialog"
      title={t('addUseEvidence')}
      intro={`${formatDate(use.usedOn)} · ${flow.resource.kind === 'money' ? formatFen(use.amount) : `${use.amount} ${flow.unit}`}`}
      onClose={onClose}
      onDone={onDone}
      command={() => {
        if (uploading) throw new FormProblem(t('uploadsPending'));
        if (files.length === 0) throw new FormProblem('请先上传证明材料 (upload evidence first)');
        return post('/api/donations/{id}/uses/{useId}/evidence', { id: flow.id, useId: use.id }, { evidence: fileEvidence(files) });
      }}
    >
      {() => <EvidenceUploader files={files} onChange={setFiles} onPendingChange={setUploading} />}
    </ActionModal>
  );
}

/**
 * The organization's donations (捐赠使用): what it received and allocated to villages and needs,
 * where it records uses with their evidence files and adds evidence to uses that lack it.
 */
export function MyDonations() {
  const { t, pick } = useI18n();
  const { message } = useFeedback();
  const actor = useActor();
  const organization = actsForOrganization(actor);
  const organizationName = useOrganizationName(actor.organizationId);
  const { data, error, loading, reload } = useGet<FlowPage>(organization ? '/api/donations?pageSize=100' : null);
  const [dialog, setDialog] = useState<Dialog | null>(null);
  const flows = (data?.items ?? []).filter((f) => f.recipient.organizationId === actor.organizationId && f.receivedAt);
  const done = () => {
    setDialog(null);
    message.success(t('done'));
    reload();
  };
  return (
    <>
      <PageTitle title={t('myDonationsTitle')} intro={organization ? `${organizationName ?? actor.organizationId} · ${t('myDonationsIntro')}` : t('myDonationsIntro')} />
      {!organization && <Alert type="info" showIcon title={t('orgOnlyPage')} />}
      <ErrorAlert error={error} action={<Button size="small" onClick={reload}>{t('retry')}</Button>} />
      {organization && loading && !data && <Skeleton active />}
      {data && flows.length === 0 && <Empty description={t('noDonations')} />}
      <div data-testid="my-donations">
        {flows.map((flow) => (
          <Card key={flow.id} size="small" className="section" data-testid={`flow-${flow.id}`} title={`${donorName(flow.donor, pick)} · ${flow.resource.kind === 'money' ? formatFen(flow.received) : `${flow.received} ${flow.unit}`}`}>
            {flow.allocations
              .filter((a) => a.target.kind === 'need' || a.target.kind === 'village')
              .map((a) => {
                const left = a.net - (a.used ?? 0);
                return (
                  <div key={a.id} className="task">
                    <div className="task-text">
                      {a.target.kind === 'need' ? a.target.title : a.target.kind === 'village' ? a.target.project : ''}
                      <div className="small secondary">{t('useLeft', { left: flow.resource.kind === 'money' ? formatFen(left) : `${left} ${flow.unit}` })}</div>
                    </div>
                    {left > 0 && (
                      <Button type="primary" onClick={() => setDialog({ type: 'use', flow, allocation: a })} data-testid="record-use">
                        {t('recordUse')}
                      </Button>
                    )}
                  </div>
                );
              })}
            {flow.uses.map((u) => (
              <div key={u.id} className="delivery" data-testid="use">
                <div className="delivery-head">
                  <span>
                    {formatDate(u.usedOn)} · {flow.resource.kind === 'money' ? formatFen(u.amount) : `${u.amount} ${flow.unit}`}
                  </span>
                  {u.confirmedAt ? <Tag color="green">{t('confirmed')}</Tag> : <Tag color="gold">{t('unconfirmed')}</Tag>}
                </div>
                <EvidenceView evidence={u.evidence} base={`/api/donations/${encodeURIComponent(flow.id)}`} labelOf={(k) => pick(USE_EVIDENCE_LABELS[k] ?? [k, k])} />
                {!u.confirmedAt && (
                  <Space>
                    <Button size="small" onClick={() => setDialog({ type: 'evidence', flow, use: u })} data-testid="add-use-evidence">
                      {t('addUseEvidence')}
                    </Button>
                  </Space>
                )}
              </div>
            ))}
          </Card>
        ))}
      </div>
      {dialog?.type === 'use' && <UseDialog flow={dialog.flow} allocation={dialog.allocation} onClose={() => setDialog(null)} onDone={done} />}
      {dialog?.type === 'evidence' && <AddEvidenceDialog flow={dialog.flow} use={dialog.use} onClose={() => setDialog(null)} onDone={done} />}
    </>
  );
}
