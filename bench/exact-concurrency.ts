/**
 * concurrency 'exact' beside 'structured' on the same graphs: each job run on the local runner
 * with simulated op seconds (uniform 1..20) and one retry after a wait (1..60 s) on one op in
 * five, both modes on the same job and durations; makespan / critical path (critical path with
 * the retry waits), billed state transitions and Lambda invocations per op, read from the runs'
 * histories. `npx tsx bench/exact-concurrency.ts` prints the rows.
 */
import { pathToFileURL } from 'node:url';
import { buildComparedRow, roundTo, type BenchFigure, type BenchRow } from './bench-row.js';
import { pickByScale, type BenchScale } from './bench-scale.js';
import { countBilledTransitions } from './count-transitions.js';
import { buildGraphJob } from './graph-job.js';
import { generateRandomGraph } from '../test/support/random-graph.js';
import { compileJob, createSeededRandom, RetryPolicy, runJobLocally, type OpGraph } from './stepops.js';
import { computeMax, computeMedian } from './stats.js';

const METHOD =
  'bench/exact-concurrency.ts: random DAGs (k = 2 or 3 producers per op, 5 seeds each), simulated seconds 1..20 per attempt, one op in five fails once and retries after 1..60 s (RetryPolicy delay); each job run by runJobLocally in structured and exact mode; makespan = elapsedSeconds, critical path with the attempts and waits; transitions = *StateEntered events + retrier retries; Lambda invocations = TaskScheduled events';

interface ModeFigures {
  readonly ratio: number;
  readonly transitionsPerOp: number;
  readonly invocationsPerOp: number;
}

async function runOnce(graph: OpGraph, seed: number): Promise<{ structured: ModeFigures; exact: ModeFigures; crossEdges: number }> {
  const random = createSeededRandom(seed * 7919);
  const seconds = graph.names.map(() => 1 + Math.floor(random() * 20));
  const flaky = graph.names.map(() => random() < 0.2);
  const delays = graph.names.map(() => 1 + Math.floor(random() * 60));
  const job = buildGraphJob(`bench_exact_${seed}`, graph, (k) => (flaky[k] ? { policy: new RetryPolicy({ maxRetries: 1, delay: delays[k]! }), failures: 1 } : {}));
  const finish: number[] = [];
  graph.names.forEach((_, k) => {
    const start = graph.predecessors[k]!.reduce((latest, p) => Math.max(latest, finish[p]!), 0);
    finish.push(start + seconds[k]! + (flaky[k] ? delays[k]! + seconds[k]! : 0));
  });
  const criticalPath = Math.max(...finish);
  const simulatedOpSeconds = Object.fromEntries(graph.names.map((name, k) => [name, seconds[k]!]));
  const measure = async (concurrency: 'structured' | 'exact'): Promise<ModeFigures> => {
    const result = await runJobLocally(job, { simulatedOpSeconds, concurrency, writeLog: () => {} });
    if (result.status !== 'SUCCEEDED') throw new Error(`bench: ${concurrency} run failed: ${JSON.stringify(result.error)}`);
    const n = graph.names.length;
    return {
      ratio: result.elapsedSeconds / criticalPath,
      transitionsPerOp: countBilledTransitions(result.history).total / n,
      invocationsPerOp: result.history.filter((event) => event.type === 'TaskScheduled').length / n,
    };
  };
  const crossEdges = compileJob(job, { concurrency: 'exact' }).diagnostics.coordination!.crossEdges.length;
  return { structured: await measure('structured'), exact: await measure('exact'), crossEdges };
}

export async function measureExactConcurrency(scale: BenchScale = 'full'): Promise<BenchFigure> {
  const rows: BenchRow[] = [];
  const settings = pickByScale<readonly (readonly [number, number])[]>(
    scale,
    [
      [50, 2],
      [200, 2],
      [200, 3],
    ],
    [[20, 2]],
  );
  const seeds = pickByScale(scale, 5, 2);
  for (const [size, k] of settings) {
    const runs: Awaited<ReturnType<typeof runOnce>>[] = [];
    for (let seed = 1; seed <= seeds; seed += 1) runs.push(await runOnce(generateRandomGraph(size, k, seed), seed));
    const label = `${size} ops, k=${k}`;
    const median = (pick: (run: (typeof runs)[number]) => number) => computeMedian(runs.map(pick));
    /** Exact mode's figure against structured mode's over the runs, by `statistic` (computeMax or computeMedian). */
    const compareModes = (name: string, unit: string, figure: keyof ModeFigures, statistic: (values: readonly number[]) => number): BenchRow =>
      buildComparedRow(
        {
          name: `exact: ${name} (baseline: structured)`,
          value: statistic(runs.map((run) => run.exact[figure])),
          baseline: statistic(runs.map((run) => run.structured[figure])),
          unit,
          method: METHOD,
        },
        3,
      );
    rows.push(
      compareModes(`makespan / critical path, ${label}, worst of ${seeds}`, 'x', 'ratio', computeMax),
      compareModes(`makespan / critical path, ${label}, median of ${seeds}`, 'x', 'ratio', computeMedian),
      compareModes(`state transitions per op, ${label}, median`, 'transitions/op', 'transitionsPerOp', computeMedian),
      compareModes(`Lambda invocations per op, ${label}, median`, 'invocations/op', 'invocationsPerOp', computeMedian),
      { name: `exact: cross edges per op, ${label}, median`, value: roundTo(median((run) => run.crossEdges) / size, 3), unit: 'edges/op', method: METHOD },
    );
  }
  return { figure: 'exact concurrency', rows };
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  for (const row of (await measureExactConcurrency()).rows)
    console.log(`${row.name}: ${row.value} ${row.unit}${row.baseline === undefined ? '' : ` (baseline ${row.baseline}, ratio ${row.ratio})`}`);
}
