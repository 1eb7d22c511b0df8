import { Button, Form, Segmented, Select, Space, Typography } from 'antd';
import { useMemo, useState } from 'react';
import { download } from '../api';
import { useActor } from '../auth';
import { useI18n } from '../i18n';
import { ErrorAlert } from './common';
import { IssuedReports } from './IssuedReports';
import { RegionPicker, regionPath } from './RegionPicker';
import { useFeedback } from '../feedback';

/** Today's year and month in China time (UTC+8), the calendar the reports are in. */
function chinaMonth(now = Date.now()): { year: number; month: number } {
  const d = new Date(now + 8 * 3_600_000);
  return { year: d.getUTCFullYear(), month: d.getUTCMonth() + 1 };
}

/** The last `n` months (the current one included), newest first: 2026-11. */
export function recentMonths(n = 13, now = Date.now()): string[] {
  const { year, month } = chinaMonth(now);
  return Array.from({ length: n }, (_, i) => {
    const total = year * 12 + (month - 1) - i;
    return `${Math.floor(total / 12)}-${String((total % 12) + 1).padStart(2, '0')}`;
  });
}

/** The last `n` quarters (the current one included), newest first: 2026-Q4. */
export function recentQuarters(n = 6, now = Date.now()): string[] {
  const { year, month } = chinaMonth(now);
  const current = year * 4 + Math.floor((month - 1) / 3);
  return Array.from({ length: n }, (_, i) => `${Math.floor((current - i) / 4)}-Q${((current - i) % 4) + 1}`);
}

/**
 * The bureau's 报表: a month (月报) or quarter (季报), a region within the caller's scope (the whole
 * scope by default), and the report downloaded as XLSX or PDF (GET /api/reports/bureau).
 */
export default function BureauReports() {
  const { t } = useI18n();
  const { message } = useFeedback();
  const actor = useActor();
  const scope = actor.role === 'admin' ? '44' : (actor.scope ?? '44');
  const fixed = scope.length > 2 ? regionPath(scope.slice(0, 9)) : [];
  const [kind, setKind] = useState<'month' | 'quarter'>('month');
  const months = useMemo(() => recentMonths(), []);
  const quarters = useMemo(() => recentQuarters(), []);
  // The last whole month or quarter by default.
  const [period, setPeriod] = useState<string>(months[1]);
  const [area, setArea] = useState<string[]>(fixed);
  const [busy, setBusy] = useState<string | null>(null);
  const [error, setError] = useState<unknown>();
  const region = area.at(-1) ?? scope;

  const changeKind = (next: 'month' | 'quarter') => {
    setKind(next);
    setPeriod(next === 'month' ? months[1] : quarters[1]);
  };
  const fetchReport = async (format: 'xlsx' | 'pdf') => {
    setBusy(format);
    setError(undefined);
    const name = `bureau-report-${region}-${period}.${format}`;
    try {
      const bytes = await download(`/api/reports/bureau?region=${region}&period=${period}&format=${format}`, name);
      message.success(t('reportDownloaded', { name, size: (bytes / 1024).toFixed(1) }));
    } catch (failure) {
      setError(failure);
    } finally {
      setBusy(null);
    }
  };

  return (
    <div data-testid="bureau-reports">
      <Typography.Paragraph type="secondary">{t('reportsIntro')}</Typography.Paragraph>
      <Form layout="vertical">
        <Form.Item label={t('reportPeriod')}>
          <Space wrap>
            <Segmented
              data-testid="report-kind"
              value={kind}
              onChange={(v) => changeKind(v as 'month' | 'quarter')}
              options={[{ value: 'month', label: t('reportMonthly') }, { value: 'quarter', label: t('reportQuarterly') }]}
            />
            <Select
              data-testid="report-period"
              aria-label={t('reportPeriod')}
              style={{ width: 140 }}
              value={period}
              onChange={setPeriod}
              options={(kind === 'month' ? months : quarters).map((p) => ({ value: p, label: p }))}
            />
          </Space>
        </Form.Item>
        <Form.Item label={t('reportRegion')} extra={area.length === 0 ? t('reportWholeScope') : undefined}>
          <RegionPicker depth={3} allowClear locked={fixed.length} value={area} onChange={setArea} placeholders={['allCities', 'allCounties', 'allTowns']} />
        </Form.Item>
        <Space wrap>
          <Button type="primary" loading={busy === 'xlsx'} disabled={busy !== null} onClick={() => fetchReport('xlsx')} data-testid="download-report-xlsx">
            {t('downloadXlsx')}
          </Button>
          <Button loading={busy === 'pdf'} disabled={busy !== null} onClick={() => fetchReport('pdf')} data-testid="download-report-pdf">
            {t('downloadPdf')}
          </Button>
        </Space>
      </Form>
      <div style={{ marginTop: 12 }}>
        <ErrorAlert error={error} />
      </div>
      <IssuedReports />
    </div>
  );
}
