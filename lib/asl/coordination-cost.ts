import { PLATFORM_RETRY } from './asl-constants.js';
import type { OpRetryPlan } from './retry-plan.js';

/** Step Functions' limit on a Standard execution's history (events). */
export const MAX_HISTORY_EVENTS = 25_000;

/** History events of one wait Task that is answered: TaskStateEntered, TaskScheduled, TaskStarted, TaskSubmitted, TaskSucceeded, TaskStateExited. */
export const WAIT_TASK_EVENTS = 6;
/** History events of one release Task: TaskStateEntered, TaskScheduled, TaskStarted, TaskSucceeded, TaskStateExited. */
export const RELEASE_TASK_EVENTS = 5;

/** What exact mode's waits and releases add to a run, and the execution's worst-case history. */
export interface CoordinationCost {
  readonly waitTasks: number;
  readonly releaseTasks: number;
  /** Lambda invocations added to a run where no Task retries: one per wait, one per release. */
  readonly extraLambdaInvocations: number;
  /** State transitions added to such a run (each Task state entered is one). */
  readonly extraStateTransitions: number;
  /** History events added to such a run. */
  readonly extraHistoryEvents: number;
  /**
   * An upper bound of the execution's history events when every op uses every retry its
   * policy allows and every Task (ops, waits, releases) takes all its platform retries.
   */
  readonly worstCaseHistoryEvents: number;
  /** Step Functions' 25,000. */
  readonly maxHistoryEvents: number;
}

/**
 * The cost of exact mode's coordination (`waits` cross edges, `releases` released producers)
 * on a job whose op Tasks have `plans` and whose structure has `parallels` Parallel states.
 * Worst case per op: each attempt (maxRetries + 1) taken up to 1 + 6 times with platform
 * retries, 3 events each (TaskScheduled, TaskStarted, TaskFailed), entered and exited once per
 * visit, a loop op re-entering once per retry through its Wait state (2 events); per wait
 * (4 events per call), per release (3) the same platform retries; 4 per Parallel; 8 for the
 * execution, init-run, check-outcome and the end state. A RetryRequested's own maxRetries is
 * not known before the run: counted as the policy's.
 */
export function computeCoordinationCost(plans: readonly OpRetryPlan[], parallels: number, waits: number, releases: number): CoordinationCost {
  const calls = 1 + PLATFORM_RETRY.maxAttempts;
  let events = 8 + 4 * parallels;
  for (const plan of plans) {
    const attempts = plan.waits.length + 1;
    const visits = plan.mechanism === 'wait-loop' ? attempts : 1;
    events += attempts * calls * 3 + visits * 2 + (visits - 1) * 2;
  }
  events += waits * (2 + calls * 4) + releases * (2 + calls * 3);
  return {
    waitTasks: waits,
    releaseTasks: releases,
    extraLambdaInvocations: waits + releases,
    extraStateTransitions: waits + releases,
    extraHistoryEvents: waits * WAIT_TASK_EVENTS + releases * RELEASE_TASK_EVENTS,
    worstCaseHistoryEvents: events,
    maxHistoryEvents: MAX_HISTORY_EVENTS,
  };
}

/**
 * What a wait's TimeoutSeconds (wait-timeouts.ts) does not cover, said wherever the cost is:
 * the retries a RetryRequested asks for at run time.
 */
export const WAIT_BOUND_LIMITS =
  "Each wait's TimeoutSeconds covers its producer's worst case under the retry policies upstream of it (every attempt taking opTimeoutSeconds, the policies' waits, platform retries), " +
  'not the waits (secondsToWait) and extra attempts (maxRetries) a RetryRequested asks for at run time: a producer that outlasts its bound that way has its cross-edge consumers skipped, and the run fails with stepops.OpsFailed naming them as skipped and no failed op';

/** Two readable sentences: the cost, and what the waits' bound leaves out, for `stepops plan` and the synth message. */
export function describeCoordinationCost(cost: CoordinationCost & { readonly crossEdges: readonly unknown[] }): string {
  const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? '' : 's'}`;
  const over = cost.worstCaseHistoryEvents > cost.maxHistoryEvents ? ' (over the limit: a run that retries that much fails)' : '';
  return (
    `${plural(cost.crossEdges.length, 'cross edge')} enforced by ${plural(cost.waitTasks, 'wait Task')} and ${plural(cost.releaseTasks, 'release Task')}: ` +
    `+${cost.extraLambdaInvocations} Lambda invocations, +${cost.extraStateTransitions} state transitions and +${cost.extraHistoryEvents} history events per run without retries ` +
    `(a wait: 1 invocation, 1 transition, ${WAIT_TASK_EVENTS} events; a release: 1, 1, ${RELEASE_TASK_EVENTS}); ` +
    `worst-case history ${cost.worstCaseHistoryEvents} of Step Functions' ${cost.maxHistoryEvents} events${over}. ` +
    WAIT_BOUND_LIMITS
  );
}
