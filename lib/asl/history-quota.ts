import { MAX_HISTORY_EVENTS } from './coordination-cost.js';
import type { RetryDeviation, RetryMechanism } from './retry-plan.js';

/**
 * History events one policy retry adds to an execution: a retrier's TaskFailed, TaskScheduled and
 * TaskStarted; the wait loop's TaskFailed, TaskStateExited, the fault Choice's and the Wait's
 * entered and exited, then the Task's TaskStateEntered, TaskScheduled and TaskStarted.
 */
const EVENTS_PER_RETRY: Readonly<Record<Exclude<RetryMechanism, 'none'>, number>> = {
  'plain-retrier': 3,
  'indexed-retriers': 3,
  'native-fit': 3,
  'wait-loop': 9,
};

/**
 * The events of a compiled job holding one op that succeeds at once: ExecutionStarted, init-run
 * and the run config check (2 each), the op Task's five, the final check and Succeed (2 each),
 * ExecutionSucceeded.
 */
const ONE_OP_JOB_EVENTS = 15;

/** The most retries of one op that fit in an execution's history with nothing else in it (`mechanism` carrying them). */
export function countRetriesWithinHistory(mechanism: Exclude<RetryMechanism, 'none'>): number {
  return Math.floor((MAX_HISTORY_EVENTS - ONE_OP_JOB_EVENTS) / EVENTS_PER_RETRY[mechanism]);
}

/**
 * The 'history-quota' deviation of a policy whose retries cannot all run in one execution:
 * Step Functions ends an execution at its 25,000th history event (States.Runtime), and each
 * retry adds EVENTS_PER_RETRY events; undefined when they fit.
 */
export function describeHistoryQuota(maxRetries: number, mechanism: RetryMechanism): RetryDeviation | undefined {
  if (mechanism === 'none') return undefined;
  const fit = countRetriesWithinHistory(mechanism);
  if (maxRetries <= fit) return undefined;
  return {
    kind: 'history-quota',
    message:
      `its ${maxRetries} retries cannot all run: each adds ${EVENTS_PER_RETRY[mechanism]} history events (${mechanism}), and Step Functions fails an execution at its ${MAX_HISTORY_EVENTS}th ` +
      `(States.Runtime, "The execution reached the maximum number of history events"), so at most ${fit} fit with nothing else in the execution (fewer beside other ops); ` +
      `lower maxRetries to ${fit} or less`,
  };
}
