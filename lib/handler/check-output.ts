import { OUTPUT_TOO_LARGE_ERROR } from '../errors.js';
import { PROTOCOL_VERSION } from '../job/wire-protocol.js';
import { createAttemptError } from './create-attempt-error.js';
import { MAX_OUTPUT_BYTES } from './limits.js';
import type { OpAttemptError } from './op-attempt-error.js';
import { serializeError } from './serialize-error.js';

/** An op output as it travels, or the error to throw instead of returning it. */
export type OutputCheck =
  | {
      /** The output after the Lambda runtime's JSON round trip: plain JSON data (undefined when over `parseUpToBytes`). */
      readonly value: unknown;
      /** The output's JSON, as the Lambda runtime would send it. */
      readonly json: string;
      /** The UTF-8 size of what travels (the envelope's JSON when `envelopeBytes` is given). */
      readonly bytes: number;
      readonly error?: undefined;
    }
  | { readonly bytes?: number; readonly error: OpAttemptError };

/**
 * Serializes an op output exactly as the Lambda Node.js runtime does (JSON.stringify: toJSON
 * runs, a Date becomes its ISO string, a Map or Set `{}`, NaN and Infinity null, `undefined`
 * and functions in objects dropped) and parses it back, so that every caller, in process or in
 * Lambda, sees the same plain data. `wrapperBytes` is the size of the envelope around the
 * value (6 for `{"v":...}`), counted against the payload limit; `limits.maxBytes` replaces that
 * limit (no limit for an output the IO manager may store) and `limits.parseUpToBytes` skips the
 * parse of a larger output (it is stored as JSON, never used as a value). Errors, none retried (the same
 * code returns the same value):
 * - over 262,144 bytes of JSON (UTF-8): OUTPUT_TOO_LARGE_ERROR naming the op, the size and the fix;
 * - a value JSON.stringify rejects (a BigInt, a cycle, a throwing toJSON) or turns into
 *   nothing (a function): the serializer's error name, reason 'output-not-serializable'.
 * Never a truncated value.
 */
export function checkOutput(
  opName: string,
  retryNumber: number,
  output: unknown,
  wrapperBytes = 0,
  limits: { readonly maxBytes?: number; readonly parseUpToBytes?: number } = {},
): OutputCheck {
  const maxBytes = limits.maxBytes ?? MAX_OUTPUT_BYTES;
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
  const bytes = Buffer.byteLength(json, 'utf8') + wrapperBytes;
  if (bytes <= maxBytes) return { value: bytes <= (limits.parseUpToBytes ?? Infinity) ? (JSON.parse(json) as unknown) : undefined, json, bytes };
  return {
    bytes,
    error: createAttemptError(
      OUTPUT_TOO_LARGE_ERROR,
      `op "${opName}" returned ${bytes.toLocaleString('en-US')} bytes of JSON, over the Step Functions payload limit of ${MAX_OUTPUT_BYTES.toLocaleString('en-US')} bytes; store the data elsewhere (for example in S3) and return a reference to it (the bucket and key) instead`,
      { ...base, reason: 'output-too-large', outputBytes: bytes },
    ),
  };
}
