import { Button, Card, Empty, Space, Tag } from 'antd';
import { Link } from 'react-router';
import { formatDate, useGet } from '../hooks';
import { useI18n } from '../i18n';
import type { Team } from '../teams';
import { CommitmentStatusTag, ErrorAlert, Place } from './common';

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

/** The commitments made on behalf of a team, for its lead and members. */
export function TeamCommitments({ team }: { team: Team }) {
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
