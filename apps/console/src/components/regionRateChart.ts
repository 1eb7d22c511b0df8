import type { Grid } from 'antd';

/*
 * The bureau's chart of rates by region (pages/Dashboard.tsx): its bars, and when it lays them out
 * side by side or one row per region.
 */

/**
 * A rate per region as bars, each with its value written on it: a region with nothing to count
 * shows an empty bar labelled 无数据, one where nothing came of its needs a bar labelled 0%. Side by
 * side, a region's two bars stand a bar's width apart, so that their labels (100% and 100%, 0% and
 * No data) do not run into each other.
 */
export function rateSeries(name: string, color: string, items: Array<{ rate: number | null; code: string }>, pct: (v: number | null) => string, byRows: boolean) {
  return {
    name,
    type: 'bar',
    data: items.map((r) => ({ value: r.rate === null ? 0 : Math.round(r.rate * 100), code: r.code, noData: r.rate === null })),
    itemStyle: { color },
    barMaxWidth: 24,
    ...(byRows ? {} : { barGap: '100%' }),
    label: { show: true, position: byRows ? 'right' : 'top', fontSize: 11, color: '#595959', formatter: (p: { dataIndex: number }) => pct(items[p.dataIndex].rate) },
  };
}

/** How many regions fit side by side, each with two labelled bars, on a screen of this width (more go one row each). */
export const sideBySide = (screens: ReturnType<typeof Grid.useBreakpoint>) => (screens.xl ? 10 : screens.lg ? 8 : screens.md ? 5 : 0);
