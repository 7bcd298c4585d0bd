/**
 * Figure 1, schedule efficiency: the compiled structure's makespan over the graph's critical
 * path (1.00 = no concurrency lost), in three columns evaluated on the same random durations:
 * compiled without durations (what users get: the headline), compiled with the true durations
 * (opDurations), and one Parallel per topological level (the baseline). The makespan is also
 * measured by running the compiled state machine with simulatedOpSeconds.
 * Run alone: `npx tsx bench/schedule-efficiency.ts`.
 */
import { pathToFileURL } from 'node:url';
import { buildComparedRow, roundTo, type BenchFigure, type BenchRow } from './bench-row.js';
import { pickByScale, type BenchScale } from './bench-scale.js';
import { buildGraphJob } from './graph-job.js';
import { buildLevelByLevel } from './level-parallel.js';
import { buildSeriesParallelGraphs, generateDurations, generateRandomGraph, generateSkewedDurations } from '../test/support/random-graph.js';
import { computeCriticalPath, decomposeGraph, evaluateMakespan, respectsDependencies, runJobLocally, type OpBlock, type OpGraph } from './stepops.js';
import { computeMax, computeMedian } from './stats.js';

/** Seeds per size: fewer at 1,000 ops. */
const SEEDS: Readonly<Record<number, number>> = { 200: 30, 1000: 20 };
const SIZES = [200, 1000] as const;
const KS = [1, 2, 3] as const;

interface Ratios {
  readonly unknown: number;
  readonly known: number;
  readonly levels: number;
}

function checked(block: OpBlock, graph: OpGraph): OpBlock {
  if (!respectsDependencies(block, graph)) throw new Error('decomposeGraph returned a structure that breaks a dependency');
  return block;
}

/** Makespan / critical path of the three structures on `durations`. */
function measureRatios(graph: OpGraph, durations: readonly number[], unknown = checked(decomposeGraph(graph), graph)): Ratios {
  const criticalPath = computeCriticalPath(graph, durations);
  return {
    unknown: evaluateMakespan(unknown, durations) / criticalPath,
    known: evaluateMakespan(checked(decomposeGraph(graph, durations), graph), durations) / criticalPath,
    levels: evaluateMakespan(buildLevelByLevel(graph), durations) / criticalPath,
  };
}

function buildRows(label: string, samples: readonly Ratios[], method: string, statistic: 'median' | 'worst'): BenchRow[] {
  const pick = statistic === 'median' ? computeMedian : computeMax;
  const levels = pick(samples.map((sample) => sample.levels));
  return [
    buildComparedRow(
      { name: `schedule: ${label}, ${statistic}, compiled without durations`, value: pick(samples.map((s) => s.unknown)), baseline: levels, unit: 'ratio', method },
      3,
    ),
    buildComparedRow(
      { name: `schedule: ${label}, ${statistic}, compiled with the true durations`, value: pick(samples.map((s) => s.known)), baseline: levels, unit: 'ratio', method },
      3,
    ),
  ];
}

function measureRandomGraphs(size: number, k: number, skewed: boolean, scale: BenchScale): BenchRow[] {
  const seeds = pickByScale(scale, SEEDS[size] ?? 20, 2);
  const samples = Array.from({ length: seeds }, (_, s) => {
    const seed = s + 1;
    const durations = skewed ? generateSkewedDurations(size, seed * 7919) : generateDurations(size, seed * 7919);
    return measureRatios(generateRandomGraph(size, k, seed), durations);
  });
  const shape = skewed ? 'skewed durations (1 s, one op in ten 100 s)' : 'durations uniform in 1..10 s';
  const method = `${seeds} seeded random graphs of ${size} ops, op i depends on min(i, ${k}) distinct ops drawn uniformly before it, ${shape}; makespan (sequence = sum, Parallel = longest branch, as evaluateMakespan) / critical path of decomposeGraph(graph) (no durations, as compileJob without opDurations) and of decomposeGraph(graph, durations); baseline: one Parallel per topological level, evaluated the same way`;
  const label = `makespan / critical path, ${size} ops, k=${k}${skewed ? ', skewed' : ''}`;
  return [...buildRows(label, samples, method, 'median'), ...buildRows(label, samples, method, 'worst')];
}

function measureSeriesParallel(scale: BenchScale): BenchRow[] {
  return buildSeriesParallelGraphs().map(([name, graph]) => {
    const unknown = checked(decomposeGraph(graph), graph);
    const ratios = Array.from({ length: pickByScale(scale, 20, 2) }, (_, s) => {
      const n = graph.names.length;
      return measureRatios(graph, s % 2 === 0 ? generateDurations(n, s + 1) : generateSkewedDurations(n, s + 1), unknown);
    });
    return buildComparedRow(
      {
        name: `schedule: makespan / critical path, series-parallel ${name}, worst of ${ratios.length} seeds, compiled without durations`,
        value: computeMax(ratios.map((r) => r.unknown)),
        baseline: computeMax(ratios.map((r) => r.levels)),
        unit: 'ratio',
        method: `compiled once without durations, evaluated on ${ratios.length} duration vectors (half uniform in 1..10 s, half skewed); must be exactly 1.00`,
      },
      3,
    );
  });
}

/**
 * The makespan measured by running the compiled machine: runJobLocally with each op taking its
 * duration (simulatedOpSeconds), elapsed virtual seconds / critical path, against the formula.
 */
async function measureSimulated(scale: BenchScale): Promise<BenchRow[]> {
  const measured: number[] = [];
  const formula: number[] = [];
  const size = pickByScale(scale, 200, 20);
  const seeds = pickByScale(scale, 5, 1);
  for (let seed = 1; seed <= seeds; seed += 1) {
    const graph = generateRandomGraph(size, 2, seed);
    const durations = generateDurations(size, seed * 7919);
    const result = await runJobLocally(buildGraphJob(`simulated_${seed}`, graph), {
      simulatedOpSeconds: Object.fromEntries(graph.names.map((name, k) => [name, durations[k]!])),
      writeLog: () => {},
    });
    if (result.status !== 'SUCCEEDED') throw new Error(`simulated run ${seed} ${result.status}`);
    const criticalPath = computeCriticalPath(graph, durations);
    measured.push(result.elapsedSeconds / criticalPath);
    formula.push(evaluateMakespan(decomposeGraph(graph), durations) / criticalPath);
  }
  return [
    buildComparedRow(
      {
        name: `schedule: makespan / critical path, ${size} ops, k=2, median, measured by runJobLocally with simulatedOpSeconds (compiled without durations)`,
        value: computeMedian(measured),
        baseline: computeMedian(formula),
        unit: 'ratio',
        method: `${seeds} seeded random ${size}-op graphs (k=2) compiled by compileJob without opDurations and run by runJobLocally (virtual clock) with each op taking its duration (uniform 1..10 s) through simulatedOpSeconds; elapsed virtual seconds / critical path; baseline: the same structure evaluated by formula (evaluateMakespan)`,
      },
      3,
    ),
  ];
}

/** Every row of the schedule figure. */
export async function measureScheduleEfficiency(scale: BenchScale = 'full'): Promise<BenchFigure> {
  const rows: BenchRow[] = [...measureSeriesParallel(scale)];
  const sizes = pickByScale<readonly number[]>(scale, SIZES, [30]);
  for (const size of sizes) for (const k of KS) rows.push(...measureRandomGraphs(size, k, false, scale));
  for (const size of sizes) rows.push(...measureRandomGraphs(size, 2, true, scale));
  rows.push(...(await measureSimulated(scale)));
  return { figure: 'schedule efficiency', rows: rows.map((row) => ({ ...row, value: roundTo(row.value as number, 3) })) };
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  console.table((await measureScheduleEfficiency()).rows.map(({ method: _method, ...row }) => row));
}
