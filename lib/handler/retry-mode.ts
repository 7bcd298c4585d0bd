import type { RetryMode } from '../job/wire-protocol.js';
import type { RetryPolicy } from '../policy/retry-policy.js';
import { ceilSeconds } from '../policy/whole-seconds.js';

/** The retry modes of the wire protocol, for validating payloads. */
export const RETRY_MODES: readonly RetryMode[] = ['plain', 'indexed', 'loop'];

/** True for 'plain', 'indexed' or 'loop'. */
export function isRetryMode(value: unknown): value is RetryMode {
  return RETRY_MODES.includes(value as RetryMode);
}

/**
 * The retry mode compileRetryPolicy(policy) (lib/asl, fidelity 'exact') builds retriers for,
 * which opHandler uses when neither its options nor the event name one: 'loop' (Catch -> Wait
 * -> Task) for PLUS_MINUS jitter, whose waits only the run knows; 'plain' (one retrier) when
 * every retry waits the same whole seconds (backoff capped by maxDelay, rounded up, at least
 * 1 s), or there is no retry; 'indexed' (one retrier per run of equal waits) otherwise.
 * With fidelity 'native' the compiler uses 'plain' for every policy: pass
 * `retryMode: compiled.retryMode` to opHandler to follow whatever the compiler chose.
 */
export function chooseRetryMode(policy: RetryPolicy | undefined): RetryMode {
  if (policy === undefined || policy.maxRetries === 0) return 'plain';
  if (policy.jitter === 'PLUS_MINUS') return 'loop';
  const interval = (retryNumber: number): number => Math.max(1, ceilSeconds(Math.min(policy.backoffDelay(retryNumber), policy.maxDelay ?? Infinity)));
  const first = interval(1);
  for (let retryNumber = 2; retryNumber <= policy.maxRetries; retryNumber += 1) {
    if (interval(retryNumber) !== first) return 'indexed';
  }
  return 'plain';
}
