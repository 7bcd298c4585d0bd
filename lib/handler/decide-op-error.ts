import { OP_TIMEOUT_ERROR, RETRY_AFTER_ERROR, RETRY_ERROR, isRetryRequested, retryAttemptErrorName } from '../errors.js';
import { OpDeadlineError } from './op-deadline.js';
import type { LogLevel } from '../job/logger.js';
import { PROTOCOL_VERSION } from '../job/wire-protocol.js';
import { decideRetry, type RetryDecision } from '../policy/decide-retry.js';
import { createAttemptError } from './create-attempt-error.js';
import { toFailureErrorName } from './error-names.js';
import type { OpAttempt } from './op-attempt.js';
import type { OpAttemptError, SerializedOpError } from './op-attempt-error.js';
import { serializeError } from './serialize-error.js';
import { ceilSeconds } from '../policy/whole-seconds.js';

/** What the wrapper does with an op error: the error to throw and the decision line to log. */
export interface OpErrorOutcome {
  readonly error: OpAttemptError;
  readonly decision: RetryDecision;
  readonly logLevel: Extract<LogLevel, 'WARN' | 'ERROR'>;
  readonly logMessage: string;
  readonly logFields: Readonly<Record<string, unknown>>;
}

/** Longest op message quoted inside a retry message (the full one is in the details). */
const QUOTED_MESSAGE_LENGTH = 500;

/**
 * Applies Dagster's rule (decideRetry) to what the op threw and builds the error to throw:
 * - retry: RETRY_ERROR ('plain'), retryAttemptErrorName(n) ('indexed') or RETRY_AFTER_ERROR
 *   ('loop', and every RetryRequested whatever the mode) with details.waitSeconds = the wait
 *   rounded up to whole seconds and details.nextRetryNumber;
 * - fail: the op's own error name (reportedErrorName; reserved names prefixed with
 *   OP_ERROR_PREFIX) and its own message. An exhausted RetryRequested fails as 'RetryRequested'
 *   with Dagster's message "Exceeded max_retries of N", followed by its cause's name and message.
 * The details carry the op error with its stack and cause chain; the thrown error's `cause` is
 * the value the op threw.
 */
export function decideOpError(attempt: OpAttempt, thrown: unknown, random?: () => number): OpErrorOutcome {
  const decision = decideRetry({ error: thrown, policy: attempt.policy, retryNumber: attempt.retryNumber, random });
  const serialized = serializeError(thrown);
  const base = { stepops: PROTOCOL_VERSION, op: attempt.opName, retryNumber: attempt.retryNumber } as const;
  const logBase = { errorName: serialized.name, errorMessage: serialized.message.slice(0, 1000), reason: decision.reason };

  if (decision.action === 'retry') {
    const viaLoop = decision.reason === 'retry-requested' || attempt.retryMode === 'loop';
    const name = viaLoop ? RETRY_AFTER_ERROR : attempt.retryMode === 'indexed' ? retryAttemptErrorName(decision.nextRetryNumber) : RETRY_ERROR;
    const waitSeconds = viaLoop ? ceilSeconds(decision.waitSeconds) : undefined;
    const error = createAttemptError(
      name,
      describeRetry(attempt.opName, serialized, decision, waitSeconds),
      {
        ...base,
        decision: 'retry',
        reason: decision.reason,
        ...(waitSeconds === undefined ? {} : { waitSeconds }),
        nextRetryNumber: decision.nextRetryNumber,
        maxRetries: decision.maxRetries,
        error: serialized,
      },
      thrown,
    );
    return {
      error,
      decision,
      logLevel: 'WARN',
      logMessage: 'op failed; retrying',
      logFields: {
        ...logBase,
        decision: 'retry',
        thrownAs: name,
        nextRetryNumber: decision.nextRetryNumber,
        maxRetries: decision.maxRetries,
        ...(waitSeconds === undefined ? { waitBy: 'retrier' } : { waitSeconds, waitBy: 'loop' }),
      },
    };
  }

  const exhaustedRequest = isRetryRequested(thrown) && decision.reason === 'retries-exhausted';
  // The wrapper's own deadline error keeps its name; an op's error of that name is renamed.
  const name = thrown instanceof OpDeadlineError ? OP_TIMEOUT_ERROR : toFailureErrorName(serialized.name);
  // Exhausted: the op's own name (parent workflows' Catchers match it) and Dagster's wording first in the message.
  const message = exhaustedRequest
    ? describeExhaustedRequest(decision.maxRetries ?? 0, serialized.cause)
    : decision.reason === 'retries-exhausted'
      ? `${describeExceeded(decision.maxRetries ?? 0)}: ${serialized.message}`
      : serialized.message;
  const error = createAttemptError(
    name,
    message,
    {
      ...base,
      decision: 'fail',
      reason: decision.reason,
      ...(decision.maxRetries === undefined ? {} : { maxRetries: decision.maxRetries }),
      error: serialized,
    },
    thrown,
  );
  return {
    error,
    decision,
    logLevel: 'ERROR',
    logMessage: 'op failed',
    logFields: { ...logBase, decision: 'fail', thrownAs: name, ...(decision.maxRetries === undefined ? {} : { maxRetries: decision.maxRetries }) },
  };
}

function describeRetry(opName: string, error: SerializedOpError, decision: Extract<RetryDecision, { action: 'retry' }>, waitSeconds: number | undefined): string {
  const when = waitSeconds === undefined ? "after the state machine's retrier waits" : `in ${waitSeconds} s`;
  if (decision.reason === 'retry-requested') {
    const cause = error.cause === undefined ? '' : ` (${quote(error.cause)})`;
    return `op "${opName}" requested a retry${cause}; retry ${decision.nextRetryNumber} of ${decision.maxRetries} ${when}`;
  }
  return `op "${opName}" failed (${quote(error)}); retry ${decision.nextRetryNumber} of ${decision.maxRetries} under its retry policy, ${when}`;
}

/** Dagster's message for a step out of retries (execute_step.py: `Exceeded max_retries of {max_retries}`). */
function describeExceeded(maxRetries: number): string {
  return `Exceeded max_retries of ${maxRetries}`;
}

function describeExhaustedRequest(maxRetries: number, cause: SerializedOpError | undefined): string {
  const exceeded = describeExceeded(maxRetries);
  return cause === undefined ? exceeded : `${exceeded}: ${cause.name}: ${cause.message}`;
}

function quote(error: SerializedOpError): string {
  const message = error.message.length <= QUOTED_MESSAGE_LENGTH ? error.message : `${error.message.slice(0, QUOTED_MESSAGE_LENGTH)}...`;
  return `${error.name}: ${message}`;
}
