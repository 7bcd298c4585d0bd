import { describe, expect, it } from 'vitest';
import { runStateMachine, summarizeTaskAttempts, type Retrier } from '../../lib/runner/index.js';
import { computeRetryDelaySeconds, matchesErrorEquals } from '../../lib/runner/states/retry.js';
import { failingThenSucceeding, machine, namedError, withoutCauses } from './helpers.js';

const retrier = (overrides: Partial<Retrier>): Retrier => ({
  errorEquals: ['States.ALL'],
  intervalSeconds: 1,
  maxAttempts: 3,
  backoffRate: 2,
  maxDelaySeconds: undefined,
  jitterStrategy: 'NONE',
  ...overrides,
});

describe('retry delays', () => {
  it.each([
    { name: 'defaults', r: {}, delays: [1, 2, 4] },
    { name: 'rate 1.5', r: { intervalSeconds: 3, backoffRate: 1.5 }, delays: [3, 4.5, 6.75] },
    { name: 'rate 1', r: { intervalSeconds: 5, backoffRate: 1 }, delays: [5, 5, 5] },
    { name: 'MaxDelaySeconds caps', r: { intervalSeconds: 2, backoffRate: 3, maxDelaySeconds: 10 }, delays: [2, 6, 10, 10] },
    { name: 'MaxDelaySeconds below interval', r: { intervalSeconds: 8, maxDelaySeconds: 3 }, delays: [3, 3] },
  ])('$name', ({ r, delays }) => {
    const computed = delays.map((_, i) => computeRetryDelaySeconds(retrier(r), i + 1, () => 0.5));
    expect(computed).toStrictEqual(delays);
  });

  it('FULL jitter draws uniformly in [0, capped delay]', () => {
    const r = retrier({ intervalSeconds: 4, maxDelaySeconds: 10, jitterStrategy: 'FULL' });
    expect(computeRetryDelaySeconds(r, 1, () => 0)).toBe(0);
    expect(computeRetryDelaySeconds(r, 1, () => 0.25)).toBe(1);
    expect(computeRetryDelaySeconds(r, 3, () => 0.999)).toBeCloseTo(9.99);
  });
});

describe('error matching', () => {
  it.each([
    [['ErrorA'], 'ErrorA', true],
    [['ErrorA'], 'ErrorB', false],
    [['States.ALL'], 'Anything', true],
    [['States.ALL'], 'States.Timeout', true],
    [['States.ALL'], 'States.Runtime', false],
    [['States.ALL'], 'States.DataLimitExceeded', false],
    [['States.DataLimitExceeded'], 'States.DataLimitExceeded', true],
    [['States.Runtime'], 'States.Runtime', false],
    [['States.TaskFailed'], 'Lambda.Unknown', true],
    [['States.TaskFailed'], 'States.Timeout', false],
    [['States.Timeout'], 'States.Timeout', true],
  ] as const)('%j matches %s: %s', (list, name, expected) => {
    expect(matchesErrorEquals(list, name)).toBe(expected);
  });
});

const docExample = machine('X', {
  X: {
    Type: 'Task',
    Resource: 'arn:aws:states:::lambda:invoke',
    Next: 'Y',
    Retry: [
      { ErrorEquals: ['ErrorA', 'ErrorB'], IntervalSeconds: 1, BackoffRate: 2.0, MaxAttempts: 2 },
      { ErrorEquals: ['ErrorC'], IntervalSeconds: 5 },
    ],
    Catch: [{ ErrorEquals: ['States.ALL'], Next: 'Z' }],
  },
  Y: { Type: 'Succeed' },
  Z: { Type: 'Pass', End: true },
});

describe('Retry (developer guide example)', () => {
  it('errors A, B, C, B wait 1 s, 2 s, 5 s, then the Catch takes the fourth error', async () => {
    const result = await runStateMachine(docExample, {
      taskHandlers: { X: failingThenSucceeding(['ErrorA', 'ErrorB', 'ErrorC', 'ErrorB']) },
    });
    expect(result.status).toBe('SUCCEEDED');
    expect(result.output).toMatchObject({ Error: 'ErrorB' });
    const [visit] = summarizeTaskAttempts(result.history);
    expect(visit!.attempts.map((a) => a.error)).toStrictEqual(['ErrorA', 'ErrorB', 'ErrorC', 'ErrorB']);
    expect(visit!.waitsSeconds).toStrictEqual([1, 2, 5]);
    expect(result.elapsedSeconds).toBe(8);
    expect(result.history.map((e) => e.type).slice(-4)).toStrictEqual(['TaskStateExited', 'PassStateEntered', 'PassStateExited', 'ExecutionSucceeded']);
  });

  it('no fall-through: an exhausted retrier does not let a later matching retrier retry', async () => {
    const def = machine('X', {
      X: {
        Type: 'Task',
        Resource: 'arn:aws:states:::lambda:invoke',
        End: true,
        Retry: [
          { ErrorEquals: ['Flaky'], MaxAttempts: 1 },
          { ErrorEquals: ['States.ALL'], MaxAttempts: 5 },
        ],
      },
    });
    const result = await runStateMachine(def, { taskHandlers: { X: failingThenSucceeding(['Flaky', 'Flaky', 'Flaky']) } });
    expect(result.status).toBe('FAILED');
    expect(result.error?.error).toBe('Flaky');
    expect(summarizeTaskAttempts(result.history)[0]!.attempts).toHaveLength(2);
  });

  it('MaxAttempts 0 never retries', async () => {
    const def = machine('X', {
      X: { Type: 'Task', Resource: 'arn:aws:states:::lambda:invoke', End: true, Retry: [{ ErrorEquals: ['E'], MaxAttempts: 0 }] },
    });
    const result = await runStateMachine(def, { taskHandlers: { X: failingThenSucceeding(['E']) } });
    expect(result.status).toBe('FAILED');
    expect(summarizeTaskAttempts(result.history)[0]!.attempts).toHaveLength(1);
  });

  it('MaxDelaySeconds caps the waits seen in history', async () => {
    const def = machine('X', {
      X: {
        Type: 'Task',
        Resource: 'arn:aws:states:::lambda:invoke',
        End: true,
        Retry: [{ ErrorEquals: ['E'], IntervalSeconds: 2, BackoffRate: 3, MaxAttempts: 4, MaxDelaySeconds: 10 }],
      },
    });
    const result = await runStateMachine(def, { taskHandlers: { X: failingThenSucceeding(['E', 'E', 'E', 'E']) } });
    expect(result.status).toBe('SUCCEEDED');
    expect(summarizeTaskAttempts(result.history)[0]!.waitsSeconds).toStrictEqual([2, 6, 10, 10]);
  });

  it('RetryCount counts retries across retriers and is what the handler sees', async () => {
    const seen: [number, unknown][] = [];
    const errors = ['A', 'B', 'A'];
    const def = machine('X', {
      X: {
        Type: 'Task',
        Resource: 'arn:aws:states:::lambda:invoke',
        Arguments: { retry: '{% $states.context.State.RetryCount %}' },
        End: true,
        Retry: [{ ErrorEquals: ['A'] }, { ErrorEquals: ['B'] }],
      },
    });
    const result = await runStateMachine(def, {
      taskHandlers: {
        X: (args, ctx) => {
          seen.push([ctx.retryCount, (args as { retry: unknown }).retry]);
          expect(ctx.context.State.RetryCount).toBe(ctx.retryCount);
          const e = errors[ctx.retryCount];
          if (e !== undefined) throw namedError(e);
          return 'done';
        },
      },
    });
    expect(result.output).toBe('done');
    expect(seen).toStrictEqual([
      [0, 0],
      [1, 1],
      [2, 2],
      [3, 3],
    ]);
  });

  it('counters reset when the state is entered again (Catch loops back)', async () => {
    const def = machine('X', {
      X: {
        Type: 'Task',
        Resource: 'arn:aws:states:::lambda:invoke',
        End: true,
        Retry: [{ ErrorEquals: ['E'], MaxAttempts: 1, IntervalSeconds: 3 }],
        Catch: [{ ErrorEquals: ['E'], Next: 'Again' }],
      },
      Again: { Type: 'Pass', Next: 'X' },
    });
    // Visit 1: E, E (retrier exhausted -> Catch). Visit 2: E (retried again: counter reset), then success.
    const result = await runStateMachine(def, { taskHandlers: { X: failingThenSucceeding(['E', 'E', 'E']) } });
    expect(result.status).toBe('SUCCEEDED');
    const visits = summarizeTaskAttempts(result.history);
    expect(visits.map((v) => v.attempts.length)).toStrictEqual([2, 2]);
    expect(visits.map((v) => v.waitsSeconds)).toStrictEqual([[3], [3]]);
    expect(visits[1]!.attempts[1]!.outcome).toBe('succeeded');
  });

  it('FULL jitter: waits stay within bounds and the same seed gives the same history', async () => {
    const def = machine('X', {
      X: {
        Type: 'Task',
        Resource: 'arn:aws:states:::lambda:invoke',
        End: true,
        Retry: [{ ErrorEquals: ['E'], IntervalSeconds: 4, MaxAttempts: 5, MaxDelaySeconds: 20, JitterStrategy: 'FULL' }],
      },
    });
    const run = (seed: number) => runStateMachine(def, { seed, taskHandlers: { X: failingThenSucceeding(['E', 'E', 'E', 'E', 'E']) } });
    const caps = [4, 8, 16, 20, 20];
    const a = await run(7);
    const waits = summarizeTaskAttempts(a.history)[0]!.waitsSeconds;
    waits.forEach((w, i) => {
      expect(w).toBeGreaterThanOrEqual(0);
      expect(w).toBeLessThanOrEqual(caps[i]!);
    });
    expect(new Set(waits.map((w, i) => w === caps[i])).has(false)).toBe(true);
    const b = await run(7);
    expect(withoutCauses(b.history)).toStrictEqual(withoutCauses(a.history));
    const c = await run(8);
    expect(summarizeTaskAttempts(c.history)[0]!.waitsSeconds).not.toStrictEqual(waits);
  });

  it('States.Runtime is neither retried nor caught, even by name', async () => {
    const def = machine('X', {
      X: {
        Type: 'Task',
        Resource: 'arn:aws:states:::lambda:invoke',
        End: true,
        Retry: [{ ErrorEquals: ['States.Runtime'] }],
        Catch: [{ ErrorEquals: ['States.ALL'], Next: 'Z' }],
      },
      Z: { Type: 'Succeed' },
    });
    const result = await runStateMachine(def, { taskHandlers: { X: failingThenSucceeding(['States.Runtime']) } });
    expect(result.status).toBe('FAILED');
    expect(result.error?.error).toBe('States.Runtime');
  });

  it('a Retry on a Parallel reruns all branches', async () => {
    let calls = 0;
    const def = machine('P', {
      P: {
        Type: 'Parallel',
        End: true,
        Retry: [{ ErrorEquals: ['E'], IntervalSeconds: 2 }],
        Branches: [
          { StartAt: 'A', States: { A: { Type: 'Task', Resource: 'arn:aws:states:::lambda:invoke', End: true } } },
          { StartAt: 'B', States: { B: { Type: 'Pass', Output: 'b', End: true } } },
        ],
      },
    });
    const result = await runStateMachine(def, {
      taskHandlers: { A: () => (calls++ === 0 ? Promise.reject(namedError('E')) : 'a') },
    });
    expect(result.output).toStrictEqual(['a', 'b']);
    expect(result.elapsedSeconds).toBe(2);
    expect(result.history.filter((e) => e.type === 'ParallelStateStarted')).toHaveLength(2);
  });
});
