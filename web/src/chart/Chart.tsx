// One ECharts canvas as a React component, shared by the operations centre and the feedback map. Only the chart types
// and components the screens use are registered (echarts/core), and this module is reached only through lazily loaded
// modules (the operations-centre pages, the feedback map), so the portal's bundle does not carry ECharts.
import { useEffect, useRef } from 'react';
import * as echarts from 'echarts/core';
import { BarChart, LineChart, MapChart, ScatterChart } from 'echarts/charts';
import { GeoComponent, GridComponent, LegendComponent, TooltipComponent, VisualMapComponent } from 'echarts/components';
import { CanvasRenderer } from 'echarts/renderers';

echarts.use([BarChart, LineChart, MapChart, ScatterChart, GeoComponent, GridComponent, LegendComponent, TooltipComponent, VisualMapComponent, CanvasRenderer]);

export type ChartOption = echarts.EChartsCoreOption;
export interface ChartClick {
  seriesId?: string;
  dataIndex: number;
  name: string;
}
/** Where the map of a `geo` component looks: its centre [long, lat] and zoom, as the reader left them by dragging or pinching. */
export interface MapView {
  center?: number[];
  zoom?: number;
}

/** The communes' boundaries as GET /api/v1/public/geo/boundaries and /api/v1/public/geo/communes serve them. */
export interface Boundaries {
  features: { properties: { code: string } }[];
}

/** Registers the commune map under a name that changes with its content (so a new boundary file is taken). */
export function registerCommuneMap(map: Boundaries): string {
  const name = `can-tho-${map.features.length}-${map.features.map((f) => f.properties.code).join('').length}`;
  if (!echarts.getMap(name)) echarts.registerMap(name, map as unknown as Parameters<typeof echarts.registerMap>[1]);
  return name;
}

/**
 * A chart filling its box (the box sets the height); it follows the box's size. `label` is the text alternative
 * read by screen readers — the same figures are always in a table or text next to the chart. `onMapClick` gets the
 * [long, lat] of a click (a tap) on the first `geo` component, and that component's current view.
 */
export function Chart({
  option,
  label,
  onClick,
  onMapClick,
  className,
}: {
  option: ChartOption;
  label: string;
  onClick?: (e: ChartClick) => void;
  onMapClick?: (at: [number, number], view: MapView) => void;
  className?: string;
}) {
  const box = useRef<HTMLDivElement>(null);
  const chart = useRef<echarts.ECharts | null>(null);
  const click = useRef(onClick);
  click.current = onClick;
  const mapClick = useRef(onMapClick);
  mapClick.current = onMapClick;

  useEffect(() => {
    const instance = echarts.init(box.current!, undefined, { renderer: 'canvas', locale: 'EN' });
    chart.current = instance;
    instance.on('click', (e) => click.current?.(e as unknown as ChartClick));
    instance.getZr().on('click', (e) => {
      if (!mapClick.current || !instance.containPixel({ geoIndex: 0 }, [e.offsetX, e.offsetY])) return;
      const at = instance.convertFromPixel({ geoIndex: 0 }, [e.offsetX, e.offsetY]) as number[];
      const geo = (instance.getOption().geo as MapView[] | undefined)?.[0];
      mapClick.current([at[0], at[1]], { center: geo?.center, zoom: geo?.zoom });
    });
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

  return (
    <div ref={box} className={`chart ${className ?? ''}`} role="img" aria-label={label} style={{ cursor: onClick || onMapClick ? 'pointer' : undefined }} />
  );
}
