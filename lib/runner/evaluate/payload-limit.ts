import { MAX_OUTPUT_BYTES } from '../../handler/limits.js';
import { RunnerError } from '../errors.js';
import { StatesError, StatesErrorName } from '../states/states-error.js';

/**
 * Step Functions' payload quotas, enforced where AWS enforces them so that a job that would
 * fail on AWS fails locally with the same error (reference/step-functions.md, "Quotas"):
 * - a state's output (after Output), a Task's result, a Parallel's or Map's result (the array
 *   of branch or iteration outputs, before Output), the execution's output: 262,144 bytes;
 * - a Task's parameters (Arguments, evaluated) and a Parallel's or Map's Arguments: the same;
 * - Assign: each variable's value and all of one Assign's values together: the same;
 * - the execution input: the same (StartExecution refuses it before any execution exists).
 * Sizes are UTF-8 bytes of the JSON. The errors are States.DataLimitExceeded, which States.ALL
 * does not match (retry.ts): only a Retry or Catch naming it handles it.
 */

/** Step Functions payload quota: state input/output and task results, UTF-8 bytes of the JSON (the wrapper's output limit). */
export const MAX_PAYLOAD_BYTES = MAX_OUTPUT_BYTES;

/** StartExecution refused an input over the payload quota: no execution starts. */
export class ExecutionInputTooLargeError extends RunnerError {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'stepops.ExecutionInputTooLarge';
  }
}

/** The JSON of values whose maker serialized them already (registerJson). */
const knownJson = new WeakMap<object, string>();

/**
 * Records the JSON of a value its maker has just serialized and never changes (a Task result
 * built by the runner itself): toJson then returns it instead of serializing the value again.
 */
export function registerJson(value: object, json: string): void {
  knownJson.set(value, json);
}

/** True when a value's JSON was registered by the runner that built it (registerJson). */
export function hasRegisteredJson(value: unknown): boolean {
  return value !== null && typeof value === 'object' && knownJson.has(value);
}

/** Serializes a value as JSON ("null" for undefined). */
export function toJson(value: unknown): string {
  if (value !== null && typeof value === 'object') {
    const known = knownJson.get(value);
    if (known !== undefined) return known;
  }
  return JSON.stringify(value) ?? 'null';
}

/** The UTF-8 size of a JSON text, or undefined when it is certainly within the quota (a cheap bound first). */
function measureOverLimit(json: string): number | undefined {
  // UTF-8 has at most 3 bytes per UTF-16 code unit: skip the exact count for small payloads.
  if (json.length * 3 <= MAX_PAYLOAD_BYTES) return undefined;
  const bytes = Buffer.byteLength(json, 'utf8');
  return bytes > MAX_PAYLOAD_BYTES ? bytes : undefined;
}

function dataLimitExceeded(message: string): StatesError {
  return new StatesError(StatesErrorName.DataLimitExceeded, message);
}

/** Serializes a state's output or a task's result (`what`); fails with States.DataLimitExceeded when it is over the payload quota. */
export function serializeWithinLimit(value: unknown, stateName: string, what: string): string {
  return checkJsonWithinLimit(toJson(value), stateName, what);
}

/** serializeWithinLimit for a value whose JSON is known already: checks `json` against the payload quota. */
export function checkJsonWithinLimit(json: string, stateName: string, what: string): string {
  if (measureOverLimit(json) !== undefined) {
    throw dataLimitExceeded(`The state/task '${stateName}' returned ${what} with a size exceeding the maximum number of bytes service limit (${MAX_PAYLOAD_BYTES} bytes).`);
  }
  return json;
}

/** What a branch or iteration recorded last: a value and its JSON (a Scope's lastValue and lastJson). */
export interface RecordedJson {
  readonly lastValue: unknown;
  readonly lastJson: string | undefined;
}

/**
 * Checks a Parallel's or Map's result (the array of branch or iteration outputs) against the
 * payload quota. Each output is mostly the value its branch recorded last (`recorded[index]`),
 * whose JSON gives its length: the array is serialized only when those lengths do not rule the
 * quota out (its JSON is the outputs' JSON, commas and brackets).
 */
export function checkResultsWithinLimit(results: readonly unknown[], recorded: readonly (RecordedJson | undefined)[], stateName: string): void {
  let length = results.length + 1;
  for (let index = 0; index < results.length && length * 3 <= MAX_PAYLOAD_BYTES; index++) {
    const value = results[index];
    const knownJson = recorded[index]?.lastValue === value ? recorded[index]?.lastJson : undefined;
    length += (knownJson ?? toJson(value)).length;
  }
  if (length * 3 > MAX_PAYLOAD_BYTES) serializeWithinLimit(results, stateName, 'a result');
}

/**
 * Serializes a Task's parameters (or a Parallel's or Map's Arguments) after evaluation; fails
 * with States.DataLimitExceeded when they are over the payload quota (the state's effective input).
 */
export function serializeArgumentsWithinLimit(args: unknown, stateName: string): string {
  return checkArgumentsJsonWithinLimit(toJson(args), stateName);
}

/** serializeArgumentsWithinLimit for parameters whose JSON is known already: checks `json` against the payload quota. */
export function checkArgumentsJsonWithinLimit(json: string, stateName: string): string {
  const bytes = measureOverLimit(json);
  if (bytes !== undefined) {
    throw dataLimitExceeded(
      `The state/task '${stateName}' has an input (its evaluated Arguments) of ${bytes} bytes, exceeding the maximum number of bytes service limit (${MAX_PAYLOAD_BYTES} bytes).`,
    );
  }
  return json;
}

/**
 * The JSON of each variable an Assign sets; fails with States.DataLimitExceeded when one value,
 * or all of them together, is over the payload quota.
 */
export function serializeAssignedWithinLimit(assigned: Readonly<Record<string, unknown>>, stateName: string): Record<string, string> {
  const serialized: Record<string, string> = {};
  let totalBytes = 0;
  let totalLength = 0;
  for (const [name, value] of Object.entries(assigned)) {
    const json = toJson(value);
    const bytes = measureOverLimit(json);
    if (bytes !== undefined) {
      throw dataLimitExceeded(
        `The state '${stateName}' assigned variable '${name}' a value of ${bytes} bytes, exceeding the maximum number of bytes service limit (${MAX_PAYLOAD_BYTES} bytes).`,
      );
    }
    serialized[name] = json;
    totalLength += json.length;
    if (totalLength * 3 > MAX_PAYLOAD_BYTES) totalBytes = -1;
  }
  if (totalBytes === -1) {
    const bytes = Object.values(serialized).reduce((sum, json) => sum + Buffer.byteLength(json, 'utf8'), 0);
    if (bytes > MAX_PAYLOAD_BYTES) {
      throw dataLimitExceeded(
        `The state '${stateName}' assigned variables of ${bytes} bytes together (${Object.keys(serialized).join(', ')}), exceeding the maximum number of bytes service limit (${MAX_PAYLOAD_BYTES} bytes) for one Assign.`,
      );
    }
  }
  return serialized;
}

/** The execution input as the execution sees it (a JSON copy); ExecutionInputTooLargeError when StartExecution would refuse it. */
export function readExecutionInput(input: unknown): unknown {
  const json = toJson(input);
  const bytes = measureOverLimit(json);
  if (bytes !== undefined) {
    throw new ExecutionInputTooLargeError(
      `the execution input is ${bytes} bytes of JSON, over Step Functions' payload limit of ${MAX_PAYLOAD_BYTES} bytes: StartExecution refuses it and no execution starts; pass a reference (for example an S3 key) instead of the data`,
    );
  }
  return JSON.parse(json) as unknown;
}
