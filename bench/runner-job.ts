/**
 * The runner benchmarks' job: a random graph (k = 2, seed 1) of `size` ops; ops cycle through
 * no policy, plain (2 x 5 s) and indexed (3, exponential 2 s); among ops with a policy,
 * k % 7 = 1 fail once and k % 11 = 2 fail twice before succeeding (about 200 retries per
 * 1,000 ops).
 */
import { buildGraphJob, type BenchOpBehaviour } from './graph-job.js';
import { generateRandomGraph } from '../test/support/random-graph.js';
import { Backoff, RetryPolicy, type JobDefinition, type OpGraph } from './stepops.js';

const PLAIN = new RetryPolicy({ maxRetries: 2, delay: 5 });
const INDEXED = new RetryPolicy({ maxRetries: 3, delay: 2, backoff: Backoff.EXPONENTIAL });

export const RUNNER_JOB_SETTING =
  'random graph (k = 2, seed 1); ops cycle through no policy, plain (2 x 5 s), indexed (3, exponential 2 s); among ops with a policy, k % 7 = 1 fail once and k % 11 = 2 fail twice before succeeding';

/** Op k's policy and scripted failures. */
export function describeRunnerOp(k: number): BenchOpBehaviour {
  const policy = [undefined, PLAIN, INDEXED][k % 3];
  if (policy === undefined) return {};
  const failures = k % 7 === 1 ? 1 : k % 11 === 2 ? 2 : 0;
  return { policy, failures };
}

export function buildRunnerGraph(size: number): OpGraph {
  return generateRandomGraph(size, 2, 1);
}

export function buildRunnerJob(size: number): JobDefinition {
  return buildGraphJob(`runner_${size}`, buildRunnerGraph(size), describeRunnerOp);
}
