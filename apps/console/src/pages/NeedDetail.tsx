import { ArrowLeftOutlined, ReloadOutlined } from '@ant-design/icons';
import { App, Button, Card, Col, Descriptions, Empty, Grid, Result, Row, Skeleton, Space, Table, Tag, Timeline, Typography } from 'antd';
import type { ColumnsType } from 'antd/es/table';
import { useCallback, useEffect, useRef, useState } from 'react';
import { Link, useLocation, useNavigate, useParams } from 'react-router';
import { ApiError, CommandResult, Commitment, get, LineItem, Need, NeedEvent } from '../api';
import { CategoryTag, CommitmentStatusTag, ErrorAlert, LineItemStatusTag, NeedStatusTag, Place } from '../components/common';
import { Dialog, NeedDialog } from '../components/NeedDialogs';
import { EvidenceView } from '../components/Evidence';
import { formatDate, formatDateTime, formatFen, formatQuantity } from '../hooks';
import { Lang, useI18n } from '../i18n';
import { Actor, actsForOrganization, useActor } from '../auth';
import { EVENT_LABELS, EVIDENCE_LABELS, KIND_LABELS, label, ROLE_LABELS } from '../labels';

const OPEN_FOR_OFFERS = ['published', 'partially_committed'];
const LIVE = ['published', 'partially_committed', 'fully_committed', 'delivered'];

/** A coordinator acts on the needs of the villages within their scope. */
const coordinatesNeed = (actor: Actor, need: { villageCode: string }) => actor.role === 'coordinator' && (!actor.scope || need.villageCode.startsWith(actor.scope));

function itemsText(need: Need, items: Array<{ lineItemId: string; quantity: number }>, lang: Lang, sep: string) {
  return items
    .map((i) => {
      const li = need.lineItems.find((l) => l.id === i.lineItemId);
      return li ? `${li.description} ${formatQuantity(li, i.quantity, lang)}` : `${i.lineItemId} × ${i.quantity}`;
    })
    .join(sep);
}

function KindCell({ item }: { item: LineItem }) {
  const { t, pick } = useI18n();
  return (
    <Space orientation="vertical" size={0}>
      <span>
        <Typography.Text type="secondary">{item.id}</Typography.Text> {item.description}
      </span>
      <Typography.Text type="secondary" className="small">
        {pick(KIND_LABELS[item.kind as keyof typeof KIND_LABELS] ?? [item.kind, item.kind])}
        {item.estimatedValueFen !== undefined && `${t('comma')}${t('estimatedValue')} ${formatFen(item.estimatedValueFen)}`}
        {item.participants !== undefined && `${t('comma')}${t('participants')} ${item.participants}`}
      </Typography.Text>
    </Space>
  );
}

function LineItems({ need }: { need: Need }) {
  const { t, lang } = useI18n();
  const wide = Grid.useBreakpoint().md ?? true;
  const q = (li: LineItem, n: number) => formatQuantity(li, n, lang);
  if (!wide) {
    return (
      <div className="line-item-cards" data-testid="line-items">
        {need.lineItems.map((li) => (
          <div key={li.id} className="line-item-card">
            <div className="line-item-card-head">
              <KindCell item={li} />
              <LineItemStatusTag status={li.status} />
            </div>
            <div className="figures">
              <div>
                <span>{t('required')}</span>
                <b>{q(li, li.quantity)}</b>
              </div>
              <div>
                <span>{t('accepted')}</span>
                <b>{q(li, li.accepted)}</b>
              </div>
              <div>
                <span>{t('delivered')}</span>
                <b>{q(li, li.delivered)}</b>
              </div>
              <div>
                <span>{t('lacking')}</span>
                <b className={li.lacking > 0 && LIVE.includes(need.status) ? 'lacking' : ''}>{q(li, li.lacking)}</b>
              </div>
            </div>
            {li.pending > 0 && (
              <Typography.Text type="warning" className="small">
                {t('pending')} {q(li, li.pending)}
              </Typography.Text>
            )}
          </div>
        ))}
      </div>
    );
  }
  const columns: ColumnsType<LineItem> = [
    { title: t('itemDesc'), key: 'desc', render: (_, li) => <KindCell item={li} /> },
    { title: t('required'), key: 'required', align: 'right', render: (_, li) => q(li, li.quantity) },
    {
      title: t('accepted'),
      key: 'accepted',
      align: 'right',
      render: (_, li) => (
        <Space orientation="vertical" size={0} align="end">
          <span>{q(li, li.accepted)}</span>
          {li.pending > 0 && (
            <Typography.Text type="warning" className="small">
              {t('pending')} {q(li, li.pending)}
            </Typography.Text>
          )}
        </Space>
      ),
    },
    { title: t('delivered'), key: 'delivered', align: 'right', render: (_, li) => q(li, li.delivered) },
    {
      title: t('lacking'),
      key: 'lacking',
      align: 'right',
      render: (_, li) => <Typography.Text type={li.lacking > 0 && LIVE.includes(need.status) ? 'danger' : undefined}>{q(li, li.lacking)}</Typography.Text>,
    },
    { title: t('status'), key: 'status', render: (_, li) => <LineItemStatusTag status={li.status} /> },
  ];
  return <Table<LineItem> data-testid="line-items" size="middle" rowKey="id" columns={columns} dataSource={need.lineItems} pagination={false} />;
}

function CommitmentCard({ need, commitment, open }: { need: Need; commitment: Commitment; open: (dialog: Dialog) => void }) {
  const { t, lang } = useI18n();
  const actor = useActor();
  const own = actsForOrganization(actor) && actor.organizationId === commitment.organizationId;
  const coordinator = coordinatesNeed(actor, need);
  const canDeliver = own && commitment.status === 'accepted' && LIVE.includes(need.status) && commitment.items.some((i) => i.delivered < i.quantity);
  const canWithdraw = own && (commitment.status === 'offered' || commitment.status === 'accepted') && commitment.deliveries.length === 0;
  const decide = coordinator && commitment.status === 'offered';
  return (
    <Card
      size="small"
      className="commitment-card"
      data-testid={`commitment-${commitment.organizationId}`}
      title={
        <Space wrap size={[6, 4]}>
          <span className="commitment-org">{commitment.organizationName}</span>
          {own && <Tag color="purple">{t('ownCommitment')}</Tag>}
          <CommitmentStatusTag status={commitment.status} />
          {commitment.overdue && <Tag color="red">{t('overdue')}</Tag>}
        </Space>
      }
    >
      <Descriptions
        size="small"
        column={{ xs: 1, sm: 2 }}
        items={[
          { key: 'promised', label: t('promisedBy'), children: formatDate(commitment.promisedBy) },
          { key: 'offered', label: t('offeredAt'), children: formatDateTime(commitment.offeredAt) },
          {
            key: 'items',
            label: t('committedItems'),
            span: 'filled',
            children: (
              <div>
                {commitment.items.map((ci) => {
                  const li = need.lineItems.find((l) => l.id === ci.lineItemId);
                  return (
                    <div key={ci.lineItemId}>
                      {li ? `${li.description} ${formatQuantity(li, ci.quantity, lang)}` : ci.lineItemId}
                      {li && ci.delivered > 0 && (
                        <Typography.Text type="secondary">{t('paren', { text: `${t('delivered')} ${formatQuantity(li, ci.delivered, lang)}` })}</Typography.Text>
                      )}
                    </div>
                  );
                })}
              </div>
            ),
          },
          ...(commitment.note ? [{ key: 'note', label: t('note'), span: 'filled' as const, children: commitment.note }] : []),
          ...(commitment.closeReason ? [{ key: 'reason', label: t('reason'), span: 'filled' as const, children: commitment.closeReason }] : []),
        ]}
      />
      {commitment.deliveries.length > 0 && (
        <div className="deliveries">
          <Typography.Text strong>{t('deliveries')}</Typography.Text>
          {commitment.deliveries.map((d) => (
            <div key={d.id} className="delivery" data-testid="delivery">
              <div className="delivery-head">
                <span>{formatDateTime(d.recordedAt)}</span>
                {d.confirmedAt ? <Tag color="green">{t('confirmed')}</Tag> : <Tag color="gold">{t('unconfirmed')}</Tag>}
              </div>
              <div>{itemsText(need, d.items, lang, t('comma'))}</div>
              <div className="evidence">
                {t('evidence')}
                {t('colon')}
                {d.evidence
                  .filter((e) => !e.file)
                  .map((e, i) => (
                    <span key={i} className="evidence-item">
                      {label(EVIDENCE_LABELS, e.kind, lang)} <code>{e.ref}</code>
                      {e.note ? ` ${e.note}` : ''}
                    </span>
                  ))}
                {d.evidence.length === 0 && <Tag color="volcano">{t('noEvidence')}</Tag>}
              </div>
              {d.evidence.some((e) => e.file) && (
                <EvidenceView evidence={d.evidence.filter((e) => e.file)} base={`/api/needs/${need.id}`} labelOf={(k) => label(EVIDENCE_LABELS, k, lang)} />
              )}
              {d.noEvidenceReason && (
                <div className="small">
                  {t('noEvidenceReason')}
                  {t('colon')}
                  {d.noEvidenceReason}
                </div>
              )}
              {d.note && <div className="small">{d.note}</div>}
              {coordinator && !d.confirmedAt && (
                <Button type="primary" size="small" onClick={() => open({ type: 'confirm', commitment, delivery: d })} data-testid="confirm-delivery">
                  {t('confirmDelivery')}
                </Button>
              )}
            </div>
          ))}
        </div>
      )}
      {(decide || canDeliver || canWithdraw) && (
        <Space wrap className="card-actions">
          {decide && (
            <Button type="primary" onClick={() => open({ type: 'accept', commitment })} data-testid="accept-commitment">
              {t('accept')}
            </Button>
          )}
          {decide && (
            <Button onClick={() => open({ type: 'decline', commitment })} data-testid="decline-commitment">
              {t('decline')}
            </Button>
          )}
          {canDeliver && (
            <Button type="primary" onClick={() => open({ type: 'deliver', commitment })} data-testid="record-delivery">
              {t('recordDelivery')}
            </Button>
          )}
          {canWithdraw && (
            <Button danger onClick={() => open({ type: 'withdrawCommitment', commitment })} data-testid="withdraw-commitment">
              {t('withdrawCommitment')}
            </Button>
          )}
        </Space>
      )}
    </Card>
  );
}

function eventDetails(event: NeedEvent, need: Need, lang: Lang, t: ReturnType<typeof useI18n>['t']): string {
  const d = event.data as Record<string, unknown>;
  const sep = t('comma');
  switch (event.type) {
    case 'NeedDrafted':
    case 'NeedRevised':
      return [d.title as string, d.reason ? `${t('reason')}${t('colon')}${d.reason}` : ''].filter(Boolean).join(sep);
    case 'CommitmentOffered':
      return `${d.organizationName}${t('colon')}${itemsText(need, (d.items as never[]) ?? [], lang, sep)}${sep}${t('promisedBy')} ${d.promisedBy}`;
    case 'CommitmentAccepted':
      return d.automatic ? (lang === 'zh' ? '自动接受（符合缺口）' : 'accepted automatically (fits what is lacking)') : '';
    case 'DeliveryRecorded':
      return `${itemsText(need, (d.items as never[]) ?? [], lang, sep)}${sep}${t('evidence')} ${(d.evidence as unknown[] | undefined)?.length ?? 0}`;
    default:
      return [d.reason ? `${t('reason')}${t('colon')}${d.reason}` : '', d.note ? `${t('note')}${t('colon')}${d.note}` : ''].filter(Boolean).join(sep);
  }
}

function History({ need, events }: { need: Need; events: NeedEvent[] }) {
  const { t, lang } = useI18n();
  const actorText = (e: NeedEvent) => {
    const role = label(ROLE_LABELS, e.actor.role, lang);
    const org = e.actor.organizationId && (need.commitments.find((c) => c.organizationId === e.actor.organizationId)?.organizationName ?? e.actor.organizationId);
    // User ids are long (UUIDs): the first 8 characters tell people apart; the API has them whole.
    const who = e.actor.id.length > 12 ? e.actor.id.slice(0, 8) : e.actor.id;
    return `${role}${org ? t('paren', { text: org }) : ''} · ${who}`;
  };
  return (
    <Timeline
      data-testid="history"
      items={events.map((e) => ({
        key: e.revision,
        color: e.type.includes('Declined') || e.type.includes('Withdrawn') || e.type.includes('Expired') ? 'gray' : e.type.startsWith('Delivery') || e.type === 'NeedFulfilled' ? 'green' : 'blue',
        content: (
          <div className="history-content">
            <div className="history-title" data-testid="history-event">
              {label(EVENT_LABELS, e.type, lang)}
            </div>
            <div className="small">
              {formatDateTime(e.occurredAt)} · {t('by')} {actorText(e)}
            </div>
            {eventDetails(e, need, lang, t) && <div className="small secondary">{eventDetails(e, need, lang, t)}</div>}
          </div>
        ),
      }))}
    />
  );
}

export function NeedDetail() {
  const { id = '' } = useParams();
  const location = useLocation();
  const navigate = useNavigate();
  const { message } = App.useApp();
  const { t } = useI18n();
  const actor = useActor();
  const [need, setNeed] = useState<Need>();
  const [events, setEvents] = useState<NeedEvent[]>([]);
  const [error, setError] = useState<unknown>();
  const [loading, setLoading] = useState(true);
  const [dialog, setDialog] = useState<Dialog | null>(null);
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
            <History need={need} events={events} />
          </Card>
        </Col>
      </Row>

      {dialog && <NeedDialog need={need} dialog={dialog} onClose={() => setDialog(null)} onDone={done} />}
    </div>
  );
}
