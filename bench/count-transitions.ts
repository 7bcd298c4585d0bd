import type { HistoryEvent } from '@aws-sdk/client-sfn';
import { summarizeTaskAttempts } from './stepops.js';

/**
 * Billed state transitions of a Standard workflow run, read from its history: one per
 * `*StateEntered` event (every state entered: Pass, Task, Parallel, Choice, Wait, Succeed,
 * Fail; the branches' states included) plus one per retrier retry (a Task attempt after the
 * first within one state visit: Step Functions bills retries as transitions). Retries through
 * a Catch -> Wait -> Task loop are counted by the states they enter.
 */
export function countBilledTransitions(history: readonly HistoryEvent[]): { readonly entered: number; readonly retrierRetries: number; readonly total: number } {
  const entered = history.filter((event) => event.type?.endsWith('StateEntered') === true).length;
  const retrierRetries = summarizeTaskAttempts(history).reduce((sum, visit) => sum + Math.max(0, visit.attempts.length - 1), 0);
  return { entered, retrierRetries, total: entered + retrierRetries };
}
