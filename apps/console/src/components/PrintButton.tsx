import { PrinterOutlined } from '@ant-design/icons';
import { Button } from 'antd';
import { useEffect, useState } from 'react';
import { useI18n } from '../i18n';

/** Whether the page is being printed (print preview, 打印, "save as PDF"): lists then show every row. */
export function usePrinting(): boolean {
  const [printing, setPrinting] = useState(() => typeof window !== 'undefined' && window.matchMedia?.('print').matches === true);
  useEffect(() => {
    const query = window.matchMedia?.('print');
    const on = () => setPrinting(true);
    const off = () => setPrinting(query?.matches === true);
    const change = () => setPrinting(query?.matches === true);
    window.addEventListener('beforeprint', on);
    window.addEventListener('afterprint', off);
    query?.addEventListener?.('change', change);
    return () => {
      window.removeEventListener('beforeprint', on);
      window.removeEventListener('afterprint', off);
      query?.removeEventListener?.('change', change);
    };
  }, []);
  return printing;
}

/** 打印: the browser's print dialog (or "save as PDF"); the page's print style leaves out the console around it. */
export function PrintButton() {
  const { t } = useI18n();
  return (
    <Button icon={<PrinterOutlined />} className="no-print" data-testid="print-page" onClick={() => window.print()}>
      {t('printPage')}
    </Button>
  );
}
