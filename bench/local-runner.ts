/**
 * Figure 6, local runner: a job of up to 1,000 ops with retries run by runJobLocally on the
 * virtual clock (wall time, ops per second), against aws-local-stepfunctions running the
 * equivalent JSONPath machine (same structure and Retry blocks, stubbed handlers that fail the
 * same attempts with the names the wrapper would throw, retry waits overridden to 0).
 * Run alone: `npx tsx bench/local-runner.ts`.
 */
import { pathToFileURL } from 'node:url';
import { buildComparedRow, reportProgress, roundTo, type BenchFigure, type BenchRow } from './bench-row.js';
import { runWithAwsLocalStepFunctions } from './aws-local-stepfunctions.js';
import { buildBlockMachine } from './block-machine.js';
import { buildGraphJob, type BenchOpBehaviour } from './graph-job.js';
import { generateRandomGraph } from './random-graph.js';
import {
  Backoff,
  compileJob,
  compileRetryPolicy,
  decomposeGraph,
  RETRY_ERROR,
  retryAttemptErrorName,
  RetryPolicy,
  runJobLocally,
  runStateMachine,
  type AslRetrier,
  type OpGraph,
} from './stepops.js';
import { countBilledTransitions } from './count-transitions.js';
import { computeMedian, measureMilliseconds } from './stats.js';

/** Timed runs per engine; the median is reported. */
const RUNS = 3;

/** Runs `run` RUNS times; the median wall time and the last result. */
async function measureMedianMilliseconds<T>(run: () => Promise<T>): Promise<{ readonly ms: number; readonly result: T }> {
  const samples: number[] = [];
  let last!: T;
  for (let i = 0; i < RUNS; i += 1) {
    const { ms, result } = await measureMilliseconds(run);
    samples.push(ms);
    last = result;
  }
  return { ms: computeMedian(samples), result: last };
}

const TARGET_SIZE = 1000;
const PLAIN = new RetryPolicy({ maxRetries: 2, delay: 5 });
const INDEXED = new RetryPolicy({ maxRetries: 3, delay: 2, backoff: Backoff.EXPONENTIAL });
const SETTING =
  'random graph (k = 2, seed 1); ops cycle through no policy, plain (2 x 5 s), indexed (3, exponential 2 s); among ops with a policy, k % 7 = 1 fail once and k % 11 = 2 fail twice before succeeding';

/** Op k's policy and scripted failures. */
function describeOp(k: number): BenchOpBehaviour {
  const policy = [undefined, PLAIN, INDEXED][k % 3];
  if (policy === undefined) return {};
  const failures = k % 7 === 1 ? 1 : k % 11 === 2 ? 2 : 0;
  return { policy, failures };
}

function compiles(size: number): boolean {
  try {
    compileJob(buildGraphJob('probe', generateRandomGraph(size, 2, 1), describeOp));
    return true;
  } catch {
    return false;
  }
}

/** TARGET_SIZE, or the largest size (to 10 ops) whose job compiles. */
function findRunnableSize(): number {
  if (compiles(TARGET_SIZE)) return TARGET_SIZE;
  let low = 10;
  let high = TARGET_SIZE;
  while (high - low > 10) {
    const middle = Math.floor((low + high) / 2);
    if (compiles(middle)) low = middle;
    else high = middle;
  }
  return low;
}

/** Stub handlers by state name: fail the op's scripted attempts with the wrapper's retry names. */
function createStubHandlers(graph: OpGraph, tally: { calls: number }): Record<string, () => Promise<unknown>> {
  return Object.fromEntries(
    graph.names.map((name, k) => {
      const { policy, failures = 0 } = describeOp(k);
      const mode = policy === undefined ? 'plain' : compileRetryPolicy(policy).retryMode;
      let calls = 0;
      return [
        name,
        async () => {
          calls += 1;
          tally.calls += 1;
          if (calls <= failures) throw Object.assign(new Error(`${name} fails on purpose`), { name: mode === 'indexed' ? retryAttemptErrorName(calls) : RETRY_ERROR });
          return { op: name };
        },
      ];
    }),
  );
}

/** Every row of the local-runner figure. */
export async function measureLocalRunner(): Promise<BenchFigure> {
  const size = findRunnableSize();
  const graph = generateRandomGraph(size, 2, 1);
  const job = buildGraphJob(`runner_${size}`, graph, describeOp);
  const block = decomposeGraph(graph, graph.names.map(() => 1));
  const retriers: (readonly AslRetrier[])[] = graph.names.map((_, k) => compileRetryPolicy(describeOp(k).policy).retriers);
  const sizeNote = size === TARGET_SIZE ? `${size} ops` : `${size} ops (the largest that compiles: ${TARGET_SIZE} ops is over the definition limit)`;

  reportProgress(`local runner: runJobLocally, ${sizeNote}`);
  const full = await measureMedianMilliseconds(() => runJobLocally(job, { seed: 1, writeLog: () => {} }));
  if (full.result.status !== 'SUCCEEDED') throw new Error(`runJobLocally ended ${full.result.status}`);
  // A split job's ops run in child executions: count retries in every history.
  const histories = [full.result.history, ...(full.result.childExecutions ?? []).map((child) => child.result.history)];
  const retries = histories.reduce((sum, history) => sum + countBilledTransitions(history).retrierRetries, 0);

  reportProgress('local runner: runStateMachine on the bare machine');
  const ourCalls = { calls: 0 };
  const bare = await measureMedianMilliseconds(() => {
    ourCalls.calls = 0;
    return runStateMachine(buildBlockMachine(graph, block, (k) => retriers[k]!, 'JSONata'), { taskHandlers: createStubHandlers(graph, ourCalls) });
  });
  if (bare.result.status !== 'SUCCEEDED') throw new Error(`runStateMachine ended ${bare.result.status}`);

  reportProgress('local runner: aws-local-stepfunctions on the bare JSONPath machine');
  const theirCalls = { calls: 0 };
  const theirs = await measureMedianMilliseconds(() => {
    theirCalls.calls = 0;
    return runWithAwsLocalStepFunctions(buildBlockMachine(graph, block, (k) => retriers[k]!, 'JSONPath'), createStubHandlers(graph, theirCalls));
  });
  if (theirs.result !== 'SUCCEEDED') throw new Error(`aws-local-stepfunctions ended ${theirs.result}`);
  if (ourCalls.calls !== size + retries || theirCalls.calls !== size + retries) {
    throw new Error(`attempts differ: runJobLocally ${size + retries}, runStateMachine ${ourCalls.calls}, aws-local-stepfunctions ${theirCalls.calls}`);
  }

  const baselineMethod = `baseline: aws-local-stepfunctions 3 running the bare JSONPath machine of the same structure (Tasks with the same Retry arrays, Parallels, nothing else; median of ${RUNS} runs) with in-process stub handlers that fail the same attempts with the names the wrapper throws, retryIntervalOverrides 0 for every Task`;
  const rows: BenchRow[] = [
    buildComparedRow({
      name: `local runner: runJobLocally, ${sizeNote} with ${retries} retries, wall time`,
      value: full.ms,
      baseline: theirs.ms,
      unit: 'ms',
      method: `${SETTING}; ${size + retries} Task attempts in each engine; median of ${RUNS} runs, virtual clock (${roundTo(full.result.elapsedSeconds, 1)} virtual seconds), the compiled JSONata definition, ops called through the real wrapper (jobHandler), logs discarded; ${baselineMethod}`,
    }),
    buildComparedRow({
      name: `local runner: runJobLocally, ${sizeNote}, ops per second`,
      value: (size / full.ms) * 1000,
      baseline: (size / theirs.ms) * 1000,
      unit: 'ops/s',
      method: `ops / wall seconds of the run above; ${baselineMethod}`,
    }),
    buildComparedRow({
      name: `local runner: runStateMachine on the bare machine (JSONata), ${sizeNote}, wall time`,
      value: bare.ms,
      baseline: theirs.ms,
      unit: 'ms',
      method: `the interpreter alone on the very machine the baseline runs, in JSONata (no Arguments, stub handlers, virtual clock): like for like; ${baselineMethod}`,
    }),
  ];
  return { figure: 'local runner', rows };
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  for (const row of (await measureLocalRunner()).rows) console.log(row.name, row.value, row.baseline, row.ratio);
}
