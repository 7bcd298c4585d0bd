import type { RetryMode } from '../job/wire-protocol.js';
import type { RetryPolicySource } from '../job/resolve-retry-policy.js';
import type { FaultRetryPlan } from './compile-faults.js';

/** A closed interval of seconds; min === max for a deterministic wait. */
export interface SecondsRange {
  readonly min: number;
  readonly max: number;
}

/** The wait before one policy retry: what Dagster would wait and what the compiled machine waits. */
export interface RetryWait {
  /** 1 for the first retry. */
  readonly retryNumber: number;
  /** policy.delayRange(n): Dagster's wait (max exclusive when jittered). */
  readonly dagsterSeconds: SecondsRange;
  /** The compiled wait: whole seconds, both ends inclusive. */
  readonly compiledSeconds: SecondsRange;
}

/**
 * How the compiled schedule differs from Dagster's.
 * - 'rounded-up': waits rounded up to whole seconds (never sooner than asked).
 * - 'minimum-interval': a wait under 1 s becomes 1 s in a retrier (Step Functions' minimum).
 * - 'full-jitter-bound': native FULL jitter draws from [0, ceil(max)] inclusive, Dagster from [0, max).
 * - 'platform-retries-advance-retry-number': compileRetryPolicy's standalone Retry array only
 *   (compileJob catches platform errors instead): Lambda platform retries advance
 *   State.RetryCount, hence the op's retry number.
 * - 'infrastructure-approximation': compileRetryPolicy's standalone Retry array only: timeouts
 *   and crashes retried by one geometric retrier that approximates the policy and keeps its own count.
 * - 'native-fit': fidelity 'native' replaced the schedule by one geometric retrier.
 * - 'plus-minus-jitter-dropped': fidelity 'native' waits the centre of a PLUS_MINUS range.
 * - 'history-quota': more retries than one execution's 25,000 history events can hold (about
 *   8,300 by retriers, 2,700 by the wait loop): the execution fails (States.Runtime) before the
 *   last ones (history-quota.ts).
 */
export type RetryDeviationKind =
  | 'rounded-up'
  | 'minimum-interval'
  | 'full-jitter-bound'
  | 'platform-retries-advance-retry-number'
  | 'infrastructure-approximation'
  | 'native-fit'
  | 'plus-minus-jitter-dropped'
  | 'history-quota';

/** Deviations that `strict: true` accepts: whole-second rounding and facts of the platform. */
export const STRICT_ACCEPTED_DEVIATIONS: readonly RetryDeviationKind[] = ['rounded-up', 'minimum-interval', 'full-jitter-bound', 'platform-retries-advance-retry-number'];

export interface RetryDeviation {
  readonly kind: RetryDeviationKind;
  /** The retries concerned, when the deviation is about particular ones. */
  readonly retryNumbers?: readonly number[];
  /** A readable sentence. */
  readonly message: string;
}

/** How an op's policy retries are carried out. */
export type RetryMechanism = 'none' | 'plain-retrier' | 'indexed-retriers' | 'wait-loop' | 'native-fit';

/** The retry plan of one policy (compileRetryPolicy) . */
export interface PolicyRetryPlan {
  /** policy.toJSON(), or null without a policy. */
  readonly policy: Readonly<Record<string, unknown>> | null;
  readonly retryMode: RetryMode;
  readonly mechanism: RetryMechanism;
  /** One entry per policy retry (maxRetries of them). */
  readonly waits: readonly RetryWait[];
  /** Sum of the compiled maximum waits over every policy retry. */
  readonly worstCaseTotalWaitSeconds: number;
  readonly deviations: readonly RetryDeviation[];
}

/** The retry plan of one op invocation (compileJob): its policy's plan and how its Task handles faults. */
export interface OpRetryPlan extends PolicyRetryPlan, FaultRetryPlan {
  /** The invocation's name (its Task state). */
  readonly op: string;
  /** Where the policy came from. */
  readonly source: RetryPolicySource;
}
