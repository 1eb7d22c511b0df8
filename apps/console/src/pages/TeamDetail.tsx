import { PlusOutlined } from '@ant-design/icons';
import { Button, Card, Col, Form, Grid, Input, InputNumber, Progress, Row, Select, Skeleton, Space, Table, Tag, Typography } from 'antd';
import type { ColumnsType } from 'antd/es/table';
import { useState } from 'react';
import { Link, useParams } from 'react-router';
import { post } from '../api';
import { actsForOrganization, useActor } from '../auth';
import { ActionModal } from '../components/ActionModal';
import { CategoryTag, ErrorAlert, Place } from '../components/common';
import { OrganizationSelect } from '../components/OrganizationSelect';
import { TeamCommitments } from '../components/TeamCommitments';
import { InvitationActions, TeamStatusTag } from '../components/TeamCommon';
import { TeamSuggestions } from '../components/TeamSuggestions';
import { formatDate, formatDateTime, useGet } from '../hooks';
import { useI18n } from '../i18n';
import { label } from '../labels';
import { HUB_KIND_LABELS, MEMBER_STATUS_COLORS, MEMBER_STATUS_LABELS, Team, TeamMember, TEAM_ROLE_LABELS } from '../teams';
import { useFeedback } from '../feedback';

interface InviteValues {
  organizationId: string;
  role: 'implementing' | 'funding';
  share: number;
  note?: string;
}

function Roster({ team }: { team: Team }) {
  const { t, lang } = useI18n();
  const wide = Grid.useBreakpoint().md ?? true;
  const columns: ColumnsType<TeamMember> = [
    { title: t('organization'), key: 'name', render: (_, m) => m.organizationName },
    { title: t('teamRole'), key: 'role', width: 110, render: (_, m) => label(TEAM_ROLE_LABELS, m.role, lang) },
    { title: t('share'), key: 'share', width: 90, align: 'right', render: (_, m) => `${m.share}%` },
    {
      title: t('status'),
      key: 'status',
      width: 170,
      render: (_, m) => <Tag color={MEMBER_STATUS_COLORS[m.status]}>{label(MEMBER_STATUS_LABELS, m.status, lang)}</Tag>,
    },
    { title: t('since'), key: 'at', width: 170, render: (_, m) => formatDateTime(m.declinedAt ?? m.joinedAt ?? m.invitedAt) },
  ];
  if (wide) return <Table<TeamMember> data-testid="roster" rowKey="organizationId" size="middle" columns={columns} dataSource={team.members} pagination={false} />;
  return (
    <div data-testid="roster" className="roster-cards">
      {team.members.map((m) => (
        <div key={m.organizationId} className="roster-card">
          <div className="card-head-row">
            <b>{m.organizationName}</b>
            <span>{m.share}%</span>
          </div>
          <Space size={4} wrap>
            <Tag>{label(TEAM_ROLE_LABELS, m.role, lang)}</Tag>
            <Tag color={MEMBER_STATUS_COLORS[m.status]}>{label(MEMBER_STATUS_LABELS, m.status, lang)}</Tag>
            <span className="small secondary">{formatDate(m.declinedAt ?? m.joinedAt ?? m.invitedAt)}</span>
          </Space>
          {m.declineReason && <span className="small secondary">{m.declineReason}</span>}
        </div>
      ))}
    </div>
  );
}

function NeedTitle({ id }: { id: string }) {
  const need = useGet<{ title: string; villageCode: string; status: string }>(`/api/needs/${encodeURIComponent(id)}`);
  return (
    <span>
      <Link to={`/needs/${encodeURIComponent(id)}`}>{need.data?.title ?? id}</Link>
      {need.data && (
        <Typography.Text type="secondary" className="small">
          {' '}
          · <Place code={need.data.villageCode} />
        </Typography.Text>
      )}
    </span>
  );
}

/** /teams/:id: the roster, invitations, suggestions, the team's commitments. */
export function TeamDetail() {
  const { t, lang } = useI18n();
  const { id = '' } = useParams();
  const actor = useActor();
  const { message } = useFeedback();
  const { data: team, error, loading, reload } = useGet<Team>(`/api/teams/${encodeURIComponent(id)}`);
  const [dialog, setDialog] = useState<'invite' | 'complete' | 'dissolve' | null>(null);
  const [prefill, setPrefill] = useState<{ organizationId: string; name: string; share: number } | null>(null);
  const isLead = actor.role === 'hub' && !!team && actor.organizationId === team.leadOrganizationId;
  const mine = actsForOrganization(actor) && team?.members.find((m) => m.organizationId === actor.organizationId);
  const active = team?.status === 'active';
  const done = () => {
    setDialog(null);
    setPrefill(null);
    message.success(t('done'));
    reload();
  };
  const left = team ? Math.max(0, 100 - team.sharesCommitted) : 0;
  const taken = team ? team.members.filter((m) => m.status !== 'declined').map((m) => m.organizationId) : [];

  return (
    <>
      <div className="detail-top">
        <Link to="/teams">← {t('backToTeams')}</Link>
      </div>
      <ErrorAlert error={error} action={<Button size="small" onClick={reload}>{t('retry')}</Button>} />
      {loading && !team && <Skeleton active />}
      {team && (
        <>
          <Card className="need-head">
            <Space wrap size={[6, 6]} className="need-tags">
              <TeamStatusTag status={team.status} />
              {team.categories.map((c) => (
                <CategoryTag key={c.code} category={c.code} />
              ))}
            </Space>
            <Typography.Title level={3} className="need-title" data-testid="team-title-heading">
              {team.title}
            </Typography.Title>
            <div className="need-card-meta">
              <span>
                {t('teamTarget')}
                {t('colon')}
                <Place code={team.targetCode} />
              </span>
              <span>
                {t('teamLead')}
                {t('colon')}
                {team.leadOrganizationName}
                {team.leadHubKind ? t('paren', { text: label(HUB_KIND_LABELS, team.leadHubKind, lang) }) : ''}
              </span>
              <span>
                {t('formedAt')}
                {t('colon')}
                {formatDate(team.formedAt)}
              </span>
            </div>
            {team.description && <Typography.Paragraph className="need-description">{team.description}</Typography.Paragraph>}
            {team.closeReason && (
              <Typography.Paragraph type="secondary">
                {t('endReason')}
                {t('colon')}
                {team.closeReason}
              </Typography.Paragraph>
            )}
            <div className="shares">
              <span>{t('sharesCommitted', { n: team.sharesCommitted })}</span>
              <Progress percent={team.sharesCommitted} size="small" showInfo={false} aria-label={t('sharesCommitted', { n: team.sharesCommitted })} />
            </div>
            {isLead && active && (
              <Space wrap className="need-actions">
                <Button type="primary" icon={<PlusOutlined />} onClick={() => setDialog('invite')} data-testid="invite-member">
                  {t('inviteMember')}
                </Button>
                <Button onClick={() => setDialog('complete')} data-testid="complete-team">
                  {t('completeTeam')}
                </Button>
                <Button danger onClick={() => setDialog('dissolve')} data-testid="dissolve-team">
                  {t('dissolveTeam')}
                </Button>
              </Space>
            )}
            {mine && mine.status === 'invited' && active && <InvitationActions team={team} organizationId={mine.organizationId} onDone={reload} />}
          </Card>

          <Card size="small" className="section" title={t('roster')}>
            <Roster team={team} />
          </Card>

          {isLead && active && (
            <TeamSuggestions
              team={team}
              onInvite={(organizationId, name, share) => {
                setPrefill({ organizationId, name, share });
                setDialog('invite');
              }}
            />
          )}

          {team.targetNeedIds.length > 0 && (
            <Card size="small" className="section" title={t('targetNeeds')}>
              <ul className="plain-list">
                {team.targetNeedIds.map((needId) => (
                  <li key={needId}>
                    <NeedTitle id={needId} />
                  </li>
                ))}
              </ul>
            </Card>
          )}

          {(isLead || (mine && mine.status === 'member')) && <TeamCommitments team={team} />}

          <ActionModal<InviteValues>
            key={prefill?.organizationId ?? 'invite'}
            open={dialog === 'invite'}
            onClose={() => {
              setDialog(null);
              setPrefill(null);
            }}
            title={t('inviteMember')}
            intro={t('inviteIntro', { n: left })}
            okText={t('invite')}
            initialValues={{ role: 'implementing', share: prefill?.share ?? Math.min(left, 20), organizationId: prefill?.organizationId }}
            command={(v) => post('/api/teams/{id}/invitations', { id: team.id }, { organizationId: v.organizationId, role: v.role, share: v.share, ...(v.note?.trim() ? { note: v.note.trim() } : {}) })}
            onDone={done}
            testId="invite-dialog"
          >
            {() => (
              <>
                <Form.Item name="organizationId" label={t('organization')} rules={[{ required: true, message: t('orgRequired') }]}>
                  <OrganizationSelect testId="invite-organization" standing="normal" exclude={taken} initialName={prefill?.name} />
                </Form.Item>
                <Row gutter={12}>
                  <Col xs={14}>
                    <Form.Item name="role" label={t('teamRole')} rules={[{ required: true }]}>
                      <Select
                        data-testid="invite-role"
                        options={(['implementing', 'funding'] as const).map((r) => ({ value: r, label: label(TEAM_ROLE_LABELS, r, lang) }))}
                      />
                    </Form.Item>
                  </Col>
                  <Col xs={10}>
                    <Form.Item
                      name="share"
                      label={t('share')}
                      rules={[
                        { required: true, message: t('quantityRequired') },
                        // Said, not silently clamped: a member takes 1–100% of the project.
                        { type: 'integer', min: 1, max: 100, message: t('memberShareRange') },
                      ]}
                    >
                      <InputNumber precision={0} suffix="%" style={{ width: '100%' }} data-testid="invite-share" inputMode="numeric" />
                    </Form.Item>
                  </Col>
                </Row>
                <Form.Item name="note" label={t('note')}>
                  <Input.TextArea rows={2} maxLength={2000} placeholder={t('notePlaceholder')} />
                </Form.Item>
              </>
            )}
          </ActionModal>
          <ActionModal<{ note?: string }>
            open={dialog === 'complete'}
            onClose={() => setDialog(null)}
            title={t('completeTeam')}
            okText={t('completeTeam')}
            command={(v) => post('/api/teams/{id}/complete', { id: team.id }, v.note?.trim() ? { note: v.note.trim() } : {})}
            onDone={done}
            testId="complete-dialog"
          >
            {() => (
              <Form.Item name="note" label={t('note')}>
                <Input.TextArea rows={3} maxLength={500} placeholder={t('notePlaceholder')} />
              </Form.Item>
            )}
          </ActionModal>
          <ActionModal<{ reason: string }>
            open={dialog === 'dissolve'}
            onClose={() => setDialog(null)}
            title={t('dissolveTeam')}
            okText={t('dissolveTeam')}
            danger
            command={(v) => post('/api/teams/{id}/dissolve', { id: team.id }, { reason: v.reason.trim() })}
            onDone={done}
            testId="dissolve-dialog"
          >
            {() => (
              <Form.Item name="reason" label={t('reason')} rules={[{ required: true, whitespace: true, message: t('reasonRequired') }]}>
                <Input.TextArea rows={3} maxLength={500} />
              </Form.Item>
            )}
          </ActionModal>
        </>
      )}
    </>
  );
}
