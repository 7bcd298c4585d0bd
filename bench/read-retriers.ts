import type { AslRetrier } from './stepops.js';

/** The wait a Retry array grants for one retry, as Step Functions computes it. */
export interface RetrierWait {
  /** The index of the retrier that matched. */
  readonly retrier: number;
  /** Seconds before jitter: IntervalSeconds * BackoffRate^(count - 1), capped by MaxDelaySeconds. */
  readonly seconds: number;
  /** True when the retrier draws FULL jitter in [0, seconds]. */
  readonly fullJitter: boolean;
}

/**
 * Reads a Task's Retry array back as Step Functions runs it during one state visit: the first
 * retrier whose ErrorEquals names the error (no fall-through), its own attempt count, the
 * States Language defaults (IntervalSeconds 1, MaxAttempts 3, BackoffRate 2.0). Feed it the
 * error names of successive failures; it returns undefined when no retrier retries.
 */
export function createRetrierReader(retriers: readonly AslRetrier[]): (errorName: string) => RetrierWait | undefined {
  const counts = retriers.map(() => 0);
  return (errorName) => {
    const index = retriers.findIndex((retrier) => retrier.ErrorEquals.includes(errorName) || retrier.ErrorEquals.includes('States.ALL'));
    if (index < 0) return undefined;
    const retrier = retriers[index]!;
    if (counts[index]! >= (retrier.MaxAttempts ?? 3)) return undefined;
    counts[index] = counts[index]! + 1;
    const raw = (retrier.IntervalSeconds ?? 1) * Math.pow(retrier.BackoffRate ?? 2, counts[index] - 1);
    const seconds = retrier.MaxDelaySeconds === undefined ? raw : Math.min(raw, retrier.MaxDelaySeconds);
    return { retrier: index, seconds, fullJitter: retrier.JitterStrategy === 'FULL' };
  };
}
