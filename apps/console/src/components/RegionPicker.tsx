import { Col, Row, Select } from 'antd';
import { useDivision } from '../hooks';
import { MessageKey, useI18n } from '../i18n';

const LEVELS = ['city', 'county', 'town', 'village'] as const;

export interface RegionPickerProps {
  /** Codes chosen from the city down: [city, county, town, village], as far as chosen. */
  value?: string[];
  onChange?: (codes: string[]) => void;
  /** 3: city → town (filters); 4: down to the village (posting a need). */
  depth: 3 | 4;
  placeholders: MessageKey[];
  allowClear?: boolean;
  /** Grid span per select at each breakpoint. */
  span?: { xs: number; sm: number; lg: number };
  /** How many levels from the city down are fixed (a coordinator's scope, a revised need's village). */
  locked?: number;
}

/** The codes from the city down to a division code: '441826105' → ['4418', '441826', '441826105']. */
export const regionPath = (code: string): string[] => [4, 6, 9, 12].filter((n) => n <= code.length).map((n) => code.slice(0, n));

function LevelSelect({
  parent,
  value,
  onChange,
  placeholder,
  allowClear,
  testId,
  disabled,
}: {
  disabled?: boolean;
  parent: string | undefined;
  value: string | undefined;
  onChange: (code: string | undefined) => void;
  placeholder: string;
  allowClear?: boolean;
  testId: string;
}) {
  const division = useDivision(parent);
  const options = division?.children.map((c) => ({ value: c.code, label: c.name })) ?? [];
  return (
    <Select
      data-testid={testId}
      style={{ width: '100%' }}
      showSearch={{ optionFilterProp: 'label' }}
      allowClear={allowClear}
      placeholder={placeholder}
      aria-label={placeholder}
      disabled={disabled || parent === undefined}
      loading={parent !== undefined && !division}
      options={options}
      value={value}
      onChange={(code) => onChange(code ?? undefined)}
    />
  );
}

/** Drill-down selects over /api/regions: city → county → town (→ village). */
export function RegionPicker({ value = [], onChange, depth, placeholders, allowClear, span = { xs: 24, sm: 12, lg: 6 }, locked = 0 }: RegionPickerProps) {
  const { t } = useI18n();
  const change = (level: number, code: string | undefined) => {
    const next = value.slice(0, level);
    if (code) next.push(code);
    onChange?.(next);
  };
  return (
    <Row gutter={[12, 12]}>
      {LEVELS.slice(0, depth).map((level, i) => (
        <Col key={level} {...span}>
          <LevelSelect
            testId={`region-${level}`}
            parent={i === 0 ? '' : value[i - 1]}
            value={value[i]}
            onChange={(code) => change(i, code)}
            placeholder={t(placeholders[i])}
            allowClear={allowClear && i >= locked}
            disabled={i < locked}
          />
        </Col>
      ))}
    </Row>
  );
}

/** The area a list is filtered to, kept in the address as city, county and town: the codes chosen, from the city down. */
export const areaOf = (params: URLSearchParams): string[] => ['city', 'county', 'town'].map((k) => params.get(k)).filter((v): v is string => !!v);

/** The city → county → town filter of a list (see `areaOf`), changed through `setFilter`. */
export function AreaFilter({ params, setFilter }: { params: URLSearchParams; setFilter: (change: Record<string, string | undefined>) => void }) {
  return (
    <RegionPicker
      depth={3}
      allowClear
      span={{ xs: 24, sm: 8, lg: 8 }}
      placeholders={['allCities', 'allCounties', 'allTowns']}
      value={areaOf(params)}
      onChange={(codes) => setFilter({ city: codes[0], county: codes[1], town: codes[2] })}
    />
  );
}
