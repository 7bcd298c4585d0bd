import { isFailure, isRetryRequested, reportedErrorName } from '../errors.js';
import type { RetryPolicy } from './retry-policy.js';

/** Why an op error is retried. */
export type RetryReason = 'policy' | 'retry-requested';

/** Why an op error ends the op. */
export type FailReason = 'no-policy' | 'retries-exhausted' | 'not-retriable' | 'error-filtered';

export type RetryDecision =
  | {
      readonly action: 'retry';
      readonly reason: RetryReason;
      /** The retry about to happen: 1 for the first retry (Dagster's attempt_num). */
      readonly nextRetryNumber: number;
      /** Seconds to wait before it, unrounded. */
      readonly waitSeconds: number;
      /** The limit that allowed it (the policy's or the RetryRequested's). */
      readonly maxRetries: number;
    }
  | {
      readonly action: 'fail';
      readonly reason: FailReason;
      /** The limit that was reached, for 'retries-exhausted'. */
      readonly maxRetries?: number;
    };

export interface DecideRetryInput {
  /** What the op threw. */
  readonly error: unknown;
  /** The op invocation's resolved policy (see resolveRetryPolicy). */
  readonly policy: RetryPolicy | undefined;
  /** Retries already made: 0 on the first attempt (Dagster's context.retry_number). */
  readonly retryNumber: number;
  /** Random source in [0, 1) for jitter. @default Math.random */
  readonly random?: () => number;
}

/**
 * Dagster's rule for an op error: a RetryRequested bypasses the policy; a Failure with
 * allowRetries false never retries; otherwise the policy retries while retryNumber <
 * maxRetries, waiting calculateDelay(retryNumber + 1). One counter per op, shared by both.
 */
export function decideRetry(input: DecideRetryInput): RetryDecision {
  const { error, policy, retryNumber, random = Math.random } = input;
  if (isRetryRequested(error)) {
    if (retryNumber >= error.maxRetries) return { action: 'fail', reason: 'retries-exhausted', maxRetries: error.maxRetries };
    return {
      action: 'retry',
      reason: 'retry-requested',
      nextRetryNumber: retryNumber + 1,
      waitSeconds: error.secondsToWait ?? 0,
      maxRetries: error.maxRetries,
    };
  }
  if (isFailure(error) && !error.allowRetries) return { action: 'fail', reason: 'not-retriable' };
  if (policy === undefined) return { action: 'fail', reason: 'no-policy' };
  if (!policy.allowsErrorName(reportedErrorName(error))) return { action: 'fail', reason: 'error-filtered' };
  if (retryNumber >= policy.maxRetries) return { action: 'fail', reason: 'retries-exhausted', maxRetries: policy.maxRetries };
  return {
    action: 'retry',
    reason: 'policy',
    nextRetryNumber: retryNumber + 1,
    waitSeconds: policy.calculateDelay(retryNumber + 1, random),
    maxRetries: policy.maxRetries,
  };
}
