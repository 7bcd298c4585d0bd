import { RETRY_AFTER_ERROR } from '../errors.js';
import type { RetryPolicy } from '../policy/retry-policy.js';
import { INFRASTRUCTURE_ERRORS, LAMBDA_PLATFORM_ERRORS, PLATFORM_RETRY } from './asl-constants.js';
import type { SecondsRange } from './retry-plan.js';

/**
 * Faults: invocations that failed without the wrapper deciding (DESIGN section 4, point 4).
 * Every op Task has one States.ALL catcher (after the RetryAfter one) whose Output is a fault
 * record, and a fault Choice that goes to the op's Wait state when the record has a
 * `waitSeconds` (then back to the Task), else fails the op. The record is the same text for
 * every op but for its policy's maxRetries and crash list, so it costs one expression per op
 * and no state of its own:
 *
 * - Lambda platform errors (FAULT_VARIABLES.platform: the invocation never ran the op): the
 *   Task is re-entered with the op's retry number unchanged (`nextRetryNumber`; re-entry resets
 *   State.RetryCount), after a FULL-jittered 0..2^k seconds, at most PLATFORM_RETRY.maxAttempts
 *   times in a row (`pr` counts them; it starts again whenever the op ran since); then the op
 *   fails with the platform error. A pending fault (`f`, below) is kept.
 * - Timeouts and crashes (FAULT_VARIABLES.crash) of an op whose policy can still retry (retry
 *   number < maxRetries, the name not filtered out): the Task is re-entered at once with the
 *   fault in `f` (`{Error, Cause, r}`, r the retry number of the attempt that died). The
 *   wrapper, given a payload `fault` whose r is its retry number, does not run the op: it
 *   decides as for an error the op threw (decideOpError), so the retry is the policy's own (the
 *   same retrier, the same loop wait, the same counter) and the wrapper's decision stays
 *   authoritative. A timeout or crash from that deciding invocation itself (the wrapper failing
 *   the op under the fault's own name) fails the op.
 * - Anything else (the wrapper's final failure, another Lambda or Step Functions error): the
 *   record is `{}` and the op fails with its catcher's 'failed' marker. `{}` has no
 *   `nextRetryNumber`, so the next Task's retry number is not touched.
 */

/**
 * Run variables every definition (and every child of a split job) assigns once in its first
 * state, so that no op Task repeats them: the error names the fault records test with `in`, the
 * RetryAfter error's name, and the bounds of the platform retry waits (entry k, 0-based, is
 * 2^(k+1) + 1: `$floor($random()*$pw[$k])` is a whole number of seconds in 0..2^(k+1)).
 */
export const FAULT_VARIABLES = { platform: 'pf', crash: 'cr', retryAfter: 'ra', platformWaits: 'pw' } as const;

/** The Assign entries of FAULT_VARIABLES for a first state. */
export function buildFaultVariables(): Record<string, string | string[] | number[]> {
  return {
    [FAULT_VARIABLES.platform]: [...LAMBDA_PLATFORM_ERRORS],
    [FAULT_VARIABLES.crash]: [...INFRASTRUCTURE_ERRORS],
    [FAULT_VARIABLES.retryAfter]: RETRY_AFTER_ERROR,
    [FAULT_VARIABLES.platformWaits]: Array.from({ length: PLATFORM_RETRY.maxAttempts }, (_, k) => 2 ** (k + 1) + 1),
  };
}

/** The plan's account of faults. */
export interface FaultRetryPlan {
  /** Lambda platform errors: retried before the op runs again, never counted as op retries, never seen by the op. */
  readonly platformRetries: {
    readonly errors: readonly string[];
    /** Consecutive platform retries before the op fails with the platform error. */
    readonly maxRetries: number;
    /** The wait before platform retry k (whole seconds, FULL jitter). */
    readonly waits: readonly SecondsRange[];
  };
  /** Timeouts and crashes retried as op failures under the policy (its waits, its counter); [] when none are. */
  readonly crashRetries: readonly string[];
}

/**
 * The keys of a Task's input when it is re-entered from its Wait state (a fault record): the
 * retry number the Task continues from, the whole seconds the Wait state waits, the platform
 * retries in a row so far, and the pending fault for the wrapper (sent as the payload's `fault`).
 */
export const RECORD_KEYS = { retryNumber: 'n', waitSeconds: 'w', platformRetries: 'k', fault: 'f' } as const;

/** The fault record of an op Task (its States.ALL catcher's Output, without `{% %}`) and its plan. */
export function compileFaultHandling(policy: RetryPolicy | undefined): { record: string; plan: FaultRetryPlan } {
  const crashErrors = policy === undefined || policy.maxRetries === 0 ? [] : INFRASTRUCTURE_ERRORS.filter((name) => policy.allowsErrorName(name));
  const crashList = crashErrors.length === INFRASTRUCTURE_ERRORS.length ? `$${FAULT_VARIABLES.crash}` : `[${crashErrors.map((name) => `'${name}'`).join(',')}]`;
  const { retryNumber: n, waitSeconds: w, platformRetries: k, fault: f } = RECORD_KEYS;
  const { platform: pf, retryAfter: ra, platformWaits: pw } = FAULT_VARIABLES;
  // The wrapper's loop: its ErrorDetails (wire-protocol.ts) under the record's keys.
  const loop = `Error=$${ra}?$parse($parse(Cause).trace[0]).{'${n}':nextRetryNumber,'${w}':waitSeconds}:`;
  // Platform retry $k+1 (0-based $k: none yet in a row, or the op ran since: $c, this visit's retries, is not 0) waits 0..2^($k+1) s.
  const platform = `Error in $${pf}?($k:=$c?0:$sum([$i.${k}]);$k<${PLATFORM_RETRY.maxAttempts}?{'${n}':$r,'${k}':$k+1,'${f}':$i.${f},'${w}':$floor($random()*$${pw}[$k])}:{}):`;
  // The deciding invocation is the one entered with a fault for its own retry number ($i.f.r = $r).
  const crash = crashErrors.length === 0 ? '' : `Error in ${crashList} and $r<${policy!.maxRetries} and $not($i.${f}.r=$r)?{'${n}':$r,'${f}':$merge([$,{'r':$r}]),'${w}':0}:`;
  // Evaluated in the error output's context: Error and Cause are its fields, $ the whole of it.
  const record = `$states.errorOutput.($i:=$states.input;$c:=$states.context.State.RetryCount;$r:=$sum([$i.${n},$c]);${loop}${platform}${crash}{})`;
  const waits = Array.from({ length: PLATFORM_RETRY.maxAttempts }, (_, i) => ({ min: 0, max: 2 ** (i + 1) }));
  return { record, plan: { platformRetries: { errors: LAMBDA_PLATFORM_ERRORS, maxRetries: PLATFORM_RETRY.maxAttempts, waits }, crashRetries: crashErrors } };
}
