import { Alert, Button, Space, Typography } from 'antd';
import { useEffect, useState } from 'react';
import { Link } from 'react-router';
import { useActor } from '../auth';
import { useI18n } from '../i18n';
import { dismiss, flush, OutboxItem, useOutbox } from '../outbox';

const STATE_TAG = {
  pending: { text: 'outboxPending' },
  synced: { text: 'outboxSynced' },
  failed: { text: 'outboxFailed' },
} as const;

function useOnline(): boolean {
  const [online, setOnline] = useState(navigator.onLine);
  useEffect(() => {
    const update = () => setOnline(navigator.onLine);
    window.addEventListener('online', update);
    window.addEventListener('offline', update);
    return () => {
      window.removeEventListener('online', update);
      window.removeEventListener('offline', update);
    };
  }, []);
  return online;
}

function Row({ item }: { item: OutboxItem }) {
  const { t } = useI18n();
  const tag = STATE_TAG[item.state];
  return (
    <div className="outbox-item" data-testid="outbox-item" data-state={item.state}>
      <Space wrap size={8}>
        <span className={`outbox-state outbox-state-${item.state}`} data-testid="outbox-state">
          {item.state === 'failed' ? `${t(tag.text)}（${item.reason ?? ''}）` : t(tag.text)}
        </span>
        <Typography.Text strong>{item.label}</Typography.Text>
        {item.files?.length ? (
          <Typography.Text type="secondary" data-testid="outbox-files">
            {t('outboxFiles', { n: item.files.length })}
          </Typography.Text>
        ) : null}
        {item.state === 'synced' && item.needId && <Link to={`/needs/${item.needId}`}>{t('outboxOpen')}</Link>}
        {item.state !== 'pending' && (
          <Button size="small" type="link" onClick={() => dismiss(item.key)} data-testid="outbox-dismiss">
            {t('outboxDismiss')}
          </Button>
        )}
      </Space>
    </div>
  );
}

/**
 * The person's commands made without a network, each with its state: 待同步 (kept, sent when back
 * online), 已同步 (the API took it), 失败 with the API's reason (it refused it: a conflict, a rule).
 */
export function OutboxPanel() {
  const { t } = useI18n();
  const actor = useActor();
  const items = useOutbox(actor.id);
  const online = useOnline();
  if (items.length === 0 && online) return null;
  const pending = items.some((item) => item.state === 'pending');
  return (
    <section className="outbox" data-testid="outbox" aria-label={t('outboxTitle')}>
      <div className="outbox-head">
        <Typography.Text strong>{t('outboxTitle')}</Typography.Text>
        {pending && online && (
          <Button size="small" onClick={() => flush(actor.id)} data-testid="outbox-sync">
            {t('outboxSyncNow')}
          </Button>
        )}
      </div>
      {!online && <Alert type="warning" showIcon title={t('outboxOffline')} style={{ marginBottom: items.length ? 8 : 0 }} data-testid="offline-note" />}
      {items.map((item) => (
        <Row key={item.key} item={item} />
      ))}
    </section>
  );
}
