import jsonata from 'jsonata';
import { afterEach, describe, expect, it } from 'vitest';
import { Backoff, Jitter, RetryPolicy, RetryRequested, job, op, type JobDefinition, type LogRecord, type OutputHandle } from '../../lib/index.js';
import { observeEvaluations, type ObservedEvaluation } from '../../lib/runner/evaluate/evaluate.js';
import { STEP_FUNCTIONS_FUNCTION_NAMES } from '../../lib/runner/evaluate/jsonata-functions.js';
import { runJobLocally } from '../../lib/runner/local/run-job-locally.js';
import { findDifference } from '../support/jsonata-values.js';
import { generateRandomGraph } from '../support/random-graph.js';

/**
 * Every expression of compiled jobs (policies, the fault loop, failed and skipped ops, a split
 * job, exact concurrency) as the runner evaluates it: the fast paths and the compiled
 * expressions (lib/runner/evaluate/compile-expression.ts) give what the jsonata engine gives on
 * the very bindings they had, and the only expressions left to the engine are the few that
 * define a function or call a Step Functions function ($parse, $random: the fault loop's
 * catcher), a few shapes per job, none per op.
 */
const POLICIES = [
  undefined,
  new RetryPolicy({ maxRetries: 2, delay: 5 }),
  new RetryPolicy({ maxRetries: 3, delay: 2, backoff: Backoff.EXPONENTIAL }),
  new RetryPolicy({ maxRetries: 3, delay: 5, jitter: Jitter.PLUS_MINUS }),
];

/** A random job (k = 2) of `size` ops: op k fails its first attempt when k % 5 = 1, asks a retry when k % 7 = 2, and always fails when k % 13 = 4. */
function buildFaultyJob(size: number): JobDefinition {
  const graph = generateRandomGraph(size, 2, 5);
  const ops = graph.names.map((name, k) => {
    const policy = POLICIES[k % POLICIES.length];
    const compute = (context: { readonly retryNumber: number }): unknown => {
      if (k % 13 === 4) throw new Error(`${name} always fails`);
      if (k % 7 === 2 && context.retryNumber === 0) throw new RetryRequested({ maxRetries: 1, secondsToWait: 2 });
      if (k % 5 === 1 && context.retryNumber === 0) throw new Error(`${name} fails once`);
      return { op: name, list: [k, [k]] };
    };
    Object.defineProperty(compute, 'length', { value: graph.predecessors[k]!.length + 1 });
    return op({ name, ...(policy === undefined ? {} : { retryPolicy: policy }) }, compute);
  });
  return job({ name: `faulty_${size}` }, () => {
    const handles: OutputHandle[] = [];
    ops.forEach((definition, k) => {
      const invoke = definition as unknown as (...inputs: OutputHandle[]) => OutputHandle;
      handles[k] = invoke(...graph.predecessors[k]!.map((p) => handles[p]!));
    });
  });
}

const quiet = { writeLog: (_record: LogRecord) => {}, seed: 3 };

async function observeRun(run: () => Promise<unknown>): Promise<ObservedEvaluation[]> {
  const observed: ObservedEvaluation[] = [];
  observeEvaluations((evaluation) => observed.push(evaluation));
  try {
    await run();
  } finally {
    observeEvaluations(undefined);
  }
  return observed;
}

afterEach(() => {
  observeEvaluations(undefined);
});

describe('the expressions of compiled jobs, evaluated as the runner evaluates them', () => {
  it.each([
    ['structured', {}],
    ['split into child state machines', { compile: { maxDefinitionCharacters: 20_000 } }],
    ['exact concurrency', { concurrency: 'exact' as const }],
  ])('%s: compiled evaluations equal the engine’s on the same bindings; only a few function-defining or Step Functions-calling shapes reach the engine', async (_mode, options) => {
    const observed = await observeRun(() => runJobLocally(buildFaultyJob(30), { ...quiet, ...options }));
    const answered = observed.filter((evaluation) => evaluation.by !== 'engine');
    expect(answered.filter((evaluation) => evaluation.by === 'compiled').length).toBeGreaterThan(10);
    expect(answered.length).toBeGreaterThan(100);
    for (const evaluation of answered) {
      const engine: unknown = await jsonata(evaluation.engineSource).evaluate(undefined, evaluation.bindings);
      expect(findDifference(evaluation.value, engine), evaluation.engineSource).toBeUndefined();
    }
    const byEngine = new Set(observed.filter((evaluation) => evaluation.by === 'engine').map((evaluation) => evaluation.engineSource));
    const callsStepFunctionsFunction = (source: string): boolean => [...STEP_FUNCTIONS_FUNCTION_NAMES].some((name) => source.includes(`$${name}(`));
    expect([...byEngine].filter((source) => !source.includes('function(') && !callsStepFunctionsFunction(source))).toStrictEqual([]);
    // A few per definition, not one per op.
    expect(byEngine.size).toBeLessThan(10);
  });
});
