import { OP_TIMEOUT_ERROR, RETRY_AFTER_ERROR, RETRY_ERROR, isRetryRequested, retryAttemptErrorName } from '../errors.js';
import { OpDeadlineError } from './op-deadline.js';
import type { LogLevel } from '../job/logger.js';
import { PROTOCOL_VERSION } from '../job/wire-protocol.js';
import { decideRetry, type RetryDecision } from '../policy/decide-retry.js';
import { createAttemptError } from './create-attempt-error.js';
import { toFailureErrorName } from './error-names.js';
import type { OpAttempt } from './op-attempt.js';
import type { HandlerErrorDetails, OpAttemptError, SerializedOpError } from './op-attempt-error.js';
import { serializeError } from './serialize-error.js';
import { ceilSeconds } from '../policy/whole-seconds.js';

/** What the wrapper does with an op error: the error to throw and the decision line to log. */
export interface OpErrorOutcome {
  readonly error: OpAttemptError;
  readonly decision: RetryDecision;
  readonly logLevel: Extract<LogLevel, 'WARN' | 'ERROR'>;
  readonly logMessage: string;
  /** Made for this outcome alone: the caller may add its own fields. */
  readonly logFields: Record<string, unknown>;
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
  const errorMessage = serialized.message.slice(0, 1000);
  // Objects are written field by field, in the order their JSON shows them: on Node 20 a literal with
  // properties after a spread (`{ ...base, decision }`) takes V8's slow path, microseconds each.

  if (decision.action === 'retry') {
    const viaLoop = decision.reason === 'retry-requested' || attempt.retryMode === 'loop';
    const name = viaLoop ? RETRY_AFTER_ERROR : attempt.retryMode === 'indexed' ? retryAttemptErrorName(decision.nextRetryNumber) : RETRY_ERROR;
    const waitSeconds = viaLoop ? ceilSeconds(decision.waitSeconds) : undefined;
    const details: Writable<HandlerErrorDetails> = { stepops: PROTOCOL_VERSION, op: attempt.opName, retryNumber: attempt.retryNumber, decision: 'retry', reason: decision.reason };
    if (waitSeconds !== undefined) details.waitSeconds = waitSeconds;
    details.nextRetryNumber = decision.nextRetryNumber;
    details.maxRetries = decision.maxRetries;
    details.error = serialized;
    const error = createAttemptError(name, describeRetry(attempt.opName, serialized, decision, waitSeconds), details, thrown);
    const logFields: Record<string, unknown> = {
      errorName: serialized.name,
      errorMessage,
      reason: decision.reason,
      decision: 'retry',
      thrownAs: name,
      nextRetryNumber: decision.nextRetryNumber,
      maxRetries: decision.maxRetries,
    };
    if (waitSeconds === undefined) logFields.waitBy = 'retrier';
    else {
      logFields.waitSeconds = waitSeconds;
      logFields.waitBy = 'loop';
    }
    return { error, decision, logLevel: 'WARN', logMessage: 'op failed; retrying', logFields };
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
  const details: Writable<HandlerErrorDetails> = { stepops: PROTOCOL_VERSION, op: attempt.opName, retryNumber: attempt.retryNumber, decision: 'fail', reason: decision.reason };
  if (decision.maxRetries !== undefined) details.maxRetries = decision.maxRetries;
  details.error = serialized;
  const error = createAttemptError(name, message, details, thrown);
  const logFields: Record<string, unknown> = { errorName: serialized.name, errorMessage, reason: decision.reason, decision: 'fail', thrownAs: name };
  if (decision.maxRetries !== undefined) logFields.maxRetries = decision.maxRetries;
  return { error, decision, logLevel: 'ERROR', logMessage: 'op failed', logFields };
}

/** A record type with its readonly fields writable: built field by field, then handed on as the readonly type. */
type Writable<T> = { -readonly [K in keyof T]: T[K] };

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
