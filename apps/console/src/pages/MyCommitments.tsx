import { Alert, Button, Card, Empty, Skeleton, Space, Tag, Typography } from 'antd';
import { Link } from 'react-router';
import type { OrganizationCommitment } from '../api';
import { CommitmentStatusTag, ErrorAlert, PageTitle, Place } from '../components/common';
import { formatDate, formatDateTime, useGet, useOrganizationName } from '../hooks';
import { useI18n } from '../i18n';
import { actsForOrganization, useActor } from '../auth';

export function MyCommitments() {
  const { t } = useI18n();
  const actor = useActor();
  const organization = actsForOrganization(actor);
  const organizationName = useOrganizationName(actor.organizationId);
  const { data, error, loading, reload } = useGet<OrganizationCommitment[]>(
    organization ? `/api/organizations/${encodeURIComponent(actor.organizationId!)}/commitments` : null,
  );

  return (
    <>
      <PageTitle title={t('myTitle')} intro={organization ? `${organizationName ?? actor.organizationId} · ${t('myIntro')}` : t('myIntro')} />
      {!organization && <Alert type="info" showIcon title={t('orgOnly')} />}
      <ErrorAlert error={error} action={<Button size="small" onClick={reload}>{t('retry')}</Button>} />
      {organization && loading && !data && <Skeleton active />}
      {data && data.length === 0 && (
        <Empty description={t('emptyMine')}>
          <Link to="/needs">
            <Button type="primary">{t('goToNeeds')}</Button>
          </Link>
        </Empty>
      )}
      <div className="my-commitments" data-testid="my-commitments">
        {data?.map((c) => (
          <Card key={`${c.needId}/${c.id}`} size="small" className="commitment-card">
            <Link to={`/needs/${c.needId}`} className="need-link need-card-title">
              {c.needTitle}
            </Link>
            <Space wrap size={[6, 4]} className="need-card-tags">
              <CommitmentStatusTag status={c.status} />
              {c.overdue && <Tag color="red">{t('overdue')}</Tag>}
              {c.deliveryCount > 0 && <Tag>{t('deliveryCount', { n: c.deliveryCount })}</Tag>}
              {c.unconfirmedDeliveryCount > 0 && <Tag color="gold">{t('unconfirmedCount', { n: c.unconfirmedDeliveryCount })}</Tag>}
            </Space>
            <Typography.Text type="secondary" className="need-card-place">
              <Place code={c.villageCode} />
            </Typography.Text>
            <div className="need-card-meta">
              <span>
                {t('promisedBy')}
                {t('colon')}
                {formatDate(c.promisedBy)}
              </span>
              <span>
                {t('offeredAt')}
                {t('colon')}
                {formatDateTime(c.offeredAt)}
              </span>
            </div>
          </Card>
        ))}
      </div>
    </>
  );
}
