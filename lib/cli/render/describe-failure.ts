import type { ErrorDetails, JobFailureCause, SerializedError } from '../../job/index.js';

/** A task or execution failure, read for people: the op's own error when stepops sent one. */
export interface DescribedFailure {
  /** The op's error name (from the wrapper's details), else the Step Functions Error. */
  readonly name: string;
  /** The op's message, with its cause chain, else the Cause's errorMessage or text. */
  readonly message: string;
  /** The wrapper's details (decision, reason, waits), when the Cause carries them. */
  readonly details?: ErrorDetails;
}

/**
 * Reads a Step Functions Error and Cause. A Lambda Cause is `{"errorType","errorMessage",
 * "trace"}`; when it comes from the stepops wrapper, `trace[0]` is the ErrorDetails JSON with
 * the op's own error (wire-protocol.ts).
 */
export function describeFailure(error: string | undefined, cause: string | undefined): DescribedFailure {
  const fallbackName = error ?? 'Error';
  const parsed = parseJson(cause);
  if (!isRecord(parsed)) return { name: fallbackName, message: cause ?? '' };
  const errorType = typeof parsed.errorType === 'string' ? parsed.errorType : fallbackName;
  const errorMessage = typeof parsed.errorMessage === 'string' ? parsed.errorMessage : (cause ?? '');
  const details = readErrorDetails(parsed.trace);
  if (details?.error !== undefined) {
    return { name: details.error.name, message: describeSerializedMessage(details.error), details };
  }
  return details === undefined ? { name: errorType, message: errorMessage } : { name: errorType, message: errorMessage, details };
}

/** `Name: message`, or just the name when there is no message. */
export function formatFailure(failure: Pick<DescribedFailure, 'name' | 'message'>): string {
  return failure.message === '' ? failure.name : `${failure.name}: ${failure.message}`;
}

/** The Cause of an execution that failed because ops failed (wire-protocol.ts), if it is one. */
export function readJobFailureCause(cause: string | undefined): JobFailureCause | undefined {
  const parsed = parseJson(cause);
  if (!isRecord(parsed) || !Array.isArray(parsed.failedOps)) return undefined;
  return parsed as unknown as JobFailureCause;
}

function readErrorDetails(trace: unknown): ErrorDetails | undefined {
  if (!Array.isArray(trace) || typeof trace[0] !== 'string') return undefined;
  const details = parseJson(trace[0]);
  return isRecord(details) && typeof details.stepops === 'number' && typeof details.op === 'string' ? (details as unknown as ErrorDetails) : undefined;
}

function describeSerializedMessage(error: SerializedError): string {
  // RetryRequested's own message only repeats its options; the error behind it is the reason.
  if (error.name === 'RetryRequested' && error.cause !== undefined) return `from ${describeCauseChain(error.cause)}`;
  return error.cause === undefined ? error.message : `${error.message} (caused by ${describeCauseChain(error.cause)})`;
}

function describeCauseChain(error: SerializedError, depth = 0): string {
  const text = formatFailure(error);
  return error.cause === undefined || depth >= 2 ? text : `${text} (caused by ${describeCauseChain(error.cause, depth + 1)})`;
}

function parseJson(text: string | undefined): unknown {
  if (text === undefined) return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
