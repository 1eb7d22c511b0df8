import { Select } from 'antd';
import { useI18n } from '../i18n';
import { CATEGORIES, CATEGORY_LABELS } from '../labels';

/** The category filter of a list: one of the categories, or all of them when cleared. */
export function CategoryFilter({ value, onChange, testId }: { value: string | undefined; onChange: (category: string | undefined) => void; testId: string }) {
  const { t, pick } = useI18n();
  return (
    <Select
      data-testid={testId}
      style={{ width: '100%' }}
      allowClear
      placeholder={t('allCategories')}
      aria-label={t('category')}
      value={value}
      onChange={onChange}
      options={CATEGORIES.map((c) => ({ value: c, label: pick(CATEGORY_LABELS[c]) }))}
    />
  );
}
