import { MAX_OUTPUT_BYTES } from '../handler/limits.js';
import { StatesError, StatesErrorName } from './states-error.js';

/** Step Functions payload quota: state input/output and task results, UTF-8 bytes of the JSON (the wrapper's output limit). */
export const MAX_PAYLOAD_BYTES = MAX_OUTPUT_BYTES;

/** Serializes a value as JSON ("null" for undefined). */
export function toJson(value: unknown): string {
  return JSON.stringify(value) ?? 'null';
}

/** Serializes `value`; fails with States.DataLimitExceeded when it is over the payload quota. */
export function serializeWithinLimit(value: unknown, stateName: string, what: string): string {
  const json = toJson(value);
  // UTF-8 has at most 3 bytes per UTF-16 code unit: skip the exact count for small payloads.
  if (json.length * 3 > MAX_PAYLOAD_BYTES && Buffer.byteLength(json, 'utf8') > MAX_PAYLOAD_BYTES) {
    throw new StatesError(
      StatesErrorName.DataLimitExceeded,
      `The state/task '${stateName}' returned ${what} with a size exceeding the maximum number of bytes service limit (${MAX_PAYLOAD_BYTES} bytes).`,
    );
  }
  return json;
}
