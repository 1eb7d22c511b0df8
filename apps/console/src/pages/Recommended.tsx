import { Alert, Button, Card, Col, Empty, Progress, Row, Skeleton, Space, Tag, Tooltip, Typography } from 'antd';
import { useState } from 'react';
import { Link } from 'react-router';
import { splitBilingual } from '../api';
import { actsForOrganization, useActor } from '../auth';
import { CategoryFilter } from '../components/CategoryFilter';
import { CategoryTag, ErrorAlert, PageTitle, Place } from '../components/common';
import { AreaFilter, areaOf } from '../components/RegionPicker';
import { formatDate, formatQuantity, useFilterParams, useGet, useOrganizationName } from '../hooks';
import { Lang, MessageKey, useI18n } from '../i18n';
import { formatPoints } from '../needs';

export interface Factor {
  points: number;
  max: number;
  reason: string;
}

export interface Fairness {
  waitingDays: number;
  villagePaired: boolean;
  waiting: number;
  unpaired: number;
  total: number;
  reason: string;
}

interface RecommendedNeed {
  rank: number;
  id: string;
  title: string;
  category: string;
  villageCode: string;
  status: string;
  publishedAt: string | null;
  lacking: Array<{ id: string; kind: string; description: string; unit: string; quantity: number; lacking: number }>;
  fairness: Fairness;
  score: number;
  priority: number;
  factors: Record<string, Factor>;
}

interface Recommendation {
  organization: { id: string; name: string; eligible: boolean };
  reason?: string;
  openNeeds: number;
  needs: RecommendedNeed[];
}

/** The API's "中文 (english)" text in the reader's language. */
export const inLang = (text: string, lang: Lang) => {
  const parts = splitBilingual(text);
  return (lang === 'zh' ? parts.zh ?? parts.en : parts.en ?? parts.zh) ?? text;
};

const FACTOR_LABELS: Record<string, MessageKey> = {
  category: 'factorCategory',
  proximity: 'factorProximity',
  pairing: 'factorPairing',
  capacity: 'factorCapacity',
  reliability: 'factorReliability',
  team: 'factorTeam',
};

/** Each factor of a score with its points out of its weight and the reason, in the reader's language. */
export function ScoreFactors({ factors, fairness, testId }: { factors: Record<string, Factor>; fairness?: Fairness; testId?: string }) {
  const { t, lang } = useI18n();
  return (
    <div className="score-factors" data-testid={testId}>
      {Object.entries(factors).map(([name, f]) => (
        <div key={name} className="score-factor">
          <span className="score-factor-name">{FACTOR_LABELS[name] ? t(FACTOR_LABELS[name]) : name}</span>
          <Progress percent={f.max ? (100 * f.points) / f.max : 0} aria-label={FACTOR_LABELS[name] ? t(FACTOR_LABELS[name]) : name} showInfo={false} size="small" strokeColor={f.points === f.max ? '#389e0d' : undefined} />
          <span className="score-factor-points">{`${formatPoints(f.points)}/${f.max}`}</span>
          <Typography.Text type="secondary" className="score-factor-reason">
            {inLang(f.reason, lang)}
          </Typography.Text>
        </div>
      ))}
      {fairness && fairness.total > 0 && (
        <div className="score-factor">
          <span className="score-factor-name">{t('factorFairness')}</span>
          <Progress percent={(100 * fairness.total) / 25} aria-label={t('factorFairness')} showInfo={false} size="small" strokeColor="#d48806" />
          <span className="score-factor-points">{`+${formatPoints(fairness.total)}`}</span>
          <Typography.Text type="secondary" className="score-factor-reason">
            {inLang(fairness.reason, lang)}
          </Typography.Text>
        </div>
      )}
    </div>
  );
}

/**
 * 推荐需求: the open needs an organization could take, best first, each with its score and the
 * reasons for it (service field, distance, pairing, capacity, reliability, team), and the
 * fairness bonus of villages that have waited long or have no pairing.
 */
export function Recommended() {
  const { t, lang } = useI18n();
  const actor = useActor();
  const organization = actsForOrganization(actor) ? actor.organizationId! : undefined;
  const organizationName = useOrganizationName(organization);
  const [params, setFilter] = useFilterParams();
  const category = params.get('category') ?? undefined;
  const region = areaOf(params);
  // The API ranks up to 100: thirty at first, more on request.
  const [limit, setLimit] = useState(30);
  const query = new URLSearchParams({ limit: String(limit) });
  if (category) query.set('category', category);
  if (region.length) query.set('division', region[region.length - 1]);
  const { data, error, loading, reload } = useGet<Recommendation>(organization ? `/api/organizations/${encodeURIComponent(organization)}/recommended-needs?${query}` : null);


  return (
    <>
      <PageTitle title={t('recommendedTitle')} intro={organization ? `${organizationName ?? organization} · ${t('recommendedIntro')}` : t('recommendedIntro')} />
      {!organization && <Alert type="info" showIcon title={t('orgOnlyPage')} />}
      {organization && (
        <Card size="small" className="filters">
          <Row gutter={[12, 12]}>
            <Col xs={24} lg={16}>
              <AreaFilter params={params} setFilter={setFilter} />
            </Col>
            <Col xs={24} lg={8}>
              <CategoryFilter testId="recommended-category" value={category} onChange={(v) => setFilter({ category: v })} />
            </Col>
          </Row>
        </Card>
      )}
      <ErrorAlert error={error} action={<Button size="small" onClick={reload}>{t('retry')}</Button>} />
      {loading && !data && <Skeleton active />}
      {data?.reason && <Alert type="warning" showIcon title={inLang(data.reason, lang)} />}
      {data && data.needs.length === 0 && !data.reason && <Empty description={t('noRecommended')} />}
      {data && data.needs.length > 0 && (
        <Typography.Paragraph type="secondary">{t('recommendedCount', { shown: data.needs.length, open: data.openNeeds })}</Typography.Paragraph>
      )}
      <div className="recommended-list" data-testid="recommended-needs">
        {data?.needs.map((need) => (
          <Card key={need.id} size="small" className="need-card recommended-card" data-testid={`recommended-${need.id}`}>
            <div className="recommended-head">
              <Tooltip title={t('priorityHint')}>
                <div className="recommended-score" data-testid="recommended-score">
                  <span className="recommended-score-value">{formatPoints(need.priority)}</span>
                  <span className="recommended-score-label">{t('priority')}</span>
                </div>
              </Tooltip>
              <div className="recommended-title">
                <Link to={`/needs/${need.id}`} className="need-link need-card-title">
                  {need.title}
                </Link>
                <Space wrap size={[6, 4]}>
                  <CategoryTag category={need.category} />
                  <Tag>{t('matchScore', { n: formatPoints(need.score) })}</Tag>
                  {need.fairness.total > 0 && <Tag color="gold">{t('fairnessBonus', { n: formatPoints(need.fairness.total) })}</Tag>}
                </Space>
                <Typography.Text type="secondary" className="need-card-place">
                  <Place code={need.villageCode} />
                  {' · '}
                  {t('publishedOn', { date: formatDate(need.publishedAt) })}
                </Typography.Text>
              </div>
            </div>
            <div className="recommended-lacking">
              {need.lacking.filter((li) => li.lacking > 0).slice(0, 3).map((li) => (
                <span key={li.id}>
                  {li.description} <Typography.Text type="warning">{`${t('lacking')} ${formatQuantity(li, li.lacking, lang)}`}</Typography.Text>
                </span>
              ))}
            </div>
            <ScoreFactors factors={need.factors} fairness={need.fairness} testId="recommended-reasons" />
            <div className="recommended-actions">
              <Link to={`/needs/${need.id}`}>
                <Button type="primary" data-testid="recommended-take">
                  {t('viewAndTake')}
                </Button>
              </Link>
            </div>
          </Card>
        ))}
      </div>
      {data && data.needs.length === limit && limit < 100 && data.openNeeds > limit && (
        <div className="load-more">
          <Button onClick={() => setLimit((n) => Math.min(100, n + 30))} loading={loading} data-testid="recommended-more">
            {t('showMore')}
          </Button>
        </div>
      )}
    </>
  );
}
