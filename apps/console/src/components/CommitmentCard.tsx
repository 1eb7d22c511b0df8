import { Button, Card, Descriptions, Space, Tag, Typography } from 'antd';
import type { Commitment, Need } from '../api';
import { actsForOrganization, useActor } from '../auth';
import { formatDate, formatDateTime, formatQuantity } from '../hooks';
import { useI18n } from '../i18n';
import { EVIDENCE_LABELS, label } from '../labels';
import { coordinatesNeed, itemsText, LIVE } from '../needs';
import { CommitmentStatusTag } from './common';
import { EvidenceView } from './Evidence';
import type { Dialog } from './NeedDialogs';

/** A commitment to a need with its deliveries, and buttons for what the viewer may do with it. */
export function CommitmentCard({ need, commitment, open }: { need: Need; commitment: Commitment; open: (dialog: Dialog) => void }) {
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
          {commitment.team && <Tag color="geekblue" data-testid="team-offer-tag">{t('teamOfferTag', { title: commitment.team.title })}</Tag>}
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
          ...(commitment.team
            ? [
                {
                  key: 'shares',
                  label: t('teamShares'),
                  span: 'filled' as const,
                  children: (
                    <div data-testid="commitment-team-shares">
                      {commitment.team.members.map((m) => (
                        <div key={m.organizationId}>
                          {`${m.organizationName}${t('colon')}${m.items.length > 0 ? itemsText(need, m.items, lang, t('comma')) : t('teamShareNone')}`}
                        </div>
                      ))}
                    </div>
                  ),
                },
              ]
            : []),
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
