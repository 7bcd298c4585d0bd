/**
 * The ops of Dagster's "Op Retries" page, in TypeScript. Each calls a deterministic stand-in for
 * a flaky service (see fetch-report.ts) so that runs show retries and recoveries.
 */
import { Backoff, Jitter, RetryPolicy, RetryRequested, op } from '../lib/index.js';
import { fetchReport, ReportUnavailableError } from './fetch-report.js';

/** No policy: the first error fails the op (Dagster's `problematic`). */
export const problematic = op({ name: 'problematic' }, async (context) => fetchReport(context, 3));

/** The default policy: one retry, at once (Dagster's `better`). */
export const better = op({ name: 'better', retryPolicy: new RetryPolicy() }, async (context) => fetchReport(context, 1));

/** Three retries, 0.2 s exponential backoff with plus-minus jitter (Dagster's `even_better`). */
export const evenBetter = op(
  {
    name: 'even_better',
    retryPolicy: new RetryPolicy({ maxRetries: 3, delay: 0.2, backoff: Backoff.EXPONENTIAL, jitter: Jitter.PLUS_MINUS }),
  },
  async (context) => fetchReport(context, 2),
);

/** Decides for itself: asks for one retry after 1 s when the service is unavailable (Dagster's `manual`). */
export const manual = op({ name: 'manual' }, async (context) => {
  try {
    return await fetchReport(context, 1);
  } catch (error) {
    if (error instanceof ReportUnavailableError) {
      throw new RetryRequested({ maxRetries: 1, secondsToWait: 1, cause: error });
    }
    throw error;
  }
});
