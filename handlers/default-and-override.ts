/**
 * Dagster's default_and_override_job: a job-wide default policy, overridden for one invocation.
 * `problematic` has no policy of its own, so the invocation's flakeyOpPolicy (10 retries) wins
 * over the job's defaultPolicy (1 retry); it fails 3 times, then recovers.
 */
import { RetryPolicy, job } from '../lib/index.js';
import { problematic } from './example-ops.js';
import { jobHandler } from '../lib/handler/index.js';

const defaultPolicy = new RetryPolicy({ maxRetries: 1 });
const flakeyOpPolicy = new RetryPolicy({ maxRetries: 10 });

export const defaultAndOverrideJob = job({ name: 'default_and_override_job', opRetryPolicy: defaultPolicy }, () => {
  problematic.withRetryPolicy(flakeyOpPolicy)();
});

/** The Lambda entry point serving every op of the job. */
export const handler = jobHandler(defaultAndOverrideJob);
