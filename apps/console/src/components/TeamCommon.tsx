import { Button, Form, Input, Space, Tag, Typography } from 'antd';
import { useState } from 'react';
import { post } from '../api';
import { useI18n } from '../i18n';
import { label } from '../labels';
import { Team, TEAM_ROLE_LABELS, TEAM_STATUS_COLORS, TEAM_STATUS_LABELS } from '../teams';
import { ActionModal } from './ActionModal';
import { useFeedback } from '../feedback';

/** A team's status (active, completed, dissolved) as a coloured tag. */
export function TeamStatusTag({ status }: { status: string }) {
  const { lang } = useI18n();
  return (
    <Tag color={TEAM_STATUS_COLORS[status] ?? 'default'} data-testid="team-status">
      {label(TEAM_STATUS_LABELS, status, lang)}
    </Tag>
  );
}

/** An invited organization's answer to a team's invitation: accept it, or decline it with a reason. */
export function InvitationActions({ team, organizationId, onDone }: { team: Team; organizationId: string; onDone: () => void }) {
  const { t, lang } = useI18n();
  const { message } = useFeedback();
  const [open, setOpen] = useState<'accept' | 'decline' | null>(null);
  const invitation = { id: team.id, orgId: organizationId };
  const me = team.members.find((m) => m.organizationId === organizationId);
  const done = () => {
    setOpen(null);
    message.success(t('done'));
    onDone();
  };
  return (
    <div className="invitation" data-testid={`invitation-${team.id}`}>
      <Typography.Text>
        {t('invitedAs', { role: me ? label(TEAM_ROLE_LABELS, me.role, lang) : '', share: me?.share ?? 0 })}
      </Typography.Text>
      <Space wrap>
        <Button type="primary" onClick={() => setOpen('accept')} data-testid="invitation-accept">
          {t('acceptInvitation')}
        </Button>
        <Button onClick={() => setOpen('decline')} data-testid="invitation-decline">
          {t('declineInvitation')}
        </Button>
      </Space>
      <ActionModal<Record<string, never>>
        open={open === 'accept'}
        onClose={() => setOpen(null)}
        title={t('acceptInvitationTitle', { title: team.title })}
        intro={t('acceptInvitationIntro')}
        okText={t('acceptInvitation')}
        command={() => post('/api/teams/{id}/invitations/{orgId}/accept', invitation)}
        onDone={done}
        testId="accept-invitation-dialog"
      />
      <ActionModal<{ reason?: string }>
        open={open === 'decline'}
        onClose={() => setOpen(null)}
        title={t('declineInvitationTitle', { title: team.title })}
        okText={t('declineInvitation')}
        danger
        command={(v) => post('/api/teams/{id}/invitations/{orgId}/decline', invitation, v.reason?.trim() ? { reason: v.reason.trim() } : {})}
        onDone={done}
        testId="decline-invitation-dialog"
      >
        {() => (
          <Form.Item name="reason" label={t('reason')}>
            <Input.TextArea rows={3} maxLength={500} placeholder={t('notePlaceholder')} />
          </Form.Item>
        )}
      </ActionModal>
    </div>
  );
}
