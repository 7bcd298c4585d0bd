import { describe, expect, it } from 'vitest';
import { Backoff, Jitter, RetryPolicy } from '../../lib/index.js';
import { jobHandler } from '../../lib/handler/index.js';
import { buildPayload, buildSingleOpJob, catchThrown, createFakeContext, recordFailure } from './helpers.js';

/** The error output Step Functions gives a catcher for a dead invocation, with the dead attempt's retry number. */
function deadAt(retryNumber: number, error = 'Sandbox.Timedout'): { Error: string; Cause: string; r: number } {
  return { Error: error, Cause: JSON.stringify({ errorType: error, errorMessage: 'RequestId: x Error: Task timed out after 900.00 seconds' }), r: retryNumber };
}

describe('jobHandler: a caught timeout or crash (payload fault) is decided under the policy, the op does not run', () => {
  const cases: ReadonlyArray<readonly [string, RetryPolicy | undefined, number, string, Record<string, unknown>]> = [
    ['plain policy: the plain retry name', new RetryPolicy({ maxRetries: 3, delay: 5 }), 1, 'stepops.Retry', { decision: 'retry', nextRetryNumber: 2 }],
    ['indexed policy: the retry-indexed name', new RetryPolicy({ maxRetries: 3, delay: 2, backoff: Backoff.EXPONENTIAL }), 0, 'stepops.Retry.1', { decision: 'retry', nextRetryNumber: 1 }],
    ['PLUS_MINUS policy: the loop, with its wait', new RetryPolicy({ maxRetries: 2, delay: 10, jitter: Jitter.PLUS_MINUS }), 0, 'stepops.RetryAfter', { decision: 'retry', nextRetryNumber: 1, waitSeconds: 10 }],
    ['retries used: fails under the fault name itself', new RetryPolicy({ maxRetries: 1 }), 1, 'Sandbox.Timedout', { decision: 'fail', reason: 'retries-exhausted' }],
    ['no policy: fails under the fault name itself', undefined, 0, 'Sandbox.Timedout', { decision: 'fail', reason: 'no-policy' }],
  ];
  it.each(cases)('%s', async (_title, policy, retryNumber, thrownAs, details) => {
    let runs = 0;
    const testJob = buildSingleOpJob(() => {
      runs += 1;
      return 'ran';
    }, policy);
    const mode = policy === undefined ? 'plain' : policy.jitter === Jitter.PLUS_MINUS ? 'loop' : policy.backoff === undefined ? 'plain' : 'indexed';
    const handler = jobHandler(testJob, { writeLog: () => {}, random: () => 0.5 });
    const thrown = await catchThrown(handler(buildPayload(testJob, 'work', { retryNumber, retryMode: mode, fault: deadAt(retryNumber) }), createFakeContext()));
    const failure = recordFailure(thrown);
    expect(failure.Error).toBe(thrownAs);
    expect(failure.details).toMatchObject({ op: 'work', retryNumber, ...details });
    expect(runs).toBe(0);
  });

  it('a fault of an earlier attempt (a later retry of the same Task visit) is ignored: the op runs', async () => {
    const testJob = buildSingleOpJob((context) => context.retryNumber, new RetryPolicy({ maxRetries: 3 }));
    const handler = jobHandler(testJob, { writeLog: () => {} });
    expect(await handler(buildPayload(testJob, 'work', { retryNumber: 2, fault: deadAt(1) }), createFakeContext())).toStrictEqual({ v: 2 });
  });

  it('fails with stepops.ProtocolError for a malformed fault', async () => {
    const testJob = buildSingleOpJob(() => 1, new RetryPolicy({ maxRetries: 3 }));
    const handler = jobHandler(testJob, { writeLog: () => {} });
    const failure = recordFailure(await catchThrown(handler(buildPayload(testJob, 'work', { fault: { Error: 42 } }), createFakeContext())));
    expect(failure.Error).toBe('stepops.ProtocolError');
    expect(failure.errorMessage).toMatch(/^payload\.fault must be a caught timeout or crash/);
  });
});
