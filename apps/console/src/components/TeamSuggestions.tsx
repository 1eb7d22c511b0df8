import { Alert, Button, Card, InputNumber, Space, Tag, Typography } from 'antd';
import { useState } from 'react';
import { post, sendCommand } from '../api';
import { formatFen, unitLabel, useApiOffers } from '../hooks';
import { useI18n } from '../i18n';
import { label } from '../labels';
import { Team, TEAM_ROLE_LABELS, TeamSuggestion } from '../teams';
import { ErrorAlert, Place } from './common';

/** The matching context's suggestion of whom to invite to a team, and which of its target needs' line items each would take. */
export function TeamSuggestions({ team, onInvite }: { team: Team; onInvite: (organizationId: string, name: string, share: number) => void }) {
  const { t, lang } = useI18n();
  const offered = useApiOffers('/api/teams/suggestions');
  const [suggestion, setSuggestion] = useState<TeamSuggestion | null>(null);
  const [error, setError] = useState<unknown>();
  const [pending, setPending] = useState(false);
  const [maxInvitations, setMaxInvitations] = useState<number | null>(null);
  if (!offered || team.targetNeedIds.length === 0) return null;
  // Who is already asked: members read as in the team, open invitations as awaiting the answer; one who declined may be invited again.
  const statusOf = new Map(team.members.map((m) => [m.organizationId, m.status] as const));
  const already = new Set(team.members.filter((m) => m.status !== 'declined').map((m) => m.organizationId));
  const ask = async () => {
    setPending(true);
    setError(undefined);
    try {
      setSuggestion(
        await sendCommand<TeamSuggestion>(
          post('/api/teams/suggestions', { hubOrganizationId: team.leadOrganizationId, needIds: team.targetNeedIds.slice(0, 10), ...(maxInvitations ? { maxInvitations } : {}) }),
        ),
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
                {statusOf.get(m.organizationId) === 'member' ? (
                  <Tag color="green" data-testid="suggested-status">{t('alreadyInTeam')}</Tag>
                ) : statusOf.get(m.organizationId) === 'invited' ? (
                  <Tag color="gold" data-testid="suggested-status">{t('alreadyInvited')}</Tag>
                ) : (
                  <Space size={4}>
                    {statusOf.get(m.organizationId) === 'declined' && <Tag data-testid="suggested-status">{t('declinedBefore')}</Tag>}
                    <Button size="small" type="primary" onClick={() => onInvite(m.organizationId, m.name, each)} data-testid={`invite-suggested-${m.organizationId}`}>
                      {statusOf.get(m.organizationId) === 'declined' ? t('inviteAgain') : t('invite')}
                    </Button>
                  </Space>
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
