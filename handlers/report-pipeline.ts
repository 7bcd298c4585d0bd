/**
 * A small pipeline with hour-long backoffs: extract feeds two transforms that run in parallel,
 * whose outputs a load op joins. On the local runner's virtual clock it finishes in
 * milliseconds; on AWS the waits are real.
 */
import { Backoff, Jitter, RetryPolicy, job, op } from '../lib/index.js';
import { fetchReport, type Report } from './fetch-report.js';
import { jobHandler } from '../lib/handler/index.js';

const hourly = new RetryPolicy({ maxRetries: 4, delay: 3600, backoff: Backoff.LINEAR });

export const extract = op({ name: 'extract', retryPolicy: hourly }, async (context) => fetchReport(context, 2));

export const summarize = op(
  { name: 'summarize', retryPolicy: new RetryPolicy({ maxRetries: 3, delay: 60, backoff: Backoff.EXPONENTIAL, jitter: Jitter.FULL }) },
  async (context, report: Report) => {
    await fetchReport(context, 1);
    return { rows: report.rows, summary: `${report.rows} rows` };
  },
);

export const audit = op({ name: 'audit' }, async (_context, report: Report) => ({ audited: report.rows }));

export const load = op({ name: 'load', retryPolicy: new RetryPolicy({ maxRetries: 2, delay: 30 }) }, async (context, summary: { rows: number }, audit: { audited: number }) => {
  await fetchReport(context, 1);
  return { loaded: summary.rows, audited: audit.audited };
});

export const reportPipeline = job({ name: 'report_pipeline' }, () => {
  const report = extract();
  load(summarize(report), audit(report));
});

/** The Lambda entry point serving every op of the job. */
export const handler = jobHandler(reportPipeline);
