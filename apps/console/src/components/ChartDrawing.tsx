import { BarChart, LineChart, SankeyChart } from 'echarts/charts';
import { GridComponent, LegendComponent, TooltipComponent } from 'echarts/components';
import * as echarts from 'echarts/core';
import { SVGRenderer } from 'echarts/renderers';
import type { ChartProps } from './Chart';
import { KeyboardEvent, useEffect, useId, useRef, useState } from 'react';

// Only the parts of Apache ECharts the console draws: Sankey diagrams, bars and lines.
echarts.use([SankeyChart, BarChart, LineChart, GridComponent, LegendComponent, TooltipComponent, SVGRenderer]);

/** An ECharts drawing (SVG) that follows its container's size and redraws when `option` changes. */
export default function ChartDrawing({ option, height, minWidth, testId, ariaLabel, onClick, keyboard, style }: ChartProps) {
  const ref = useRef<HTMLDivElement>(null);
  const chart = useRef<echarts.ECharts | null>(null);
  const click = useRef(onClick);
  click.current = onClick;
  const [current, setCurrent] = useState<number | null>(null);
  const hintId = useId();

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
    setCurrent(null);
  }, [option]);

  const reach = (index: number) => {
    setCurrent(index);
    chart.current?.dispatchAction({ type: 'downplay' });
    chart.current?.dispatchAction({ type: 'highlight', seriesIndex: 0, dataIndex: index });
    chart.current?.dispatchAction({ type: 'showTip', seriesIndex: 0, dataIndex: index });
  };
  const onKeyDown = (event: KeyboardEvent<HTMLDivElement>) => {
    if (!keyboard || keyboard.count === 0) return;
    const last = keyboard.count - 1;
    const at = current ?? -1;
    const moves: Record<string, number> = { ArrowRight: Math.min(last, at + 1), ArrowDown: Math.min(last, at + 1), ArrowLeft: Math.max(0, at - 1), ArrowUp: Math.max(0, at - 1), Home: 0, End: last };
    if (event.key in moves) {
      event.preventDefault();
      reach(moves[event.key]);
    } else if ((event.key === 'Enter' || event.key === ' ') && current !== null) {
      event.preventDefault();
      keyboard.onActivate(current);
    }
  };
  const onBlur = () => {
    setCurrent(null);
    chart.current?.dispatchAction({ type: 'downplay' });
    chart.current?.dispatchAction({ type: 'hideTip' });
  };

  return (
    // A drawing wider than a phone scrolls sideways: Tab reaches it (then the arrow keys scroll it) unless the keyboard's chart inside already takes the focus.
    <div className="chart-scroll" style={style} {...(minWidth && !keyboard ? { tabIndex: 0, role: 'group', 'aria-label': ariaLabel } : {})}>
      {keyboard ? (
        <>
          <div
            ref={ref}
            data-testid={testId}
            className="chart-keyboard"
            role="application"
            aria-label={ariaLabel}
            aria-describedby={hintId}
            tabIndex={0}
            onKeyDown={onKeyDown}
            onBlur={onBlur}
            style={{ height, minWidth, width: '100%' }}
          />
          <span id={hintId} className="visually-hidden">
            {keyboard.hint}
          </span>
          <span className="visually-hidden" aria-live="polite" data-testid={testId ? `${testId}-current` : undefined}>
            {current !== null && current < keyboard.count ? keyboard.describe(current) : ''}
          </span>
        </>
      ) : (
        <div ref={ref} data-testid={testId} role="img" aria-label={ariaLabel} style={{ height, minWidth, width: '100%' }} />
      )}
    </div>
  );
}
