/**
 * Every benchmark `npm run bench` runs still runs: each at smoke scale (bench/bench-scale.ts: tiny
 * sizes, one repetition) must finish and report well-formed rows. The figures are not checked
 * (they mean nothing at these sizes), except rules that hold at any size.
 */
import { describe, expect, it } from 'vitest';
import type { BenchRow } from '../../bench/bench-row.js';
import { BENCHMARKS } from '../../bench/benchmarks.js';

// Benchmarks whose sizes are fixed have no smoke scale (benchmarks.ts says which have one).
const SMOKED = BENCHMARKS.filter((benchmark) => benchmark.hasSmokeScale);

function checkRow(row: BenchRow): void {
  expect(row.name.trim().length, JSON.stringify(row)).toBeGreaterThan(0);
  expect(row.unit.trim().length, row.name).toBeGreaterThan(0);
  if (typeof row.value === 'number') expect(Number.isFinite(row.value), `${row.name}: ${row.value}`).toBe(true);
  else expect(row.value.trim().length, row.name).toBeGreaterThan(0);
  if (row.baseline !== undefined) {
    expect(Number.isFinite(row.baseline), `${row.name}: baseline ${row.baseline}`).toBe(true);
    expect(typeof row.value, row.name).toBe('number');
    if (row.ratio !== undefined) {
      // Rows round value and baseline (to 1 decimal at the coarsest, bench-row.ts) after taking the ratio
      // of the unrounded ones: the ratio must lie within what those roundings allow.
      const value = row.value as number;
      const rounding = 0.05;
      if (row.baseline > rounding) {
        const low = Math.max(0, value - rounding) / (row.baseline + rounding);
        const high = (value + rounding) / (row.baseline - rounding);
        expect(row.ratio, `${row.name}: ratio of ${value} / ${row.baseline}`).toBeGreaterThanOrEqual(low - 0.0005);
        expect(row.ratio, `${row.name}: ratio of ${value} / ${row.baseline}`).toBeLessThanOrEqual(high + 0.0005);
      }
    }
  }
}

describe('npm run bench, every benchmark at smoke scale', () => {
  it('lists every benchmark once', () => {
    const names = BENCHMARKS.map((benchmark) => benchmark.name);
    expect(new Set(names).size).toBe(names.length);
    expect(names).toContain('compile scale');
  });

  it.each(SMOKED.map((benchmark) => [benchmark.name, benchmark] as const))('%s runs and reports well-formed rows', async (_, benchmark) => {
    const figure = await benchmark.measure('smoke');
    expect(figure.rows.length).toBeGreaterThan(0);
    const names = figure.rows.map((row) => row.name);
    expect(
      names.filter((name, i) => names.indexOf(name) !== i),
      'duplicate row names',
    ).toEqual([]);
    for (const row of figure.rows) checkRow(row);
    if (benchmark.name === 'schedule efficiency') {
      // Series-parallel graphs compile exactly for every duration vector (issue 10), at any size.
      const seriesParallel = figure.rows.filter((row) => row.name.includes('series-parallel'));
      expect(seriesParallel.length).toBeGreaterThan(0);
      for (const row of seriesParallel) expect(row.value, row.name).toBe(1);
    }
    if (benchmark.name === 'compile scale') {
      // The bisection's refused 4,500-op try and the 10-op row both report without throwing.
      expect(names).toContain('largest job in one definition');
      expect(names).toContain('largest job that compiles (split)');
    }
  });
});
