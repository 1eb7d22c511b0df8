import { Grid, Space, Table, Typography } from 'antd';
import type { ColumnsType } from 'antd/es/table';
import type { LineItem, Need } from '../api';
import { formatFen, formatQuantity } from '../hooks';
import { useI18n } from '../i18n';
import { KIND_LABELS } from '../labels';
import { LIVE } from '../needs';
import { LineItemStatusTag } from './common';

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

/** A need's line items with what is accepted, delivered and lacking: a table, or cards on narrow screens. */
export function LineItems({ need }: { need: Need }) {
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
