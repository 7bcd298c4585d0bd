/**
 * The contract between a compiled state machine and the Lambda wrapper (DESIGN section 5).
 * The compiler (lib/asl) writes payloads of this shape into each Task's Arguments; the
 * wrapper (lib/handler) reads them and answers with an output or one of the error names in
 * lib/errors.ts. Both sides import this file so they cannot drift apart.
 *
 * Error flow, per retry mode (chosen by the compiler for each op and sent in the payload):
 * - 'plain': a retry the policy grants is thrown as RETRY_ERROR; one retrier matches it.
 * - 'indexed': a retry is thrown as retryAttemptErrorName(n), n the retry about to happen
 *   (1-based); one retrier per attempt, each MaxAttempts 1 with that attempt's exact wait.
 * - 'loop': a retry is thrown as RETRY_AFTER_ERROR; the state machine's Catch reads the wait
 *   (whole seconds) and the next retry number from the error details and loops Wait -> Task.
 * Whatever the mode, a RetryRequested retry is always thrown as RETRY_AFTER_ERROR (its wait is
 * known only at run time). A final failure is thrown under the op's own error name (renamed
 * with a `stepops.OpError.` prefix if it collides with a reserved name), which no op retrier
 * matches.
 *
 * Error details: every error the wrapper throws has `message` = a readable sentence (the
 * op's own message on final failure) and `stack` = one line of JSON (ErrorDetails). The
 * Lambda Node.js runtime reports { errorType: name, errorMessage: message, trace: stack
 * lines }, and Step Functions puts that JSON in the Cause, so the state machine reads the
 * details as `$parse($parse($states.errorOutput.Cause).trace[0])`.
 */

export const PROTOCOL_VERSION = 2;

/** How the wrapper signals a retry the policy grants; see the file comment. */
export type RetryMode = 'plain' | 'indexed' | 'loop';

/** What each Task sends the wrapper (the Lambda invoke Payload). */
export interface OpPayload {
  readonly protocol: typeof PROTOCOL_VERSION;
  /** The job's name. */
  readonly job: string;
  /** The execution's name ($states.context.Execution.Name). */
  readonly runId: string;
  /**
   * The Task state's context object ($states.context.State): its `Name` is the op invocation's
   * name (every op Task is named after its invocation) and its `RetryCount` the retries
   * Step Functions' retriers made in this visit of the Task.
   */
  readonly state: OpTaskState;
  /**
   * The loop base: the retry number the Task was re-entered with from its Wait state (the
   * RetryAfter error's details, or a fault record); absent on a first entry.
   * @default 0
   */
  readonly n?: number;
  /** How to signal a retry the policy grants. */
  readonly retryMode: RetryMode;
  /** The upstream ops' envelopes (OpEnvelope), in the op function's parameter order. */
  readonly inputs: readonly unknown[];
  /** The op's config from the execution input `{ ops: { <op>: { config } } }`. @default {} */
  readonly config?: unknown;
  /** computeJobFingerprint(job) of the job the state machine was compiled from. */
  readonly planHash: string;
  /**
   * The largest op output (UTF-8 bytes of its JSON) the wrapper returns inline; a larger one
   * goes through the IO manager and travels as a reference. The compiler lowers it below
   * INLINE_THRESHOLD_BYTES for jobs whose states carry many values (payload-budget.ts), so that
   * every state stays under 256 KiB.
   * @default INLINE_THRESHOLD_BYTES
   */
  readonly inlineBytes?: number;
  /**
   * A timeout or crash the state machine caught (lib/asl/compile-faults.ts): its error output
   * and `r`, the retry number of the attempt that died. When r is this payload's retry number
   * (readPayloadRetryNumber) the wrapper decides on it under the op's policy instead of running the op; otherwise (a
   * later retry of the same Task visit) it is ignored.
   * @default - none
   */
  readonly fault?: { readonly Error: string; readonly Cause?: string; readonly r: number } | null;
}

/** The fields of $states.context.State that the wrapper reads. */
export interface OpTaskState {
  readonly Name: string;
  readonly RetryCount: number;
}

/**
 * Dagster's retry number of the attempt a payload asks for: retries already made by this op in
 * this run, by retriers and loops together (the loop base `n` plus the visit's State.RetryCount);
 * 0 on the first attempt.
 */
export function readPayloadRetryNumber(payload: Pick<OpPayload, 'state' | 'n'>): number {
  return (payload.n ?? 0) + payload.state.RetryCount;
}

/**
 * The default and largest inline threshold: op outputs up to 16 KiB of JSON travel through the
 * state machine; larger ones through the IO manager (S3 on AWS). Well under Step Functions'
 * 262,144 bytes, so that a state carrying several values and the machine's own data fits.
 */
export const INLINE_THRESHOLD_BYTES = 16_384;

/** The JSON carried in `stack` (Cause `trace[0]`) of every error the wrapper throws. */
export interface ErrorDetails {
  readonly stepops: typeof PROTOCOL_VERSION;
  readonly op: string;
  /** The retry number of the attempt that failed. */
  readonly retryNumber: number;
  /** What happens next: 'retry' (by a retrier or the loop) or 'fail'. */
  readonly decision: 'retry' | 'fail';
  /** Why (decideRetry's reason, or 'protocol-error' / 'output-too-large'). */
  readonly reason: string;
  /** For RETRY_AFTER_ERROR: the whole seconds the Wait state waits. */
  readonly waitSeconds?: number;
  /** For a retry: the retry number the next attempt runs with. */
  readonly nextRetryNumber?: number;
  /** The op's error: name, message, stack and cause chain. */
  readonly error?: SerializedError;
}

/** An op error as JSON, with its ES2022 cause chain. */
export interface SerializedError {
  readonly name: string;
  readonly message: string;
  readonly stack?: string;
  readonly cause?: SerializedError;
  /** For a thrown non-Error value: its typeof and its JSON or text. */
  readonly thrownType?: string;
}

/**
 * Envelopes: every value a compiled state machine keeps for an op is an object that only
 * stepops writes, so that no op output can be taken for an outcome (DESIGN section 6):
 * - `{ v: value }` (OpValueEnvelope): what the wrapper returns for a success. `value` is the
 *   op's output after exactly the JSON round trip the Lambda runtime applies (JSON.stringify:
 *   toJSON runs, a Date becomes its ISO string, a Map `{}`, NaN null), so the bytes the wrapper
 *   checked are the bytes that travel. Op code decides what is under `v`, never a sibling key.
 * - `{ o: 'failed' | 'skipped', op, ... }` (OpOutcomeMarker): written only by the compiled
 *   Task's catcher ('failed', from the last attempt's Error and Cause) and by the wrapper
 *   ('skipped', when an input is an outcome). The state machine tells the two apart by the
 *   top-level `o` key of the envelope, and never looks inside `v`.
 * The Task payload's `inputs` are the upstream envelopes; the wrapper unwraps them.
 *
 * Failure propagation without stopping independent ops (DESIGN section 3, "exhausted"):
 * - Every op Task has a last Catch (States.ALL) whose Output is a 'failed' marker and which
 *   continues to the Task's normal Next, so Parallel branches never fail and independent ops
 *   run on.
 * - A downstream op receives that marker among its inputs. The wrapper then does not run the
 *   op code: it returns a 'skipped' marker naming the failed upstream ops. So a failure
 *   reaches exactly the downstream of the failed op, whatever the graph's decomposition, at
 *   no cost on the happy path.
 * - At the end the state machine fails (a Fail state) with the Error of the first failed op
 *   (in the job's invocation order) and a Cause (JobFailureCause JSON) naming every failed
 *   and skipped op.
 */
export const VALUE_KEY = 'v';
export const OUTCOME_MARKER_KEY = 'o';

/** An op's value, as the wrapper returns it. */
export interface OpValueEnvelope {
  readonly [VALUE_KEY]: unknown;
}

export interface OpOutcomeMarker {
  readonly [OUTCOME_MARKER_KEY]: 'failed' | 'skipped';
  /** The op invocation this marker stands for. */
  readonly op: string;
  /** For 'failed': the Step Functions Error of the op's last attempt. */
  readonly error?: string;
  /** For 'failed': the Step Functions Cause of the op's last attempt. */
  readonly cause?: string;
  /**
   * For 'skipped': the failed ops upstream of this one ('failed' markers stand for their own
   * op), at most MAX_FAILED_UPSTREAM of them.
   */
  readonly failedUpstream?: readonly string[];
  /** For 'skipped': failed ops upstream left out of failedUpstream (an upper bound). @default 0 */
  readonly omittedFailedUpstream?: number;
}

/** A 'skipped' marker names at most this many failed upstream ops (OpOutcomeMarker.failedUpstream). */
export const MAX_FAILED_UPSTREAM = 20;

/**
 * `{ s: retryNumber, b: bytes }` (OpStoredEnvelope): what the wrapper returns instead of
 * `{ v }` for an output over the inline threshold (OpPayload.inlineBytes), which it stored
 * through the IO manager under (run id, op, s); `b` is the stored JSON's UTF-8 size. Only the
 * wrapper writes it (op code decides only what is under `v`); a consumer's wrapper reads the
 * value back from its own IO manager with its run id (or `r`, see STORED_RUN_KEY) and its
 * producer's name, so a stored envelope can only name an output of that op in this job's runs.
 */
export const STORED_KEY = 's';
export const STORED_BYTES_KEY = 'b';
/**
 * `r`: the run whose IO manager objects hold the value, when not the current run: written by
 * the wrapper of a re-execution that reuses a stored output of its parent run.
 */
export const STORED_RUN_KEY = 'r';

/** An op's value stored by the IO manager. */
export interface OpStoredEnvelope {
  /** The retry number of the attempt whose output is stored. */
  readonly [STORED_KEY]: number;
  /** UTF-8 bytes of the stored JSON. */
  readonly [STORED_BYTES_KEY]: number;
  /** The run that stored it (a re-execution's parent). @default - the current run */
  readonly [STORED_RUN_KEY]?: string;
}

/** What a compiled state machine holds for an op: its value (inline or stored) or its outcome. */
export type OpEnvelope = OpValueEnvelope | OpStoredEnvelope | OpOutcomeMarker;

/** True for a stored-value envelope `{ s, b }`: own integer keys, no `v`, no `o`. */
export function isOpStoredEnvelope(envelope: unknown): envelope is OpStoredEnvelope {
  if (typeof envelope !== 'object' || envelope === null || Array.isArray(envelope)) return false;
  const record = envelope as Record<string, unknown>;
  const own = (key: string): boolean => Object.prototype.hasOwnProperty.call(record, key);
  return own(STORED_KEY) && Number.isInteger(record[STORED_KEY]) && (record[STORED_KEY] as number) >= 0 && !own(VALUE_KEY) && !own(OUTCOME_MARKER_KEY);
}

/**
 * True when an envelope (a state machine's value for an op, never an op's own output) is a
 * failure or skip marker rather than a value.
 */
export function isOpOutcomeMarker(envelope: unknown): envelope is OpOutcomeMarker {
  if (typeof envelope !== 'object' || envelope === null || Array.isArray(envelope)) return false;
  const outcome = (envelope as Record<string, unknown>)[OUTCOME_MARKER_KEY];
  return outcome === 'failed' || outcome === 'skipped';
}

/** True for a value envelope `{ v }` (own key, not an outcome). */
export function isOpValueEnvelope(envelope: unknown): envelope is OpValueEnvelope {
  return (
    typeof envelope === 'object' &&
    envelope !== null &&
    !Array.isArray(envelope) &&
    Object.prototype.hasOwnProperty.call(envelope, VALUE_KEY) &&
    !Object.prototype.hasOwnProperty.call(envelope, OUTCOME_MARKER_KEY)
  );
}

/** The failed ops a marker stands for: a 'skipped' marker's failedUpstream, a 'failed' marker's own op. */
export function listFailedUpstream(marker: OpOutcomeMarker): readonly string[] {
  const listed: unknown = marker.failedUpstream;
  if (Array.isArray(listed)) return listed.filter((name): name is string => typeof name === 'string');
  return typeof marker.op === 'string' ? [marker.op] : [];
}

/** The Cause JSON of a job that failed because ops failed. */
export interface JobFailureCause {
  readonly job: string;
  /**
   * Failed ops, in invocation order, with their last Error and Cause. To keep the Cause within
   * 32,768 characters, long lists keep the first ops only and causes may be cut or left out.
   */
  readonly failedOps: readonly { readonly op: string; readonly error: string; readonly cause?: string }[];
  /** Ops not run because an upstream op failed (the first ones, when the list is long). */
  readonly skippedOps: readonly string[];
  /** Failed ops left out of failedOps to fit the Cause. */
  readonly omittedFailedOps?: number;
  /** Skipped ops left out of skippedOps to fit the Cause. */
  readonly omittedSkippedOps?: number;
  /**
   * Ops that succeeded, in invocation order (the first ones, when the list is long), each with
   * where its value is when the Cause can say: a stored value's reference (`s` the retry number
   * of the attempt that stored it, `b` its bytes, `r` the run that stored it when not this one:
   * the IO manager's object `<prefix><run id>/<op>/<s>.json`), or an inline value `v` of at
   * most 256 characters of JSON. An entry with neither: the value is in the execution history
   * (the op's TaskSucceeded), and `stepops watch <arn> --json` lists it.
   */
  readonly succeededOps?: readonly SucceededOpEntry[];
  /** Succeeded ops left out of succeededOps to fit the Cause. */
  readonly omittedSucceededOps?: number;
}

/** One succeeded op of a JobFailureCause. */
export interface SucceededOpEntry {
  readonly op: string;
  /** The inline value, when its JSON is short. */
  readonly [VALUE_KEY]?: unknown;
  /** A stored value: the retry number of the attempt that stored it. */
  readonly [STORED_KEY]?: number;
  /** A stored value: its bytes. */
  readonly [STORED_BYTES_KEY]?: number;
  /** A stored value: the run that stored it, when not this one (a re-execution's parent). */
  readonly [STORED_RUN_KEY]?: string;
}
