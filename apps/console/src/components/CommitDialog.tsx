import { DatePicker, Form, Input, Select, Typography } from 'antd';
import dayjs, { Dayjs } from 'dayjs';
import { useState } from 'react';
import { post, type Need } from '../api';
import { formatQuantity, useGet, useOrganizationName, yuanToFen } from '../hooks';
import type { Team, TeamPage } from '../teams';
import { useI18n } from '../i18n';
import { useActor } from '../auth';
import { ActionModal, FormProblem } from './ActionModal';
import { collectItems, ItemQuantities, QuantityInput, toQuantity, useAtMostRule } from './ItemQuantities';
import type { DialogProps } from './NeedDialogs';

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
  const atMost = useAtMostRule();
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
              <Form.Item key={m.organizationId} name={['shares', m.organizationId, li.id]} label={m.organizationName} className="team-share-member" rules={[atMost(li, toQuantity(li, qty![li.id]!))]}>
                <QuantityInput item={li} max={toQuantity(li, qty![li.id]!)} data-testid={`share-${m.organizationId}-${li.id}`} />
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

/** An organization's offer to take on line items of a need, alone or on behalf of a team it leads. */
export function CommitDialog({ need, onClose, onDone }: DialogProps) {
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
      initialValues={{ promisedBy: due }}
      onClose={onClose}
      onDone={onDone}
      // An offer made where the signal dropped waits in the outbox with its key, sent once online.
      queueOffline={`${t('commitTitle')}${t('colon')}${need.title}`}
      command={(v) => {
        const items = collectItems(need, v.qty);
        if (!actor.organizationId) throw new FormProblem('只有社会组织可以接单 (only an organization takes on a need)');
        return post('/api/needs/{id}/commitments', { id: need.id }, {
          organizationId: actor.organizationId,
          organizationName: (knownName ?? v.organizationName ?? '').trim(),
          items,
          ...(team ? { teamId: team.id, shares: collectShares(need, team, items, v.shares) } : {}),
          promisedBy: v.promisedBy.format('YYYY-MM-DD'),
          ...(v.note?.trim() ? { note: v.note.trim() } : {}),
        });
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
