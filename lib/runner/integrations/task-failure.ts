import { MAX_CAUSE_LENGTH, MAX_ERROR_NAME_LENGTH } from '../../handler/limits.js';
import { formatRuntimeError, readRuntimeErrorType } from '../../handler/task-failure.js';

/** Step Functions limits on the Error (256) and Cause (32,768) strings of a failure. */
export const MAX_ERROR_LENGTH = MAX_ERROR_NAME_LENGTH;
export { MAX_CAUSE_LENGTH };

/** A task failure as Step Functions reports it. */
export interface TaskFailure {
  readonly error: string;
  readonly cause: string;
}

/**
 * Converts whatever a handler threw into a Step Functions {error, cause}, as the Lambda Node.js
 * runtime reports it (formatRuntimeError, shared with the wrapper): errorType = error.name (a
 * thrown non-Error reports its typeof), errorMessage = error.message, trace = stack lines; the
 * Cause is that JSON object as a string. A `stepFunctionsCause` string property on the thrown
 * value is used as the Cause verbatim. Error is cut to 256 characters and Cause to 32,768.
 */
export function toTaskFailure(err: unknown): TaskFailure {
  const cause = readStringProperty(err, 'stepFunctionsCause');
  if (cause !== undefined) return limitFailure(readRuntimeErrorType(err), cause);
  const report = formatRuntimeError(err);
  return limitFailure(report.errorType, JSON.stringify(report));
}

/** Cuts an Error and a Cause to the Step Functions limits. */
export function limitFailure(error: string, cause: string): TaskFailure {
  return { error: truncate(error, MAX_ERROR_LENGTH), cause: truncate(cause, MAX_CAUSE_LENGTH) };
}

function truncate(text: string, max: number): string {
  return text.length > max ? text.slice(0, max) : text;
}

function readStringProperty(value: unknown, key: string): string | undefined {
  if (value === null || (typeof value !== 'object' && typeof value !== 'function')) return undefined;
  const property = (value as Record<string, unknown>)[key];
  return typeof property === 'string' ? property : undefined;
}
