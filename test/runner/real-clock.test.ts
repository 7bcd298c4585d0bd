import { afterEach, describe, expect, it, vi } from 'vitest';
import { MAX_TIMEOUT_MS, RealClock } from '../../lib/runner/clock/clock.js';
import { CancelScope } from '../../lib/runner/clock/cancel-scope.js';
import { runStateMachine } from '../../lib/runner/run-state-machine.js';
import { eventTypes, machine, secondsSinceStart } from './helpers.js';

const THIRTY_DAYS_SECONDS = 30 * 24 * 3600;

describe('RealClock: waits longer than setTimeout allows (2^31 - 1 ms, about 24.8 days) are chunked', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('a 30-day sleep ends exactly 30 days later, not after 1 ms', async () => {
    vi.useFakeTimers({ now: 0 });
    const clock = new RealClock();
    let woke = false;
    void clock.sleep(THIRTY_DAYS_SECONDS).then(() => {
      woke = true;
    });
    await vi.advanceTimersByTimeAsync(1);
    expect(woke).toBe(false);
    await vi.advanceTimersByTimeAsync(MAX_TIMEOUT_MS);
    expect(woke).toBe(false);
    await vi.advanceTimersByTimeAsync(THIRTY_DAYS_SECONDS * 1000 - MAX_TIMEOUT_MS - 2);
    expect(woke).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    expect(woke).toBe(true);
    expect(Date.now()).toBe(THIRTY_DAYS_SECONDS * 1000);
  });

  it('a cancelled 30-day sleep rejects and leaves no timer behind', async () => {
    vi.useFakeTimers({ now: 0 });
    const clock = new RealClock();
    const cancel = new CancelScope();
    const sleeping = clock.sleepUnless(THIRTY_DAYS_SECONDS, cancel);
    await vi.advanceTimersByTimeAsync(MAX_TIMEOUT_MS + 5);
    cancel.cancel();
    await expect(sleeping).rejects.toThrow('aborted');
    expect(vi.getTimerCount()).toBe(0);
  });

  it('a Wait state of 30 days on the real clock records the wait Step Functions would: 2,592,000 s', async () => {
    vi.useFakeTimers({ now: Date.UTC(2026, 0, 1), toFake: ['setTimeout', 'clearTimeout', 'Date'] });
    const running = runStateMachine(machine('Month', { Month: { Type: 'Wait', Seconds: THIRTY_DAYS_SECONDS, End: true } }), { clock: 'real' });
    let done = false;
    void running.then(() => {
      done = true;
    });
    await vi.advanceTimersByTimeAsync(THIRTY_DAYS_SECONDS * 1000 - 1);
    expect(done).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    const result = await running;
    expect(result.status).toBe('SUCCEEDED');
    expect(eventTypes(result.history)).toStrictEqual(['ExecutionStarted', 'WaitStateEntered', 'WaitStateExited', 'ExecutionSucceeded']);
    expect(secondsSinceStart(result.history, result.history.at(-1)!)).toBe(THIRTY_DAYS_SECONDS);
  });
});

describe('runStateMachine signal', () => {
  it('aborts a long Wait at once: WaitStateAborted, ExecutionAborted, FAILED with States.Aborted', async () => {
    const controller = new AbortController();
    const result = await runStateMachine(machine('Long', { Long: { Type: 'Wait', Seconds: 3600, Next: 'After' }, After: { Type: 'Pass', End: true } }), {
      clock: 'real',
      signal: controller.signal,
      onEvent: (event) => {
        if (event.type === 'WaitStateEntered') queueMicrotask(() => controller.abort('enough'));
      },
    });
    expect(eventTypes(result.history)).toStrictEqual(['ExecutionStarted', 'WaitStateEntered', 'WaitStateAborted', 'ExecutionAborted']);
    expect(result.error).toStrictEqual({ error: 'States.Aborted', cause: 'The run was aborted by its AbortSignal (enough).' });
    expect(result.history.at(-1)!.executionAbortedEventDetails).toStrictEqual({ error: 'States.Aborted', cause: 'The run was aborted by its AbortSignal (enough).' });
  });

  it('aborted before the start runs no Task handler', async () => {
    let calls = 0;
    const result = await runStateMachine(machine('T', { T: { Type: 'Task', Resource: 'arn:aws:states:::lambda:invoke', Arguments: { FunctionName: 'f' }, End: true } }), {
      taskHandlers: { T: () => ++calls },
      signal: AbortSignal.abort(),
    });
    expect(calls).toBe(0);
    expect(eventTypes(result.history)).toStrictEqual(['ExecutionStarted', 'ExecutionAborted']);
    expect(result.error?.cause).toBe('The run was aborted by its AbortSignal (AbortError: This operation was aborted).');
  });
});
