import { Select, Tag } from 'antd';
import { useEffect, useState } from 'react';
import { get } from '../api';
import { useI18n } from '../i18n';

export interface OrganizationSummary {
  id: string;
  name: string;
  type: string;
  homeDivisionCode: string;
  hubKind: string | null;
  isHub: boolean;
  categories: string[];
  standing: string;
  standingReason: string | null;
  standingSince: string | null;
  registeredAt: string;
}

export interface OrganizationPage {
  page: number;
  pageSize: number;
  total: number;
  items: OrganizationSummary[];
}

/**
 * Picks a registered organization by typing part of its name (GET /api/organizations?q=, public).
 * `exclude` leaves some out (the team's members); `standing` narrows to organizations in that standing,
 * `division` to those registered in that division.
 */
export function OrganizationSelect({
  value,
  onChange,
  testId,
  placeholder,
  exclude = [],
  standing,
  division,
  initialName,
}: {
  value?: string;
  onChange?: (id: string | undefined, organization?: OrganizationSummary) => void;
  testId: string;
  placeholder?: string;
  exclude?: string[];
  standing?: 'normal';
  division?: string;
  initialName?: string;
}) {
  const { t } = useI18n();
  const [q, setQ] = useState('');
  const [options, setOptions] = useState<OrganizationSummary[]>([]);
  const [loading, setLoading] = useState(false);
  useEffect(() => {
    const controller = new AbortController();
    const timer = setTimeout(() => {
      setLoading(true);
      const query = new URLSearchParams({ pageSize: '20' });
      if (q.trim()) query.set('q', q.trim());
      if (standing) query.set('standing', standing);
      if (division) query.set('division', division);
      get<OrganizationPage>(`/api/organizations?${query}`, { signal: controller.signal }).then(
        (page) => {
          setOptions(page.items);
          setLoading(false);
        },
        () => setLoading(false),
      );
    }, 250);
    return () => {
      clearTimeout(timer);
      controller.abort();
    };
  }, [q, standing, division]);
  const shown = options.filter((o) => !exclude.includes(o.id));
  const known = value && !shown.some((o) => o.id === value) ? [{ value, label: initialName ?? value }] : [];
  return (
    <Select
      data-testid={testId}
      style={{ width: '100%' }}
      showSearch={{ filterOption: false, onSearch: setQ }}
      allowClear
      loading={loading}
      placeholder={placeholder ?? t('searchOrganization')}
      aria-label={placeholder ?? t('searchOrganization')}
      value={value}
      notFoundContent={loading ? t('searching') : t('noMatch')}
      onChange={(id) => onChange?.(id ?? undefined, options.find((o) => o.id === id))}
      options={[
        ...known,
        ...shown.map((o) => ({
          value: o.id,
          label: (
            <span className="org-option">
              <span className="org-option-name">{o.name}</span>
              {o.standing !== 'normal' && <Tag color="red">{t(o.standing === 'abnormal' ? 'standingAbnormal' : 'standingDeregistered')}</Tag>}
            </span>
          ),
        })),
      ]}
    />
  );
}
