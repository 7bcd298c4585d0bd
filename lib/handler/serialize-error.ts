import { describeValue, isFailure, reportedErrorName } from '../errors.js';
import type { SerializedOpError } from './op-attempt-error.js';

/** Causes kept below the thrown error; deeper ones are left out (and cycles stop the chain). */
export const MAX_CAUSE_DEPTH = 8;

/**
 * An op's thrown value as JSON: name (as the Lambda runtime reports it), message, stack, a
 * Failure's metadata and the ES2022 `cause` chain (Dagster's `raise ... from e`). A thrown
 * non-Error is reported with `thrownType` (its typeof) and its value as the message.
 */
export function serializeError(thrown: unknown): SerializedOpError {
  return serializeLink(thrown, 0, new Set());
}

function serializeLink(thrown: unknown, depth: number, seen: Set<unknown>): SerializedOpError {
  try {
    if (!isErrorLike(thrown)) {
      return { name: reportedErrorName(thrown), message: describeThrownValue(thrown), thrownType: typeof thrown };
    }
    seen.add(thrown);
    const { message, stack } = thrown as { message: unknown; stack?: unknown };
    const serialized: { -readonly [K in keyof SerializedOpError]: SerializedOpError[K] } = {
      name: reportedErrorName(thrown),
      message: typeof message === 'string' ? message : describeValue(message),
    };
    if (typeof stack === 'string') serialized.stack = stack;
    if (!(thrown instanceof Error)) serialized.thrownType = typeof thrown;
    if (isFailure(thrown) && Object.keys(thrown.metadata).length > 0) serialized.metadata = toJsonValue(thrown.metadata);
    const cause = (thrown as { cause?: unknown }).cause;
    if (cause !== undefined && depth < MAX_CAUSE_DEPTH && !seen.has(cause)) {
      serialized.cause = serializeLink(cause, depth + 1, seen);
    }
    return serialized;
  } catch (readError) {
    // A getter on the thrown value threw; report what happened rather than lose the failure.
    return {
      name: 'Error',
      message: `stepops could not read the thrown value: ${readError instanceof Error ? readError.message : describeValue(readError)}`,
    };
  }
}

/** An Error, or an object with a string name and message (reportedErrorName treats it as one). */
function isErrorLike(value: unknown): value is object {
  if (value instanceof Error) return true;
  return typeof value === 'object' && value !== null && 'name' in value && 'message' in value;
}

/** A thrown non-Error's value as text: a string as is, anything else as JSON where possible. */
function describeThrownValue(value: unknown): string {
  return typeof value === 'string' ? value : describeValue(value);
}

/** `value` as plain JSON data (toJSON applied, functions dropped); its text when it has none. */
function toJsonValue(value: unknown): unknown {
  try {
    const text = JSON.stringify(value);
    return text === undefined ? describeValue(value) : (JSON.parse(text) as unknown);
  } catch {
    return describeValue(value);
  }
}
