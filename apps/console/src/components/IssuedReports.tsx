import { Button, Empty, List, Space, Typography } from 'antd';
import { useState } from 'react';
import { download } from '../api';
import { formatDateTime, useGet } from '../hooks';
import { useI18n } from '../i18n';
import { useFeedback } from '../feedback';
import { ErrorAlert } from './common';

interface IssuedReport {
  region: string;
  regionName: string;
  period: string;
  kind: string;
  title: string;
  issuedAt: string;
}

/**
 * The reports the platform filed on its schedule for the bureau's region (GET
 * /api/reports/bureau/issued), newest first, each downloaded exactly as filed (XLSX or PDF).
 */
export function IssuedReports() {
  const { t } = useI18n();
  const { message } = useFeedback();
  const { data, error } = useGet<{ total: number; items: IssuedReport[] }>('/api/reports/bureau/issued?pageSize=24');
  const [busy, setBusy] = useState<string | null>(null);
  const [failure, setFailure] = useState<unknown>();
  const fetchFiled = async (r: IssuedReport, format: 'xlsx' | 'pdf') => {
    const key = `${r.region}-${r.period}.${format}`;
    setBusy(key);
    setFailure(undefined);
    const name = `issued-report-${key}`;
    try {
      const bytes = await download(`/api/reports/bureau/issued/${r.region}/${r.period}?format=${format}`, name);
      message.success(t('reportDownloaded', { name, size: (bytes / 1024).toFixed(1) }));
    } catch (e) {
      setFailure(e);
    } finally {
      setBusy(null);
    }
  };
  return (
    <section data-testid="issued-reports" style={{ marginTop: 24 }}>
      <Typography.Title level={5}>{t('issuedTitle')}</Typography.Title>
      <Typography.Paragraph type="secondary">{t('issuedIntro')}</Typography.Paragraph>
      <ErrorAlert error={error ?? failure} />
      {data && data.items.length === 0 && <Empty description={t('issuedNone')} />}
      {data && data.items.length > 0 && (
        <List
          size="small"
          dataSource={data.items}
          renderItem={(r) => (
            <List.Item
              data-testid={`issued-${r.region}-${r.period}`}
              actions={[
                <Button key="xlsx" size="small" loading={busy === `${r.region}-${r.period}.xlsx`} disabled={busy !== null} onClick={() => fetchFiled(r, 'xlsx')} aria-label={`${r.title} XLSX`}>
                  XLSX
                </Button>,
                <Button key="pdf" size="small" loading={busy === `${r.region}-${r.period}.pdf`} disabled={busy !== null} onClick={() => fetchFiled(r, 'pdf')} aria-label={`${r.title} PDF`}>
                  PDF
                </Button>,
              ]}
            >
              <Space direction="vertical" size={0}>
                <b>{r.title}</b>
                <Typography.Text type="secondary" className="small">{t('issuedAt', { at: formatDateTime(r.issuedAt) })}</Typography.Text>
              </Space>
            </List.Item>
          )}
        />
      )}
    </section>
  );
}
