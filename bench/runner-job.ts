/**
 * The runner benchmarks' job: a random graph (k = 2, seed 1) of `size` ops; ops cycle through
 * no policy, plain (2 x 5 s) and indexed (3, exponential 2 s); among ops with a policy,
 * k % 7 = 1 fail once and k % 11 = 2 fail twice before succeeding (about 200 retries per
 * 1,000 ops).
 */
import { buildGraphJob, type BenchOpBehaviour } from './graph-job.js';
import { generateRandomGraph } from '../test/support/random-graph.js';
import { SOURCES, type StepopsUnderTest } from './stepops-under-test.js';
import type { JobDefinition, OpGraph, RetryPolicy } from './stepops.js';

/** The two policies of the runner job, made by `stepops`'s RetryPolicy. */
function createRunnerPolicies(stepops: Pick<StepopsUnderTest, 'RetryPolicy' | 'Backoff'>): readonly [RetryPolicy, RetryPolicy] {
  return [new stepops.RetryPolicy({ maxRetries: 2, delay: 5 }), new stepops.RetryPolicy({ maxRetries: 3, delay: 2, backoff: stepops.Backoff.EXPONENTIAL })];
}
const SOURCE_POLICIES = createRunnerPolicies(SOURCES);

export const RUNNER_JOB_SETTING =
  'random graph (k = 2, seed 1); ops cycle through no policy, plain (2 x 5 s), indexed (3, exponential 2 s); among ops with a policy, k % 7 = 1 fail once and k % 11 = 2 fail twice before succeeding';

/** Op k's policy (of `policies`: plain, indexed; the sources' unless told) and scripted failures. */
export function describeRunnerOp(k: number, policies: readonly [RetryPolicy, RetryPolicy] = SOURCE_POLICIES): BenchOpBehaviour {
  const policy = [undefined, ...policies][k % 3];
  if (policy === undefined) return {};
  const failures = k % 7 === 1 ? 1 : k % 11 === 2 ? 2 : 0;
  return { policy, failures };
}

export function buildRunnerGraph(size: number): OpGraph {
  return generateRandomGraph(size, 2, 1);
}

/** The runner job of `size` ops, defined by `stepops` (the sources unless told). */
export function buildRunnerJob(size: number, stepops: StepopsUnderTest = SOURCES): JobDefinition {
  const policies = stepops === SOURCES ? SOURCE_POLICIES : createRunnerPolicies(stepops);
  return buildGraphJob(`runner_${size}`, buildRunnerGraph(size), (k) => describeRunnerOp(k, policies), stepops);
}
