import type { OpRetryPlan } from '../asl/index.js';
import type { JobDefinition } from '../job/index.js';

/** Express workflows stop after 5 minutes. */
export const EXPRESS_MAX_DURATION_SECONDS = 300;

/** The chain of ops whose retry waits add up to the most, and that sum. */
export interface WorstCaseRetryPath {
  /** Op invocation names, upstream first. */
  readonly ops: readonly string[];
  /** The sum of their plans' worst-case total waits, in seconds. */
  readonly waitSeconds: number;
}

/**
 * The dependency path through the job whose ops' worst-case policy retry waits add up to the
 * most: the least time an execution may spend waiting when every op on it exhausts its policy
 * (ops off the path can wait in parallel). Waits known only at run time (RetryRequested) and
 * Lambda platform retries are not in the plans, so they are not counted.
 */
export function findWorstCaseRetryPath(job: JobDefinition, retryPlans: readonly OpRetryPlan[]): WorstCaseRetryPath {
  const waitByOp = new Map(retryPlans.map((plan) => [plan.op, plan.worstCaseTotalWaitSeconds]));
  const best = new Map<string, WorstCaseRetryPath>();
  let worst: WorstCaseRetryPath = { ops: [], waitSeconds: 0 };
  // Invocations come in the order the body made them: a topological order of the graph.
  for (const invocation of job.invocations) {
    let upstream: WorstCaseRetryPath = { ops: [], waitSeconds: 0 };
    for (const input of [...invocation.inputs, ...invocation.after]) {
      const candidate = best.get(input);
      if (candidate !== undefined && candidate.waitSeconds > upstream.waitSeconds) upstream = candidate;
    }
    const path: WorstCaseRetryPath = {
      ops: [...upstream.ops, invocation.name],
      waitSeconds: upstream.waitSeconds + (waitByOp.get(invocation.name) ?? 0),
    };
    best.set(invocation.name, path);
    if (path.waitSeconds > worst.waitSeconds) worst = path;
  }
  return worst;
}
