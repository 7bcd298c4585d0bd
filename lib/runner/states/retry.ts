import type { Retrier } from '../parse/definition.js';
import type { RandomSource } from '../evaluate/random.js';
import { StatesErrorName } from './states-error.js';

/**
 * Whether an error name matches an ErrorEquals list, with the Step Functions wildcards:
 * States.ALL matches everything but States.Runtime and States.DataLimitExceeded (terminal
 * errors, which only an explicit name catches); States.TaskFailed matches everything but
 * States.Timeout and States.HeartbeatTimeout (and the same two terminal errors);
 * States.Timeout also matches States.HeartbeatTimeout (a heartbeat timeout is a Task timeout).
 * States.Runtime never matches anything: it is never retried or caught.
 */
export function matchesErrorEquals(errorEquals: readonly string[], errorName: string): boolean {
  if (errorName === StatesErrorName.Runtime) return false;
  const terminal = errorName === StatesErrorName.DataLimitExceeded;
  const timeout = errorName === StatesErrorName.Timeout || errorName === StatesErrorName.HeartbeatTimeout;
  for (const name of errorEquals) {
    if (name === errorName) return true;
    if (name === StatesErrorName.ALL && !terminal) return true;
    if (name === StatesErrorName.TaskFailed && !terminal && !timeout) return true;
    if (name === StatesErrorName.Timeout && errorName === StatesErrorName.HeartbeatTimeout) return true;
  }
  return false;
}

/** Index of the first retrier or catcher whose ErrorEquals matches, or -1. */
export function findMatchingRule(rules: readonly { readonly errorEquals: readonly string[] }[], errorName: string): number {
  return rules.findIndex((rule) => matchesErrorEquals(rule.errorEquals, errorName));
}

/**
 * Seconds to wait before the k-th retry (k = 1, 2, ...) by one retrier:
 * IntervalSeconds * BackoffRate^(k-1), capped at MaxDelaySeconds, then with FULL jitter a
 * uniform value in [0, capped] drawn from `random`.
 */
export function computeRetryDelaySeconds(retrier: Retrier, k: number, random: RandomSource): number {
  let delay = retrier.intervalSeconds * Math.pow(retrier.backoffRate, k - 1);
  if (retrier.maxDelaySeconds !== undefined && delay > retrier.maxDelaySeconds) delay = retrier.maxDelaySeconds;
  if (retrier.jitterStrategy === 'FULL') delay = random() * delay;
  return delay;
}
