/**
 * Claim 1 ("Python does not necessarily release memory to the OS"): its chart shows the live and the
 * reserved bytes of each phase side by side, each from zero, not the live bar stacked on the
 * reserved one (which would read as 80 MiB allocated instead of 41 MiB reserved and 39.7 MiB live).
 */
import { describe, expect, it } from 'vitest';
import { renderClaimChart } from '../../../src/debate/claims/chart.ts';
import { judge } from '../../../src/debate/claims/claim.ts';
import { memoryRelease } from '../../../src/debate/claims/memory-release.ts';
import { ChartRenderer } from '../../../src/report/charts.ts';
import { collectorPalette } from '../../../src/report/palette.ts';
import { debateData } from './fixture.ts';

/** The bars of an SVG chart: each rect's left edge and right edge. */
function bars(svg: string): Array<{ left: number; right: number }> {
  const group = svg.slice(svg.indexOf('aria-label="bar"'));
  return [...group.matchAll(/<rect[^>]*? x="([\d.]+)"[^>]*? width="([\d.]+)"/g)].map((m) => ({
    left: Number(m[1]),
    right: Number(m[1]) + Number(m[2]),
  }));
}

describe('claim 1', () => {
  const claim = judge(memoryRelease, debateData([], []));

  it('is supported: every arena stays reserved after half the blocks are freed', () => {
    expect(claim.verdict).toBe('supported');
    expect(claim.paragraph).toMatch(
      /^Supported, with a reason\. Allocating took 41 MiB from the OS for 39\.7 MiB/,
    );
  });

  it('draws live and reserved bytes as separate bars from zero, the longest one 41 MiB', () => {
    const svg = renderClaimChart(new ChartRenderer(collectorPalette([])), claim.chart!)!;
    const drawn = bars(svg);
    expect(drawn.length).toBe(6); // three phases x (reserved, live)
    const zero = Math.min(...drawn.map((b) => b.left));
    for (const b of drawn) expect(b.left).toBeCloseTo(zero, 5);
    // The x axis ends near 41 MiB (ticks up to 40), not near 80 MiB.
    const ticks = [...svg.matchAll(/<text[^>]*>(\d+)<\/text>/g)].map((m) => Number(m[1]));
    expect(Math.max(...ticks)).toBe(40);
  });
});
