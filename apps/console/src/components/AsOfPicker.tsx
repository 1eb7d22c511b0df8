import { DatePicker } from 'antd';
import dayjs from 'dayjs';

/** The date picker of the auditor's as-of date (today and before), loaded after the page's first content. */
export default function AsOfPicker({ value, onChange, placeholder }: { value: string | undefined; onChange: (date: string | undefined) => void; placeholder: string }) {
  return (
    <DatePicker
      data-testid="as-of"
      value={value ? dayjs(value) : null}
      onChange={(d) => onChange(d ? d.format('YYYY-MM-DD') : undefined)}
      disabledDate={(d) => d.isAfter(dayjs(), 'day')}
      placeholder={placeholder}
      allowClear
    />
  );
}
