import { PlusOutlined } from '@ant-design/icons';
import { Button, Card, Empty, Skeleton, Typography } from 'antd';
import { ReactNode } from 'react';
import { Link } from 'react-router';
import { actsForOrganization, useActor } from '../auth';
import { CategoryTag, ErrorAlert, PageTitle, Place } from '../components/common';
import { InvitationActions, TeamStatusTag } from '../components/TeamCommon';
import { useGet, useOrganizationName } from '../hooks';
import { useI18n } from '../i18n';
import { Team, TeamPage } from '../teams';

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

/** /teams: the teams an organization leads, belongs to or is invited to; invitations to answer. */
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
