/**
 * The 'history-quota' deviation: a policy with more retries than one execution's 25,000 history
 * events can hold (Step Functions fails the execution at its 25,000th event, States.Runtime).
 * The bound the plan states is checked against the local runner, which keeps the quota: that
 * many retries then a success fit in one execution, one more does not.
 */
import { describe, expect, it } from 'vitest';
import { Jitter, RetryPolicy, compileJob, compileRetryPolicy, job, op } from '../../lib/index.js';
import { countRetriesWithinHistory } from '../../lib/asl/history-quota.js';
import { runJobLocally } from '../../lib/runner/local/run-job-locally.js';

/** A one-op job whose op fails `failures` times, then succeeds, under `policy`. */
function buildFlakyJob(policy: RetryPolicy, failures: number) {
  let calls = 0;
  const flaky = op({ name: 'flaky', retryPolicy: policy }, () => {
    calls += 1;
    if (calls <= failures) throw new Error(`failure ${calls}`);
    return calls;
  });
  return job({ name: 'flaky_job' }, () => {
    flaky();
  });
}

const CASES = [
  { mechanism: 'plain-retrier', policy: (maxRetries: number) => new RetryPolicy({ maxRetries, delay: 1 }) },
  { mechanism: 'wait-loop', policy: (maxRetries: number) => new RetryPolicy({ maxRetries, delay: 4, jitter: Jitter.PLUS_MINUS }) },
] as const;

describe("retry plans: the history quota ('history-quota')", () => {
  it.each(CASES)('$mechanism: no deviation up to the retries that fit, one past them names the bound and the fix', ({ mechanism, policy }) => {
    const fit = countRetriesWithinHistory(mechanism);
    const within = compileJob(buildFlakyJob(policy(fit), 0)).retryPlans[0]!;
    expect(within.mechanism).toBe(mechanism);
    expect(within.deviations.map((deviation) => deviation.kind)).not.toContain('history-quota');
    const past = compileJob(buildFlakyJob(policy(fit + 1), 0)).retryPlans[0]!;
    const quota = past.deviations.find((deviation) => deviation.kind === 'history-quota');
    expect(quota?.message).toMatch(new RegExp(`^its ${fit + 1} retries cannot all run: .* at most ${fit} fit .*; lower maxRetries to ${fit} or less$`));
  });

  it('states the bounds: about 8,300 retries by retriers, 2,700 by the wait loop', () => {
    expect(countRetriesWithinHistory('plain-retrier')).toBe(8328);
    expect(countRetriesWithinHistory('indexed-retriers')).toBe(8328);
    expect(countRetriesWithinHistory('wait-loop')).toBe(2776);
  });

  it.each(CASES)('$mechanism: the bound is what the runner holds, that many retries then a success fit in one execution, one more does not', async ({ policy, mechanism }) => {
    const fit = countRetriesWithinHistory(mechanism);
    const within = await runJobLocally(buildFlakyJob(policy(fit + 10), fit), { writeLog: () => {} });
    expect(within.status).toBe('SUCCEEDED');
    expect(within.history.length).toBeLessThanOrEqual(25_000);
    const past = await runJobLocally(buildFlakyJob(policy(fit + 10), fit + 1), { writeLog: () => {} });
    expect(past.status === 'FAILED' && past.error).toStrictEqual({ error: 'States.Runtime', cause: 'The execution reached the maximum number of history events (25000).' });
  });

  it('compileRetryPolicy reports it too, and strict refuses it', () => {
    const many = new RetryPolicy({ maxRetries: 10_000, delay: 1 });
    expect(compileRetryPolicy(many).plan.deviations.map((deviation) => deviation.kind)).toContain('history-quota');
    expect(() => compileRetryPolicy(many, { strict: true })).toThrow(/history-quota/);
    expect(() => compileJob(buildFlakyJob(many, 0), { strict: true })).toThrow(/history-quota/);
  });
});
