import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Backoff, Jitter, RETRY_ERROR, RetryPolicy, retryAttemptErrorName, type RetryPolicyOptions } from '../../lib/index.js';
import { ceilSeconds, compileRetryPolicy, INFRASTRUCTURE_ERRORS, LAMBDA_PLATFORM_ERRORS, type AslRetrier } from '../../lib/asl/index.js';

const policyOptions: fc.Arbitrary<RetryPolicyOptions> = fc
  .record({
    maxRetries: fc.integer({ min: 0, max: 12 }),
    delay: fc.option(fc.double({ min: 0, max: 500, noNaN: true }), { nil: undefined }),
    backoff: fc.option(fc.constantFrom(Backoff.LINEAR, Backoff.EXPONENTIAL), { nil: undefined }),
    jitter: fc.option(fc.constantFrom(Jitter.FULL, Jitter.PLUS_MINUS), { nil: undefined }),
    maxDelay: fc.option(fc.double({ min: 0, max: 1000, noNaN: true }), { nil: undefined }),
  })
  .map((o) => (o.delay === undefined ? { maxRetries: o.maxRetries, maxDelay: o.maxDelay } : o));

/** Reads the retriers back: the wait (before jitter) and jitter strategy of each policy retry. */
function readSchedule(retriers: readonly AslRetrier[], errorFor: (n: number) => string, maxRetries: number): { wait: number; jitter: string }[] {
  const uses = new Map<AslRetrier, number>();
  return Array.from({ length: maxRetries }, (_, i) => {
    const retrier = retriers.find((r) => r.ErrorEquals.includes(errorFor(i + 1)));
    if (retrier === undefined) throw new Error(`no retrier for retry ${i + 1}`);
    const used = uses.get(retrier) ?? 0;
    expect(used).toBeLessThan(retrier.MaxAttempts ?? 3);
    uses.set(retrier, used + 1);
    const wait = Math.min((retrier.IntervalSeconds ?? 1) * (retrier.BackoffRate ?? 2) ** used, retrier.MaxDelaySeconds ?? Infinity);
    return { wait, jitter: retrier.JitterStrategy ?? 'NONE' };
  });
}

describe('compiled schedules equal calculateDelay rounded up, attempt by attempt (fast-check, seeded)', () => {
  it('retriers (plain and indexed) and the loop plan', () => {
    fc.assert(
      fc.property(policyOptions, (options) => {
        const policy = new RetryPolicy(options);
        const compiled = compileRetryPolicy(policy);
        expect(compiled.retriers[0]!.ErrorEquals).toStrictEqual(LAMBDA_PLATFORM_ERRORS);
        for (const retrier of compiled.retriers) expect(retrier.ErrorEquals).not.toContain('States.ALL');
        if (compiled.retryMode === 'loop') {
          expect(policy.jitter).toBe(Jitter.PLUS_MINUS);
          compiled.plan.waits.forEach((wait, i) => {
            const range = policy.delayRange(i + 1);
            expect(wait.compiledSeconds).toStrictEqual({ min: ceilSeconds(range.min), max: ceilSeconds(range.max) });
          });
          return;
        }
        const errorFor = (n: number): string => (compiled.retryMode === 'plain' ? RETRY_ERROR : retryAttemptErrorName(n));
        const schedule = readSchedule(compiled.retriers, errorFor, policy.maxRetries);
        schedule.forEach(({ wait, jitter }, i) => {
          const n = i + 1;
          // Deterministic: calculateDelay(n); FULL jitter: its upper bound (delayRange max).
          const dagster = policy.jitter === Jitter.FULL ? policy.delayRange(n).max : policy.calculateDelay(n);
          expect(wait).toBe(Math.max(1, ceilSeconds(dagster)));
          expect(jitter).toBe(policy.jitter === Jitter.FULL ? 'FULL' : 'NONE');
        });
        // Timeouts and crashes: retried under the policy, never without one.
        const infrastructure = compiled.retriers.filter((r) => r.ErrorEquals.includes('States.Timeout'));
        expect(infrastructure.length).toBe(policy.maxRetries > 0 ? 1 : 0);
        if (policy.maxRetries > 0) expect(infrastructure[0]!.ErrorEquals).toEqual(expect.arrayContaining([...INFRASTRUCTURE_ERRORS]));
      }),
      { seed: 20260101, numRuns: 400 },
    );
  });

  it("fidelity 'native' always yields one geometric op retrier (retry mode plain) and reports any fit", () => {
    fc.assert(
      fc.property(policyOptions, (options) => {
        const policy = new RetryPolicy(options);
        const compiled = compileRetryPolicy(policy, { fidelity: 'native' });
        expect(compiled.retryMode).toBe('plain');
        expect(compiled.retriers.length).toBe(policy.maxRetries > 0 ? 2 : 1);
        if (compiled.plan.mechanism === 'native-fit') expect(compiled.plan.deviations.map((d) => d.kind)).toContain('native-fit');
      }),
      { seed: 7, numRuns: 200 },
    );
  });
});
