import type { Catcher, Retrier } from '../parse/definition.js';
import { computeRetryDelaySeconds, findMatchingRule } from './retry.js';
import type { Scope } from '../run-context.js';
import { StatesError } from './states-error.js';

export type AttemptOutcome<T> =
  | { readonly kind: 'succeeded'; readonly value: T; readonly retryCount: number }
  | { readonly kind: 'caught'; readonly catcher: Catcher; readonly errorOutput: { Error?: string; Cause?: string }; readonly retryCount: number };

/**
 * Runs attempts of a state under its Retry and Catch rules. The first retrier that matches
 * decides; each retrier counts its own retries; an exhausted retrier does not fall through
 * to later ones. Counters live in this call, so they reset each time the state is entered.
 * Errors no retrier retries go to the first matching catcher, or are rethrown.
 */
export async function runWithRetry<T>(
  scope: Scope,
  rules: { readonly retry: readonly Retrier[]; readonly catch: readonly Catcher[] },
  attempt: (retryCount: number) => Promise<T>,
): Promise<AttemptOutcome<T>> {
  const retriesByRetrier = rules.retry.map(() => 0);
  let retryCount = 0;
  for (;;) {
    try {
      const value = await attempt(retryCount);
      return { kind: 'succeeded', value, retryCount };
    } catch (error) {
      if (!(error instanceof StatesError)) throw error;
      const index = findMatchingRule(rules.retry, error.error ?? '');
      const retrier = rules.retry[index];
      if (retrier !== undefined && retriesByRetrier[index]! < retrier.maxAttempts) {
        retriesByRetrier[index]! += 1;
        const delaySeconds = computeRetryDelaySeconds(retrier, retriesByRetrier[index]!, scope.run.jitterRandom);
        await scope.run.clock.sleepUnless(delaySeconds, scope.cancel);
        retryCount += 1;
        continue;
      }
      const catcher = findCatcher(rules.catch, error);
      if (catcher === undefined) throw error;
      return { kind: 'caught', catcher, errorOutput: error.toErrorOutput(), retryCount };
    }
  }
}

/** The first catcher matching a StatesError, if any. */
export function findCatcher(catchers: readonly Catcher[], error: StatesError): Catcher | undefined {
  return catchers[findMatchingRule(catchers, error.error ?? '')];
}
