import { PROTOCOL_VERSION } from '../job/wire-protocol.js';
import { createAttemptError } from './create-attempt-error.js';
import { decideOpError, type OpErrorOutcome } from './decide-op-error.js';
import { extendFields } from './extend-fields.js';
import type { OpAttempt, OpAttemptFault } from './op-attempt.js';
import type { HandlerErrorDetails } from './op-attempt-error.js';

/**
 * The wrapper's decision on a timeout or crash the state machine caught (lib/asl/compile-faults.ts):
 * the attempt `fault.retryNumber` died without the wrapper deciding, so this invocation decides
 * for it, without running the op, exactly as for an error the op threw under that name and
 * message (decideOpError: the policy's retry name or loop wait, its counter). Should the policy
 * not retry it, the op fails under the fault's own name (`Sandbox.Timedout`, not renamed: it is
 * the platform's error, not the op's), which the state machine treats as final.
 */
export function decideFault(attempt: OpAttempt, fault: OpAttemptFault, random?: () => number): OpErrorOutcome {
  const died = new Error(fault.message);
  died.name = fault.name;
  const outcome = decideOpError(attempt, died, random);
  if (outcome.decision.action === 'retry') return outcome;
  // outcome.error's message: the fault's, after Dagster's "Exceeded max_retries of N" once the retries are used.
  // Field by field, in the order of the JSON (extend-fields.ts says why).
  const details: { -readonly [K in keyof HandlerErrorDetails]: HandlerErrorDetails[K] } = {
    stepops: PROTOCOL_VERSION,
    op: attempt.opName,
    retryNumber: attempt.retryNumber,
    decision: 'fail',
    reason: outcome.decision.reason,
  };
  if (outcome.decision.maxRetries !== undefined) details.maxRetries = outcome.decision.maxRetries;
  details.error = { name: fault.name, message: fault.message };
  const error = createAttemptError(fault.name, outcome.error.message, details);
  return {
    error,
    decision: outcome.decision,
    logLevel: outcome.logLevel,
    logMessage: outcome.logMessage,
    logFields: extendFields(outcome.logFields, 'thrownAs', fault.name),
  };
}

/**
 * The message of a caught fault from its Step Functions Cause: the Lambda error payload's
 * errorMessage (`{"errorType","errorMessage",...}`), else the Cause itself ('' when none).
 */
export function readFaultMessage(cause: unknown): string {
  if (typeof cause !== 'string') return '';
  try {
    const parsed: unknown = JSON.parse(cause);
    if (typeof parsed === 'object' && parsed !== null && typeof (parsed as { errorMessage?: unknown }).errorMessage === 'string') {
      return (parsed as { errorMessage: string }).errorMessage;
    }
  } catch {
    // Not JSON: the Cause is the message.
  }
  return cause;
}
