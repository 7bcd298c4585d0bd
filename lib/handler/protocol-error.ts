import { PROTOCOL_ERROR, describeValue } from '../errors.js';
import { PROTOCOL_VERSION } from '../job/wire-protocol.js';
import { createAttemptError } from './create-attempt-error.js';
import type { OpAttemptError } from './op-attempt-error.js';

/** What is known about the attempt a rejected payload was for, for the details and the log. */
export interface RejectedPayloadFacts {
  readonly op?: unknown;
  readonly retryNumber?: unknown;
}

/**
 * A PROTOCOL_ERROR for an event the handler must not run: `problem` says what is wrong,
 * `advice` what to do. Its details have reason 'protocol-error', `op` the payload's op name
 * ('' when it has none) and `retryNumber` the payload's (-1 when it has no valid one).
 */
export function createProtocolError(problem: string, advice: string, facts: RejectedPayloadFacts = {}): OpAttemptError {
  const op = typeof facts.op === 'string' ? facts.op : '';
  const retryNumber = Number.isSafeInteger(facts.retryNumber) && (facts.retryNumber as number) >= 0 ? (facts.retryNumber as number) : -1;
  return createAttemptError(PROTOCOL_ERROR, `${problem}; ${advice}`, {
    stepops: PROTOCOL_VERSION,
    op,
    retryNumber,
    decision: 'fail',
    reason: 'protocol-error',
  });
}

/** A received value for an error message, at most 200 characters. */
export function previewValue(value: unknown): string {
  const text = describeValue(value);
  return text.length <= 200 ? text : `${text.slice(0, 200)}...`;
}

/** True for an object that is not an array (a JSON object). */
export function isJsonObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** True for an integer >= 0 that JSON carries exactly. */
export function isRetryNumber(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;
}
