/**
 * Figure 3, compile scale: compileJob's time and definition characters per op at 10 to 5,000
 * ops, against the same structure built and rendered with aws-cdk-lib's state classes
 * (renderWithCdk), timed in the same run.
 * Run alone: `npx tsx bench/compile-scale.ts` (or `... largest` for the largest-job rows only).
 */
import { pathToFileURL } from 'node:url';
import { buildComparedRow, reportProgress, type BenchFigure, type BenchRow } from './bench-row.js';
import { pickByScale, type BenchScale } from './bench-scale.js';
import { renderWithCdk } from './cdk-baseline.js';
import { buildGraphJob } from './graph-job.js';
import { generateRandomGraph } from '../test/support/random-graph.js';
import {
  Backoff,
  compileJob,
  compileRetryPolicy,
  decomposeGraph,
  isDefinitionError,
  Jitter,
  MAX_DEFINITION_CHARACTERS,
  RetryPolicy,
  type AslRetrier,
  type JobDefinition,
} from './stepops.js';
import { computeMedian } from './stats.js';

/** Sizes and how many timed repetitions each gets (the median is reported). */
const SIZES: readonly (readonly [number, number])[] = [
  [10, 30],
  [100, 10],
  [1000, 5],
  [5000, 3],
];

/** The policy mix, op k gets POLICY_MIX[k % 5]: none, plain, indexed, FULL jitter, PLUS_MINUS loop. */
export const POLICY_MIX: readonly (RetryPolicy | undefined)[] = [
  undefined,
  new RetryPolicy({ maxRetries: 3, delay: 5 }),
  new RetryPolicy({ maxRetries: 3, delay: 2, backoff: Backoff.EXPONENTIAL }),
  new RetryPolicy({ maxRetries: 4, delay: 1, backoff: Backoff.LINEAR, jitter: Jitter.FULL }),
  new RetryPolicy({ maxRetries: 3, delay: 5, jitter: Jitter.PLUS_MINUS }),
];
const MIX_TEXT = 'ops cycle through no policy, plain (3 x 5 s), indexed (3, exponential 2 s), FULL jitter (4, linear 1 s), PLUS_MINUS loop (3 x 5 s)';

interface CompileOutcome {
  /** Undefined when compileJob refused the job for a reason other than the definition's size. */
  readonly characters: number | undefined;
  /** State machines the job compiled to: 1, or a parent and its children when it was split. */
  readonly stateMachines: number;
  readonly refused: boolean;
  /** compileJob's refusal message, when it refused. */
  readonly refusal?: string;
}

/**
 * compileJob: the characters of every definition it produced (a job over the definition limit
 * is split into a parent and child state machines), or the size its refusal names.
 */
function compileOrReadSize(job: JobDefinition): CompileOutcome {
  try {
    const compiled = compileJob(job);
    const definitions = [compiled.definition, ...compiled.childDefinitions.map((child) => child.definition)];
    return { characters: definitions.reduce((sum, definition) => sum + JSON.stringify(definition).length, 0), stateMachines: definitions.length, refused: false };
  } catch (error) {
    if (!isDefinitionError(error)) throw error;
    // Over the definition limit, the error names the size the job would have had; a payload-budget
    // refusal (a state that could not hold its values even as references) names no size.
    const match = /compiles to (\d+) characters/.exec(error.message);
    return { characters: match === null ? undefined : Number(match[1]), stateMachines: 0, refused: true, refusal: error.message };
  }
}

function timeRepeated<T>(repetitions: number, run: () => T): { readonly ms: number; readonly result: T } {
  const samples: number[] = [];
  let result!: T;
  for (let i = 0; i < repetitions; i += 1) {
    const started = performance.now();
    result = run();
    samples.push(performance.now() - started);
  }
  return { ms: computeMedian(samples), result };
}

function measureSize(size: number, repetitions: number): BenchRow[] {
  const graph = generateRandomGraph(size, 2, 1);
  const policyOf = (k: number) => POLICY_MIX[k % POLICY_MIX.length];
  const job = buildScaleJob(size);
  // The CDK version gets stepops' structure and each op's compiled retriers (its own LambdaInvoke
  // service-error retrier stands for stepops' platform retrier).
  const retriers: (readonly AslRetrier[])[] = graph.names.map((_, k) => compileRetryPolicy(policyOf(k)).retriers.slice(1));
  const block = decomposeGraph(
    graph,
    graph.names.map(() => 1),
  );
  const ours = timeRepeated(repetitions, () => compileOrReadSize(job));
  const cdk = timeRepeated(Math.max(2, Math.ceil(repetitions / 3)), () => renderWithCdk(graph, block, (k) => retriers[k]!).length);
  const refused = !ours.result.refused
    ? ''
    : ours.result.characters === undefined
      ? `; compileJob refused it: ${ours.result.refusal ?? ''}`
      : `; compileJob refused it (over ${MAX_DEFINITION_CHARACTERS} characters) and its error names the size it would have had, quoted here`;
  const setting = `random graph (k = 2, seed 1) of ${size} ops; ${MIX_TEXT}`;
  return [
    {
      name: `compileJob at ${size} ops`,
      value: ours.result.refused
        ? 'refused'
        : ours.result.stateMachines === 1
          ? 'compiled'
          : `split: a parent and ${ours.result.stateMachines - 1} ${ours.result.stateMachines === 2 ? 'child' : 'children'}`,
      unit: 'outcome',
      method: ours.result.refused
        ? `${setting}${refused}`
        : `${setting}; ${String(ours.result.characters)} characters in ${ours.result.stateMachines} state machine(s), each within the limit of ${MAX_DEFINITION_CHARACTERS}`,
    },
    buildComparedRow({
      name: `compile time, ${size} ops (stepops / CDK)`,
      value: ours.ms,
      baseline: cdk.ms,
      unit: 'ms',
      method: `${setting}; median of ${repetitions} compileJob calls (graph checks, policy compile, decomposition, rendering, JSON.stringify for the size check)${refused}; baseline: median of ${Math.max(2, Math.ceil(repetitions / 3))} builds of a new App + Stack with LambdaInvoke.jsonata per op (its retriers via addRetry), Parallel.jsonata, Chain, rendered by StateGraph.toGraphJson() + stack.resolve + JSON.stringify, the structure (decomposeGraph) given, not timed`,
    }),
    ...(ours.result.characters === undefined
      ? []
      : [
          buildComparedRow({
            name: `definition characters per op, ${size} ops (stepops / CDK)`,
            value: ours.result.characters / size,
            baseline: cdk.result / size,
            unit: 'characters/op',
            method: `${setting}; JSON.stringify(definition).length / ops, summed over the parent and child definitions of a split job${refused}; baseline: the CDK rendering, JSONata, partition token counted as "aws"; it has only Tasks, Retry blocks and Parallels (no failure markers, Catch -> Wait loop, input/config payload fields or final check), so it is a floor rather than an equivalent`,
          }),
        ]),
  ];
}

/** The benchmark's job at `size` ops: a random graph (k = 2, seed 1) with the policy mix. */
function buildScaleJob(size: number): JobDefinition {
  const graph = generateRandomGraph(size, 2, 1);
  return buildGraphJob(`scale_${size}`, graph, (k) => {
    const policy = POLICY_MIX[k % POLICY_MIX.length];
    return policy === undefined ? {} : { policy };
  });
}

/**
 * Bisects sizes between `fits` (a size that passes `accepts`) and `fails` (one that does not) down to
 * `step` ops, and returns the last size that passed.
 */
function bisectLargest(fits: number, fails: number, step: number, accepts: (size: number) => boolean): number {
  let low = fits;
  let high = fails;
  while (high - low > step) {
    const middle = Math.floor((low + high) / 2);
    reportProgress(`largest job: trying ${middle} ops`);
    if (accepts(middle)) low = middle;
    else high = middle;
  }
  return low;
}

/**
 * The largest benchmark job that compiles into one definition, and the largest that compiles at all
 * (split); at smoke scale one bisection step each (a 1,050-op and a 4,500-op job).
 */
function measureLargestJobs(scale: BenchScale = 'full'): BenchRow[] {
  const oneStep = pickByScale(scale, 1, 1000);
  const splitStep = pickByScale(scale, 10, 4000);
  const oneDefinition = bisectLargest(100, 2000, oneStep, (size) => compileOrReadSize(buildScaleJob(size)).stateMachines === 1);
  const split = bisectLargest(1000, 8000, splitStep, (size) => !compileOrReadSize(buildScaleJob(size)).refused);
  const setting = `random graphs (k = 2, seed 1) of n ops; ${MIX_TEXT}; bisection over n (each n is its own random graph, so sizes are not strictly monotone: this is the boundary the bisection finds)`;
  return [
    {
      name: 'largest job in one definition',
      value: oneDefinition,
      unit: 'ops',
      method: `${setting}, to ${oneStep} op(s), between 100 and 2,000 ops: the largest n that compiles without a split`,
    },
    {
      name: 'largest job that compiles (split)',
      value: split,
      unit: 'ops',
      method: `${setting}, to ${splitStep} ops, between 1,000 and 8,000 ops: the largest n that compileJob accepts, split into a parent and children (${compileOrReadSize(buildScaleJob(split)).stateMachines} definitions); above it compileJob refuses with a DefinitionError naming the state and ops over Step Functions' limits`,
    },
  ];
}

/** Every row of the compile-scale figure. */
export function measureCompileScale(scale: BenchScale = 'full'): BenchFigure {
  // Warm both paths up (module loading, JIT) on a small graph before timing.
  measureSize(10, pickByScale(scale, 3, 1));
  const rows: BenchRow[] = [];
  for (const [size, repetitions] of pickByScale(scale, SIZES, [[10, 1]] as const)) {
    reportProgress(`compile scale: ${size} ops`);
    rows.push(...measureSize(size, repetitions));
  }
  rows.push(...measureLargestJobs(scale));
  return { figure: 'compile scale', rows };
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  // `npx tsx bench/compile-scale.ts largest` runs only the largest-job bisection.
  const rows = process.argv[2] === 'largest' ? measureLargestJobs() : measureCompileScale().rows;
  for (const row of rows) console.log(row.name, row.value, row.baseline, row.ratio, row.method);
}
