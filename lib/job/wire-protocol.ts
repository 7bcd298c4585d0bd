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

export const PROTOCOL_VERSION = 1;

/** How the wrapper signals a retry the policy grants; see the file comment. */
export type RetryMode = 'plain' | 'indexed' | 'loop';

/** What each Task sends the wrapper (the Lambda invoke Payload). */
export interface OpPayload {
  readonly protocol: typeof PROTOCOL_VERSION;
  /** The job's name. */
  readonly job: string;
  /** The op invocation's name: the Task state's name. */
  readonly op: string;
  /** The execution's name ($states.context.Execution.Name). */
  readonly runId: string;
  /**
   * Dagster's retry number: retries already made by this op in this run, by retriers and
   * loops together (loop base + $states.context.State.RetryCount). 0 on the first attempt.
   */
  readonly retryNumber: number;
  /** How to signal a retry the policy grants. */
  readonly retryMode: RetryMode;
  /** The upstream outputs, in the op function's parameter order. */
  readonly inputs: readonly unknown[];
  /** The op's config from the execution input `{ ops: { <op>: { config } } }`. @default {} */
  readonly config?: unknown;
  /** computeJobFingerprint(job) of the job the state machine was compiled from. */
  readonly planHash: string;
}

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
 * Failure propagation without stopping independent ops (DESIGN section 3, "exhausted"):
 * - Every op Task has a last Catch (States.ALL) whose Output is an OpOutcomeMarker with
 *   outcome 'failed' (error, cause from $states.errorOutput) and which continues to the
 *   Task's normal Next, so Parallel branches never fail and independent ops run on.
 * - An op output of that shape is refused (OUTPUT_RESERVED_ERROR), so a marker is never an op value.
 * - A downstream op receives that marker among its inputs. The wrapper then does not run the
 *   op code: it returns a marker with outcome 'skipped' naming the failed upstream ops. So a
 *   failure reaches exactly the downstream of the failed op, whatever the graph's
 *   decomposition, at no cost on the happy path.
 * - At the end the state machine fails (a Fail state) with the Error of the first failed op
 *   (in the job's invocation order) and a Cause (JobFailureCause JSON) naming every failed
 *   and skipped op.
 */
export const OUTCOME_MARKER_KEY = '__stepops';

export interface OpOutcomeMarker {
  readonly [OUTCOME_MARKER_KEY]: 'failed' | 'skipped';
  /** The op invocation this marker stands for. */
  readonly op: string;
  /** For 'failed': the Step Functions Error of the op's last attempt. */
  readonly error?: string;
  /** For 'failed': the Step Functions Cause of the op's last attempt. */
  readonly cause?: string;
  /** The failed ops upstream of this one ('skipped'), or [op] itself ('failed'). */
  readonly failedUpstream: readonly string[];
}

/** True when an op output or input is a failure or skip marker rather than a value. */
export function isOpOutcomeMarker(value: unknown): value is OpOutcomeMarker {
  if (typeof value !== 'object' || value === null) return false;
  const outcome = (value as Record<string, unknown>)[OUTCOME_MARKER_KEY];
  return outcome === 'failed' || outcome === 'skipped';
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
}
