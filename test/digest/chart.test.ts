import { describe, expect, it } from 'vitest';
import { trendChartPng, trendChartSvg, type TrendPoint } from '../../src/digest/chart.js';
import { lastDays } from '../../src/digest/keys.js';

describe('trend chart', () => {
  const points: TrendPoint[] = lastDays('2026-11-26', 30).map((day, i) => ({
    day,
    counts: i % 7 === 3 ? null : { CRITICAL: i % 3, HIGH: 10 + i, MEDIUM: 20 - (i % 5), LOW: 5 },
  }));

  it('renders 30 days as stacked bars by severity, in SVG', () => {
    const svg = trendChartSvg(points);
    expect(svg.startsWith('<svg')).toBe(true);
    expect(svg).toContain('CRITICAL');
    expect(svg).toContain('11-26');
    expect(svg).toContain('10-28');
  });

  it('renders a PNG of the requested width', () => {
    const png = trendChartPng(points, { width: 800, height: 400 });
    expect(png.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))).toBe(true);
    // IHDR: width and height, big-endian, at bytes 16..24.
    expect(png.readUInt32BE(16)).toBe(800);
    expect(png.readUInt32BE(20)).toBe(400);
    expect(png.length).toBeGreaterThan(5000);
  });
});
