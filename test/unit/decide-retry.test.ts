import { describe, expect, it } from 'vitest';
import { Backoff, Failure, Jitter, RetryPolicy, RetryRequested, decideRetry } from '../../lib/index.js';

class TimeoutError extends Error {
  constructor() {
    super('timed out');
    this.name = 'TimeoutError';
  }
}

const linear = new RetryPolicy({ maxRetries: 3, delay: 2, backoff: Backoff.LINEAR });

describe('decideRetry: DESIGN section 3', () => {
  it.each([
    { row: 'plain error, no policy: fails at once', error: new Error('x'), policy: undefined, retryNumber: 0, expected: { action: 'fail', reason: 'no-policy' } },
    {
      row: 'plain error, policy: first retry waits calculateDelay(1)',
      error: new Error('x'),
      policy: linear,
      retryNumber: 0,
      expected: { action: 'retry', reason: 'policy', nextRetryNumber: 1, waitSeconds: 2, maxRetries: 3 },
    },
    {
      row: 'plain error, policy: third retry waits calculateDelay(3)',
      error: new Error('x'),
      policy: linear,
      retryNumber: 2,
      expected: { action: 'retry', reason: 'policy', nextRetryNumber: 3, waitSeconds: 6, maxRetries: 3 },
    },
    { row: 'plain error, policy exhausted', error: new Error('x'), policy: linear, retryNumber: 3, expected: { action: 'fail', reason: 'retries-exhausted', maxRetries: 3 } },
    {
      row: 'maxRetries 0 never retries',
      error: new Error('x'),
      policy: new RetryPolicy({ maxRetries: 0 }),
      retryNumber: 0,
      expected: { action: 'fail', reason: 'retries-exhausted', maxRetries: 0 },
    },
    {
      row: 'RetryRequested bypasses a missing policy',
      error: new RetryRequested({ maxRetries: 2, secondsToWait: 5 }),
      policy: undefined,
      retryNumber: 1,
      expected: { action: 'retry', reason: 'retry-requested', nextRetryNumber: 2, waitSeconds: 5, maxRetries: 2 },
    },
    {
      row: 'RetryRequested bypasses the policy limit',
      error: new RetryRequested({ maxRetries: 5 }),
      policy: new RetryPolicy({ maxRetries: 1 }),
      retryNumber: 3,
      expected: { action: 'retry', reason: 'retry-requested', nextRetryNumber: 4, waitSeconds: 0, maxRetries: 5 },
    },
    {
      row: 'RetryRequested over its own limit fails',
      error: new RetryRequested(),
      policy: new RetryPolicy({ maxRetries: 10 }),
      retryNumber: 1,
      expected: { action: 'fail', reason: 'retries-exhausted', maxRetries: 1 },
    },
    {
      row: 'Failure allowRetries false never retries',
      error: new Failure({ allowRetries: false }),
      policy: linear,
      retryNumber: 0,
      expected: { action: 'fail', reason: 'not-retriable' },
    },
    {
      row: 'Failure allowRetries true follows the policy',
      error: new Failure({ description: 'bad' }),
      policy: linear,
      retryNumber: 0,
      expected: { action: 'retry', reason: 'policy', nextRetryNumber: 1, waitSeconds: 2, maxRetries: 3 },
    },
    { row: 'Failure with no policy fails', error: new Failure(), policy: undefined, retryNumber: 0, expected: { action: 'fail', reason: 'no-policy' } },
    {
      row: 'a thrown string follows the policy',
      error: 'oops',
      policy: linear,
      retryNumber: 0,
      expected: { action: 'retry', reason: 'policy', nextRetryNumber: 1, waitSeconds: 2, maxRetries: 3 },
    },
    {
      row: 'retryOn admits a listed name',
      error: new TimeoutError(),
      policy: new RetryPolicy({ retryOn: ['TimeoutError'] }),
      retryNumber: 0,
      expected: { action: 'retry', reason: 'policy', nextRetryNumber: 1, waitSeconds: 0, maxRetries: 1 },
    },
    {
      row: 'retryOn refuses other names',
      error: new TypeError('x'),
      policy: new RetryPolicy({ retryOn: ['TimeoutError'] }),
      retryNumber: 0,
      expected: { action: 'fail', reason: 'error-filtered' },
    },
    {
      row: 'neverRetryOn wins over retryOn',
      error: new TimeoutError(),
      policy: new RetryPolicy({ retryOn: ['TimeoutError'], neverRetryOn: ['TimeoutError'] }),
      retryNumber: 0,
      expected: { action: 'fail', reason: 'error-filtered' },
    },
    {
      row: 'filters never stop a RetryRequested',
      error: new RetryRequested(),
      policy: new RetryPolicy({ retryOn: ['TimeoutError'] }),
      retryNumber: 0,
      expected: { action: 'retry', reason: 'retry-requested', nextRetryNumber: 1, waitSeconds: 0, maxRetries: 1 },
    },
  ])('$row', ({ error, policy, retryNumber, expected }) => {
    expect(decideRetry({ error, policy, retryNumber })).toStrictEqual(expected);
  });

  it('passes the injected random source to jitter', () => {
    const policy = new RetryPolicy({ maxRetries: 2, delay: 4, jitter: Jitter.FULL });
    expect(decideRetry({ error: new Error('x'), policy, retryNumber: 0, random: () => 0.25 })).toMatchObject({ waitSeconds: 1 });
  });

  it('shares one counter between policy and manual retries', () => {
    const policy = new RetryPolicy({ maxRetries: 2 });
    // retry 1 came from a RetryRequested; the policy then grants only one more.
    expect(decideRetry({ error: new Error('x'), policy, retryNumber: 1 })).toMatchObject({ action: 'retry', nextRetryNumber: 2 });
    expect(decideRetry({ error: new Error('x'), policy, retryNumber: 2 })).toMatchObject({ action: 'fail', reason: 'retries-exhausted' });
  });
});
