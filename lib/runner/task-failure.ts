/** Step Functions limits on the Error and Cause strings of a failure. */
export const MAX_ERROR_LENGTH = 256;
export const MAX_CAUSE_LENGTH = 32_768;

/** A task failure as Step Functions reports it. */
export interface TaskFailure {
  readonly error: string;
  readonly cause: string;
}

/**
 * Converts whatever a handler threw into a Step Functions {error, cause}, following the
 * Lambda Node.js runtime: errorType = error.name (a thrown non-Error reports its typeof),
 * errorMessage = error.message, trace = stack lines; the Cause is that JSON object as a string.
 * A `stepFunctionsCause` string property on the thrown value is used as the Cause verbatim.
 * Error is cut to 256 characters and Cause to 32,768.
 */
export function toTaskFailure(err: unknown): TaskFailure {
  const explicitCause = readStringProperty(err, 'stepFunctionsCause');
  let errorType: string;
  let errorMessage: string;
  let trace: string[];
  if (err instanceof Error || isErrorLike(err)) {
    const e = err as { name: unknown; message: unknown; stack?: unknown };
    errorType = typeof e.name === 'string' ? e.name : 'Error';
    errorMessage = typeof e.message === 'string' ? e.message : String(e.message);
    trace = typeof e.stack === 'string' ? e.stack.split('\n') : [];
  } else {
    // The runtime reports a thrown non-Error as errorType = typeof value.
    errorType = typeof err;
    errorMessage = describeNonError(err);
    trace = [];
  }
  const cause = explicitCause ?? JSON.stringify({ errorType, errorMessage, trace });
  return { error: truncate(errorType, MAX_ERROR_LENGTH), cause: truncate(cause, MAX_CAUSE_LENGTH) };
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

/** The runtime treats an object with string name, message and stack as an Error (cross-realm errors). */
function isErrorLike(value: unknown): boolean {
  if (value === null || typeof value !== 'object') return false;
  const v = value as Record<string, unknown>;
  return typeof v.name === 'string' && typeof v.message === 'string' && typeof v.stack === 'string';
}

/** The runtime reports a thrown non-Error's message as its toString(). */
function describeNonError(value: unknown): string {
  try {
    return String(value);
  } catch {
    return typeof value;
  }
}
