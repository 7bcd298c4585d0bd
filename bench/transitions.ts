/**
 * Figure 2, cost: billed state transitions (countBilledTransitions) per op on the happy path of
 * random job graphs, and the extra transitions each retry costs per retry mechanism, all
 * counted from the local runner's history (runJobLocally, virtual clock).
 * Run alone: `npx tsx bench/transitions.ts`.
 */
import { pathToFileURL } from 'node:url';
import { roundTo, type BenchFigure, type BenchRow } from './bench-row.js';
import { countBilledTransitions } from './count-transitions.js';
import { pickByScale, type BenchScale } from './bench-scale.js';
import { buildGraphJob, type BenchOpBehaviour } from './graph-job.js';
import { generateRandomGraph } from '../test/support/random-graph.js';
import { Backoff, buildOpGraphFromEdges, compileJob, Jitter, RetryPolicy, runJobLocally, type JobDefinition } from './stepops.js';
import { computeMax, computeMedian } from './stats.js';

const HAPPY_SIZE = 200;
const HAPPY_SEEDS = [1, 2, 3, 4, 5];
const COUNTED =
  'billed transitions = *StateEntered events (every state entered, branches included) + retrier retries (Task attempts after the first in one state visit), from the local runner history';

async function runQuietly(job: JobDefinition, seed = 1): Promise<ReturnType<typeof countBilledTransitions>> {
  const result = await runJobLocally(job, { seed, writeLog: () => {} });
  if (result.status !== 'SUCCEEDED') throw new Error(`job ${job.name} ended ${result.status}: ${result.error.error ?? ''}`);
  return countBilledTransitions(result.history);
}

async function measureHappyPath(scale: BenchScale): Promise<BenchRow[]> {
  const rows: BenchRow[] = [];
  const size = pickByScale(scale, HAPPY_SIZE, 20);
  const seeds = pickByScale(scale, HAPPY_SEEDS, HAPPY_SEEDS.slice(0, 2));
  for (const k of [1, 2, 3]) {
    const perOp: number[] = [];
    let disagreements = 0;
    for (const seed of seeds) {
      const job = buildGraphJob(`happy_${k}_${seed}`, generateRandomGraph(size, k, seed));
      const counted = await runQuietly(job, seed);
      if (counted.total !== compileJob(job).diagnostics.happyPathTransitions) disagreements += 1;
      perOp.push(counted.total / size);
    }
    const method = `${seeds.length} seeded random graphs of ${size} ops (op i depends on min(i, ${k}) earlier ops), no op fails; ${COUNTED}; the floor is 1 per op (one Task each); compileJob's diagnostics.happyPathTransitions disagreed on ${disagreements} of ${seeds.length}`;
    rows.push({ name: `transitions per op, happy path, ${size} ops, k=${k}, median`, value: roundTo(computeMedian(perOp), 3), unit: 'transitions/op', method });
    rows.push({ name: `transitions per op, happy path, ${size} ops, k=${k}, worst`, value: roundTo(computeMax(perOp), 3), unit: 'transitions/op', method });
  }
  return rows;
}

interface Mechanism {
  readonly name: string;
  readonly behaviour: (failures: number) => BenchOpBehaviour;
}

const MECHANISMS: readonly Mechanism[] = [
  { name: 'plain retrier (maxRetries 3, delay 5)', behaviour: (failures) => ({ policy: new RetryPolicy({ maxRetries: 3, delay: 5 }), failures }) },
  {
    name: 'indexed retriers (maxRetries 3, delay 2, EXPONENTIAL)',
    behaviour: (failures) => ({ policy: new RetryPolicy({ maxRetries: 3, delay: 2, backoff: Backoff.EXPONENTIAL }), failures }),
  },
  {
    name: 'Catch -> Wait loop, PLUS_MINUS jitter (maxRetries 3, delay 5)',
    behaviour: (failures) => ({ policy: new RetryPolicy({ maxRetries: 3, delay: 5, jitter: Jitter.PLUS_MINUS }), failures }),
  },
  { name: 'Catch -> Wait loop, RetryRequested (secondsToWait 1)', behaviour: (failures) => ({ failures, failWith: 'retry-requested' }) },
];

/** One op between two others (a chain of 3), the middle op failing N = 0..3 times. */
async function measureRetryCost(mechanism: Mechanism): Promise<BenchRow> {
  const graph = buildOpGraphFromEdges(['before', 'flaky', 'after'], [[], [0], [1]]);
  const totals: number[] = [];
  for (const failures of [0, 1, 2, 3]) {
    const job = buildGraphJob(`retry_cost_${failures}`, graph, (k) => (k === 1 ? mechanism.behaviour(failures) : {}));
    totals.push((await runQuietly(job)).total);
  }
  const perRetry = [1, 2, 3].map((n) => (totals[n]! - totals[0]!) / n);
  const constant = perRetry.every((value) => value === perRetry[0]);
  return {
    name: `extra transitions per retry, ${mechanism.name}`,
    value: roundTo(computeMax(perRetry), 3),
    unit: 'transitions/retry',
    method: `a chain before -> flaky -> after, flaky failing its first N attempts (N = 0..3) then succeeding; (transitions(N) - transitions(0)) / N, ${constant ? 'the same' : 'largest'} for N = 1, 2, 3 (${perRetry.map((v) => roundTo(v, 2)).join(', ')}); happy path ${totals[0]} transitions; ${COUNTED}`,
  };
}

/** Every row of the cost figure. */
export async function measureTransitions(scale: BenchScale = 'full'): Promise<BenchFigure> {
  const rows = await measureHappyPath(scale);
  for (const mechanism of MECHANISMS) rows.push(await measureRetryCost(mechanism));
  return { figure: 'cost (state transitions)', rows };
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  for (const row of (await measureTransitions()).rows) console.log(row);
}
