/**
 * Cross-check of retry WAITS against aws-local-stepfunctions (JSONPath only, real-time waits):
 * its timers run on vitest's fake clock, so each attempt's start time is exact and the test
 * takes no wall time. The same machines in JSONata must give our runner the same waits.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { runStateMachine } from '../../lib/runner/index.js';
import { namedError } from './helpers.js';
import { StateMachine } from '../support/aws-local-stepfunctions.js';

const lambda = 'arn:aws:lambda:us-east-1:123456789012:function:op';

/** A handler that throws the listed names in turn, then succeeds, recording each attempt's start (ms). */
function createScriptedTask(errors: readonly string[], now: () => number, starts: number[]): () => Promise<string> {
  let call = 0;
  return async () => {
    starts.push(now());
    const name = errors[call++];
    if (name !== undefined) throw namedError(name);
    return 'ok';
  };
}

function toWaits(starts: readonly number[]): number[] {
  return starts.slice(1).map((start, index) => (start - starts[index]!) / 1000);
}

async function measureTheirWaits(states: Record<string, unknown>, errors: readonly string[]): Promise<number[]> {
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
  const starts: number[] = [];
  const machine = new StateMachine({ StartAt: 'X', States: structuredClone(states) } as never, { validationOptions: { checkArn: false } });
  const execution = machine.run({}, { overrides: { taskResourceLocalHandlers: { X: createScriptedTask(errors, Date.now, starts) } } });
  let settled = false;
  const done = execution.result
    .then(
      () => undefined,
      () => undefined,
    )
    .finally(() => {
      settled = true;
    });
  for (let step = 0; !settled && step < 1000; step += 1) await vi.advanceTimersToNextTimerAsync();
  await done;
  return toWaits(starts);
}

async function measureOurWaits(states: Record<string, unknown>, errors: readonly string[]): Promise<number[]> {
  const starts: number[] = [];
  let task: (() => Promise<string>) | undefined;
  await runStateMachine(
    { QueryLanguage: 'JSONata', StartAt: 'X', States: structuredClone(states) },
    {
      taskHandlers: {
        X: (_args, context) => {
          task ??= createScriptedTask(errors, () => context.clock.now(), starts);
          return task();
        },
      },
    },
  );
  return toWaits(starts);
}

afterEach(() => {
  vi.useRealTimers();
});

const cases = [
  {
    name: 'developer guide example: A, B, C, B -> waits 1, 2, 5 s, then Catch',
    retry: [
      { ErrorEquals: ['ErrorA', 'ErrorB'], IntervalSeconds: 1, BackoffRate: 2, MaxAttempts: 2 },
      { ErrorEquals: ['ErrorC'], IntervalSeconds: 5 },
    ],
    errors: ['ErrorA', 'ErrorB', 'ErrorC', 'ErrorB'],
    expected: [1, 2, 5],
  },
  {
    name: 'fractional backoff: interval 2, rate 1.5 -> 2, 3, 4.5 s',
    retry: [{ ErrorEquals: ['E'], IntervalSeconds: 2, BackoffRate: 1.5, MaxAttempts: 3 }],
    errors: ['E', 'E', 'E'],
    expected: [2, 3, 4.5],
  },
  {
    name: 'MaxDelaySeconds caps: interval 2, rate 3, cap 5 -> 2, 5, 5, 5 s',
    retry: [{ ErrorEquals: ['E'], IntervalSeconds: 2, BackoffRate: 3, MaxAttempts: 4, MaxDelaySeconds: 5 }],
    errors: ['E', 'E', 'E', 'E'],
    expected: [2, 5, 5, 5],
  },
  {
    name: 'defaults: interval 1, rate 2, 3 attempts -> 1, 2, 4 s',
    retry: [{ ErrorEquals: ['States.ALL'] }],
    errors: ['E', 'E', 'E', 'E'],
    expected: [1, 2, 4],
  },
];

describe('retry waits cross-checked with aws-local-stepfunctions', () => {
  it.each(cases)('$name', async ({ retry, errors, expected }) => {
    const states = {
      X: { Type: 'Task', Resource: lambda, End: true, Retry: retry, Catch: [{ ErrorEquals: ['States.ALL'], Next: 'Caught' }] },
      Caught: { Type: 'Pass', End: true },
    };
    const theirs = await measureTheirWaits(states, errors);
    const ours = await measureOurWaits(states, errors);
    expect(theirs).toStrictEqual(expected);
    expect(ours).toStrictEqual(theirs);
  });
});
