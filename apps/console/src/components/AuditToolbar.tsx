import { CheckCircleOutlined, DownloadOutlined, SafetyCertificateOutlined } from '@ant-design/icons';
import { Alert, Button, Card, Descriptions, Input, Space, Typography } from 'antd';
import { lazy, Suspense, useState } from 'react';
import { useSearchParams } from 'react-router';
import { download, get } from '../api';
import { LEDGER_PROBLEM_LABELS, LedgerReport } from '../donations';
import { todayString } from '../hooks';
import { useI18n } from '../i18n';
import { label } from '../labels';
import { ErrorAlert } from './common';
import { useFeedback } from '../feedback';

// The date picker loads after the page's first content (it is most of the toolbar's weight).
const AsOfPicker = lazy(() => import('./AsOfPicker'));

/** The "as of" date of the auditor's views, kept in the address (`?asOf=YYYY-MM-DD`) so links and reloads keep it. */
export function useAsOf(): [string | undefined, (next: string | undefined) => void] {
  const [params, setParams] = useSearchParams();
  const raw = params.get('asOf') ?? undefined;
  const asOf = raw && /^\d{4}-\d{2}-\d{2}$/.test(raw) ? raw : undefined;
  const set = (next: string | undefined) => {
    const changed = new URLSearchParams(params);
    if (next) changed.set('asOf', next);
    else changed.delete('asOf');
    setParams(changed);
  };
  return [asOf, set];
}

/** `?asOf=…` (or `&asOf=…`) for an API path, or nothing. */
export const asOfQuery = (asOf: string | undefined, joiner: '?' | '&' = '?') => (asOf ? `${joiner}asOf=${asOf}` : '');

/** The as-of picker, the exports and the ledger check: the same on every auditor page. */
export function AuditToolbar() {
  const { t, lang } = useI18n();
  const { message } = useFeedback();
  const [asOf, setAsOf] = useAsOf();
  const [busy, setBusy] = useState<string | null>(null);
  const [error, setError] = useState<unknown>();
  const [report, setReport] = useState<LedgerReport | null>(null);

  const exportFile = async (kind: 'csv' | 'xml') => {
    setBusy(kind);
    setError(undefined);
    const stamp = asOf ?? todayString();
    try {
      const bytes =
        kind === 'csv'
          ? await download(`/api/audit/donations/ledger.csv${asOfQuery(asOf)}`, `donations-ledger-${stamp}.csv`)
          : await download(`/api/audit/donations/iati.xml${asOfQuery(asOf)}`, `donations-iati-${stamp}.xml`);
      message.success(t('exported', { size: (bytes / 1024).toFixed(1) }));
    } catch (failure) {
      setError(failure);
    } finally {
      setBusy(null);
    }
  };

  const checkLedger = async () => {
    setBusy('ledger');
    setError(undefined);
    setReport(null);
    try {
      setReport(await get<LedgerReport>('/api/audit/donations/ledger'));
    } catch (failure) {
      setError(failure);
    } finally {
      setBusy(null);
    }
  };

  const broken = report?.firstBrokenLink;
  return (
    <Card size="small" className="audit-toolbar" data-testid="audit-toolbar">
      <div className="audit-toolbar-row">
        <div className="as-of">
          <Typography.Text strong>{t('asOf')}</Typography.Text>
          <Suspense fallback={<Input disabled value={asOf ?? ''} placeholder={t('asOfNow')} style={{ width: 160 }} />}>
            <AsOfPicker value={asOf} onChange={setAsOf} placeholder={t('asOfNow')} />
          </Suspense>
        </div>
        <Space wrap size={[8, 8]} className="audit-actions">
          <Button icon={<DownloadOutlined />} loading={busy === 'csv'} disabled={busy !== null && busy !== 'csv'} onClick={() => exportFile('csv')} data-testid="export-csv">
            {t('exportCsv')}
          </Button>
          <Button icon={<DownloadOutlined />} loading={busy === 'xml'} disabled={busy !== null && busy !== 'xml'} onClick={() => exportFile('xml')} data-testid="export-iati">
            {t('exportIati')}
          </Button>
          <Button icon={<SafetyCertificateOutlined />} loading={busy === 'ledger'} disabled={busy !== null && busy !== 'ledger'} onClick={checkLedger} data-testid="check-ledger">
            {busy === 'ledger' ? t('checkingLedger') : t('checkLedger')}
          </Button>
        </Space>
      </div>
      <Typography.Paragraph type="secondary" className="small as-of-note">
        {asOf ? t('asOfNote', { date: asOf }) : t('asOfLive')}
      </Typography.Paragraph>
      <ErrorAlert error={error} />
      {report && (
        <Alert
          data-testid="ledger-result"
          type={report.ok ? 'success' : 'error'}
          showIcon
          icon={report.ok ? <CheckCircleOutlined /> : undefined}
          closable={{ onClose: () => setReport(null) }}
          title={report.ok ? t('ledgerOk', { events: report.eventsChecked, streams: report.streamsChecked }) : t('ledgerBroken', { n: report.brokenLinks, events: report.eventsChecked })}
          description={
            <>
              {broken && (
                <Descriptions size="small" column={1} bordered className="broken-link" title={t('firstBrokenLink')}>
                  <Descriptions.Item label={t('ledgerStream')}>
                    <code>{broken.stream}</code> #{broken.revision}
                  </Descriptions.Item>
                  <Descriptions.Item label={t('ledgerEvent')}>
                    {broken.type} · <code>{broken.eventId}</code>
                  </Descriptions.Item>
                  <Descriptions.Item label={t('ledgerProblem')}>{label(LEDGER_PROBLEM_LABELS, broken.problem, lang)}</Descriptions.Item>
                  <Descriptions.Item label={t('ledgerExpected')}>
                    <code>{String(broken.expected)}</code>
                  </Descriptions.Item>
                  <Descriptions.Item label={t('ledgerFound')}>
                    <code>{String(broken.found)}</code>
                  </Descriptions.Item>
                </Descriptions>
              )}
              <div className="small ledger-head">
                {t('ledgerHead')}
                {t('colon')}
                <code>{report.head}</code>
              </div>
            </>
          }
        />
      )}
    </Card>
  );
}
