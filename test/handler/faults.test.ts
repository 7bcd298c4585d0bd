import { describe, expect, it } from 'vitest';
import { Backoff, Jitter, RetryPolicy } from '../../lib/index.js';
import { jobHandler } from '../../lib/handler/index.js';
import { buildPayload, buildSingleOpJob, catchThrown, createFakeContext, recordFailure } from './helpers.js';

/** The error output Step Functions gives a catcher for a dead invocation, with the dead attempt's retry number. */
function deadAt(retryNumber: number, error = 'Sandbox.Timedout'): { Error: string; Cause: string; r: number } {
  return { Error: error, Cause: JSON.stringify({ errorType: error, errorMessage: 'RequestId: x Error: Task timed out after 900.00 seconds' }), r: retryNumber };
}

describe('jobHandler: a caught timeout or crash (payload fault) is decided under the policy, the op does not run', () => {
  const cases: readonly (readonly [string, RetryPolicy | undefined, number, string, Record<string, unknown>])[] = [
    ['plain policy: the plain retry name', new RetryPolicy({ maxRetries: 3, delay: 5 }), 1, 'stepops.Retry', { decision: 'retry', nextRetryNumber: 2 }],
    [
      'indexed policy: the retry-indexed name',
      new RetryPolicy({ maxRetries: 3, delay: 2, backoff: Backoff.EXPONENTIAL }),
      0,
      'stepops.Retry.1',
      { decision: 'retry', nextRetryNumber: 1 },
    ],
    [
      'PLUS_MINUS policy: the loop, with its wait',
      new RetryPolicy({ maxRetries: 2, delay: 10, jitter: Jitter.PLUS_MINUS }),
      0,
      'stepops.RetryAfter',
      { decision: 'retry', nextRetryNumber: 1, waitSeconds: 10 },
    ],
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

describe("jobHandler: the wrapper's deadline ahead of the Lambda timeout", () => {
  it('an op still running 1 s before the timeout fails its attempt with stepops.OpTimeout, decided under its policy (a retry here)', async () => {
    const testJob = buildSingleOpJob(() => new Promise<never>(() => {}), new RetryPolicy({ maxRetries: 2 }));
    const handler = jobHandler(testJob, { writeLog: () => {} });
    // 1,050 ms left: the deadline is 1,000 ms before the timeout, a tenth (105 ms) being less... the smaller margin wins: 945 ms.
    const context = { ...createFakeContext(), getRemainingTimeInMillis: () => 1_050 };
    const failure = recordFailure(await catchThrown(handler(buildPayload(testJob, 'work', {}), context)));
    expect(failure.Error).toBe('stepops.Retry');
    expect(failure.details).toMatchObject({ decision: 'retry', reason: 'policy', nextRetryNumber: 1, error: { name: 'stepops.OpTimeout' } });
  });

  it('without retries left, the op fails as stepops.OpTimeout (its own name, not renamed); an op error of that name is renamed', async () => {
    const hanging = buildSingleOpJob(() => new Promise<never>(() => {}));
    const context = { ...createFakeContext(), getRemainingTimeInMillis: () => 200 };
    const failure = recordFailure(await catchThrown(jobHandler(hanging, { writeLog: () => {} })(buildPayload(hanging, 'work', {}), context)));
    expect(failure.Error).toBe('stepops.OpTimeout');
    expect(failure.errorMessage).toMatch(/^op "work" was still running close to the Lambda function's timeout/);
    const forging = buildSingleOpJob(() => {
      const error = new Error('fake');
      error.name = 'stepops.OpTimeout';
      throw error;
    });
    const forged = recordFailure(await catchThrown(jobHandler(forging, { writeLog: () => {} })(buildPayload(forging, 'work', {}), context)));
    expect(forged.Error).toBe('stepops.OpError.stepops.OpTimeout');
  });

  it('while a hung op waits for its deadline, the deadline timer keeps the process alive (else the Lambda runtime would end the invocation first)', async () => {
    // getActiveResourcesInfo lists the timers that keep the event loop alive (an unref'd one is not listed).
    const countTimers = (): number => process.getActiveResourcesInfo().filter((type) => type === 'Timeout').length;
    const hanging = buildSingleOpJob(() => new Promise<never>(() => {}));
    const before = countTimers();
    const outcome = catchThrown(jobHandler(hanging, { writeLog: () => {} })(buildPayload(hanging, 'work', {}), { ...createFakeContext(), getRemainingTimeInMillis: () => 300 }));
    let during = before;
    for (let turn = 0; turn < 20 && during === before; turn++) {
      await new Promise((resolve) => setImmediate(resolve));
      during = countTimers();
    }
    expect(during).toBe(before + 1);
    expect(recordFailure(await outcome).Error).toBe('stepops.OpTimeout');
    expect(countTimers()).toBeLessThanOrEqual(before);
  });

  it('an op that settles in time is not affected', async () => {
    const testJob = buildSingleOpJob(() => 'quick');
    const context = { ...createFakeContext(), getRemainingTimeInMillis: () => 5_000 };
    expect(await jobHandler(testJob, { writeLog: () => {} })(buildPayload(testJob, 'work', {}), context)).toStrictEqual({ v: 'quick' });
  });
});

describe('jobHandler: hostile thrown values never escape unclassified', () => {
  class ServiceLike extends Error {
    constructor() {
      super('from a getter');
      this.name = 'Lambda.ServiceException';
    }
  }
  const hostile: readonly (readonly [string, () => unknown])[] = [
    [
      'an object whose name getter throws an error named Lambda.ServiceException',
      () => ({
        get name(): string {
          throw new ServiceLike();
        },
        message: 'm',
      }),
    ],
    [
      'an Error whose message getter throws',
      () =>
        Object.defineProperty(new Error('x'), 'message', {
          get() {
            throw new ServiceLike();
          },
        }),
    ],
    [
      'a Proxy whose every trap throws',
      () =>
        new Proxy(
          {},
          {
            get() {
              throw new ServiceLike();
            },
            getPrototypeOf() {
              throw new ServiceLike();
            },
            has() {
              throw new ServiceLike();
            },
            ownKeys() {
              throw new ServiceLike();
            },
            getOwnPropertyDescriptor() {
              throw new ServiceLike();
            },
          },
        ),
    ],
    [
      'an Error whose stack getter throws a Proxy',
      () =>
        Object.defineProperty(new Error('x'), 'stack', {
          get() {
            throw new Proxy(
              {},
              {
                get() {
                  throw new ServiceLike();
                },
                getPrototypeOf() {
                  throw new ServiceLike();
                },
              },
            );
          },
        }),
    ],
  ];
  it.each(hostile)('%s: retried under the policy (maxRetries 3: a retry name), then a plain Error', async (_title, build) => {
    const testJob = buildSingleOpJob(
      () => {
        throw build();
      },
      new RetryPolicy({ maxRetries: 3 }),
    );
    const handler = jobHandler(testJob, { writeLog: () => {} });
    const retried = recordFailure(await catchThrown(handler(buildPayload(testJob, 'work', { retryNumber: 0 }), createFakeContext())));
    expect(retried.Error).toBe('stepops.Retry');
    const exhausted = recordFailure(await catchThrown(handler(buildPayload(testJob, 'work', { retryNumber: 3 }), createFakeContext())));
    expect(exhausted.Error).not.toMatch(/^(Lambda|States|Sandbox|Runtime)\./);
    expect(exhausted.details).toMatchObject({ decision: 'fail', reason: 'retries-exhausted' });
    expect(exhausted.errorMessage).toMatch(/^Exceeded max_retries of 3: /);
  });
});
