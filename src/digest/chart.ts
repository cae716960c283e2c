import { Resvg } from '@resvg/resvg-js';
import * as echarts from 'echarts';
import { SEVERITIES } from '../aws/resources.js';
import type { Severity } from '../aws/resources.js';

export interface TrendPoint {
  /** YYYY-MM-DD */
  day: string;
  /** null: no digest that day. */
  counts: Record<Severity, number> | null;
}

const COLORS: Record<Severity, string> = { CRITICAL: '#7f1d1d', HIGH: '#dc2626', MEDIUM: '#f59e0b', LOW: '#3b82f6' };

/** The trend chart as SVG: failing resources per day, stacked by severity. Server-side ECharts, no DOM. */
export function trendChartSvg(points: readonly TrendPoint[], options: { width?: number; height?: number; title?: string } = {}): string {
  const width = options.width ?? 1200;
  const height = options.height ?? 500;
  const chart = echarts.init(null, null, { renderer: 'svg', ssr: true, width, height });
  try {
    chart.setOption({
      animation: false,
      backgroundColor: '#ffffff',
      textStyle: { fontFamily: 'DejaVu Sans, Arial, Helvetica, sans-serif' },
      title: { text: options.title ?? 'Failing SageMaker resources per day (last 30 days)', left: 'center', top: 10 },
      legend: { top: 44, data: [...SEVERITIES] },
      grid: { left: 60, right: 30, top: 90, bottom: 60 },
      xAxis: { type: 'category', data: points.map((p) => p.day.slice(5)), axisLabel: { rotate: 45 } },
      yAxis: { type: 'value', minInterval: 1, name: 'failing' },
      series: SEVERITIES.map((s) => ({
        name: s,
        type: 'bar',
        stack: 'failing',
        itemStyle: { color: COLORS[s] },
        data: points.map((p) => (p.counts ? p.counts[s] : null)),
      })),
    });
    return chart.renderToSVGString();
  } finally {
    // Without dispose() the chart keeps timers alive and the process does not exit.
    chart.dispose();
  }
}

/** SVG → PNG with resvg (system fonts; a slim image needs e.g. fonts-dejavu-core). */
export function svgToPng(svg: string, width = 1200): Buffer {
  const png = new Resvg(svg, { fitTo: { mode: 'width', value: width }, background: '#ffffff', font: { loadSystemFonts: true, defaultFontFamily: 'DejaVu Sans' } })
    .render()
    .asPng();
  return Buffer.from(png);
}

export function trendChartPng(points: readonly TrendPoint[], options: { width?: number; height?: number; title?: string } = {}): Buffer {
  return svgToPng(trendChartSvg(points, options), options.width ?? 1200);
}
