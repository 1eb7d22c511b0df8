import { Logger } from '@nestjs/common';
import { exportXlsxWorkbook, XLSX_CONTENT_TYPE } from '@shecun/core';
import { EventStore } from '@shecun/event-store';
import { BureauReport, ReportFontMissing, reportFileName, reportPdf, reportSheets } from '@shecun/monitoring';
import { NoticeAttachment } from './notice-channels';
import { REPORT_FILED, ReportFiled } from './notice.model';

const logger = new Logger('ReportNotices');

/**
 * The files of a filed report, for its notice by e-mail: its workbook (XLSX) and its printable
 * PDF, made from the report the monitoring context's published event holds (its stream has that one
 * event), with the monitoring context's own sheets and layout, so they are the files the bureau
 * would download as filed. Without a CJK font for the PDF (REPORT_CJK_FONT) the workbook goes alone.
 * None when the stream holds no report.
 */
export async function filedReportAttachments(store: EventStore, stream: string): Promise<NoticeAttachment[]> {
  const [event] = await store.readStream(stream);
  if (!event || event.type !== REPORT_FILED) return [];
  const filed = event.data as ReportFiled & { report: BureauReport };
  const name = reportFileName(filed.region, filed.period, true);
  const files: NoticeAttachment[] = [{ filename: `${name}.xlsx`, contentType: XLSX_CONTENT_TYPE, content: await exportXlsxWorkbook(reportSheets(filed.report), 'zh') }];
  try {
    files.push({ filename: `${name}.pdf`, contentType: 'application/pdf', content: await reportPdf(filed.report) });
  } catch (error) {
    if (!(error instanceof ReportFontMissing)) throw error;
    logger.warn(`the notice of ${name} carries the workbook only: ${error.message}`);
  }
  return files;
}
