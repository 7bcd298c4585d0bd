import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compileJob } from '../../lib/asl/index.js';
import { jobHandler } from '../../lib/handler/index.js';
import { Backoff, Failure, Jitter, RetryPolicy, RetryRequested, job, op, type JobFailureCause } from '../../lib/index.js';
import { readPayloadRetryNumber, type OpPayload } from '../../lib/job/wire-protocol.js';
import { ceilSeconds } from '../../lib/policy/whole-seconds.js';
import { runStateMachine } from '../../lib/runner/index.js';
import { createLambdaEmulator, FAULT_ERROR_NAMES, type DeadInvocation, type PlatformFault } from './lambda-emulator.js';

/**
 * Dagster's rule under Lambda faults: random op behaviours per attempt (succeed, throw,
 * RetryRequested, Failure, crash, timeout) mixed with random platform faults (throttles,
 * service exceptions) under random policies, through a Lambda client that behaves like the
 * Node runtime, on the virtual clock. Asserted exactly: the attempt count, the ctx.retryNumber
 * sequence, each wait (whole seconds, or the jitter's whole-second range), the final status
 * and error name, the downstream op skipped and the independent op run.
 */

type Outcome =
  | { readonly kind: 'succeed' }
  | { readonly kind: 'throw' }
  | { readonly kind: 'failure'; readonly allowRetries: boolean }
  | { readonly kind: 'retry-requested'; readonly maxRetries: number; readonly secondsToWait: number | undefined }
  | { readonly kind: 'dead'; readonly fault: DeadInvocation };

interface Attempt {
  readonly platform: readonly PlatformFault[];
  readonly outcome: Outcome;
}

class FlakyError extends Error {
  constructor(retryNumber: number) {
    super(`flaky at retry ${retryNumber}`);
    this.name = 'FlakyError';
  }
}

const platformFault = fc.constantFrom<PlatformFault>('throttle', 'service-exception');
const attemptArbitrary: fc.Arbitrary<Attempt> = fc.record({
  platform: fc.oneof({ weight: 9, arbitrary: fc.array(platformFault, { maxLength: 2 }) }, { weight: 1, arbitrary: fc.array(platformFault, { minLength: 7, maxLength: 7 }) }),
  outcome: fc.oneof(
    fc.constant<Outcome>({ kind: 'succeed' }),
    fc.constant<Outcome>({ kind: 'throw' }),
    fc.boolean().map((allowRetries): Outcome => ({ kind: 'failure', allowRetries })),
    fc.record({ maxRetries: fc.nat(3), secondsToWait: fc.constantFrom(undefined, 0, 1.5, 30) }).map((r): Outcome => ({ kind: 'retry-requested', ...r })),
    fc.constantFrom<DeadInvocation>('exit', 'out-of-memory', 'unhandled-rejection', 'sandbox-timeout').map((fault): Outcome => ({ kind: 'dead', fault })),
  ),
});

const policyArbitrary: fc.Arbitrary<RetryPolicy | undefined> = fc.oneof(
  fc.constant(undefined),
  fc
    .record({
      maxRetries: fc.nat(3),
      delay: fc.constantFrom(undefined, 0, 1, 2.5, 10),
      backoff: fc.constantFrom(undefined, Backoff.LINEAR, Backoff.EXPONENTIAL),
      jitter: fc.constantFrom(undefined, undefined, Jitter.FULL, Jitter.PLUS_MINUS),
      maxDelay: fc.constantFrom(undefined, undefined, 12),
    })
    .map(({ maxRetries, delay, backoff, jitter, maxDelay }) =>
      delay === undefined
        ? new RetryPolicy({ maxRetries })
        : new RetryPolicy({ maxRetries, delay, ...(backoff ? { backoff } : {}), ...(jitter ? { jitter } : {}), ...(maxDelay ? { maxDelay } : {}) }),
    ),
);

interface Range {
  readonly min: number;
  readonly max: number;
}

/** The compiled wait before policy retry n, from Dagster's delay (whole seconds, never sooner; 1 s minimum in a retrier). */
function policyWait(policy: RetryPolicy, n: number): Range {
  const { min, max } = policy.delayRange(n);
  if (policy.jitter === Jitter.PLUS_MINUS) return { min: ceilSeconds(min), max: ceilSeconds(max) };
  const interval = Math.max(1, ceilSeconds(max));
  return policy.jitter === Jitter.FULL ? { min: 0, max: interval } : { min: interval, max: interval };
}

interface Expected {
  readonly retryNumbers: readonly number[];
  readonly waits: readonly Range[];
  readonly error: string | undefined;
}

/** Dagster's rule, applied to the script: the oracle. */
function expectRun(policy: RetryPolicy | undefined, script: readonly Attempt[]): Expected {
  const retryNumbers: number[] = [];
  const waits: Range[] = [];
  let r = 0;
  for (let i = 0; ; i += 1) {
    const attempt = script[i] ?? { platform: [], outcome: { kind: 'succeed' } };
    const platformRetries = Math.min(attempt.platform.length, 6);
    for (let k = 1; k <= platformRetries; k += 1) waits.push({ min: 0, max: 2 ** k });
    if (attempt.platform.length > 6) return { retryNumbers, waits, error: FAULT_ERROR_NAMES[attempt.platform[6]!] };
    retryNumbers.push(r);
    const outcome = attempt.outcome;
    const underPolicy = (name: string, died = false): Expected | undefined => {
      if (policy === undefined || r >= policy.maxRetries || !policy.allowsErrorName(name)) return { retryNumbers, waits, error: name };
      r += 1;
      // A timeout or crash is decided by one more invocation at once, which does not run the op.
      if (died) waits.push({ min: 0, max: 0 });
      waits.push(policyWait(policy, r));
      return undefined;
    };
    let end: Expected | undefined;
    switch (outcome.kind) {
      case 'succeed':
        return { retryNumbers, waits, error: undefined };
      case 'throw':
        end = underPolicy('FlakyError');
        break;
      case 'failure':
        end = outcome.allowRetries ? underPolicy('Failure') : { retryNumbers, waits, error: 'Failure' };
        break;
      case 'retry-requested':
        if (r >= outcome.maxRetries) return { retryNumbers, waits, error: 'RetryRequested' };
        r += 1;
        waits.push({ min: ceilSeconds(outcome.secondsToWait ?? 0), max: ceilSeconds(outcome.secondsToWait ?? 0) });
        break;
      case 'dead':
        end = underPolicy(FAULT_ERROR_NAMES[outcome.fault], true);
        break;
    }
    if (end !== undefined) return end;
  }
}

/** True for the payload of an invocation that decides on its own attempt's timeout or crash. */
function isDeciding(payload: OpPayload): boolean {
  return payload.fault?.r === readPayloadRetryNumber(payload);
}

async function runScript(policy: RetryPolicy | undefined, script: readonly Attempt[], seed: number) {
  let current: Outcome = { kind: 'succeed' };
  const seen: number[] = [];
  const a = op({ name: 'a', ...(policy === undefined ? {} : { retryPolicy: policy }) }, async (ctx) => {
    seen.push(ctx.retryNumber);
    switch (current.kind) {
      case 'throw':
        throw new FlakyError(ctx.retryNumber);
      case 'failure':
        throw new Failure({ description: 'failed', allowRetries: current.allowRetries });
      case 'retry-requested':
        throw new RetryRequested({ maxRetries: current.maxRetries, ...(current.secondsToWait === undefined ? {} : { secondsToWait: current.secondsToWait }) });
      default:
        return { retryNumber: ctx.retryNumber };
    }
  });
  const b = op({ name: 'b' }, async (_ctx, value: unknown) => ({ got: value }));
  const c = op({ name: 'c' }, async () => 'independent');
  const testJob = job({ name: 'faults' }, () => {
    b(a());
    c();
  });
  let attemptIndex = 0;
  let platformUsed = 0;
  const decide = (payload: OpPayload) => {
    if (payload.state.Name !== 'a') return undefined;
    // The invocation that decides on a caught timeout or crash runs no op code: not an attempt.
    if (isDeciding(payload)) return undefined;
    const attempt = script[attemptIndex] ?? { platform: [], outcome: { kind: 'succeed' } };
    if (platformUsed < attempt.platform.length) return attempt.platform[platformUsed++];
    attemptIndex += 1;
    platformUsed = 0;
    current = attempt.outcome;
    return attempt.outcome.kind === 'dead' ? attempt.outcome.fault : undefined;
  };
  const emulator = createLambdaEmulator(jobHandler(testJob, { writeLog: () => {}, random: () => 0.5 }), decide);
  const { definition } = compileJob(testJob);
  const result = await runStateMachine(definition, { lambda: emulator.client, seed });
  return { result, seen, invocations: emulator.invocations };
}

/** Seconds between each of op a's invocations (its TaskFailed, then its next TaskScheduled). */
function measureWaits(
  history: readonly { type?: string; timestamp?: Date; previousEventId?: number; id?: number; taskScheduledEventDetails?: unknown }[],
  scheduled: readonly number[],
): number[] {
  return scheduled.slice(1).map((id, k) => {
    const previous = scheduled[k]!;
    const failed = history.find((event) => (event.id ?? 0) > previous && (event.type === 'TaskFailed' || event.type === 'TaskTimedOut'))!;
    const next = history.find((event) => event.id === id)!;
    return (next.timestamp!.getTime() - failed.timestamp!.getTime()) / 1000;
  });
}

describe("Dagster's rule holds under Lambda faults (emulated Node runtime, virtual clock)", () => {
  it('attempts, retry numbers, waits, final status and error name, downstream skipped: 0 counterexamples', async () => {
    await fc.assert(
      fc.asyncProperty(policyArbitrary, fc.array(attemptArbitrary, { minLength: 1, maxLength: 5 }), fc.nat(1000), async (policy, script, seed) => {
        const expected = expectRun(policy, script);
        const { result, invocations } = await runScript(policy, script, seed);
        const ofA = invocations.filter((invocation) => invocation.op === 'a');
        // Every invocation of a that reached the op (or died in it) is an attempt, in order.
        const attempts = ofA.filter((invocation) => invocation.fault !== 'throttle' && invocation.fault !== 'service-exception' && !invocation.deciding);
        expect(attempts.map((attempt) => attempt.retryNumber)).toStrictEqual(expected.retryNumbers);
        // A platform fault never changes the retry number the next invocation carries.
        ofA.forEach((invocation, k) => {
          if (invocation.fault === 'throttle' || invocation.fault === 'service-exception') {
            if (ofA[k + 1] !== undefined) expect(ofA[k + 1]!.retryNumber).toBe(invocation.retryNumber);
          }
        });
        const scheduled = result.history
          .filter((event) => event.type === 'TaskScheduled' && (JSON.parse(event.taskScheduledEventDetails!.parameters!) as { Payload: OpPayload }).Payload.state.Name === 'a')
          .map((event) => event.id!);
        expect(scheduled).toHaveLength(ofA.length);
        const waits = measureWaits(result.history, scheduled);
        expect(waits).toHaveLength(expected.waits.length);
        waits.forEach((wait, k) => {
          expect(wait).toBeGreaterThanOrEqual(expected.waits[k]!.min - 1e-6);
          expect(wait).toBeLessThanOrEqual(expected.waits[k]!.max + 1e-6);
        });
        if (expected.error === undefined) {
          expect(result.status).toBe('SUCCEEDED');
          expect(result.output).toStrictEqual({ b: { got: { retryNumber: expected.retryNumbers.at(-1) } }, c: 'independent' });
        } else {
          expect(result.status).toBe('FAILED');
          expect(result.error?.error).toBe(expected.error);
          const cause = JSON.parse(result.error!.cause!) as JobFailureCause;
          expect(cause.failedOps.map((failed) => failed.op)).toStrictEqual(['a']);
          expect(cause.skippedOps).toStrictEqual(['b']);
        }
      }),
      { seed: 20_261_212, numRuns: Number(process.env.FAULT_CASES ?? 2_000) },
    );
  }, 600_000);
});
