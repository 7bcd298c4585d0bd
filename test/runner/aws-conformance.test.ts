/**
 * The runner against what AWS Step Functions recorded (reference/step-functions.md, "Errors AWS
 * reports"): JSONata evaluation errors with AWS's causes and EvaluationFailed events, Wait
 * Timestamp parsing, $range sequences, Fail without Error/Cause, Lambda function ARNs as
 * Resource, a caught failure inside a Parallel, per-state QueryLanguage, tolerated Map
 * failures and HeartbeatSeconds.
 */
import type { HistoryEvent } from '@aws-sdk/client-sfn';
import { describe, expect, it } from 'vitest';
import { runStateMachine, type TaskHandler } from '../../lib/runner/index.js';
import { eventTypes, machine, namedError } from './helpers.js';

const FUNCTION_ARN = 'arn:aws:lambda:us-east-1:123456789012:function:work';

/** Events without timestamps, for whole-history comparisons. */
function withoutTimestamps(history: readonly HistoryEvent[]): unknown[] {
  return history.map(({ timestamp: _timestamp, ...event }) => event);
}

describe('JSONata evaluation errors: States.QueryEvaluationError with AWS causes, EvaluationFailed then ExecutionFailed', () => {
  const prefix = (state: string, id: number) => `An error occurred while executing the state '${state}' (entered at the event id #${id}).`;

  it.each([
    {
      field: 'Output (whole field)',
      state: { Type: 'Pass', Output: '{% $doesNotExist %}', End: true },
      cause: `${prefix('State0', 2)} The JSONata expression '$doesNotExist' specified for the field 'Output' returned nothing (undefined).`,
      location: 'Output',
    },
    {
      field: 'Output/result (a key inside Output)',
      state: { Type: 'Pass', Output: { result: '{% $doesNotExist %}' }, End: true },
      cause: `${prefix('State0', 2)} The JSONata expression '$doesNotExist' specified for the field 'Output/result' returned nothing (undefined).`,
      location: 'Output/result',
    },
    {
      field: 'a nested key',
      state: { Type: 'Pass', Output: { a: { b: '{%  $states.input.missing  %}' } }, End: true },
      cause: `${prefix('State0', 2)} The JSONata expression '$states.input.missing' specified for the field 'Output/a/b' returned nothing (undefined).`,
      location: 'Output/a/b',
    },
    {
      field: 'Assign/x',
      state: { Type: 'Pass', Assign: { x: '{% $nope %}' }, End: true },
      cause: `${prefix('State0', 2)} The JSONata expression '$nope' specified for the field 'Assign/x' returned nothing (undefined).`,
      location: 'Assign/x',
    },
    {
      field: 'Items with the wrong type',
      state: { Type: 'Map', Items: '{% true %}', ItemProcessor: { StartAt: 'I', States: { I: { Type: 'Pass', End: true } } }, End: true },
      cause: `${prefix('State0', 2)} The JSONata expression 'true' specified for the field 'Items' returned an unexpected result type. Expected 'array', but was 'boolean' for value: true`,
      location: 'Items',
    },
    {
      field: 'a JSONata error',
      state: { Type: 'Pass', Output: { FunctionResult: '{% $notAFunction() %}' }, End: true },
      cause: `${prefix('State0', 2)} The JSONata expression '$notAFunction()' specified for the field 'Output/FunctionResult' threw an error during evaluation. T1006: Attempted to invoke a non-function`,
      location: 'Output/FunctionResult',
    },
    {
      field: 'a function as Items',
      state: { Type: 'Map', Items: '{% $f := function($x){$x} %}', ItemProcessor: { StartAt: 'I', States: { I: { Type: 'Pass', End: true } } }, End: true },
      cause: `${prefix('State0', 2)} The JSONata expression '$f := function($x){$x}' specified for the field 'Items' returned an unsupported result type.`,
      location: 'Items',
    },
    {
      field: 'a function inside an object',
      state: { Type: 'Pass', Output: '{% {"f": $string} %}', End: true },
      cause: `${prefix('State0', 2)} The JSONata expression '{"f": $string}' specified for the field 'Output' returned an unsupported result type.`,
      location: 'Output',
    },
  ])('$field', async ({ state, cause, location }) => {
    const result = await runStateMachine(machine('State0', { State0: state }));
    expect(result.status).toBe('FAILED');
    expect(result.error).toStrictEqual({ error: 'States.QueryEvaluationError', cause });
    expect(eventTypes(result.history).slice(-2)).toStrictEqual(['EvaluationFailed', 'ExecutionFailed']);
    expect(result.history.at(-2)).toMatchObject({
      id: 3,
      previousEventId: 2,
      evaluationFailedEventDetails: { error: 'States.QueryEvaluationError', cause, location, state: 'State0' },
    });
    expect(result.history.at(-1)!.executionFailedEventDetails).toStrictEqual({ error: 'States.QueryEvaluationError', cause });
  });

  it('a Map whose input is not an array: "Map state input must be an array but was: 1"', async () => {
    const def = machine('Map', { Map: { Type: 'Map', ItemProcessor: { StartAt: 'I', States: { I: { Type: 'Pass', End: true } } }, End: true } });
    const result = await runStateMachine(def, { input: 1 });
    expect(result.error).toStrictEqual({
      error: 'States.QueryEvaluationError',
      cause: "An error occurred while executing the state 'Map' (entered at the event id #2). Map state input must be an array but was: 1",
    });
    expect(eventTypes(result.history)).toStrictEqual(['ExecutionStarted', 'MapStateEntered', 'EvaluationFailed', 'ExecutionFailed']);
  });

  it('an undefined key in Arguments fails the Task before its call: the handler never runs', async () => {
    let calls = 0;
    const def = machine('Start', {
      Start: { Type: 'Pass', Next: 'Call' },
      Call: { Type: 'Task', Resource: 'arn:aws:states:::lambda:invoke', Arguments: { FunctionName: 'f', Payload: { id: '{% $states.input.id %}' } }, End: true },
    });
    const result = await runStateMachine(def, { taskHandlers: { Call: () => (calls += 1) } });
    expect(calls).toBe(0);
    expect(eventTypes(result.history)).toStrictEqual(['ExecutionStarted', 'PassStateEntered', 'PassStateExited', 'TaskStateEntered', 'EvaluationFailed', 'ExecutionFailed']);
    expect(result.error?.cause).toBe(
      "An error occurred while executing the state 'Call' (entered at the event id #4). The JSONata expression '$states.input.id' specified for the field 'Arguments/Payload/id' returned nothing (undefined).",
    );
  });

  it('an evaluation error inside a Parallel branch is recorded in the branch and fails the Parallel', async () => {
    const def = machine('P', {
      P: { Type: 'Parallel', End: true, Branches: [{ StartAt: 'B', States: { B: { Type: 'Pass', Output: '{% $missing %}', End: true } } }] },
    });
    const result = await runStateMachine(def);
    const cause =
      "An error occurred while executing the state 'B' (entered at the event id #4). The JSONata expression '$missing' specified for the field 'Output' returned nothing (undefined).";
    expect(eventTypes(result.history)).toStrictEqual([
      'ExecutionStarted',
      'ParallelStateEntered',
      'ParallelStateStarted',
      'PassStateEntered',
      'EvaluationFailed',
      'ParallelStateFailed',
      'ExecutionFailed',
    ]);
    expect(result.history[4]).toMatchObject({
      id: 5,
      previousEventId: 4,
      evaluationFailedEventDetails: { error: 'States.QueryEvaluationError', cause, location: 'Output', state: 'B' },
    });
    expect(result.history[6]!.executionFailedEventDetails).toStrictEqual({ error: 'States.QueryEvaluationError', cause });
  });

  it('a caught evaluation error goes to the catcher with the same error output', async () => {
    const def = machine('T', {
      T: {
        Type: 'Task',
        Resource: 'arn:aws:states:::lambda:invoke',
        Output: { v: '{% $states.result.missing %}' },
        Catch: [{ ErrorEquals: ['States.QueryEvaluationError'], Next: 'C' }],
        End: true,
      },
      C: { Type: 'Pass', End: true },
    });
    const result = await runStateMachine(def, { taskHandlers: { T: () => ({}) } });
    expect(result.status).toBe('SUCCEEDED');
    expect(result.output).toStrictEqual({
      Error: 'States.QueryEvaluationError',
      Cause:
        "An error occurred while executing the state 'T' (entered at the event id #2). The JSONata expression '$states.result.missing' specified for the field 'Output/v' returned nothing (undefined).",
    });
    expect(eventTypes(result.history)).toStrictEqual([
      'ExecutionStarted',
      'TaskStateEntered',
      'TaskScheduled',
      'TaskStarted',
      'TaskSucceeded',
      'EvaluationFailed',
      'TaskStateExited',
      'PassStateEntered',
      'PassStateExited',
      'ExecutionSucceeded',
    ]);
  });

  it('a Choice Condition that is not a boolean', async () => {
    const def = machine('C', { C: { Type: 'Choice', Choices: [{ Condition: '{% 1 %}', Next: 'D' }] }, D: { Type: 'Succeed' } });
    expect((await runStateMachine(def)).error?.cause).toBe(
      "An error occurred while executing the state 'C' (entered at the event id #2). The JSONata expression '1' specified for the field 'Condition' returned an unexpected result type. Expected 'boolean', but was 'number' for value: 1",
    );
  });
});

describe('Wait Timestamp: an ISO-8601 extended offset date-time', () => {
  it.each([
    { at: '2016-12-05T21:29:29Z', ok: true },
    { at: '2016-12-05T21:29:29.250+01:00', ok: true },
    { at: '2016-12-05T21:29Z', ok: true },
    { at: '2016-02-29T00:00:00-08:00', ok: true },
    { at: '2016-13-05T21:29:29Z', ok: false },
    { at: '2016-12-05 21:29:29Z', ok: false },
    { at: '2016-12-05T21:29:29', ok: false },
    { at: '2015-02-29T00:00:00Z', ok: false },
    { at: '2016-12-05T24:00:00Z', ok: false },
    { at: '2016-12-05T21:29:29+0100', ok: false },
    { at: '2016-12-05', ok: false },
  ])('$at: ok $ok', async ({ at, ok }) => {
    const result = await runStateMachine(machine('W', { W: { Type: 'Wait', Timestamp: '{% $states.input.at %}', End: true } }), { input: { at } });
    if (ok) {
      expect(result.status).toBe('SUCCEEDED');
      return;
    }
    expect(result.error).toStrictEqual({
      error: 'States.QueryEvaluationError',
      cause: `An error occurred while executing the state 'W' (entered at the event id #2). The Timestamp field cannot be parsed as an ISO-8601 extended offset date-time format string: ${at}`,
    });
    expect(eventTypes(result.history)).toStrictEqual(['ExecutionStarted', 'WaitStateEntered', 'EvaluationFailed', 'ExecutionFailed']);
  });

  it('waits until an offset timestamp on the virtual clock', async () => {
    const result = await runStateMachine(machine('W', { W: { Type: 'Wait', Timestamp: '2026-01-01T02:00:30+01:00', End: true } }));
    expect(result.elapsedSeconds).toBe(3630);
  });
});

describe('$range results are JSONata sequences', () => {
  it.each([
    { expression: '$range(1, 9, 9)', value: 1 },
    { expression: '[$range(1, 9, 9)]', value: [1] },
    { expression: '$range(1, 9, 9)[]', value: [1] },
    { expression: '$range(1, 3)', value: [1, 2, 3] },
    { expression: '$count($range(1, 9, 9))', value: 1 },
  ])('$expression gives $value', async ({ expression, value }) => {
    const result = await runStateMachine(machine('A', { A: { Type: 'Pass', Output: { v: `{% ${expression} %}` }, End: true } }));
    expect(result.output).toStrictEqual({ v: value });
  });
});

describe('Fail', () => {
  it('without Error and Cause: ExecutionFailed has no error or cause field', async () => {
    const result = await runStateMachine(machine('F', { F: { Type: 'Fail' } }));
    expect(result.status).toBe('FAILED');
    expect(result.error).toStrictEqual({});
    expect(withoutTimestamps(result.history)).toStrictEqual([
      { id: 1, previousEventId: 0, type: 'ExecutionStarted', executionStartedEventDetails: expect.any(Object) as unknown },
      { id: 2, previousEventId: 1, type: 'FailStateEntered', stateEnteredEventDetails: { name: 'F', input: '{}', inputDetails: { truncated: false } } },
      { id: 3, previousEventId: 2, type: 'ExecutionFailed', executionFailedEventDetails: {} },
    ]);
  });

  it('with Error only', async () => {
    const result = await runStateMachine(machine('F', { F: { Type: 'Fail', Error: 'Only.Error' } }));
    expect(result.history.at(-1)!.executionFailedEventDetails).toStrictEqual({ error: 'Only.Error' });
  });
});

describe('a Lambda function ARN as Resource records LambdaFunction* events', () => {
  it('scheduled, started, succeeded; the result is the function response itself', async () => {
    const def = machine('Work', { Work: { Type: 'Task', Resource: FUNCTION_ARN, Arguments: { n: 1 }, TimeoutSeconds: 30, End: true } });
    const result = await runStateMachine(def, { taskHandlers: { Work: (args) => ({ got: args }) } });
    expect(result.output).toStrictEqual({ got: { n: 1 } });
    expect(withoutTimestamps(result.history).slice(1)).toStrictEqual([
      { id: 2, previousEventId: 1, type: 'TaskStateEntered', stateEnteredEventDetails: { name: 'Work', input: '{}', inputDetails: { truncated: false } } },
      {
        id: 3,
        previousEventId: 2,
        type: 'LambdaFunctionScheduled',
        lambdaFunctionScheduledEventDetails: { resource: FUNCTION_ARN, input: '{"n":1}', inputDetails: { truncated: false }, timeoutInSeconds: 30 },
      },
      { id: 4, previousEventId: 3, type: 'LambdaFunctionStarted' },
      { id: 5, previousEventId: 4, type: 'LambdaFunctionSucceeded', lambdaFunctionSucceededEventDetails: { output: '{"got":{"n":1}}', outputDetails: { truncated: false } } },
      { id: 6, previousEventId: 5, type: 'TaskStateExited', stateExitedEventDetails: { name: 'Work', output: '{"got":{"n":1}}', outputDetails: { truncated: false } } },
      { id: 7, previousEventId: 6, type: 'ExecutionSucceeded', executionSucceededEventDetails: { output: '{"got":{"n":1}}', outputDetails: { truncated: false } } },
    ]);
  });

  it('a failure is LambdaFunctionFailed, retried by the Task Retry, then caught', async () => {
    const def = machine('Work', {
      Work: {
        Type: 'Task',
        Resource: FUNCTION_ARN,
        Retry: [{ ErrorEquals: ['Flaky'], IntervalSeconds: 2, MaxAttempts: 1 }],
        Catch: [{ ErrorEquals: ['States.ALL'], Next: 'Caught' }],
        End: true,
      },
      Caught: { Type: 'Pass', End: true },
    });
    const result = await runStateMachine(def, {
      taskHandlers: {
        Work: () => {
          throw namedError('Flaky', 'try again');
        },
      },
    });
    expect(eventTypes(result.history)).toStrictEqual([
      'ExecutionStarted',
      'TaskStateEntered',
      'LambdaFunctionScheduled',
      'LambdaFunctionStarted',
      'LambdaFunctionFailed',
      'LambdaFunctionScheduled',
      'LambdaFunctionStarted',
      'LambdaFunctionFailed',
      'TaskStateExited',
      'PassStateEntered',
      'PassStateExited',
      'ExecutionSucceeded',
    ]);
    const failed = result.history.find((event) => event.type === 'LambdaFunctionFailed')!.lambdaFunctionFailedEventDetails!;
    expect(failed.error).toBe('Flaky');
    expect(JSON.parse(failed.cause!)).toMatchObject({ errorType: 'Flaky', errorMessage: 'try again' });
    expect((result.history[5]!.timestamp!.getTime() - result.history[4]!.timestamp!.getTime()) / 1000).toBe(2);
  });

  it('a timeout is LambdaFunctionTimedOut with States.Timeout', async () => {
    const def = machine('Work', { Work: { Type: 'Task', Resource: FUNCTION_ARN, TimeoutSeconds: 5, End: true } });
    const result = await runStateMachine(def, { taskHandlers: { Work: async (_args, ctx) => ctx.clock.sleep(60) } });
    expect(eventTypes(result.history).slice(-2)).toStrictEqual(['LambdaFunctionTimedOut', 'ExecutionFailed']);
    expect(result.history.at(-2)!.lambdaFunctionTimedOutEventDetails?.error).toBe('States.Timeout');
  });

  it('the arn:aws:states:::lambda:invoke integration keeps Task* events', async () => {
    const def = machine('Work', { Work: { Type: 'Task', Resource: 'arn:aws:states:::lambda:invoke', Arguments: { FunctionName: FUNCTION_ARN }, End: true } });
    const result = await runStateMachine(def, { taskHandlers: { Work: () => ({}) } });
    expect(eventTypes(result.history)).toStrictEqual([
      'ExecutionStarted',
      'TaskStateEntered',
      'TaskScheduled',
      'TaskStarted',
      'TaskSucceeded',
      'TaskStateExited',
      'ExecutionSucceeded',
    ]);
  });
});

describe('a failure inside a Parallel', () => {
  const parallel = (catchers: unknown[]) =>
    machine('P', {
      P: {
        Type: 'Parallel',
        Branches: [
          { StartAt: 'Slow', States: { Slow: { Type: 'Task', Resource: FUNCTION_ARN, End: true } } },
          { StartAt: 'Boom', States: { Boom: { Type: 'Task', Resource: FUNCTION_ARN, End: true } } },
        ],
        ...(catchers.length === 0 ? {} : { Catch: catchers }),
        End: true,
      },
      ...(catchers.length === 0 ? {} : { Caught: { Type: 'Pass', End: true } }),
    });
  const handlers: Record<string, TaskHandler> = {
    Slow: async (_args, ctx) => {
      await ctx.clock.sleep(10);
      return 'slow';
    },
    Boom: () => {
      throw namedError('Boom');
    },
  };

  it('caught: the other branch’s running Task records TaskStateAborted, and there is no ParallelStateFailed', async () => {
    const result = await runStateMachine(parallel([{ ErrorEquals: ['Boom'], Next: 'Caught' }]), { taskHandlers: handlers });
    expect(result.status).toBe('SUCCEEDED');
    const types = eventTypes(result.history);
    // The two branches' events interleave; each branch's own chain is in order.
    expect([...types].sort()).toStrictEqual(
      [
        'ExecutionStarted',
        'ParallelStateEntered',
        'ParallelStateStarted',
        'TaskStateEntered',
        'LambdaFunctionScheduled',
        'LambdaFunctionStarted',
        'TaskStateEntered',
        'LambdaFunctionScheduled',
        'LambdaFunctionStarted',
        'LambdaFunctionFailed',
        'TaskStateAborted',
        'ParallelStateExited',
        'PassStateEntered',
        'PassStateExited',
        'ExecutionSucceeded',
      ].sort(),
    );
    expect(types.indexOf('TaskStateAborted')).toBeGreaterThan(types.indexOf('LambdaFunctionFailed'));
    expect(types.indexOf('ParallelStateExited')).toBeGreaterThan(types.indexOf('TaskStateAborted'));
    const slowEntered = result.history.find((event) => event.stateEnteredEventDetails?.name === 'Slow')!;
    const slowStarted = result.history.find((event) => event.type === 'LambdaFunctionStarted' && result.history[event.previousEventId! - 1]!.previousEventId === slowEntered.id)!;
    expect(result.history.find((event) => event.type === 'TaskStateAborted')!.previousEventId).toBe(slowStarted.id);
    expect(result.elapsedSeconds).toBe(0);
  });

  it('not caught: ParallelStateFailed, then ExecutionFailed with the branch’s error', async () => {
    const result = await runStateMachine(parallel([]), { taskHandlers: handlers });
    expect(eventTypes(result.history).slice(-3)).toStrictEqual(['TaskStateAborted', 'ParallelStateFailed', 'ExecutionFailed']);
    expect(result.error?.error).toBe('Boom');
  });
});

describe('QueryLanguage per state', () => {
  it('a machine without the top-level field whose states all say JSONata runs as JSONata', async () => {
    const def = {
      StartAt: 'A',
      States: {
        A: { Type: 'Pass', QueryLanguage: 'JSONata', Output: { n: '{% $states.input.n + 1 %}' }, Next: 'P' },
        P: {
          Type: 'Parallel',
          QueryLanguage: 'JSONata',
          Branches: [{ StartAt: 'B', States: { B: { Type: 'Pass', QueryLanguage: 'JSONata', Output: '{% $states.input.n * 10 %}', End: true } } }],
          End: true,
        },
      },
    };
    const result = await runStateMachine(def, { input: { n: 1 } });
    expect(result.output).toStrictEqual([20]);
  });
});

describe('inline Map ToleratedFailureCount / ToleratedFailurePercentage', () => {
  const failOdd: TaskHandler = (n) => {
    if ((n as number) % 2 === 1) throw namedError('Odd', `item ${String(n)}`);
    return n;
  };
  const map = (tolerance: Record<string, unknown>, items: number[]) =>
    machine('M', {
      M: {
        Type: 'Map',
        Items: items,
        MaxConcurrency: 1,
        ...tolerance,
        ItemProcessor: { StartAt: 'T', States: { T: { Type: 'Task', Resource: FUNCTION_ARN, End: true } } },
        End: true,
      },
    });

  it.each([
    { tolerance: { ToleratedFailureCount: 2 }, items: [0, 1, 2, 3], status: 'SUCCEEDED' },
    { tolerance: { ToleratedFailureCount: 1 }, items: [0, 1, 2, 3], status: 'FAILED' },
    { tolerance: { ToleratedFailurePercentage: 50 }, items: [0, 1, 2, 3], status: 'SUCCEEDED' },
    { tolerance: { ToleratedFailurePercentage: 49 }, items: [0, 1, 2, 3], status: 'FAILED' },
    { tolerance: { ToleratedFailureCount: 5, ToleratedFailurePercentage: 25 }, items: [0, 1, 2, 3], status: 'FAILED' },
    { tolerance: { ToleratedFailureCount: '{% 2 %}' }, items: [0, 1, 2, 3], status: 'SUCCEEDED' },
  ])('$tolerance over $items: $status', async ({ tolerance, items, status }) => {
    const result = await runStateMachine(map(tolerance, items), { taskHandlers: { T: failOdd } });
    expect(result.status).toBe(status);
    if (status === 'FAILED') {
      expect(result.error?.error).toBe('States.ExceedToleratedFailureThreshold');
      expect(eventTypes(result.history).slice(-2)).toStrictEqual(['MapStateFailed', 'ExecutionFailed']);
    }
  });

  it('tolerated failures: every iteration runs; a failed one’s output is its error output', async () => {
    const result = await runStateMachine(map({ ToleratedFailureCount: 2 }, [0, 1, 2, 3]), { taskHandlers: { T: failOdd } });
    const output = result.output as unknown[];
    expect(output[0]).toBe(0);
    expect(output[1]).toMatchObject({ Error: 'Odd' });
    expect(output[2]).toBe(2);
    expect(eventTypes(result.history).filter((type) => type.startsWith('MapIteration'))).toStrictEqual([
      'MapIterationStarted',
      'MapIterationSucceeded',
      'MapIterationStarted',
      'MapIterationFailed',
      'MapIterationStarted',
      'MapIterationSucceeded',
      'MapIterationStarted',
      'MapIterationFailed',
    ]);
  });

  it('exceeding the threshold stops the other iterations', async () => {
    const result = await runStateMachine(map({ ToleratedFailureCount: 0 }, [1, 2, 3]), { taskHandlers: { T: failOdd } });
    expect(eventTypes(result.history).filter((type) => type.startsWith('MapIteration'))).toStrictEqual(['MapIterationStarted', 'MapIterationFailed']);
  });
});

describe('Task HeartbeatSeconds', () => {
  const task = (extra: Record<string, unknown> = {}) =>
    machine('T', {
      T: { Type: 'Task', Resource: 'arn:aws:states:::lambda:invoke', HeartbeatSeconds: 10, TimeoutSeconds: 100, End: true, ...extra },
      ...('Catch' in extra ? { C: { Type: 'Pass', End: true } } : {}),
    });

  it('is recorded on TaskScheduled; a call that ends in time succeeds', async () => {
    const result = await runStateMachine(task(), { taskHandlers: { T: async (_args, ctx) => ctx.clock.sleep(9) } });
    expect(result.status).toBe('SUCCEEDED');
    expect(result.history[2]!.taskScheduledEventDetails).toMatchObject({ timeoutInSeconds: 100, heartbeatInSeconds: 10 });
  });

  it('no heartbeat within HeartbeatSeconds: TaskTimedOut with States.HeartbeatTimeout, which States.Timeout catches', async () => {
    const result = await runStateMachine(task({ Catch: [{ ErrorEquals: ['States.Timeout'], Next: 'C' }] }), { taskHandlers: { T: async (_args, ctx) => ctx.clock.sleep(30) } });
    expect(result.status).toBe('SUCCEEDED');
    const timedOut = result.history.find((event) => event.type === 'TaskTimedOut')!;
    expect(timedOut.taskTimedOutEventDetails?.error).toBe('States.HeartbeatTimeout');
    expect((timedOut.timestamp!.getTime() - result.history[0]!.timestamp!.getTime()) / 1000).toBe(10);
  });

  it('heartbeats sent by the handler keep the Task alive until TimeoutSeconds', async () => {
    const result = await runStateMachine(task(), {
      taskHandlers: {
        T: async (_args, ctx) => {
          for (let i = 0; i < 20; i += 1) {
            await ctx.clock.sleep(8);
            ctx.sendHeartbeat();
          }
        },
      },
    });
    expect(result.error?.error).toBe('States.Timeout');
    expect(result.elapsedSeconds).toBe(100);
  });

  it('States.TaskFailed does not catch a heartbeat timeout', async () => {
    const result = await runStateMachine(task({ Catch: [{ ErrorEquals: ['States.TaskFailed'], Next: 'C' }] }), { taskHandlers: { T: async (_args, ctx) => ctx.clock.sleep(30) } });
    expect(result.error?.error).toBe('States.HeartbeatTimeout');
  });
});

describe('a call that never settles, on the virtual clock', () => {
  // A hung call stops virtual time while it is busy; past its limit in real time (1 s here) it no
  // longer does, and the Task's own timer fails it at the virtual time it was due.
  const hang = (): Promise<never> => new Promise<never>(() => {});

  it.each([
    { limits: { TimeoutSeconds: 1 }, error: 'States.Timeout', at: 1 },
    { limits: { HeartbeatSeconds: 1, TimeoutSeconds: 50 }, error: 'States.HeartbeatTimeout', at: 1 },
  ])('with $limits: TaskTimedOut $error at +$at s (virtual), instead of the process ending with the run unsettled', async ({ limits, error, at }) => {
    const result = await runStateMachine(machine('T', { T: { Type: 'Task', Resource: 'arn:aws:states:::lambda:invoke', ...limits, End: true } }), { taskHandlers: { T: hang } });
    expect(result.status).toBe('FAILED');
    const timedOut = result.history.find((event) => event.type === 'TaskTimedOut')!;
    expect(timedOut.taskTimedOutEventDetails?.error).toBe(error);
    expect(result.elapsedSeconds).toBe(at);
  });

  it('a call that is busy longer in real time than TimeoutSeconds times out, as on AWS; other branches run meanwhile', async () => {
    const slow = async (): Promise<string> => {
      await new Promise((resolve) => setTimeout(resolve, 1_500));
      return 'late';
    };
    const result = await runStateMachine(
      machine('P', {
        P: {
          Type: 'Parallel',
          Branches: [
            { StartAt: 'Slow', States: { Slow: { Type: 'Task', Resource: 'arn:aws:states:::lambda:invoke', TimeoutSeconds: 1, End: true } } },
            { StartAt: 'Wait', States: { Wait: { Type: 'Wait', Seconds: 3600, End: true } } },
          ],
          Catch: [{ ErrorEquals: ['States.Timeout'], Next: 'Caught' }],
          End: true,
        },
        Caught: { Type: 'Pass', Output: '{% $states.input.Error %}', End: true },
      }),
      { taskHandlers: { Slow: slow } },
    );
    expect(result.status).toBe('SUCCEEDED');
    expect(result.output).toBe('States.Timeout');
    // The Parallel fails when its Task times out at +1 s; the Wait branch is stopped then.
    expect(result.elapsedSeconds).toBe(1);
  });

  it('a call left hanging when its Task times out on the virtual clock leaves no timer behind (the process can exit)', async () => {
    const timers = (): number => process.getActiveResourcesInfo().filter((kind) => kind === 'Timeout').length;
    const before = timers();
    // The handler sleeps past TimeoutSeconds: the Task times out at +100 s (virtual) and the sleep never ends.
    const result = await runStateMachine(machine('T', { T: { Type: 'Task', Resource: 'arn:aws:states:::lambda:invoke', TimeoutSeconds: 100, End: true } }), {
      taskHandlers: { T: async (_args, ctx) => ctx.clock.sleep(4_000) },
    });
    expect(result.error?.error).toBe('States.Timeout');
    expect(result.elapsedSeconds).toBe(100);
    expect(timers()).toBe(before);
  });

  it('a call that settles within its limit holds virtual time as before: a 1 ms real call with TimeoutSeconds 1 succeeds at +0 s', async () => {
    const quick = async (): Promise<string> => {
      await new Promise((resolve) => setTimeout(resolve, 1));
      return 'done';
    };
    const result = await runStateMachine(machine('T', { T: { Type: 'Task', Resource: 'arn:aws:states:::lambda:invoke', TimeoutSeconds: 1, End: true } }), {
      taskHandlers: { T: quick },
    });
    expect(result.status).toBe('SUCCEEDED');
    expect(result.elapsedSeconds).toBe(0);
  });
});
