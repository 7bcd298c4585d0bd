/**
 * Figure 1, schedule efficiency: the compiled structure's makespan over the graph's critical
 * path (1.00 = no concurrency lost), against one Parallel per topological level.
 * Run alone: `npx tsx bench/schedule-efficiency.ts`.
 */
import { pathToFileURL } from 'node:url';
import { buildComparedRow, roundTo, type BenchFigure, type BenchRow } from './bench-row.js';
import { buildLevelByLevel } from './level-parallel.js';
import { buildSeriesParallelGraphs, generateDurations, generateRandomGraph } from './random-graph.js';
import { computeCriticalPath, decomposeGraph, evaluateMakespan, respectsDependencies, type OpGraph } from './stepops.js';
import { computeMax, computeMedian } from './stats.js';

/** Seeds per size: fewer at 1,000 ops, where one decomposition takes about 0.3 s. */
const SEEDS: Readonly<Record<number, number>> = { 200: 30, 1000: 20 };
const SIZES = [200, 1000] as const;
const KS = [1, 2, 3] as const;

interface Ratios {
  readonly compiled: number;
  readonly levels: number;
}

/** Makespan / critical path of the compiled decomposition and of the level-by-level baseline. */
function measureRatios(graph: OpGraph, durations: readonly number[]): Ratios {
  const block = decomposeGraph(graph, durations);
  if (!respectsDependencies(block, graph)) throw new Error('decomposeGraph returned a structure that breaks a dependency');
  const criticalPath = computeCriticalPath(graph, durations);
  return {
    compiled: evaluateMakespan(block, durations) / criticalPath,
    levels: evaluateMakespan(buildLevelByLevel(graph), durations) / criticalPath,
  };
}

function measureRandomGraphs(size: number, k: number): BenchRow[] {
  const seeds = SEEDS[size] ?? 20;
  const samples = Array.from({ length: seeds }, (_, s) => {
    const seed = s + 1;
    return measureRatios(generateRandomGraph(size, k, seed), generateDurations(size, seed * 7919));
  });
  const compiled = samples.map((sample) => sample.compiled);
  const levels = samples.map((sample) => sample.levels);
  const method = `${seeds} seeded random graphs of ${size} ops, op i depends on min(i, ${k}) distinct ops drawn uniformly before it, durations uniform in 1..10 s; makespan of decomposeGraph's structure (sequence = sum, Parallel = longest branch, as evaluateMakespan) / critical path; baseline: one Parallel per topological level, evaluated the same way`;
  return [
    buildComparedRow({ name: `schedule: makespan / critical path, ${size} ops, k=${k}, median`, value: computeMedian(compiled), baseline: computeMedian(levels), unit: 'ratio', method }, 3),
    buildComparedRow({ name: `schedule: makespan / critical path, ${size} ops, k=${k}, worst`, value: computeMax(compiled), baseline: computeMax(levels), unit: 'ratio', method }, 3),
  ];
}

function measureSeriesParallel(): BenchRow[] {
  return buildSeriesParallelGraphs().map(([name, graph]) => {
    const ratios = Array.from({ length: 20 }, (_, s) => measureRatios(graph, generateDurations(graph.names.length, s + 1)));
    return buildComparedRow(
      {
        name: `schedule: makespan / critical path, series-parallel ${name}, worst of 20 seeds`,
        value: computeMax(ratios.map((r) => r.compiled)),
        baseline: computeMax(ratios.map((r) => r.levels)),
        unit: 'ratio',
        method: 'random durations 1..10 s (20 seeds); must be exactly 1.00',
      },
      3,
    );
  });
}

/** Every row of the schedule figure. */
export function measureScheduleEfficiency(): BenchFigure {
  const rows: BenchRow[] = [...measureSeriesParallel()];
  for (const size of SIZES) for (const k of KS) rows.push(...measureRandomGraphs(size, k));
  return { figure: 'schedule efficiency', rows: rows.map((row) => ({ ...row, value: roundTo(row.value as number, 3) })) };
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  console.table(measureScheduleEfficiency().rows.map(({ method: _method, ...row }) => row));
}
