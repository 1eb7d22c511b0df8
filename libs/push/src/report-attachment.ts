import { exportXlsxWorkbook, XLSX_CONTENT_TYPE } from '@shecun/core';
import { EventStore } from '@shecun/event-store';
import { BureauReport, reportSheets } from '@shecun/monitoring';
import { NoticeAttachment } from './notice-channels';
import { REPORT_FILED, ReportFiled } from './notice.model';

/**
 * The workbook of a filed report, for its notice by e-mail: made from the report the monitoring
 * context's published event holds (its stream has that one event), with the monitoring context's own
 * sheets, so it is the file the bureau would download as filed. None when the stream holds no report.
 */
export async function filedReportAttachments(store: EventStore, stream: string): Promise<NoticeAttachment[]> {
  const [event] = await store.readStream(stream);
  if (!event || event.type !== REPORT_FILED) return [];
  const filed = event.data as ReportFiled & { report: BureauReport };
  return [{ filename: `issued-report-${filed.region}-${filed.period}.xlsx`, contentType: XLSX_CONTENT_TYPE, content: await exportXlsxWorkbook(reportSheets(filed.report), 'zh') }];
}
