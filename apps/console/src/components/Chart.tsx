import { CSSProperties, lazy, Suspense } from 'react';
import type { EChartsCoreOption } from 'echarts/core';

// Apache ECharts (the largest part of the console) loads after the page's first content: the page
// shows its figures and tables at once, and each chart's place until its drawing has loaded.
const ChartDrawing = lazy(() => import('./ChartDrawing'));

/** What a chart's keyboard user moves through (with the arrow keys) and opens (with Enter or Space). */
export interface ChartKeyboard {
  count: number;
  /** What the item at `index` is, read out when it is reached. */
  describe: (index: number) => string;
  onActivate: (index: number) => void;
  /** How to use the keys, read out when the chart is reached. */
  hint: string;
}

export interface ChartProps {
  option: EChartsCoreOption;
  /** Height of the drawing; the width follows the container. */
  height: number;
  /** Narrowest the drawing gets: on a phone the container scrolls sideways beyond it. */
  minWidth?: number;
  testId?: string;
  ariaLabel?: string;
  onClick?: (params: { name?: string; data?: unknown; dataType?: string; seriesType?: string; dataIndex?: number }) => void;
  /** Makes the chart reachable with Tab, its items with the arrow keys, and opens one with Enter or Space. */
  keyboard?: ChartKeyboard;
  style?: CSSProperties;
}

/** An ECharts drawing (SVG) that follows its container's size and redraws when `option` changes (ChartDrawing.tsx), loaded on first use. */
export function Chart(props: ChartProps) {
  return (
    <Suspense
      fallback={
        <div className="chart-scroll" style={props.style}>
          <div aria-busy="true" style={{ height: props.height, minWidth: props.minWidth, width: '100%' }} />
        </div>
      }
    >
      <ChartDrawing {...props} />
    </Suspense>
  );
}
