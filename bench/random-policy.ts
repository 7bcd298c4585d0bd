import { Backoff, Jitter, RetryPolicy } from './stepops.js';

/**
 * A random valid RetryPolicy: maxRetries 0..10; delay none (when there is no backoff or
 * jitter), 0, a whole number of seconds, a fraction under 2 s, or any fraction up to 3600 s;
 * each backoff (none, LINEAR, EXPONENTIAL) and jitter (none, FULL, PLUS_MINUS) a third of the
 * time; a maxDelay (0..3600 s, fractional) a quarter of the time.
 */
export function generateRetryPolicy(random: () => number): RetryPolicy {
  const pick = <T>(values: readonly T[]): T => values[Math.floor(random() * values.length)]!;
  const maxRetries = Math.floor(random() * 11);
  const backoff = pick([undefined, Backoff.LINEAR, Backoff.EXPONENTIAL]);
  const jitter = pick([undefined, Jitter.FULL, Jitter.PLUS_MINUS]);
  const delayKind = pick(['none', 'zero', 'whole', 'small', 'any'] as const);
  let delay: number | undefined;
  if (delayKind === 'zero') delay = 0;
  else if (delayKind === 'whole') delay = Math.floor(random() * 3601);
  else if (delayKind === 'small') delay = random() * 2;
  else if (delayKind === 'any' || backoff !== undefined || jitter !== undefined) delay = random() * 3600;
  const maxDelay = random() < 0.25 ? random() * 3600 : undefined;
  return new RetryPolicy({
    maxRetries,
    ...(delay === undefined ? {} : { delay }),
    ...(backoff === undefined ? {} : { backoff }),
    ...(jitter === undefined ? {} : { jitter }),
    ...(maxDelay === undefined ? {} : { maxDelay }),
  });
}
