import { PLATFORM_RETRY } from './asl-constants.js';
import type { OpGraph } from './job-graph.js';
import type { OpRetryPlan } from './retry-plan.js';

/** Step Functions Standard workflows run for at most a year: no wait needs to be longer. */
export const MAX_WAIT_SECONDS = 31_536_000;

/** Headroom over the computed worst case, for state transitions and Lambda start-up. */
const WAIT_MARGIN_SECONDS = 60;

/**
 * TimeoutSeconds of an exact-mode wait for each op (by index): the latest the op can finish
 * after the execution starts, over every chain of producers leading to it, each op taking its
 * worst case: every attempt (maxRetries + 1) running for `opTimeoutSeconds`, the policy's
 * worst-case waits between them, and the platform retries of each attempt (CDK's 2 s x 6
 * attempts, rate 2: 126 s), plus a minute; at most a year. A wait starts after the execution
 * does, so it never needs longer. Not covered: the runtime waits of a RetryRequested, which
 * no compile-time bound knows (such an op's consumers are skipped once the bound passes).
 */
export function computeWaitTimeoutSeconds(graph: OpGraph, plans: readonly OpRetryPlan[], opTimeoutSeconds: number): number[] {
  let platformSeconds = 0;
  for (let k = 0; k < PLATFORM_RETRY.maxAttempts; k += 1) platformSeconds += PLATFORM_RETRY.intervalSeconds * PLATFORM_RETRY.backoffRate ** k;
  const finish: number[] = [];
  graph.names.forEach((_, k) => {
    const plan = plans[k]!;
    const attempts = plan.waits.length + 1;
    const own = attempts * (opTimeoutSeconds + platformSeconds) + plan.worstCaseTotalWaitSeconds;
    const start = graph.predecessors[k]!.reduce((latest, p) => Math.max(latest, finish[p]!), 0);
    finish.push(Math.min(MAX_WAIT_SECONDS, start + own));
  });
  return finish.map((seconds) => Math.min(MAX_WAIT_SECONDS, Math.ceil(seconds) + WAIT_MARGIN_SECONDS));
}
