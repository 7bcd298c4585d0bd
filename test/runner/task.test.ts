import { describe, expect, it } from 'vitest';
import { runStateMachine } from '../../lib/runner/index.js';
import { MAX_CAUSE_LENGTH, MAX_ERROR_LENGTH, toTaskFailure } from '../../lib/runner/integrations/task-failure.js';
import { eventTypes, machine, namedError } from './helpers.js';

class PlainSubclass extends Error {}
class NamedSubclass extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'Custom.Named';
  }
}

describe('toTaskFailure (Lambda Node.js runtime rules)', () => {
  it.each([
    { name: 'Error', thrown: new Error('m'), error: 'Error', message: 'm' },
    { name: 'subclass without name', thrown: new PlainSubclass('m'), error: 'Error', message: 'm' },
    { name: 'subclass with name', thrown: new NamedSubclass('m'), error: 'Custom.Named', message: 'm' },
    { name: 'TypeError', thrown: new TypeError('t'), error: 'TypeError', message: 't' },
    { name: 'string', thrown: 'boom', error: 'string', message: 'boom' },
    { name: 'number', thrown: 42, error: 'number', message: '42' },
    { name: 'plain object', thrown: { a: 1 }, error: 'object', message: '[object Object]' },
    { name: 'undefined', thrown: undefined, error: 'undefined', message: 'undefined' },
  ])('$name -> Error $error', ({ thrown, error, message }) => {
    const failure = toTaskFailure(thrown);
    expect(failure.error).toBe(error);
    const cause = JSON.parse(failure.cause) as { errorType: string; errorMessage: string; trace: string[] };
    expect(Object.keys(cause)).toStrictEqual(['errorType', 'errorMessage', 'trace']);
    expect(cause.errorType).toBe(error);
    expect(cause.errorMessage).toBe(message);
    expect(Array.isArray(cause.trace)).toBe(true);
  });

  it('uses stepFunctionsCause verbatim as the Cause', () => {
    const e = Object.assign(namedError('Op.Failed', 'x'), { stepFunctionsCause: '{"op":"a"}' });
    expect(toTaskFailure(e)).toStrictEqual({ error: 'Op.Failed', cause: '{"op":"a"}' });
  });

  it.each([
    { name: 'an Error', thrown: () => Object.assign(new Error('x'), { name: 'Op.Failed' }), error: 'Op.Failed' },
    { name: 'a non-Error value', thrown: () => ({ message: 'x' }), error: 'object' },
    { name: 'an error-shaped object', thrown: () => ({ name: 'Shaped', message: 'x', stack: 'Shaped: x' }), error: 'Shaped' },
    { name: 'a name with DEL', thrown: () => Object.assign(new Error('x'), { name: 'A\x7FB' }), error: 'A%7FB' },
  ])('with stepFunctionsCause, $name keeps its Error and the Cause verbatim', ({ thrown, error }) => {
    expect(toTaskFailure(Object.assign(thrown(), { stepFunctionsCause: 'given' }))).toStrictEqual({ error, cause: 'given' });
  });

  it('with stepFunctionsCause, never reads the stack (V8 would format it for nothing)', () => {
    let reads = 0;
    const e = Object.defineProperty(Object.assign(new Error('x'), { name: 'Op.Failed', stepFunctionsCause: 'c' }), 'stack', {
      get: () => {
        reads += 1;
        return 'Op.Failed: x';
      },
    });
    expect(toTaskFailure(e)).toStrictEqual({ error: 'Op.Failed', cause: 'c' });
    expect(reads).toBe(0);
    toTaskFailure(Object.assign(e, { stepFunctionsCause: undefined }));
    expect(reads).toBe(1);
  });

  it('cuts Error to 256 and Cause to 32,768 characters', () => {
    const e = Object.assign(namedError('E'.repeat(300)), { stepFunctionsCause: 'c'.repeat(40_000) });
    const failure = toTaskFailure(e);
    expect(failure.error).toHaveLength(MAX_ERROR_LENGTH);
    expect(failure.cause).toHaveLength(MAX_CAUSE_LENGTH);
  });
});

describe('Task', () => {
  it('records Entered, Scheduled, Started, Succeeded, Exited with details', async () => {
    const def = machine('T', {
      T: {
        Type: 'Task',
        Resource: 'arn:aws:states:::lambda:invoke',
        Arguments: { FunctionName: 'f', Payload: '{% $states.input %}' },
        Output: '{% $states.result.v %}',
        End: true,
      },
    });
    const result = await runStateMachine(def, { input: { a: 1 }, taskHandlers: { T: () => ({ v: 5 }) } });
    expect(result.output).toBe(5);
    expect(eventTypes(result.history)).toStrictEqual([
      'ExecutionStarted',
      'TaskStateEntered',
      'TaskScheduled',
      'TaskStarted',
      'TaskSucceeded',
      'TaskStateExited',
      'ExecutionSucceeded',
    ]);
    expect(result.history[2]!.taskScheduledEventDetails).toStrictEqual({
      resourceType: 'lambda',
      resource: 'invoke',
      region: 'us-east-1',
      parameters: '{"FunctionName":"f","Payload":{"a":1}}',
    });
    expect(result.history[4]!.taskSucceededEventDetails).toStrictEqual({
      resourceType: 'lambda',
      resource: 'invoke',
      output: '{"v":5}',
      outputDetails: { truncated: false },
    });
  });

  it('a handler that sleeps past TimeoutSeconds fails with States.Timeout at the deadline', async () => {
    const def = machine('T', {
      T: {
        Type: 'Task',
        Resource: 'arn:aws:states:::lambda:invoke',
        TimeoutSeconds: 10,
        End: true,
        Retry: [{ ErrorEquals: ['States.Timeout'], MaxAttempts: 1, IntervalSeconds: 1 }],
      },
    });
    const result = await runStateMachine(def, {
      taskHandlers: {
        T: async (_a, ctx) => {
          await ctx.clock.sleep(60);
          return 'late';
        },
      },
    });
    expect(result.error?.error).toBe('States.Timeout');
    expect(result.elapsedSeconds).toBe(21);
    expect(eventTypes(result.history).filter((t) => t === 'TaskTimedOut')).toHaveLength(2);
  });

  it('a handler that finishes before TimeoutSeconds succeeds, and the timer does not move time', async () => {
    const def = machine('T', { T: { Type: 'Task', Resource: 'arn:aws:states:::lambda:invoke', TimeoutSeconds: '{% 100 %}', End: true } });
    const result = await runStateMachine(def, {
      taskHandlers: {
        T: async (_a, ctx) => {
          await ctx.clock.sleep(99);
          return 'ok';
        },
      },
    });
    expect(result.output).toBe('ok');
    expect(result.elapsedSeconds).toBe(99);
  });

  it('States.TaskFailed does not catch States.Timeout', async () => {
    const def = machine('T', {
      T: { Type: 'Task', Resource: 'arn:aws:states:::lambda:invoke', TimeoutSeconds: 1, End: true, Catch: [{ ErrorEquals: ['States.TaskFailed'], Next: 'C' }] },
      C: { Type: 'Succeed' },
    });
    const result = await runStateMachine(def, { taskHandlers: { T: async (_a, ctx) => ctx.clock.sleep(2) } });
    expect(result.error?.error).toBe('States.Timeout');
  });

  it.each([
    { name: 'task result', handler: () => 'x'.repeat(262_144), output: undefined },
    { name: 'state Output', handler: () => 'x', output: "{% $pad('', 262145, 'y') %}" },
  ])('fails with States.DataLimitExceeded when the $name is over 256 KB; only an explicit catcher takes it', async ({ handler, output }) => {
    const def = machine('T', {
      T: {
        Type: 'Task',
        Resource: 'arn:aws:states:::lambda:invoke',
        ...(output === undefined ? {} : { Output: output }),
        End: true,
        Catch: [{ ErrorEquals: ['States.ALL'], Next: 'All' }],
      },
      All: { Type: 'Succeed' },
    });
    const result = await runStateMachine(def, { taskHandlers: { T: handler } });
    expect(result.error?.error).toBe('States.DataLimitExceeded');
    const explicit = structuredClone(def) as { States: { T: { Catch: unknown[] } } };
    explicit.States.T.Catch = [{ ErrorEquals: ['States.DataLimitExceeded'], Next: 'All' }];
    expect((await runStateMachine(explicit, { taskHandlers: { T: handler } })).status).toBe('SUCCEEDED');
  });

  it('a multi-byte payload is measured in UTF-8 bytes', async () => {
    const def = machine('T', { T: { Type: 'Task', Resource: 'arn:aws:states:::lambda:invoke', End: true } });
    // 100,000 three-byte characters: 100,002 characters of JSON but 300,002 bytes.
    const result = await runStateMachine(def, { taskHandlers: { T: () => '€'.repeat(100_000) } });
    expect(result.error?.error).toBe('States.DataLimitExceeded');
  });

  it('a JSONata error in Arguments is States.QueryEvaluationError and can be caught', async () => {
    const def = machine('T', {
      T: {
        Type: 'Task',
        Resource: 'arn:aws:states:::lambda:invoke',
        Arguments: { x: '{% 1 + "a" %}' },
        End: true,
        Catch: [{ ErrorEquals: ['States.QueryEvaluationError'], Next: 'C' }],
      },
      C: { Type: 'Pass', Output: '{% $states.input.Error %}', End: true },
    });
    const result = await runStateMachine(def, { taskHandlers: { T: () => 1 } });
    expect(result.output).toBe('States.QueryEvaluationError');
  });

  it('onEvent sees each event as it is recorded', async () => {
    const seen: number[] = [];
    const result = await runStateMachine(machine('A', { A: { Type: 'Pass', End: true } }), { onEvent: (e) => seen.push(e.id!) });
    expect(seen).toStrictEqual(result.history.map((e) => e.id));
  });

  it("'real' clock waits in wall time", async () => {
    const started = Date.now();
    const def = machine('T', { T: { Type: 'Task', Resource: 'arn:aws:states:::lambda:invoke', End: true, Retry: [{ ErrorEquals: ['E'], IntervalSeconds: 1, MaxAttempts: 1 }] } });
    let calls = 0;
    const result = await runStateMachine(def, {
      clock: 'real',
      taskHandlers: {
        T: () => {
          if (calls++ === 0) throw namedError('E');
          return 'ok';
        },
      },
    });
    expect(result.output).toBe('ok');
    expect(Date.now() - started).toBeGreaterThanOrEqual(950);
    expect(result.elapsedSeconds).toBeGreaterThanOrEqual(0.95);
  });
});
