// One ECharts canvas as a React component. Only the chart types and components the screens use are registered
// (echarts/core), and this module is reached only through the lazily loaded operations-centre pages.
import { useEffect, useRef } from 'react';
import * as echarts from 'echarts/core';
import { BarChart, LineChart, MapChart } from 'echarts/charts';
import { GridComponent, LegendComponent, TooltipComponent, VisualMapComponent } from 'echarts/components';
import { CanvasRenderer } from 'echarts/renderers';
import type { CommuneMap } from './types.ts';

echarts.use([BarChart, LineChart, MapChart, GridComponent, LegendComponent, TooltipComponent, VisualMapComponent, CanvasRenderer]);

export type ChartOption = echarts.EChartsCoreOption;
export interface ChartClick {
  seriesId?: string;
  dataIndex: number;
  name: string;
}

/** Registers the commune map under a name that changes with its content (so a new boundary file is taken). */
export function registerCommuneMap(map: CommuneMap): string {
  const name = `can-tho-${map.features.length}-${map.features.map((f) => f.properties.code).join('').length}`;
  if (!echarts.getMap(name)) echarts.registerMap(name, map as unknown as Parameters<typeof echarts.registerMap>[1]);
  return name;
}

/**
 * A chart filling its box (the box sets the height); it follows the box's size. `label` is the text alternative
 * read by screen readers — the same figures are always in a table or text next to the chart.
 */
export function Chart({ option, label, onClick, className }: { option: ChartOption; label: string; onClick?: (e: ChartClick) => void; className?: string }) {
  const box = useRef<HTMLDivElement>(null);
  const chart = useRef<echarts.ECharts | null>(null);
  const click = useRef(onClick);
  click.current = onClick;

  useEffect(() => {
    const instance = echarts.init(box.current!, undefined, { renderer: 'canvas', locale: 'EN' });
    chart.current = instance;
    instance.on('click', (e) => click.current?.(e as unknown as ChartClick));
    const resize = new ResizeObserver(() => instance.resize());
    resize.observe(box.current!);
    return () => {
      resize.disconnect();
      instance.dispose();
      chart.current = null;
    };
  }, []);

  useEffect(() => {
    // Replace (not merge) so that series which disappeared do not linger; no animation on live updates of a wall.
    chart.current?.setOption(option, { notMerge: true });
  }, [option]);

  return <div ref={box} className={`chart ${className ?? ''}`} role="img" aria-label={label} style={{ cursor: onClick ? 'pointer' : undefined }} />;
}
