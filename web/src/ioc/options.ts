// ECharts options of the trend and the commune map, on the light desk or the dark wall.
import { formatNumber, formatPercent } from '../format.ts';
import type { ChartOption } from '../chart/Chart.tsx';
import { COLOURS } from './labels.ts';
import { trendLabel } from './period.ts';
import type { CommuneMap, Trend } from './types.ts';

export type Look = 'desk' | 'wall';
/** Colours of each look; `panel` is the chart's background, the same as the panel around it. */
const INK = {
  desk: { text: '#1b1f24', muted: '#57606a', line: '#d0d7de', empty: '#c9ced6', panel: '#fff' },
  wall: { text: '#e8edf2', muted: '#a8b3bf', line: '#34404d', empty: '#4a5563', panel: '#131e29' },
};

/**
 * Chart text size: the wall's scales with the screen's height like its CSS (18 px at 1080 rows), so a 1366×768
 * screen shows the same chart with smaller text instead of a legend that crowds out the plot.
 */
const fontSize = (look: Look) => (look === 'wall' ? Math.round(Math.min(24, Math.max(12, window.innerHeight / 60))) : 12);

const tooltipBase = (look: Look) => ({
  confine: true,
  backgroundColor: look === 'wall' ? '#111a24' : '#fff',
  borderColor: INK[look].line,
  textStyle: { color: INK[look].text, fontSize: fontSize(look) + 1 },
});

/** The series ids double as drill-down indicators. */
export const TREND_SERIES = [
  { id: 'received', name: 'Tiếp nhận', stack: undefined },
  { id: 'early', name: 'Trước hạn', stack: 'finished' },
  { id: 'on_time', name: 'Đúng hạn', stack: 'finished' },
  { id: 'late', name: 'Quá hạn', stack: 'finished' },
] as const;

export function trendOption(trend: Trend, look: Look): ChartOption {
  const ink = INK[look];
  const size = fontSize(look);
  const value = (p: Trend['points'][number], id: (typeof TREND_SERIES)[number]['id']) =>
    id === 'received' ? p.received : id === 'early' ? p.early : id === 'on_time' ? p.onTime : p.late;
  return {
    animation: look === 'desk',
    backgroundColor: ink.panel,
    textStyle: { fontFamily: 'system-ui, "Noto Sans", Arial, sans-serif', color: ink.text },
    grid: { left: 8, right: 8, top: size * 3, bottom: 8, containLabel: true },
    legend: { top: 0, textStyle: { color: ink.text, fontSize: size }, itemWidth: look === 'wall' ? 28 : 18, itemHeight: look === 'wall' ? 16 : 12 },
    tooltip: {
      ...tooltipBase(look),
      trigger: 'axis',
      valueFormatter: (v: unknown) => (typeof v === 'number' ? formatNumber(v) : String(v ?? '—')),
    },
    xAxis: {
      type: 'category',
      data: trend.points.map((p) => trendLabel(p.period)),
      axisLabel: { color: ink.muted, fontSize: size, hideOverlap: true },
      axisLine: { lineStyle: { color: ink.line } },
    },
    yAxis: [
      {
        type: 'value',
        minInterval: 1,
        axisLabel: { color: ink.muted, fontSize: size, formatter: (v: number) => formatNumber(v) },
        splitLine: { lineStyle: { color: ink.line } },
      },
      {
        type: 'value',
        min: 0,
        max: 1,
        axisLabel: { color: ink.muted, fontSize: size, formatter: (v: number) => formatPercent(v) },
        splitLine: { show: false },
      },
    ],
    series: [
      ...TREND_SERIES.map((s) => ({
        id: s.id,
        name: s.name,
        type: 'bar',
        stack: s.stack,
        barMaxWidth: 28,
        itemStyle: { color: COLOURS[s.id] },
        data: trend.points.map((p) => value(p, s.id)),
      })),
      {
        id: 'ratio',
        name: 'Tỷ lệ đúng hạn',
        type: 'line',
        yAxisIndex: 1,
        connectNulls: true,
        symbolSize: look === 'wall' ? 10 : 6,
        lineStyle: { width: look === 'wall' ? 4 : 2, color: look === 'wall' ? '#ffd60a' : '#7a1013' },
        itemStyle: { color: look === 'wall' ? '#ffd60a' : '#7a1013' },
        data: trend.points.map((p) => p.onTimeRatio),
        tooltip: { valueFormatter: (v: unknown) => (typeof v === 'number' ? formatPercent(v) : 'Chưa có hồ sơ giải quyết') },
      },
    ],
  };
}

/** The communes coloured by their on-time ratio (red → amber → green); grey where no dossier was finished. */
export function mapOption(mapName: string, map: CommuneMap, look: Look): ChartOption {
  const ink = INK[look];
  const byCode = new Map(map.features.map((f) => [f.properties.code, f.properties]));
  const size = fontSize(look);
  return {
    animation: false,
    backgroundColor: ink.panel,
    tooltip: {
      ...tooltipBase(look),
      trigger: 'item',
      formatter: (p: { name: string }) => {
        const c = byCode.get(p.name);
        if (!c) return p.name;
        const ratio = c.onTimeRatio === null ? 'Chưa có hồ sơ giải quyết' : `Tỷ lệ đúng hạn: ${formatPercent(c.onTimeRatio)}`;
        return `<strong>${escapeHtml(c.name)}</strong><br>${ratio}<br>Tiếp nhận: ${formatNumber(c.received)} hồ sơ`;
      },
    },
    visualMap: {
      type: 'continuous',
      min: 0,
      max: 100,
      calculable: false,
      orient: 'horizontal',
      left: 'center',
      bottom: 0,
      text: ['100%', '0%'],
      textStyle: { color: ink.text, fontSize: size },
      itemHeight: look === 'wall' ? 220 : 140,
      itemWidth: look === 'wall' ? 18 : 12,
      inRange: { color: [COLOURS.late, '#f2c94c', COLOURS.early] },
    },
    series: [
      {
        type: 'map',
        map: mapName,
        nameProperty: 'code',
        roam: false,
        top: 8,
        bottom: look === 'wall' ? 60 : 44,
        left: 8,
        right: 8,
        preserveAspect: 'contain', // the box is the limit, the province keeps its shape
        selectedMode: false,
        itemStyle: { areaColor: ink.empty, borderColor: look === 'wall' ? '#0d141c' : '#fff', borderWidth: 0.6 },
        emphasis: { label: { show: false }, itemStyle: { areaColor: look === 'wall' ? '#7fb2ff' : '#8fb8e8' } },
        label: { show: false },
        data: map.features.map((f) => ({
          name: f.properties.code,
          value: f.properties.onTimeRatio === null ? '-' : Math.round(f.properties.onTimeRatio * 1000) / 10,
        })),
      },
    ],
  };
}

const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** Counts by name as horizontal bars, largest on top (feedback received by channel or by category). */
export function barsOption(rows: { id: string; name: string; value: number }[], look: Look, colour: string, seriesName = 'Tiếp nhận'): ChartOption {
  const ink = INK[look];
  const size = fontSize(look);
  const sorted = [...rows].sort((a, b) => a.value - b.value); // ECharts draws the first category at the bottom
  return {
    animation: look === 'desk',
    backgroundColor: ink.panel,
    textStyle: { fontFamily: 'system-ui, "Noto Sans", Arial, sans-serif', color: ink.text },
    grid: { left: 8, right: size * 3, top: 4, bottom: 4, containLabel: true },
    tooltip: { ...tooltipBase(look), trigger: 'item', valueFormatter: (v: unknown) => (typeof v === 'number' ? formatNumber(v) : String(v ?? '—')) },
    xAxis: { type: 'value', minInterval: 1, axisLabel: { show: false }, splitLine: { show: false } },
    yAxis: {
      type: 'category',
      data: sorted.map((r) => r.name),
      axisLabel: { color: ink.text, fontSize: size },
      axisLine: { lineStyle: { color: ink.line } },
      axisTick: { show: false },
    },
    series: [
      {
        type: 'bar',
        name: seriesName,
        barMaxWidth: 22,
        itemStyle: { color: colour },
        label: { show: true, position: 'right', color: ink.text, fontSize: size, formatter: (p: { value: number }) => formatNumber(p.value) },
        data: sorted.map((r) => ({ value: r.value, id: r.id })),
      },
    ],
  };
}
