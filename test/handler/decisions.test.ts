import { describe, expect, it } from 'vitest';
import { Backoff, Failure, Jitter, RETRY_AFTER_ERROR, RETRY_ERROR, RetryPolicy, RetryRequested, createSeededRandom, retryAttemptErrorName } from '../../lib/index.js';
import { jobHandler } from '../../lib/handler/index.js';
import type { RetryMode } from '../../lib/job/wire-protocol.js';
import { buildPayload, buildSingleOpJob, captureLogs, catchThrown, createFakeContext, recordFailure } from './helpers.js';

class ReportUnavailableError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ReportUnavailableError';
  }
}

const unavailable = (): never => {
  throw new ReportUnavailableError('report service unavailable');
};

interface DecisionCase {
  readonly rule: string;
  readonly policy?: RetryPolicy;
  readonly jobPolicy?: RetryPolicy;
  readonly thrown: () => unknown;
  readonly retryNumber: number;
  readonly retryMode?: RetryMode;
  readonly error: string;
  readonly decision: 'retry' | 'fail';
  readonly reason: string;
  readonly waitSeconds?: number;
  readonly nextRetryNumber?: number;
  readonly maxRetries?: number;
  readonly message?: string;
}

// DESIGN section 3, one row per rule (and per retry mode where the mode changes the name).
const cases: DecisionCase[] = [
  {
    rule: 'plain error, no policy: fails at once',
    thrown: unavailable,
    retryNumber: 0,
    error: 'ReportUnavailableError',
    decision: 'fail',
    reason: 'no-policy',
    message: 'report service unavailable',
  },
  {
    rule: 'policy defaults: one retry at once (plain)',
    policy: new RetryPolicy(),
    thrown: unavailable,
    retryNumber: 0,
    error: RETRY_ERROR,
    decision: 'retry',
    reason: 'policy',
    nextRetryNumber: 1,
    maxRetries: 1,
  },
  {
    rule: 'policy defaults: exhausted after one retry',
    policy: new RetryPolicy(),
    thrown: unavailable,
    retryNumber: 1,
    error: 'ReportUnavailableError',
    decision: 'fail',
    reason: 'retries-exhausted',
    maxRetries: 1,
    message: 'Exceeded max_retries of 1: report service unavailable',
  },
  {
    rule: 'job opRetryPolicy applies when the op has none',
    jobPolicy: new RetryPolicy({ maxRetries: 2 }),
    thrown: unavailable,
    retryNumber: 1,
    error: RETRY_ERROR,
    decision: 'retry',
    reason: 'policy',
    nextRetryNumber: 2,
    maxRetries: 2,
  },
  {
    rule: 'op policy wins whole over the job policy',
    policy: new RetryPolicy({ maxRetries: 1 }),
    jobPolicy: new RetryPolicy({ maxRetries: 5 }),
    thrown: unavailable,
    retryNumber: 1,
    error: 'ReportUnavailableError',
    decision: 'fail',
    reason: 'retries-exhausted',
    maxRetries: 1,
  },
  {
    rule: 'indexed mode names the retry about to happen',
    policy: new RetryPolicy({ maxRetries: 4, delay: 3600, backoff: Backoff.LINEAR }),
    thrown: unavailable,
    retryNumber: 2,
    retryMode: 'indexed',
    error: retryAttemptErrorName(3),
    decision: 'retry',
    reason: 'policy',
    nextRetryNumber: 3,
    maxRetries: 4,
  },
  {
    rule: 'indexed mode, exhausted',
    policy: new RetryPolicy({ maxRetries: 4, delay: 3600, backoff: Backoff.LINEAR }),
    thrown: unavailable,
    retryNumber: 4,
    retryMode: 'indexed',
    error: 'ReportUnavailableError',
    decision: 'fail',
    reason: 'retries-exhausted',
    maxRetries: 4,
  },
  {
    rule: 'loop mode carries the wait, rounded up (delay 2 EXPONENTIAL PLUS_MINUS, retry 3, random 0.5 -> 14 s)',
    policy: new RetryPolicy({ maxRetries: 3, delay: 2, backoff: Backoff.EXPONENTIAL, jitter: Jitter.PLUS_MINUS }),
    thrown: unavailable,
    retryNumber: 2,
    retryMode: 'loop',
    error: RETRY_AFTER_ERROR,
    decision: 'retry',
    reason: 'policy',
    waitSeconds: 14,
    nextRetryNumber: 3,
    maxRetries: 3,
  },
  {
    rule: 'loop mode rounds a fractional wait up (0.2 EXPONENTIAL retry 2 -> 0.6 s -> 1 s)',
    policy: new RetryPolicy({ maxRetries: 3, delay: 0.2, backoff: Backoff.EXPONENTIAL, jitter: Jitter.PLUS_MINUS }),
    thrown: unavailable,
    retryNumber: 1,
    retryMode: 'loop',
    error: RETRY_AFTER_ERROR,
    decision: 'retry',
    reason: 'policy',
    waitSeconds: 1,
    nextRetryNumber: 2,
    maxRetries: 3,
  },
  {
    rule: 'loop mode, zero delay waits 0 s',
    policy: new RetryPolicy({ maxRetries: 2 }),
    thrown: unavailable,
    retryNumber: 0,
    retryMode: 'loop',
    error: RETRY_AFTER_ERROR,
    decision: 'retry',
    reason: 'policy',
    waitSeconds: 0,
    nextRetryNumber: 1,
    maxRetries: 2,
  },
  {
    rule: 'RetryRequested bypasses a missing policy, thrown as RetryAfter in plain mode',
    thrown: () => {
      throw new RetryRequested({ maxRetries: 2, secondsToWait: 1.2 });
    },
    retryNumber: 0,
    error: RETRY_AFTER_ERROR,
    decision: 'retry',
    reason: 'retry-requested',
    waitSeconds: 2,
    nextRetryNumber: 1,
    maxRetries: 2,
  },
  {
    rule: 'RetryRequested is RetryAfter in indexed mode too',
    policy: new RetryPolicy({ maxRetries: 4, delay: 1, backoff: Backoff.LINEAR }),
    thrown: () => {
      throw new RetryRequested({ maxRetries: 3, secondsToWait: 7 });
    },
    retryNumber: 1,
    retryMode: 'indexed',
    error: RETRY_AFTER_ERROR,
    decision: 'retry',
    reason: 'retry-requested',
    waitSeconds: 7,
    nextRetryNumber: 2,
    maxRetries: 3,
  },
  {
    rule: 'RetryRequested without secondsToWait retries at once',
    thrown: () => {
      throw new RetryRequested();
    },
    retryNumber: 0,
    error: RETRY_AFTER_ERROR,
    decision: 'retry',
    reason: 'retry-requested',
    waitSeconds: 0,
    nextRetryNumber: 1,
    maxRetries: 1,
  },
  {
    rule: 'RetryRequested ignores a policy that would allow more',
    policy: new RetryPolicy({ maxRetries: 10 }),
    thrown: () => {
      throw new RetryRequested({ maxRetries: 1, cause: new ReportUnavailableError('down') });
    },
    retryNumber: 1,
    error: 'RetryRequested',
    decision: 'fail',
    reason: 'retries-exhausted',
    maxRetries: 1,
    message: 'Exceeded max_retries of 1: ReportUnavailableError: down',
  },
  {
    rule: 'RetryRequested over its maxRetries, no cause',
    thrown: () => {
      throw new RetryRequested({ maxRetries: 2 });
    },
    retryNumber: 2,
    error: 'RetryRequested',
    decision: 'fail',
    reason: 'retries-exhausted',
    maxRetries: 2,
    message: 'Exceeded max_retries of 2',
  },
  {
    rule: 'RetryRequested counts retries shared with the policy',
    policy: new RetryPolicy({ maxRetries: 3 }),
    thrown: () => {
      throw new RetryRequested({ maxRetries: 3, secondsToWait: 0.001 });
    },
    retryNumber: 2,
    error: RETRY_AFTER_ERROR,
    decision: 'retry',
    reason: 'retry-requested',
    waitSeconds: 1,
    nextRetryNumber: 3,
    maxRetries: 3,
  },
  {
    rule: 'Failure allowRetries false never retries',
    policy: new RetryPolicy({ maxRetries: 3 }),
    thrown: () => {
      throw new Failure({ description: 'bad input', allowRetries: false, metadata: { rows: 3 } });
    },
    retryNumber: 0,
    error: 'Failure',
    decision: 'fail',
    reason: 'not-retriable',
    message: 'bad input',
  },
  {
    rule: 'Failure allowRetries true retries under the policy',
    policy: new RetryPolicy({ maxRetries: 3 }),
    thrown: () => {
      throw new Failure({ description: 'flaky' });
    },
    retryNumber: 0,
    error: RETRY_ERROR,
    decision: 'retry',
    reason: 'policy',
    nextRetryNumber: 1,
    maxRetries: 3,
  },
  {
    rule: 'Failure without policy fails at once',
    thrown: () => {
      throw new Failure({ description: 'nope' });
    },
    retryNumber: 0,
    error: 'Failure',
    decision: 'fail',
    reason: 'no-policy',
    message: 'nope',
  },
  {
    rule: 'retryOn retries a listed error',
    policy: new RetryPolicy({ maxRetries: 2, retryOn: ['ReportUnavailableError'] }),
    thrown: unavailable,
    retryNumber: 0,
    error: RETRY_ERROR,
    decision: 'retry',
    reason: 'policy',
    nextRetryNumber: 1,
    maxRetries: 2,
  },
  {
    rule: 'retryOn fails any other error at once',
    policy: new RetryPolicy({ maxRetries: 2, retryOn: ['TimeoutError'] }),
    thrown: () => {
      throw new TypeError('x is undefined');
    },
    retryNumber: 0,
    error: 'TypeError',
    decision: 'fail',
    reason: 'error-filtered',
    message: 'x is undefined',
  },
  {
    rule: 'neverRetryOn wins over retryOn',
    policy: new RetryPolicy({ maxRetries: 2, retryOn: ['TypeError'], neverRetryOn: ['TypeError'] }),
    thrown: () => {
      throw new TypeError('x');
    },
    retryNumber: 0,
    error: 'TypeError',
    decision: 'fail',
    reason: 'error-filtered',
  },
  {
    rule: 'filters never stop a RetryRequested',
    policy: new RetryPolicy({ maxRetries: 2, retryOn: ['TimeoutError'] }),
    thrown: () => {
      throw new RetryRequested({ maxRetries: 1, secondsToWait: 5 });
    },
    retryNumber: 0,
    error: RETRY_AFTER_ERROR,
    decision: 'retry',
    reason: 'retry-requested',
    waitSeconds: 5,
    nextRetryNumber: 1,
    maxRetries: 1,
  },
];

describe('jobHandler decisions (DESIGN section 3)', () => {
  it.each(cases)('$rule', async (testCase) => {
    const logs = captureLogs();
    const testJob = buildSingleOpJob(testCase.thrown, testCase.policy, testCase.jobPolicy);
    const handler = jobHandler(testJob, { writeLog: logs.writeLog, random: () => 0.5 });
    const payload = buildPayload(testJob, 'work', { retryNumber: testCase.retryNumber, retryMode: testCase.retryMode ?? 'plain' });
    const thrown = await catchThrown(handler(payload, createFakeContext()));
    const failure = recordFailure(thrown);

    expect(thrown).toBeInstanceOf(Error);
    expect(failure.Error).toBe(testCase.error);
    expect(failure.details).toMatchObject({ stepops: 2, op: 'work', retryNumber: testCase.retryNumber, decision: testCase.decision, reason: testCase.reason });
    expect(failure.details.waitSeconds).toBe(testCase.waitSeconds);
    expect(failure.details.nextRetryNumber).toBe(testCase.nextRetryNumber);
    expect(failure.details.maxRetries).toBe(testCase.maxRetries);
    if (testCase.message !== undefined) expect(failure.errorMessage).toBe(testCase.message);
    expect(thrown.details).toStrictEqual(failure.details);

    const decisionLines = logs.records.filter((record) => record.decision !== undefined);
    expect(decisionLines).toHaveLength(1);
    expect(decisionLines[0]).toMatchObject({
      level: testCase.decision === 'retry' ? 'WARN' : 'ERROR',
      service: 'stepops',
      job: 'test_job',
      op: 'work',
      runId: 'run-1',
      retryNumber: testCase.retryNumber,
      requestId: 'req-0001',
      decision: testCase.decision,
      reason: testCase.reason,
      thrownAs: testCase.error,
      ...(testCase.waitSeconds === undefined ? {} : { waitSeconds: testCase.waitSeconds }),
    });
    expect(decisionLines[0]?.waitSeconds).toBe(testCase.waitSeconds);
  });

  it('a retried error keeps the op error and its cause chain in the details', async () => {
    const testJob = buildSingleOpJob(() => {
      throw new RetryRequested({ maxRetries: 1, secondsToWait: 1, cause: new ReportUnavailableError('down') });
    });
    const thrown = await catchThrown(jobHandler(testJob, { writeLog: () => {} })(buildPayload(testJob, 'work')));
    const { details, errorMessage } = recordFailure(thrown);
    expect(errorMessage).toBe('op "work" requested a retry (ReportUnavailableError: down); retry 1 of 1 in 1 s');
    expect(details.error).toMatchObject({ name: 'RetryRequested', cause: { name: 'ReportUnavailableError', message: 'down' } });
    expect(details.error?.stack).toContain('RetryRequested');
  });

  it('Failure metadata goes in the details', async () => {
    const testJob = buildSingleOpJob(
      () => {
        throw new Failure({ description: 'bad rows', metadata: { rows: 3, table: 'orders' }, allowRetries: false });
      },
      new RetryPolicy({ maxRetries: 2 }),
    );
    const { details } = recordFailure(await catchThrown(jobHandler(testJob, { writeLog: () => {} })(buildPayload(testJob, 'work'))));
    expect(details.error).toMatchObject({ name: 'Failure', message: 'bad rows', metadata: { rows: 3, table: 'orders' } });
  });

  it('a seeded random gives the PLUS_MINUS wait Dagster would draw, rounded up', async () => {
    const policy = new RetryPolicy({ maxRetries: 3, delay: 0.2, backoff: Backoff.EXPONENTIAL, jitter: Jitter.PLUS_MINUS });
    for (const [seed, retryNumber] of [
      [1, 0],
      [2, 1],
      [3, 2],
      [42, 2],
    ] as const) {
      const testJob = buildSingleOpJob(unavailable, policy);
      const handler = jobHandler(testJob, { writeLog: () => {}, random: createSeededRandom(seed) });
      const { details } = recordFailure(await catchThrown(handler(buildPayload(testJob, 'work', { retryNumber, retryMode: 'loop' }))));
      const expected = Math.ceil(policy.calculateDelay(retryNumber + 1, createSeededRandom(seed)));
      expect(details.waitSeconds).toBe(expected);
      const range = policy.delayRange(retryNumber + 1);
      expect(details.waitSeconds).toBeGreaterThanOrEqual(Math.ceil(range.min));
      expect(details.waitSeconds).toBeLessThanOrEqual(Math.ceil(range.max));
    }
  });

  it('the thrown error keeps the value the op threw as its cause (for the local runner)', async () => {
    const original = new ReportUnavailableError('down');
    const testJob = buildSingleOpJob(() => {
      throw original;
    });
    const thrown = await catchThrown(jobHandler(testJob, { writeLog: () => {} })(buildPayload(testJob, 'work')));
    expect(thrown.cause).toBe(original);
    expect(thrown.name).toBe('ReportUnavailableError');
    expect(thrown.message).toBe('down');
  });
});
