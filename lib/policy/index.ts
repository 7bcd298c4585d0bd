export { Backoff } from './backoff.js';
export { Jitter } from './jitter.js';
export { RetryPolicy, isRetryPolicy } from './retry-policy.js';
export type { RetryPolicyOptions, DelayRange } from './retry-policy.js';
export { decideRetry } from './decide-retry.js';
export type { RetryDecision, RetryReason, FailReason, DecideRetryInput } from './decide-retry.js';
export { createSeededRandom } from './seeded-random.js';
export { ceilSeconds, isWholeSeconds } from './whole-seconds.js';
