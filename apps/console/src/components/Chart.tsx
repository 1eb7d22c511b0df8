import { BarChart, LineChart, SankeyChart } from 'echarts/charts';
import { GridComponent, LegendComponent, TooltipComponent } from 'echarts/components';
import * as echarts from 'echarts/core';
import type { EChartsCoreOption } from 'echarts/core';
import { SVGRenderer } from 'echarts/renderers';
import { CSSProperties, useEffect, useRef } from 'react';

// Only the parts of Apache ECharts the console draws: Sankey diagrams, bars and lines.
echarts.use([SankeyChart, BarChart, LineChart, GridComponent, LegendComponent, TooltipComponent, SVGRenderer]);

export interface ChartProps {
  option: EChartsCoreOption;
  /** Height of the drawing; the width follows the container. */
  height: number;
  /** Narrowest the drawing gets: on a phone the container scrolls sideways beyond it. */
  minWidth?: number;
  testId?: string;
  ariaLabel?: string;
  onClick?: (params: { name?: string; data?: unknown; dataType?: string; seriesType?: string; dataIndex?: number }) => void;
  style?: CSSProperties;
}

/** An ECharts drawing (SVG) that follows its container's size and redraws when `option` changes. */
export function Chart({ option, height, minWidth, testId, ariaLabel, onClick, style }: ChartProps) {
  const ref = useRef<HTMLDivElement>(null);
  const chart = useRef<echarts.ECharts | null>(null);
  const click = useRef(onClick);
  click.current = onClick;

  useEffect(() => {
    const element = ref.current!;
    const instance = echarts.init(element, undefined, { renderer: 'svg' });
    chart.current = instance;
    instance.on('click', (params) => click.current?.(params as never));
    const observer = new ResizeObserver(() => instance.resize());
    observer.observe(element);
    return () => {
      observer.disconnect();
      instance.dispose();
      chart.current = null;
    };
  }, []);

  useEffect(() => {
    chart.current?.setOption(option, { notMerge: true });
  }, [option]);

  return (
    <div className="chart-scroll" style={style}>
      <div ref={ref} data-testid={testId} role="img" aria-label={ariaLabel} style={{ height, minWidth, width: '100%' }} />
    </div>
  );
}
