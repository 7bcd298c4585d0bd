import { OUTCOME_MARKER_KEY, PROTOCOL_VERSION, STORED_BYTES_KEY, STORED_KEY, STORED_RUN_KEY, VALUE_KEY, type RetryMode } from '../job/wire-protocol.js';
import { OPS_FAILED_ERROR } from '../errors.js';
import type { JsonValue } from './asl-types.js';
import { FAILURES_VARIABLE, OP_NAMES_VARIABLE, RUN_VARIABLES } from './state-names.js';
import { RECORD_KEYS } from './compile-faults.js';

/**
 * The JSONata expressions of a compiled job. String literals and object keys are single-quoted
 * (JSONata accepts both quotes; single quotes need no escaping inside the definition's JSON
 * strings, which saves two characters per quote); a bare key would be a path. Op and job names
 * match ^[A-Za-z0-9_]+$, so they are safe inside quotes and backticks. Each builder returns
 * the text inside `{% %}`; wrap it with `expression()`.
 */

/** `{% text %}`. */
export function expression(text: string): string {
  return `{% ${text} %}`;
}

/** A variable reference. */
export function variable(name: string): string {
  return `$${name}`;
}

/** A JSONata string literal of a name (^[A-Za-z0-9_]+$: nothing to escape). */
function quote(name: string): string {
  return `'${name}'`;
}

/**
 * The OpPayload fields every Task of a run shares, assigned once by init-run (RUN_VARIABLES.payload),
 * in OpPayload's key order, with the per-op fields at their defaults: `retryMode` 'plain',
 * `inputs` [], `config` {}; then the job's inline threshold (inlineBytes: payload-budget.ts). A
 * Task's Payload merges its own fields over it (buildPayload): $merge keeps the first object's
 * key order and appends the others' (`state`, `n`, `fault`), so the JSON is the same, key for key
 * and in the same order, as a Payload written out in full.
 */
export function buildPayloadTemplate(jobName: string, planHash: string, budget: { readonly inlineBytes: number }): Record<string, unknown> {
  return {
    protocol: PROTOCOL_VERSION,
    job: jobName,
    runId: expression('$states.context.Execution.Name'),
    retryMode: 'plain',
    inputs: [],
    config: {},
    planHash,
    inlineBytes: budget.inlineBytes,
  };
}

/**
 * A Task's Payload: the run's template merged with the op's own fields (`inputs`: the boxed
 * variables of the op's inputs, in parameter order). Fields left out keep
 * the template's value: `retryMode` when 'plain', `inputs` when the op has none, `config`
 * when the execution input has none for the op (a key whose value is undefined is left out of
 * a JSONata object). The op's name and the retries of this visit travel as the Task's own
 * context object (`state`: $states.context.State, whose Name is the op's), the loop base as `n`
 * (see buildLoopBase): the wrapper adds them up (readPayloadRetryNumber), so no Task repeats
 * its own name or the sum.
 */
export function buildPayload(opName: string, retryMode: RetryMode, inputs: readonly string[]): string {
  const fields = [`'state':$states.context.State`, `'n':${buildLoopBase()}`];
  if (retryMode !== 'plain') fields.push(`'retryMode':${quote(retryMode)}`);
  // Each variable holds its value boxed in a one-element array (see state-names.ts): an array
  // constructor flattens exactly one level, so [$a,$b] is [value a, value b] whatever they are.
  if (inputs.length > 0) fields.push(`'inputs':[${inputs.join(',')}]`);
  fields.push(`'config':$${RUN_VARIABLES.opsConfig}.${buildFieldStep(opName)}.config`);
  // A timeout or crash for the wrapper to decide on (compile-faults.ts); absent on other entries.
  fields.push(`'fault':$states.input.${RECORD_KEYS.fault}`);
  return `$merge([$${RUN_VARIABLES.payload},{${fields.join(',')}}])`;
}

/** Words a bare path step cannot be in JSONata: operators and literals. */
const JSONATA_KEYWORDS: ReadonlySet<string> = new Set(['and', 'or', 'in', 'true', 'false', 'null', 'function']);

/** A path step for a name: bare when JSONata reads it as a field name (two characters fewer), else in backticks. */
function buildFieldStep(name: string): string {
  return /^[A-Za-z_][A-Za-z0-9_]*$/.test(name) && !JSONATA_KEYWORDS.has(name) ? name : `\`${name}\``;
}

/**
 * The loop base (OpPayload.n): the retry number the Task is re-entered with from its own Wait
 * state, whose output is the RetryAfter error's details or a fault record; undefined (the key
 * left out) on a first entry. No other input of a Task can carry it: a Task's input is otherwise
 * `{}` (init-run, a Parallel, a fault record that fails the op), a Lambda integration result
 * (`{ExecutedVersion, Payload, StatusCode, ...}`: an op's output only under Payload) or a
 * catcher's error output `{Error, Cause}`; see compile-task.ts.
 */
export function buildLoopBase(): string {
  return `$states.input.${RECORD_KEYS.retryNumber}`;
}

/** The Wait state's Seconds: the details' wait, whole seconds. */
export function buildWaitSeconds(): string {
  return `$states.input.${RECORD_KEYS.waitSeconds}`;
}

/**
 * The 'failed' OpOutcomeMarker of an op, from the catcher's error output `{Error, Cause}` (or
 * another object with those keys): `{o:'failed', op, error, cause}`; its failed op is `op`. The
 * Cause is cut to the run's RUN_VARIABLES.markerCauseCharacters so that every op's marker fits
 * one state (payload-budget.ts).
 */
export function buildFailedMarker(opName: string, source = '$states.errorOutput'): string {
  return `${source}.{'${OUTCOME_MARKER_KEY}':'failed','op':${quote(opName)},'error':Error,'cause':$substring(Cause,0,$${RUN_VARIABLES.markerCauseCharacters})}`;
}

/**
 * The predicate that keeps outcome markers: an envelope's top-level `o` key, a string only
 * stepops writes. A value envelope `{v: ...}` has no `o`; what the op returned (under `v`) is
 * never looked at.
 */
const IS_MARKER = OUTCOME_MARKER_KEY;

/** The outcome markers among envelopes (boxed variables or plain values; an array, possibly empty). */
export function buildMarkerFilter(values: readonly string[]): string {
  if (values.length === 0) return '[]';
  return `$append([],[${values.join(',')}][${IS_MARKER}])`;
}

/** True when any of the envelopes is an outcome marker. */
export function buildHasMarker(values: readonly string[]): string {
  if (values.length === 0) return 'false';
  return `$exists([${values.join(',')}][${IS_MARKER}])`;
}

/** One op value a branch carries out: boxed (a JSON template giving [value]) and as an expression giving the value itself. */
export interface CarriedValue {
  readonly key: string;
  readonly boxed: JsonValue;
  readonly value: string;
}

/**
 * A branch's Output: an object (a JSON template) with the boxed values its consumers outside
 * need, under their carry keys, and the markers of the branch's other ops under "f" (only
 * when there are such ops); or, for a branch that carries exactly one value and no other
 * markers, that value itself (not boxed: an Output cannot be a JSON array template).
 */
export function buildCarry(entries: readonly CarriedValue[], markerValues: readonly string[]): JsonValue {
  if (entries.length === 1 && markerValues.length === 0) return expression(entries[0]!.value);
  const carry: Record<string, JsonValue> = {};
  for (const entry of entries) carry[entry.key] = entry.boxed;
  if (markerValues.length > 0) carry.f = expression(buildMarkerFilter(markerValues));
  return carry;
}

/** A value boxed in a one-element array, as every op-value variable holds it (a JSON template). */
export function box(value: string): JsonValue {
  return [expression(value)];
}

/** The value in a boxed variable or path. */
export function unbox(boxed: string): string {
  return /^\$[A-Za-z0-9_]+$/.test(boxed) ? `${boxed}[0]` : `(${boxed})[0]`;
}

/**
 * The op value in a boxed variable holding a value envelope (the job's Output); a stored
 * value's envelope `{ s, b }` as it is (the value is in the IO manager, under the run id, the
 * op and `s`).
 */
export function unboxValue(boxed: string): string {
  return `($e:=${unbox(boxed)};'${VALUE_KEY}' in $keys($e)?$e.${VALUE_KEY}:$e)`;
}

/**
 * Binds `$A`: every marker the final check collected (FAILURES_VARIABLE), sorted by the op's
 * invocation order (OP_NAMES_VARIABLE, a JSON list of the job's op names in that order).
 */
function bindSortedFailures(): string {
  return `$O:=$merge([$${OP_NAMES_VARIABLE}#$i.{$:$i}]);$A:=$sort($${FAILURES_VARIABLE},function($x,$y){$lookup($O,$x.op)>$lookup($O,$y.op)});`;
}

/** The Fail state's Error: the first failed op's error (in invocation order). */
export function buildJobError(): string {
  return `(${bindSortedFailures()}$f:=$A[${OUTCOME_MARKER_KEY}='failed'];$exists($f)?$f[0].error:'${OPS_FAILED_ERROR}')`;
}

/** Step Functions' limit on a Fail state's Cause, in characters. */
export const MAX_JOB_CAUSE_CHARACTERS = 32_768;
/** The characters the failed ops' causes share in the full form of the job's Cause (before JSON escaping). */
export const JOB_CAUSE_SHARED_CHARACTERS = 16_000;
/** The short forms list at most this many failed ops... */
export const SHORT_CAUSE_FAILED_OPS = 10;
/** ...each with its cause cut to this many characters (the middle form only)... */
export const SHORT_CAUSE_CHARACTERS = 1_000;
/** ...and at most this many skipped ops... */
export const SHORT_CAUSE_SKIPPED_OPS = 100;
/** ...and succeeded ops (the middle form; the shortest form lists half as many, without values). */
export const SHORT_CAUSE_SUCCEEDED_OPS = 100;
/** A succeeded op's inline value is in the Cause when its JSON text has at most this many characters. */
export const CAUSE_VALUE_CHARACTERS = 256;
/** Step Functions' limit on an Error name, in characters. */
const MAX_ERROR_CHARACTERS = 256;

/**
 * The Fail state's Cause: JobFailureCause JSON, in the first of three forms whose text fits
 * Step Functions' 32,768 characters:
 * 1. every failed op with its error and its cause cut to an equal share of 16,000
 *    characters, every skipped op, and every succeeded op with where its value is
 *    (taken when its JSON text, measured, fits);
 * 2. the first 10 failed ops with their errors and causes cut to 1,000 characters, the first
 *    100 skipped ops, the first 100 succeeded ops, and how many of each were left out
 *    (`omittedFailedOps`, `omittedSkippedOps`, `omittedSucceededOps`, present when not 0)
 *    (taken when its JSON text fits);
 * 3. the same without causes and with the first 50 succeeded ops by name only: op names and
 *    errors. Its text always fits: names are at most 80 characters of [A-Za-z0-9_] (nothing to
 *    escape), an error at most 256 characters (cut here too), each at most 6 characters once
 *    JSON-escaped (\uXXXX), so it is at most ~60 + 80 (job) + 10 x (30 + 80 + 6 x 256) +
 *    100 x (3 + 80) + 50 x (11 + 80) + 3 x 40 (counts) = 29,600.
 * A succeeded op's entry (forms 1 and 2) is `{op}` with, when the top-level scope holds its
 * envelope (`topLevel`: op name -> boxed variable; the job's sinks and the values crossing
 * between top-level blocks), the stored value's reference `s`, `b` (and `r`) or its inline
 * value `v` when that is at most 256 characters of JSON; other values are in the execution
 * history (the op Task's TaskSucceeded), stored ones also in the IO manager.
 * Cutting a string field keeps the JSON valid. `valuesByName`, when given, is an expression
 * giving those envelopes by op name instead of `topLevel` (a split job's parent reads them from
 * its children's results).
 */
export function buildJobCause(jobName: string, topLevel: ReadonlyMap<string, string>, valuesByName?: string): string {
  const job = `'job':${quote(jobName)}`;
  const half = SHORT_CAUSE_SUCCEEDED_OPS / 2;
  const omitted = (succeededOps: string, listed: number): string =>
    `'omittedFailedOps':$n>${SHORT_CAUSE_FAILED_OPS}?$n-${SHORT_CAUSE_FAILED_OPS},'skippedOps':[$s[[0..${SHORT_CAUSE_SKIPPED_OPS - 1}]]],'omittedSkippedOps':$m>${SHORT_CAUSE_SKIPPED_OPS}?$m-${SHORT_CAUSE_SKIPPED_OPS},` +
    `'succeededOps':[${succeededOps}],'omittedSucceededOps':$k>${listed}?$k-${listed}`;
  const first = `$f[[0..${SHORT_CAUSE_FAILED_OPS - 1}]]`;
  const values = [...topLevel].map(([name, boxed]) => `${quote(name)}:${unbox(variable(boxed))}`).join(',');
  // $S: the succeeded ops in invocation order (no marker names them); $E: their entries.
  const entry =
    `($e:=$lookup($V,$);$exists($e.${STORED_KEY})?{'op':$,'${STORED_KEY}':$e.${STORED_KEY},'${STORED_BYTES_KEY}':$e.${STORED_BYTES_KEY},'${STORED_RUN_KEY}':$e.${STORED_RUN_KEY}}:` +
    `('${VALUE_KEY}' in $keys($e) and $length($string($e.${VALUE_KEY}))<=${CAUSE_VALUE_CHARACTERS})?{'op':$,'${VALUE_KEY}':$e.${VALUE_KEY}}:{'op':$})`;
  return (
    `(${bindSortedFailures()}$f:=$A[${OUTCOME_MARKER_KEY}='failed'];$s:=$A[${OUTCOME_MARKER_KEY}='skipped'].op;$n:=$count($f);$m:=$count($s);` +
    `$F:=$merge([$A.{op:true}]);$S:=[$${OP_NAMES_VARIABLE}[$not($exists($lookup($F,$)))]];$k:=$count($S);$V:=${valuesByName ?? `{${values}}`};$E:=[$S.${entry}];` +
    `$b:=$floor(${JOB_CAUSE_SHARED_CHARACTERS}/$max([1,$n]));` +
    `$full:=$string({${job},'failedOps':[$f.{'op':op,'error':error,'cause':$substring(cause,0,$b)}],'skippedOps':[$s],'succeededOps':$E});` +
    `$cut:=$string({${job},'failedOps':[${first}.{'op':op,'error':error,'cause':$substring(cause,0,${SHORT_CAUSE_CHARACTERS})}],${omitted(`$E[[0..${SHORT_CAUSE_SUCCEEDED_OPS - 1}]]`, SHORT_CAUSE_SUCCEEDED_OPS)}});` +
    `$length($full)<=${MAX_JOB_CAUSE_CHARACTERS}?$full:$length($cut)<=${MAX_JOB_CAUSE_CHARACTERS}?$cut:` +
    `$string({${job},'failedOps':[${first}.{'op':op,'error':$substring(error,0,${MAX_ERROR_CHARACTERS})}],${omitted(`$S[[0..${half - 1}]].{'op':$}`, half)}}))`
  );
}

/** The op configs of the run: the execution input's `ops`, or {}. */
export function buildOpsConfig(): string {
  return `($o:=$states.context.Execution.Input.ops;$exists($o)?$o:{})`;
}
