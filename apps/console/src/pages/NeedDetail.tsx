import { ArrowLeftOutlined, ReloadOutlined } from '@ant-design/icons';
import { Button, Card, Col, Descriptions, Empty, Result, Row, Skeleton, Space, Typography } from 'antd';
import { useCallback, useEffect, useRef, useState } from 'react';
import { Link, useLocation, useNavigate, useParams } from 'react-router';
import { ApiError, CommandResult, get, Need, NeedEvent } from '../api';
import { CategoryTag, ErrorAlert, NeedStatusTag, Place } from '../components/common';
import { CommitmentCard } from '../components/CommitmentCard';
import { LineItems } from '../components/LineItems';
import { Dialog, NeedDialog } from '../components/NeedDialogs';
import { NeedHistory } from '../components/NeedHistory';
import { formatDate, formatDateTime, useOrganizationName } from '../hooks';
import { useI18n } from '../i18n';
import { actsForOrganization, useActor } from '../auth';
import { coordinatesNeed, LIVE } from '../needs';
import { useFeedback } from '../feedback';

const OPEN_FOR_OFFERS = ['published', 'partially_committed'];

export function NeedDetail() {
  const { id = '' } = useParams();
  const location = useLocation();
  const navigate = useNavigate();
  const { message } = useFeedback();
  const { t } = useI18n();
  const actor = useActor();
  const [need, setNeed] = useState<Need>();
  const [events, setEvents] = useState<NeedEvent[]>([]);
  const [error, setError] = useState<unknown>();
  const [loading, setLoading] = useState(true);
  const [dialog, setDialog] = useState<Dialog | null>(null);
  // The organization's name looked up with the page, so that the offer dialog knows it where the signal drops.
  useOrganizationName(actsForOrganization(actor) ? actor.organizationId : undefined);
  const initialPosition = useRef<number | null>((location.state as { minPosition?: number } | null)?.minPosition ?? null);

  /** Loads the need; after a command, with X-Min-Position so the read model includes it. */
  const load = useCallback(
    async (minPosition: number | null = null) => {
      setLoading(true);
      try {
        const fresh = await get<Need>(`/api/needs/${encodeURIComponent(id)}`, { minPosition });
        setNeed(fresh);
        setError(undefined);
        setEvents(await get<NeedEvent[]>(`/api/needs/${encodeURIComponent(id)}/events`));
      } catch (failure) {
        setError(failure);
      } finally {
        setLoading(false);
      }
    },
    [id],
  );

  useEffect(() => {
    load(initialPosition.current);
    initialPosition.current = null;
  }, [load]);

  const done = (result: CommandResult) => {
    setDialog(null);
    message.success(t('done'));
    load(result.position);
  };

  if (!need) {
    if (error instanceof ApiError && error.status === 404) {
      return <Result status="404" title={t('notFound')} extra={<Link to="/needs">{t('navNeeds')}</Link>} />;
    }
    return error ? <ErrorAlert error={error} action={<Button onClick={() => load()}>{t('retry')}</Button>} /> : <Skeleton active paragraph={{ rows: 8 }} />;
  }

  const coordinator = coordinatesNeed(actor, need);
  const organization = actsForOrganization(actor);
  const ownOpen = need.commitments.some((c) => c.organizationId === actor.organizationId && (c.status === 'offered' || c.status === 'accepted'));
  const anyDelivery = need.commitments.some((c) => c.deliveries.length > 0);
  const confirmed = need.commitments.some((c) => c.deliveries.some((d) => d.confirmedAt));
  const unconfirmed = need.commitments.some((c) => c.deliveries.some((d) => !d.confirmedAt));
  const canCommit = organization && OPEN_FOR_OFFERS.includes(need.status) && !ownOpen && need.lineItems.some((li) => li.lacking > 0);

  const actions = [
    coordinator && need.status === 'draft' && (
      <Button key="publish" type="primary" onClick={() => setDialog({ type: 'publish' })} data-testid="publish-need">
        {t('publish')}
      </Button>
    ),
    coordinator && LIVE.includes(need.status) && confirmed && !unconfirmed && (
      <Button key="fulfil" type="primary" onClick={() => setDialog({ type: 'fulfil' })} data-testid="fulfil-need">
        {t('fulfil')}
      </Button>
    ),
    (coordinator || actor.role === 'bureau') && need.status === 'fulfilled' && (
      <Button key="close" onClick={() => setDialog({ type: 'close' })} data-testid="close-need">
        {t('close')}
      </Button>
    ),
    coordinator && (need.status === 'draft' || LIVE.includes(need.status)) && (
      <Link key="revise" to={`/needs/${need.id}/revise`}>
        <Button data-testid="revise-need">{t('revise')}</Button>
      </Link>
    ),
    coordinator && (need.status === 'draft' || LIVE.includes(need.status)) && !anyDelivery && (
      <Button key="withdraw" danger onClick={() => setDialog({ type: 'withdrawNeed' })} data-testid="withdraw-need">
        {t('withdrawNeed')}
      </Button>
    ),
    canCommit && (
      <Button key="commit" type="primary" size="large" onClick={() => setDialog({ type: 'commit' })} data-testid="take-need">
        {t('take')}
      </Button>
    ),
  ].filter(Boolean);

  return (
    <div className="need-detail">
      <div className="detail-top">
        <Button type="link" icon={<ArrowLeftOutlined />} onClick={() => (window.history.length > 1 ? navigate(-1) : navigate('/needs'))} style={{ paddingLeft: 0 }}>
          {t('back')}
        </Button>
        <Button type="text" icon={<ReloadOutlined />} onClick={() => load()} loading={loading} aria-label={t('retry')} />
      </div>
      <ErrorAlert error={error} />
      <Card className="need-head">
        <Space wrap size={[8, 4]} className="need-tags">
          <NeedStatusTag status={need.status} />
          <CategoryTag category={need.category} />
        </Space>
        <Typography.Title level={3} className="need-title" data-testid="need-title">
          {need.title}
        </Typography.Title>
        <Descriptions
          size="small"
          column={{ xs: 1, sm: 2, lg: 3 }}
          items={[
            { key: 'place', label: t('location'), children: <Place code={need.villageCode} /> },
            { key: 'due', label: t('dueDate'), children: need.dueDate ? formatDate(need.dueDate) : t('noDueDate') },
            { key: 'auto', label: t('autoAccept'), children: need.autoAccept ? t('autoAcceptYes') : t('autoAcceptNo') },
            { key: 'published', label: need.publishedAt ? t('publishedAt') : t('draftedAt'), children: formatDateTime(need.publishedAt ?? need.draftedAt) },
            { key: 'id', label: t('needId'), children: <Typography.Text copyable={{ text: need.id }} className="small mono">{need.id.slice(0, 8)}</Typography.Text> },
            ...(need.endReason ? [{ key: 'end', label: t('endReason'), children: need.endReason }] : []),
          ]}
        />
        {need.description && <Typography.Paragraph className="need-description">{need.description}</Typography.Paragraph>}
        {actions.length > 0 && (
          <Space wrap className="need-actions" data-testid="need-actions">
            {actions}
          </Space>
        )}
        {organization && ownOpen && OPEN_FOR_OFFERS.includes(need.status) && <Typography.Text type="secondary">{t('alreadyOpen')}</Typography.Text>}
      </Card>

      <Row gutter={[16, 16]}>
        <Col xs={24} xl={16}>
          <Card title={t('lineItems')} className="section">
            <LineItems need={need} />
          </Card>
          <Card title={`${t('commitments')}${need.commitments.length ? ` · ${need.commitments.length}` : ''}`} className="section">
            {need.commitments.length === 0 ? (
              <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('noCommitments')} />
            ) : (
              <div className="commitments">
                {need.commitments.map((c) => (
                  <CommitmentCard key={c.id} need={need} commitment={c} open={setDialog} />
                ))}
              </div>
            )}
          </Card>
        </Col>
        <Col xs={24} xl={8}>
          <Card title={t('history')} className="section">
            <Typography.Paragraph type="secondary" className="small">
              {t('historyIntro')}
            </Typography.Paragraph>
            <NeedHistory need={need} events={events} />
          </Card>
        </Col>
      </Row>

      {dialog && <NeedDialog need={need} dialog={dialog} onClose={() => setDialog(null)} onDone={done} />}
    </div>
  );
}
