import { OUTPUT_RESERVED_ERROR, OUTPUT_TOO_LARGE_ERROR } from '../errors.js';
import { OUTCOME_MARKER_KEY, PROTOCOL_VERSION, isOpOutcomeMarker } from '../job/wire-protocol.js';
import { createAttemptError } from './create-attempt-error.js';
import { MAX_OUTPUT_BYTES } from './limits.js';
import type { OpAttemptError } from './op-attempt-error.js';
import { serializeError } from './serialize-error.js';

/** The output's JSON size, and the error to throw instead of returning it, if any. */
export interface OutputCheck {
  readonly bytes?: number;
  readonly error?: OpAttemptError;
}

/**
 * The error for an op output Step Functions cannot carry, or undefined when it can: over
 * 262,144 bytes of JSON (UTF-8) gives OUTPUT_TOO_LARGE_ERROR naming the op, the size and the
 * fix; a value JSON.stringify rejects (a BigInt, a cycle) or turns into nothing (a function)
 * gives that TypeError's name with reason 'output-not-serializable'; a value shaped like
 * stepops' own failure marker (`{ __stepops: 'failed' | 'skipped' }`), which the state machine
 * would take for a failed op, gives OUTPUT_RESERVED_ERROR. None is retried: the same code
 * returns the same value. Never a truncated value.
 */
export function checkOutput(opName: string, retryNumber: number, output: unknown): OutputCheck {
  const base = { stepops: PROTOCOL_VERSION, op: opName, retryNumber, decision: 'fail' } as const;
  let json: string | undefined;
  try {
    json = JSON.stringify(output);
    if (json === undefined) throw new TypeError(`a ${typeof output} has no JSON form`);
  } catch (stringifyError) {
    const error = serializeError(stringifyError);
    return {
      error: createAttemptError(
        error.name,
        `op "${opName}" returned a value that is not JSON (${error.message}); return plain JSON data (objects, arrays, strings, finite numbers, booleans, null)`,
        { ...base, reason: 'output-not-serializable', error },
        stringifyError,
      ),
    };
  }
  if (isOpOutcomeMarker(output)) {
    return {
      error: createAttemptError(
        OUTPUT_RESERVED_ERROR,
        `op "${opName}" returned an object whose "${OUTCOME_MARKER_KEY}" key is "${output[OUTCOME_MARKER_KEY]}", the shape stepops uses to mark failed and skipped ops; rename that key in the op's output`,
        { ...base, reason: 'output-reserved' },
      ),
    };
  }
  const bytes = Buffer.byteLength(json, 'utf8');
  if (bytes <= MAX_OUTPUT_BYTES) return { bytes };
  return {
    bytes,
    error: createAttemptError(
      OUTPUT_TOO_LARGE_ERROR,
      `op "${opName}" returned ${bytes.toLocaleString('en-US')} bytes of JSON, over the Step Functions payload limit of ${MAX_OUTPUT_BYTES.toLocaleString('en-US')} bytes; store the data elsewhere (for example in S3) and return a reference to it (the bucket and key) instead`,
      { ...base, reason: 'output-too-large', outputBytes: bytes },
    ),
  };
}
