import { OUTCOME_MARKER_KEY } from '../job/wire-protocol.js';
import { OPS_FAILED_ERROR } from '../errors.js';
import { FAILURES_VARIABLE, RETRY_ENVELOPE_KEY, RUN_VARIABLES } from './state-names.js';

/**
 * The JSONata expressions of a compiled job. Object keys are string literals (in JSONata a
 * bare key is a path); op names match ^[A-Za-z0-9_]+$, so they are safe inside quotes and
 * backticks. Each builder returns the text inside `{% %}`; wrap it with `expression()`.
 */

/** `{% text %}`. */
export function expression(text: string): string {
  return `{% ${text} %}`;
}

/** A variable reference. */
export function variable(name: string): string {
  return `$${name}`;
}

/**
 * Dagster's retry number: the loop base (ErrorDetails.nextRetryNumber) carried by the retry
 * envelope when the Task is re-entered from its Wait state, 0 otherwise, plus the retries of
 * this visit. The envelope only ever reaches the Task from its own Wait state: the Task's
 * Output (its result, or a failure marker in a variable) replaces it.
 */
export function buildRetryNumber(): string {
  return `$sum([$states.input.${RETRY_ENVELOPE_KEY}.nextRetryNumber,$states.context.State.RetryCount])`;
}

/** The op's config from the execution input, or {}. */
export function buildConfig(opName: string): string {
  return `($c:=$${RUN_VARIABLES.opsConfig}.\`${opName}\`.config;$exists($c)?$c:{})`;
}

/** The retry envelope's content: the ErrorDetails of the RETRY_AFTER error (see wire-protocol.ts). */
export function buildRetryEnvelope(): string {
  return `$parse($parse($states.errorOutput.Cause).trace[0])`;
}

/** The Wait state's Seconds: the envelope's wait, whole seconds. */
export function buildWaitSeconds(): string {
  return `$ceil($states.input.${RETRY_ENVELOPE_KEY}.waitSeconds)`;
}

/** The 'failed' OpOutcomeMarker of an op, from the catcher's error output. */
export function buildFailedMarker(opName: string): string {
  return `($e:=$states.errorOutput;{"${OUTCOME_MARKER_KEY}":"failed","op":"${opName}","error":$e.Error,"cause":$e.Cause,"failedUpstream":["${opName}"]})`;
}

/** The outcome markers among values (an array, possibly empty); arrays among them are searched too. */
export function buildMarkerFilter(values: readonly string[]): string {
  if (values.length === 0) return '[]';
  return `$append([],[${values.join(',')}][$exists(\`${OUTCOME_MARKER_KEY}\`)])`;
}

/** True when any of the values is an outcome marker. */
export function buildHasMarker(values: readonly string[]): string {
  return `$exists([${values.join(',')}][$exists(\`${OUTCOME_MARKER_KEY}\`)])`;
}

/** A branch's Output: the values its consumers outside need, and its markers under "f". */
export function buildCarry(entries: readonly (readonly [string, string])[], markerValues: readonly string[]): string {
  const fields = [...entries.map(([key, value]) => `"${key}":${value}`), `"f":${buildMarkerFilter(markerValues)}`];
  return `{${fields.join(',')}}`;
}

/** Every marker of the top-level scope, sorted by the op's invocation order. */
export function buildSortedFailures(markerValues: readonly string[], opNames: readonly string[]): string {
  const order = opNames.map((name, k) => `"${name}":${k}`).join(',');
  return `($o := {${order}}; $sort(${buildMarkerFilter(markerValues)}, function($x, $y) { $lookup($o, $x.op) > $lookup($o, $y.op) }))`;
}

/** The Fail state's Error: the first failed op's error. */
export function buildJobError(): string {
  return `($f := $${FAILURES_VARIABLE}[\`${OUTCOME_MARKER_KEY}\` = 'failed']; $exists($f) ? $f[0].error : '${OPS_FAILED_ERROR}')`;
}

/**
 * The Fail state's Cause: JobFailureCause JSON. Each failed op's cause is cut to share 16,000
 * characters so the whole stays under Step Functions' 32,768 (cutting a string field keeps the JSON valid).
 */
export function buildJobCause(jobName: string): string {
  const failures = `$${FAILURES_VARIABLE}`;
  return (
    `($f := ${failures}[\`${OUTCOME_MARKER_KEY}\` = 'failed']; $b := $floor(16000 / $max([1, $count($f)])); ` +
    `$string({"job": "${jobName}", "failedOps": [$f.{"op": op, "error": error, "cause": $substring(cause, 0, $b)}], ` +
    `"skippedOps": [${failures}[\`${OUTCOME_MARKER_KEY}\` = 'skipped'].op]}))`
  );
}

/** The op configs of the run: the execution input's `ops`, or {}. */
export function buildOpsConfig(): string {
  return `($o:=$states.context.Execution.Input.ops;$exists($o)?$o:{})`;
}
