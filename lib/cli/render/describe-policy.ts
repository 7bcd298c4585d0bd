import type { RetryPolicy } from '../../policy/index.js';
import type { RetryPolicySource } from '../../job/index.js';
import { formatSeconds } from './format-text.js';

/** A policy in a few words: `3 retries, 0.2s EXPONENTIAL, PLUS_MINUS jitter`; `no retries` without one. */
export function summarizePolicy(policy: RetryPolicy | undefined): string {
  if (policy === undefined) return 'no retries';
  const parts = [`${policy.maxRetries} ${policy.maxRetries === 1 ? 'retry' : 'retries'}`];
  if (policy.delay !== undefined) parts.push(`${formatSeconds(policy.delay)}${policy.backoff === undefined ? '' : ` ${policy.backoff}`}`);
  if (policy.jitter !== undefined) parts.push(`${policy.jitter} jitter`);
  if (policy.maxDelay !== undefined) parts.push(`max ${formatSeconds(policy.maxDelay)}`);
  if (policy.retryOn !== undefined) parts.push(`only ${policy.retryOn.join('|')}`);
  if (policy.neverRetryOn !== undefined) parts.push(`never ${policy.neverRetryOn.join('|')}`);
  return parts.join(', ');
}

/** Where a policy came from, in words. */
export function describePolicySource(source: RetryPolicySource): string {
  switch (source) {
    case 'invocation':
      return 'invocation (withRetryPolicy)';
    case 'definition':
      return 'op definition';
    case 'job':
      return 'job opRetryPolicy';
    case 'none':
      return 'none';
  }
}
