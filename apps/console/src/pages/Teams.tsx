import { PlusOutlined, TeamOutlined } from '@ant-design/icons';
import { Alert, App, Button, Card, Col, Empty, Form, Grid, Input, InputNumber, Progress, Row, Select, Skeleton, Space, Table, Tag, Typography } from 'antd';
import type { ColumnsType } from 'antd/es/table';
import { ReactNode, useState } from 'react';
import { Link, useNavigate, useParams } from 'react-router';
import { ApiError, NeedListItem, NeedPage, request } from '../api';
import { actsForOrganization, useActor } from '../auth';
import { ActionModal } from '../components/ActionModal';
import { CategoryTag, CommitmentStatusTag, ErrorAlert, PageTitle, Place } from '../components/common';
import { OrganizationSelect } from '../components/OrganizationSelect';
import { RegionPicker } from '../components/RegionPicker';
import { formatDate, formatDateTime, formatFen, unitLabel, useApiOffers, useCommand, useGet, useOrganizationName } from '../hooks';
import { useI18n } from '../i18n';
import { CATEGORIES, CATEGORY_LABELS, label } from '../labels';
import {
  HUB_KIND_LABELS,
  MEMBER_STATUS_COLORS,
  MEMBER_STATUS_LABELS,
  Team,
  TeamCommandResult,
  TeamMember,
  TeamPage,
  TEAM_ROLE_LABELS,
  TEAM_STATUS_COLORS,
  TEAM_STATUS_LABELS,
  TeamSuggestion,
} from '../teams';

const OPEN_NEED_STATUSES = ['published', 'partially_committed'];

function TeamStatusTag({ status }: { status: string }) {
  const { lang } = useI18n();
  return (
    <Tag color={TEAM_STATUS_COLORS[status] ?? 'default'} data-testid="team-status">
      {label(TEAM_STATUS_LABELS, status, lang)}
    </Tag>
  );
}

/** A team as a card in the lists: title, status, target area, lead and roster in brief. */
function TeamCard({ team, extra }: { team: Team; extra?: ReactNode }) {
  const { t } = useI18n();
  const joined = team.members.filter((m) => m.status === 'member').length;
  const invited = team.members.filter((m) => m.status === 'invited').length;
  return (
    <Card size="small" className="need-card team-card" data-testid={`team-${team.id}`}>
      <Link to={`/teams/${encodeURIComponent(team.id)}`} className="need-link need-card-title">
        {team.title}
      </Link>
      <div className="need-card-tags">
        <TeamStatusTag status={team.status} />
        {team.categories.map((c) => (
          <CategoryTag key={c.code} category={c.code} />
        ))}
      </div>
      <Typography.Text type="secondary" className="need-card-place">
        <Place code={team.targetCode} />
      </Typography.Text>
      <div className="need-card-meta">
        <span>
          {t('teamLead')}
          {t('colon')}
          {team.leadOrganizationName}
        </span>
        <span>{t('teamMembersCount', { joined, invited })}</span>
        <span>{t('sharesCommitted', { n: team.sharesCommitted })}</span>
      </div>
      {extra}
    </Card>
  );
}

// ---------------------------------------------------------------------------------------------
// /teams: the teams an organization leads, belongs to or is invited to; invitations to answer
// ---------------------------------------------------------------------------------------------

function InvitationActions({ team, organizationId, onDone }: { team: Team; organizationId: string; onDone: () => void }) {
  const { t, lang } = useI18n();
  const { message } = App.useApp();
  const [open, setOpen] = useState<'accept' | 'decline' | null>(null);
  const base = `/api/teams/${encodeURIComponent(team.id)}/invitations/${encodeURIComponent(organizationId)}`;
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
        path={`${base}/accept`}
        toBody={() => ({})}
        onDone={done}
        testId="accept-invitation-dialog"
      />
      <ActionModal<{ reason?: string }>
        open={open === 'decline'}
        onClose={() => setOpen(null)}
        title={t('declineInvitationTitle', { title: team.title })}
        okText={t('declineInvitation')}
        danger
        path={`${base}/decline`}
        toBody={(v) => (v.reason?.trim() ? { reason: v.reason.trim() } : {})}
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

export function Teams() {
  const { t } = useI18n();
  const actor = useActor();
  const organization = actsForOrganization(actor) ? actor.organizationId! : undefined;
  const organizationName = useOrganizationName(organization);
  const path = organization ? `/api/teams?organizationId=${encodeURIComponent(organization)}&pageSize=100` : `/api/teams?pageSize=50${actor.scope && actor.scope.length > 2 ? `&division=${actor.scope}` : ''}`;
  const { data, error, loading, reload } = useGet<TeamPage>(path);
  const teams = data?.items ?? [];
  const led = organization ? teams.filter((tm) => tm.leadOrganizationId === organization) : [];
  const invitations = organization ? teams.filter((tm) => tm.status === 'active' && tm.members.some((m) => m.organizationId === organization && m.status === 'invited')) : [];
  const joined = organization ? teams.filter((tm) => tm.leadOrganizationId !== organization && tm.members.some((m) => m.organizationId === organization && m.status === 'member')) : teams;

  return (
    <>
      <PageTitle
        title={t('teamsTitle')}
        intro={organization ? `${organizationName ?? organization} · ${t('teamsIntro')}` : t('teamsIntroAll')}
        extra={
          actor.role === 'hub' && (
            <Link to="/teams/new">
              <Button type="primary" icon={<PlusOutlined />} data-testid="form-team">
                {t('formTeam')}
              </Button>
            </Link>
          )
        }
      />
      <ErrorAlert error={error} action={<Button size="small" onClick={reload}>{t('retry')}</Button>} />
      {loading && !data && <Skeleton active />}
      {organization && invitations.length > 0 && (
        <Card size="small" className="section" title={t('invitationsTitle')} data-testid="invitations">
          {invitations.map((team) => (
            <TeamCard key={team.id} team={team} extra={<InvitationActions team={team} organizationId={organization} onDone={reload} />} />
          ))}
        </Card>
      )}
      {actor.role === 'hub' && data && (
        <Card size="small" className="section" title={t('teamsLed')} data-testid="teams-led">
          {led.length === 0 ? (
            <Empty description={t('noTeamsLed')}>
              <Link to="/teams/new">
                <Button type="primary">{t('formTeam')}</Button>
              </Link>
            </Empty>
          ) : (
            <div className="team-grid">
              {led.map((team) => (
                <TeamCard key={team.id} team={team} />
              ))}
            </div>
          )}
        </Card>
      )}
      {data && (
        <Card size="small" className="section" title={organization ? t('teamsJoined') : t('teamsAll')} data-testid="teams-joined">
          {joined.length === 0 ? (
            <Empty description={organization ? t('noTeamsJoined') : t('noTeams')} />
          ) : (
            <div className="team-grid">
              {joined.map((team) => (
                <TeamCard key={team.id} team={team} />
              ))}
            </div>
          )}
        </Card>
      )}
    </>
  );
}

// ---------------------------------------------------------------------------------------------
// /teams/new: form a team for a target area and project
// ---------------------------------------------------------------------------------------------

interface TeamFormValues {
  region?: string[];
  title?: string;
  description?: string;
  categories?: string[];
  targetNeedIds?: string[];
  leadShare?: number;
}

export function NewTeam() {
  const { t, pick } = useI18n();
  const actor = useActor();
  const navigate = useNavigate();
  const [form] = Form.useForm<TeamFormValues>();
  const { run, pending } = useCommand();
  const [error, setError] = useState<unknown>();
  const region = Form.useWatch('region', form) ?? [];
  const target = region[region.length - 1];
  const categories = Form.useWatch('categories', form) ?? [];
  const needs = useGet<NeedPage>(target ? `/api/needs?division=${target}&pageSize=100` : null);
  const open = (needs.data?.items ?? []).filter((n) => OPEN_NEED_STATUSES.includes(n.status) && (categories.length === 0 || categories.includes(n.category)));

  if (actor.role !== 'hub' || !actor.organizationId) {
    return (
      <>
        <PageTitle title={t('formTeam')} />
        <Alert type="info" showIcon title={t('hubsOnly')} />
      </>
    );
  }

  const submit = async (values: TeamFormValues) => {
    setError(undefined);
    try {
      const result = await run<TeamCommandResult & { needId: string }>('/api/teams', {
        leadOrganizationId: actor.organizationId,
        targetCode: values.region![values.region!.length - 1],
        title: values.title!.trim(),
        ...(values.description?.trim() ? { description: values.description.trim() } : {}),
        categories: values.categories,
        targetNeedIds: values.targetNeedIds ?? [],
        leadShare: values.leadShare ?? 0,
      });
      navigate(`/teams/${encodeURIComponent(result.teamId)}`, { state: { position: result.position } });
    } catch (failure) {
      setError(failure);
    }
  };

  return (
    <>
      <PageTitle title={t('formTeam')} intro={t('formTeamIntro')} />
      <Card className="section">
        <Form<TeamFormValues> form={form} layout="vertical" onFinish={submit} initialValues={{ leadShare: 40 }} data-testid="team-form" scrollToFirstError>
          <Form.Item
            name="region"
            label={t('teamTarget')}
            extra={t('teamTargetHelp')}
            rules={[{ validator: (_, v?: string[]) => (v && v.length > 0 ? Promise.resolve() : Promise.reject(new Error(t('teamTargetRequired')))) }]}
          >
            <RegionPicker depth={4} allowClear placeholders={['chooseCity', 'chooseCounty', 'chooseTown', 'chooseVillage']} />
          </Form.Item>
          <Row gutter={12}>
            <Col xs={24} md={14}>
              <Form.Item name="title" label={t('teamTitle')} rules={[{ required: true, whitespace: true, message: t('titleRequired') }]}>
                <Input maxLength={100} placeholder={t('teamTitlePlaceholder')} data-testid="team-title" />
              </Form.Item>
            </Col>
            <Col xs={24} md={10}>
              <Form.Item name="categories" label={t('category')} rules={[{ required: true, message: t('categoryRequired') }]}>
                <Select
                  mode="multiple"
                  data-testid="team-categories"
                  showSearch={{ optionFilterProp: 'label' }}
                  placeholder={t('chooseCategories')}
                  options={CATEGORIES.map((c) => ({ value: c, label: pick(CATEGORY_LABELS[c]) }))}
                />
              </Form.Item>
            </Col>
          </Row>
          <Form.Item name="description" label={t('description')}>
            <Input.TextArea rows={3} maxLength={4000} placeholder={t('teamDescPlaceholder')} />
          </Form.Item>
          <Form.Item name="targetNeedIds" label={t('targetNeeds')} extra={target ? t('targetNeedsHelp', { n: open.length }) : t('chooseAreaFirst')}>
            <Select
              mode="multiple"
              data-testid="team-needs"
              disabled={!target}
              loading={needs.loading}
              placeholder={t('chooseNeeds')}
              showSearch={{ optionFilterProp: 'label' }}
              options={open.map((n: NeedListItem) => ({ value: n.id, label: n.title }))}
              maxCount={50}
            />
          </Form.Item>
          <Form.Item name="leadShare" label={t('leadShare')} extra={t('leadShareHelp')} rules={[{ required: true, message: t('quantityRequired') }]}>
            <InputNumber min={0} max={100} precision={0} suffix="%" style={{ width: 160 }} data-testid="lead-share" inputMode="numeric" />
          </Form.Item>
          <ErrorAlert error={error} extra={error instanceof ApiError ? (error.network ? t('networkRetry') : t('formKept')) : undefined} />
          <Space wrap className="form-buttons">
            <Button type="primary" htmlType="submit" loading={pending} icon={<TeamOutlined />} data-testid="submit-team">
              {t('formTeamSubmit')}
            </Button>
            <Link to="/teams">
              <Button>{t('cancel')}</Button>
            </Link>
          </Space>
        </Form>
      </Card>
    </>
  );
}

// ---------------------------------------------------------------------------------------------
// /teams/:id: the roster, invitations, suggestions, the team's commitments
// ---------------------------------------------------------------------------------------------

interface InviteValues {
  organizationId?: string;
  role?: 'implementing' | 'funding';
  share?: number;
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

function Suggestions({ team, onInvite }: { team: Team; onInvite: (organizationId: string, name: string, share: number) => void }) {
  const { t, lang } = useI18n();
  const offered = useApiOffers('/api/teams/suggestions');
  const [suggestion, setSuggestion] = useState<TeamSuggestion | null>(null);
  const [error, setError] = useState<unknown>();
  const [pending, setPending] = useState(false);
  const [maxInvitations, setMaxInvitations] = useState<number | null>(null);
  if (!offered || team.targetNeedIds.length === 0) return null;
  const already = new Set(team.members.filter((m) => m.status !== 'declined').map((m) => m.organizationId));
  const ask = async () => {
    setPending(true);
    setError(undefined);
    try {
      setSuggestion(
        await request<TeamSuggestion>('POST', '/api/teams/suggestions', {
          body: { hubOrganizationId: team.leadOrganizationId, needIds: team.targetNeedIds.slice(0, 10), ...(maxInvitations ? { maxInvitations } : {}) },
        }),
      );
    } catch (failure) {
      setError(failure);
    } finally {
      setPending(false);
    }
  };
  const open = suggestion?.invitations.filter((m) => !already.has(m.organizationId)) ?? [];
  const left = Math.max(0, 100 - team.sharesCommitted);
  const each = open.length > 0 ? Math.floor(left / open.length) : 0;
  const items = (list: TeamSuggestion['uncovered']) =>
    list.map((li) => `${li.description} ${li.unit === '分' ? formatFen(li.quantity) : `${li.quantity.toLocaleString('zh-CN')} ${unitLabel(li.unit, lang)}`}`).join(lang === 'zh' ? '、' : ', ');
  return (
    <Card size="small" className="section" title={t('suggestionsTitle')} data-testid="suggestions">
      <Typography.Paragraph type="secondary">{t('suggestionsIntro')}</Typography.Paragraph>
      <Space wrap className="section">
        <span>{t('maxInvitations')}</span>
        <InputNumber min={1} max={50} precision={0} value={maxInvitations} onChange={setMaxInvitations} placeholder={t('noLimit')} style={{ width: 120 }} inputMode="numeric" />
        <Button type="primary" ghost loading={pending} onClick={ask} data-testid="ask-suggestions">
          {suggestion ? t('askAgain') : t('askSuggestions')}
        </Button>
      </Space>
      <ErrorAlert error={error} />
      {suggestion && (
        <>
          <Alert
            className="section"
            type={suggestion.covered === suggestion.lineItems ? 'success' : 'warning'}
            showIcon
            title={t('suggestionCoverage', { covered: suggestion.covered, total: suggestion.lineItems, n: suggestion.invitations.length, considered: suggestion.candidatesConsidered })}
            description={suggestion.optimal ? t('suggestionOptimal') : t('suggestionGreedy')}
          />
          {suggestion.hub.lineItems.length > 0 && (
            <div className="suggested">
              <div className="card-head-row">
                <b>{suggestion.hub.name}</b>
                <Tag>{label(TEAM_ROLE_LABELS, 'lead', lang)}</Tag>
              </div>
              <span className="small">{items(suggestion.hub.lineItems)}</span>
            </div>
          )}
          {suggestion.invitations.map((m) => (
            <div key={m.organizationId} className="suggested" data-testid={`suggested-${m.organizationId}`}>
              <div className="card-head-row">
                <b>{m.name}</b>
                {already.has(m.organizationId) ? (
                  <Tag color="green">{t('alreadyInTeam')}</Tag>
                ) : (
                  <Button size="small" type="primary" onClick={() => onInvite(m.organizationId, m.name, each)} data-testid={`invite-suggested-${m.organizationId}`}>
                    {t('invite')}
                  </Button>
                )}
              </div>
              <span className="small secondary">
                <Place code={m.homeDivisionCode} />
              </span>
              <span className="small">{items(m.lineItems)}</span>
            </div>
          ))}
          {suggestion.uncovered.length > 0 && (
            <Typography.Paragraph type="warning" className="small">
              {t('uncovered')}
              {t('colon')}
              {items(suggestion.uncovered)}
            </Typography.Paragraph>
          )}
        </>
      )}
    </Card>
  );
}

interface CommitmentRow {
  needId: string;
  id: string;
  needTitle: string;
  villageCode: string;
  status: string;
  promisedBy: string;
  overdue: boolean;
  deliveryCount: number;
  team: { teamId: string; title: string; memberIds: string[] } | null;
}

function TeamCommitments({ team }: { team: Team }) {
  const { t } = useI18n();
  const { data, error, reload } = useGet<{ items: CommitmentRow[] }>('/api/commitments?pageSize=100');
  const rows = (data?.items ?? []).filter((c) => c.team?.teamId === team.id);
  return (
    <Card size="small" className="section" title={t('teamCommitments')} data-testid="team-commitments">
      <ErrorAlert error={error} action={<Button size="small" onClick={reload}>{t('retry')}</Button>} />
      {data && rows.length === 0 && <Empty description={t('noTeamCommitments')} />}
      {rows.map((c) => (
        <div key={`${c.needId}/${c.id}`} className="task">
          <div className="task-text">
            <Link to={`/needs/${encodeURIComponent(c.needId)}`} className="need-link">
              {c.needTitle}
            </Link>
            <div className="small secondary">
              <Place code={c.villageCode} /> · {t('promisedBy')}
              {t('colon')}
              {formatDate(c.promisedBy)}
            </div>
          </div>
          <Space size={4} wrap>
            <CommitmentStatusTag status={c.status} />
            {c.overdue && <Tag color="red">{t('overdue')}</Tag>}
            {c.deliveryCount > 0 && <Tag>{t('deliveryCount', { n: c.deliveryCount })}</Tag>}
          </Space>
        </div>
      ))}
    </Card>
  );
}

export function TeamDetail() {
  const { t, lang } = useI18n();
  const { id = '' } = useParams();
  const actor = useActor();
  const { message } = App.useApp();
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
              <Progress percent={team.sharesCommitted} size="small" showInfo={false} />
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
            <Suggestions
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
            path={`/api/teams/${encodeURIComponent(team.id)}/invitations`}
            initialValues={{ role: 'implementing', share: prefill?.share ?? Math.min(left, 20), organizationId: prefill?.organizationId }}
            toBody={(v) => ({ organizationId: v.organizationId, role: v.role, share: v.share, ...(v.note?.trim() ? { note: v.note.trim() } : {}) })}
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
                    <Form.Item name="share" label={t('share')} rules={[{ required: true, message: t('quantityRequired') }]}>
                      <InputNumber min={0} max={100} precision={0} suffix="%" style={{ width: '100%' }} data-testid="invite-share" inputMode="numeric" />
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
            path={`/api/teams/${encodeURIComponent(team.id)}/complete`}
            toBody={(v) => (v.note?.trim() ? { note: v.note.trim() } : {})}
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
            path={`/api/teams/${encodeURIComponent(team.id)}/dissolve`}
            toBody={(v) => ({ reason: v.reason.trim() })}
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
