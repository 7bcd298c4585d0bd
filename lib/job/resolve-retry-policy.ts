import type { RetryPolicy } from '../policy/retry-policy.js';
import type { OpInvocation } from './job-builder.js';
import type { JobDefinition } from './job.js';

/** Where an invocation's policy came from. */
export type RetryPolicySource = 'invocation' | 'definition' | 'job' | 'none';

export interface ResolvedRetryPolicy {
  readonly policy: RetryPolicy | undefined;
  readonly source: RetryPolicySource;
}

/**
 * Dagster's precedence: the invocation's policy, else the op definition's, else the job's
 * opRetryPolicy. The first found wins whole; policies are never merged.
 */
export function resolveRetryPolicy(job: Pick<JobDefinition, 'opRetryPolicy'>, invocation: OpInvocation): ResolvedRetryPolicy {
  if (invocation.retryPolicy !== undefined) return { policy: invocation.retryPolicy, source: 'invocation' };
  if (invocation.op.retryPolicy !== undefined) return { policy: invocation.op.retryPolicy, source: 'definition' };
  if (job.opRetryPolicy !== undefined) return { policy: job.opRetryPolicy, source: 'job' };
  return { policy: undefined, source: 'none' };
}
