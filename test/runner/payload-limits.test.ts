import { describe, expect, it } from 'vitest';
import { runStateMachine } from '../../lib/runner/index.js';
import { ExecutionInputTooLargeError, MAX_PAYLOAD_BYTES } from '../../lib/runner/evaluate/payload-limit.js';
import { machine } from './helpers.js';

const LAMBDA = 'arn:aws:states:::lambda:invoke';
/** A JSONata string of `n` characters: its JSON is n + 2 bytes. */
const pad = (n: number): string => `$pad('', ${n}, 'y')`;
/** 150,000 characters: two of them are over the limit together, one is not. */
const HALF = pad(150_000);

/** Hand-written definitions that go over 256 KiB where Step Functions checks, each behind a States.ALL catcher that must not take it. */
const overLimit: { where: string; states: Record<string, unknown>; handlers?: Record<string, () => unknown>; error: RegExp }[] = [
  {
    where: "a Task's parameters (a join whose two inputs total 300 KB)",
    states: {
      Init: { Type: 'Pass', Assign: { a: `{% ${HALF} %}` }, Next: 'Init2' },
      Init2: { Type: 'Pass', Assign: { b: `{% ${HALF} %}` }, Next: 'Join' },
      Join: { Type: 'Task', Resource: LAMBDA, Arguments: { Payload: { inputs: '{% [$a, $b] %}' } }, Catch: [{ ErrorEquals: ['States.ALL'], Next: 'Caught' }], End: true },
      Caught: { Type: 'Succeed' },
    },
    handlers: {
      Join: () => {
        throw new Error('the Task must not be called with parameters over the limit');
      },
    },
    error: /^The state\/task 'Join' has an input \(its evaluated Arguments\) of 300\d{3} bytes, exceeding/,
  },
  {
    where: "a Parallel's result (two branches of 150 KB), even when its Output keeps little",
    states: {
      Init: {
        Type: 'Parallel',
        Branches: [0, 1].map((k) => ({ StartAt: `B${k}`, States: { [`B${k}`]: { Type: 'Pass', Output: `{% ${HALF} %}`, End: true } } })),
        Output: '{% $count($states.result) %}',
        Catch: [{ ErrorEquals: ['States.ALL'], Next: 'Caught' }],
        End: true,
      },
      Caught: { Type: 'Succeed' },
    },
    error: /^The state\/task 'Init' returned a result with a size exceeding/,
  },
  {
    where: "a Map's result (two iterations of 150 KB)",
    states: {
      Init: {
        Type: 'Map',
        Items: '{% [1, 2] %}',
        ItemProcessor: { ProcessorConfig: { Mode: 'INLINE' }, StartAt: 'B', States: { B: { Type: 'Pass', Output: `{% ${HALF} %}`, End: true } } },
        Output: '{% 1 %}',
        Catch: [{ ErrorEquals: ['States.ALL'], Next: 'Caught' }],
        End: true,
      },
      Caught: { Type: 'Succeed' },
    },
    error: /^The state\/task 'Init' returned a result with a size exceeding/,
  },
  {
    where: 'one assigned variable',
    states: { Init: { Type: 'Pass', Assign: { big: `{% ${pad(MAX_PAYLOAD_BYTES)} %}` }, End: true } },
    error: /^The state 'Init' assigned variable 'big' a value of 262146 bytes/,
  },
  {
    where: "one Assign's variables together",
    states: { Init: { Type: 'Pass', Assign: { a: `{% ${HALF} %}`, b: `{% ${HALF} %}` }, End: true } },
    error: /^The state 'Init' assigned variables of 300004 bytes together \(a, b\)/,
  },
  {
    where: "a Task's result",
    states: { Init: { Type: 'Task', Resource: LAMBDA, Catch: [{ ErrorEquals: ['States.ALL'], Next: 'Caught' }], End: true }, Caught: { Type: 'Succeed' } },
    handlers: { Init: () => 'x'.repeat(MAX_PAYLOAD_BYTES - 1) },
    error: /^The state\/task 'Init' returned a result with a size exceeding/,
  },
  {
    where: "a state's output",
    states: { Init: { Type: 'Pass', Output: `{% ${pad(MAX_PAYLOAD_BYTES)} %}`, End: true } },
    error: /^The state\/task 'Init' returned an output with a size exceeding/,
  },
];

describe('the local runner enforces Step Functions payload limits where AWS does', () => {
  it.each(overLimit)('fails with States.DataLimitExceeded over 256 KiB in $where; States.ALL does not catch it', async ({ states, handlers, error }) => {
    const result = await runStateMachine(machine('Init', states), { taskHandlers: handlers ?? {} });
    expect(result.status).toBe('FAILED');
    expect(result.error?.error).toBe('States.DataLimitExceeded');
    expect(result.error?.cause).toMatch(error);
    expect(result.history.at(-1)?.type).toBe('ExecutionFailed');
  });

  it('a Catch naming States.DataLimitExceeded takes it', async () => {
    const states = structuredClone(overLimit[0]!.states) as { Join: { Catch: unknown[] } };
    states.Join.Catch = [{ ErrorEquals: ['States.DataLimitExceeded'], Next: 'Caught' }];
    const result = await runStateMachine(machine('Init', states), { taskHandlers: overLimit[0]!.handlers! });
    expect(result.status).toBe('SUCCEEDED');
  });

  it.each([
    [MAX_PAYLOAD_BYTES - 2, 'SUCCEEDED'],
    [MAX_PAYLOAD_BYTES - 1, 'FAILED'],
  ])('draws the line at 262,144 bytes of JSON: a Task result string of %i characters %s', async (characters, status) => {
    const def = machine('T', { T: { Type: 'Task', Resource: LAMBDA, Output: '{% 1 %}', End: true } });
    const result = await runStateMachine(def, { taskHandlers: { T: () => 'x'.repeat(characters) } });
    expect(result.status).toBe(status);
  });

  it('refuses an execution input over 256 KiB before any execution starts, as StartExecution does', async () => {
    const def = machine('P', { P: { Type: 'Pass', End: true } });
    await expect(runStateMachine(def, { input: { data: 'x'.repeat(MAX_PAYLOAD_BYTES) } })).rejects.toThrow(ExecutionInputTooLargeError);
    await expect(runStateMachine(def, { input: { data: 'x'.repeat(MAX_PAYLOAD_BYTES) } })).rejects.toThrow(/^the execution input is 262155 bytes of JSON/);
  });

  it('fails the execution when its output is over 256 KiB', async () => {
    const def = machine('T', { T: { Type: 'Task', Resource: LAMBDA, Output: `{% ${HALF} & $states.result %}`, End: true } });
    const result = await runStateMachine(def, { taskHandlers: { T: () => 'z'.repeat(120_000) } });
    expect(result.error?.error).toBe('States.DataLimitExceeded');
  });
});
