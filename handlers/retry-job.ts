/**
 * Dagster's retry_job: the four ops of the Op Retries page side by side. Without run config,
 * `problematic` (no policy) fails on its first error while the others retry and recover, so the
 * run fails naming `problematic`; run it with
 * `{ "ops": { "problematic": { "config": { "failuresBeforeSuccess": 0 } } } }` to see it succeed.
 */
import { job } from '../lib/index.js';
import { better, evenBetter, manual, problematic } from './example-ops.js';
import { jobHandler } from '../lib/handler/index.js';

export const retryJob = job({ name: 'retry_job' }, () => {
  problematic();
  better();
  evenBetter();
  manual();
});

/** The Lambda entry point serving every op of the job. */
export const handler = jobHandler(retryJob);
