import { describe, expect, it } from 'vitest';
import { runStateMachine, VIRTUAL_EPOCH_MS } from '../../lib/runner/index.js';
import { eventTypes, machine, secondsSinceStart } from './helpers.js';

describe('Pass, Succeed, Fail', () => {
  it('Pass outputs its input by default, or Output', async () => {
    const def = machine('A', {
      A: { Type: 'Pass', Next: 'B' },
      B: { Type: 'Pass', Output: { doubled: '{% $states.input.n * 2 %}', fixed: [1, '{% "x" %}'] }, End: true },
    });
    const result = await runStateMachine(def, { input: { n: 21 } });
    expect(result.output).toStrictEqual({ doubled: 42, fixed: [1, 'x'] });
    expect(eventTypes(result.history)).toStrictEqual(['ExecutionStarted', 'PassStateEntered', 'PassStateExited', 'PassStateEntered', 'PassStateExited', 'ExecutionSucceeded']);
  });

  it('the execution input defaults to {} and history ids run 1..n with previousEventId', async () => {
    const result = await runStateMachine(machine('A', { A: { Type: 'Succeed' } }));
    expect(result.output).toStrictEqual({});
    expect(result.history.map((e) => [e.id, e.previousEventId])).toStrictEqual([
      [1, 0],
      [2, 1],
      [3, 2],
      [4, 3],
    ]);
    expect(result.history[0]!.timestamp).toStrictEqual(new Date(VIRTUAL_EPOCH_MS));
    expect(result.history[1]!.stateEnteredEventDetails).toStrictEqual({ name: 'A', input: '{}', inputDetails: { truncated: false } });
  });

  it('Fail fails the execution with Error and Cause (JSONata allowed)', async () => {
    const def = machine('F', { F: { Type: 'Fail', Error: '{% "Custom." & $states.input.kind %}', Cause: 'it broke' } });
    const result = await runStateMachine(def, { input: { kind: 'Oops' } });
    expect(result.status).toBe('FAILED');
    expect(result.error).toStrictEqual({ error: 'Custom.Oops', cause: 'it broke' });
    expect(eventTypes(result.history)).toStrictEqual(['ExecutionStarted', 'FailStateEntered', 'ExecutionFailed']);
    expect(result.history[2]!.executionFailedEventDetails).toStrictEqual({ error: 'Custom.Oops', cause: 'it broke' });
  });
});

describe('Choice', () => {
  const def = machine('C', {
    C: {
      Type: 'Choice',
      Choices: [
        { Condition: '{% $states.input.n > 10 %}', Next: 'Big', Output: { size: 'big' } },
        { Condition: '{% $states.input.n > 5 %}', Next: 'Medium' },
      ],
      Default: 'Small',
    },
    Big: { Type: 'Succeed' },
    Medium: { Type: 'Succeed' },
    Small: { Type: 'Pass', Output: 'small', End: true },
  });

  it.each([
    { n: 11, output: { size: 'big' } },
    { n: 6, output: { n: 6 } },
    { n: 1, output: 'small' },
  ])('n = $n goes to the first matching rule, else Default', async ({ n, output }) => {
    const result = await runStateMachine(def, { input: { n } });
    expect(result.output).toStrictEqual(output);
  });

  it('fails with States.NoChoiceMatched when nothing matches and there is no Default', async () => {
    const noDefault = machine('C', { C: { Type: 'Choice', Choices: [{ Condition: '{% false %}', Next: 'D' }] }, D: { Type: 'Succeed' } });
    const result = await runStateMachine(noDefault);
    expect(result.error?.error).toBe('States.NoChoiceMatched');
  });

  it('fails with States.QueryEvaluationError when a Condition is not a boolean', async () => {
    const bad = machine('C', { C: { Type: 'Choice', Choices: [{ Condition: '{% 1 %}', Next: 'D' }] }, D: { Type: 'Succeed' } });
    expect((await runStateMachine(bad)).error?.error).toBe('States.QueryEvaluationError');
  });
});

describe('Wait', () => {
  it.each([
    { name: 'Seconds', wait: { Seconds: 90 }, elapsed: 90 },
    { name: 'Seconds 0', wait: { Seconds: 0 }, elapsed: 0 },
    { name: 'Seconds from JSONata', wait: { Seconds: '{% $states.input.s %}' }, elapsed: 7 },
    { name: 'Timestamp', wait: { Timestamp: '2026-01-01T01:00:00Z' }, elapsed: 3600 },
    { name: 'Timestamp in the past', wait: { Timestamp: '2020-01-01T00:00:00Z' }, elapsed: 0 },
    { name: 'Timestamp from JSONata', wait: { Timestamp: '{% $states.input.at %}' }, elapsed: 30 },
  ])('$name: virtual elapsed seconds are exact', async ({ wait, elapsed }) => {
    const started = Date.now();
    const result = await runStateMachine(machine('W', { W: { Type: 'Wait', ...wait, End: true } }), {
      input: { s: 7, at: '2026-01-01T00:00:30Z' },
    });
    expect(result.status).toBe('SUCCEEDED');
    expect(result.elapsedSeconds).toBe(elapsed);
    expect(secondsSinceStart(result.history, result.history.at(-1)!)).toBe(elapsed);
    expect(Date.now() - started).toBeLessThan(1000);
  });

  it('fails with States.QueryEvaluationError when Seconds is not a non-negative integer', async () => {
    const result = await runStateMachine(machine('W', { W: { Type: 'Wait', Seconds: '{% -1 %}', End: true } }));
    expect(result.error?.error).toBe('States.QueryEvaluationError');
  });
});

describe('variables', () => {
  it('Assign sees the variables as they were before the state; later states see the new values', async () => {
    const def = machine('A', {
      A: { Type: 'Pass', Assign: { x: 1, y: 10 }, Next: 'B' },
      B: { Type: 'Pass', Assign: { x: '{% $x + 1 %}', y: '{% $x %}' }, Output: { x: '{% $x %}' }, Next: 'C' },
      C: { Type: 'Pass', Output: { x: '{% $x %}', y: '{% $y %}' }, End: true },
    });
    const result = await runStateMachine(def);
    // B's Output and Assign both saw x = 1.
    expect(result.history.find((e) => e.stateExitedEventDetails?.name === 'B')!.stateExitedEventDetails).toStrictEqual({
      name: 'B',
      output: '{"x":1}',
      outputDetails: { truncated: false },
      assignedVariables: { x: '2', y: '1' },
      assignedVariablesDetails: { truncated: false },
    });
    expect(result.output).toStrictEqual({ x: 2, y: 1 });
  });

  it('Parallel branches and Map iterations read outer variables; their assignments do not leak out', async () => {
    const def = machine('Init', {
      Init: { Type: 'Pass', Assign: { outer: 'o', shared: 0 }, Next: 'P' },
      P: {
        Type: 'Parallel',
        Next: 'M',
        Branches: [
          {
            StartAt: 'B1',
            States: {
              B1: { Type: 'Pass', Assign: { shared: 1, inner: 'b1' }, Next: 'B1b' },
              B1b: { Type: 'Pass', Output: { outer: '{% $outer %}', shared: '{% $shared %}', inner: '{% $inner %}' }, End: true },
            },
          },
          { StartAt: 'B2', States: { B2: { Type: 'Pass', Output: { shared: '{% $shared %}' }, End: true } } },
        ],
      },
      M: {
        Type: 'Map',
        Items: [1, 2],
        Next: 'After',
        ItemProcessor: {
          StartAt: 'I1',
          States: {
            I1: { Type: 'Pass', Assign: { shared: '{% $states.input * 100 %}' }, Next: 'I2' },
            I2: { Type: 'Pass', Output: '{% $shared + ($outer = "o" ? 1 : 0) %}', End: true },
          },
        },
        Assign: { fromMap: '{% $states.result %}' },
      },
      After: { Type: 'Pass', Output: { shared: '{% $shared %}', fromMap: '{% $fromMap %}', inner: '{% $exists($inner) %}' }, End: true },
    });
    const result = await runStateMachine(def);
    const parallelOutput = JSON.parse(result.history.find((e) => e.type === 'ParallelStateExited')!.stateExitedEventDetails!.output!) as unknown;
    expect(parallelOutput).toStrictEqual([{ outer: 'o', shared: 1, inner: 'b1' }, { shared: 0 }]);
    expect(result.output).toStrictEqual({ shared: 0, fromMap: [101, 201], inner: false });
  });

  it('a catcher Output and Assign see $states.errorOutput; its default output is the error output', async () => {
    const def = machine('F', {
      F: {
        Type: 'Parallel',
        Branches: [{ StartAt: 'X', States: { X: { Type: 'Fail', Error: 'Boom', Cause: 'why' } } }],
        Catch: [{ ErrorEquals: ['Boom'], Next: 'Caught', Assign: { err: '{% $states.errorOutput.Error %}' } }],
        End: true,
      },
      Caught: { Type: 'Pass', Output: { input: '{% $states.input %}', err: '{% $err %}' }, End: true },
    });
    const result = await runStateMachine(def);
    expect(result.output).toStrictEqual({ input: { Error: 'Boom', Cause: 'why' }, err: 'Boom' });
  });

  it('$states.context carries execution, state machine and state fields', async () => {
    const def = machine('W', {
      W: { Type: 'Wait', Seconds: 5, Next: 'Ctx' },
      Ctx: { Type: 'Pass', Output: '{% $states.context %}', End: true },
    });
    const result = await runStateMachine(def, {
      input: { a: 1 },
      executionName: 'exec-1',
      stateMachineArn: 'arn:aws:states:eu-west-1:111122223333:stateMachine:Pipeline',
    });
    expect(result.output).toStrictEqual({
      Execution: {
        Id: 'arn:aws:states:eu-west-1:111122223333:execution:Pipeline:exec-1',
        Input: { a: 1 },
        Name: 'exec-1',
        RoleArn: 'arn:aws:iam::123456789012:role/stepops-local-execution-role',
        StartTime: '2026-01-01T00:00:00.000Z',
        RedriveCount: 0,
      },
      StateMachine: { Id: 'arn:aws:states:eu-west-1:111122223333:stateMachine:Pipeline', Name: 'Pipeline' },
      State: { EnteredTime: '2026-01-01T00:00:05.000Z', Name: 'Ctx', RetryCount: 0 },
    });
  });

  it('the default execution name is a UUID derived from the seed', async () => {
    const def = machine('A', { A: { Type: 'Pass', Output: '{% $states.context.Execution.Name %}', End: true } });
    const a = await runStateMachine(def, { seed: 3 });
    const b = await runStateMachine(def, { seed: 3 });
    const c = await runStateMachine(def, { seed: 4 });
    expect(a.output).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(b.output).toBe(a.output);
    expect(c.output).not.toBe(a.output);
  });
});

describe('execution TimeoutSeconds', () => {
  it('stops the execution with States.Timeout at the deadline', async () => {
    const def = machine('W', { W: { Type: 'Wait', Seconds: 100, End: true } }, { TimeoutSeconds: 30 });
    const result = await runStateMachine(def);
    expect(result.status).toBe('FAILED');
    expect(result.error?.error).toBe('States.Timeout');
    expect(result.elapsedSeconds).toBe(30);
    expect(eventTypes(result.history)).toStrictEqual(['ExecutionStarted', 'WaitStateEntered', 'WaitStateAborted', 'ExecutionTimedOut']);
  });
});

describe('Assign as one expression', () => {
  it.each([
    { assign: '{% {"a": $states.input.n, "b": "x"} %}', status: 'SUCCEEDED', output: { a: 3, b: 'x' } },
    { assign: '{% [1, 2] %}', status: 'FAILED', output: undefined },
  ])('Assign $assign -> $status', async ({ assign, status, output }) => {
    const def = machine('A', {
      A: { Type: 'Pass', Assign: assign, Next: 'B' },
      B: { Type: 'Pass', Output: { a: '{% $a %}', b: '{% $b %}' }, End: true },
    });
    const result = await runStateMachine(def, { input: { n: 3 } });
    expect(result.status).toBe(status);
    expect(result.output).toStrictEqual(output);
    if (status === 'FAILED') expect(result.error?.error).toBe('States.QueryEvaluationError');
  });
});
