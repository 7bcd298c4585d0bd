import { describe, expect, it } from 'vitest';
import { runStateMachine, type TaskCallbacks, type TaskHandler } from '../../lib/runner/index.js';
import { eventTypes, machine, namedError, secondsSinceStart } from './helpers.js';

const CALLBACK = 'arn:aws:states:::lambda:invoke.waitForTaskToken';

/** A callback Task whose Payload carries its token, as the compiled wait Tasks pass it. */
function callbackTask(fields: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    Type: 'Task',
    Resource: CALLBACK,
    Arguments: { FunctionName: 'f', Payload: { token: '{% $states.context.Task.Token %}' } },
    ...('Next' in fields ? {} : { End: true }),
    ...fields,
  };
}

/** A Parallel: branch 0 runs the callback Task W, branch 1 waits `seconds` then runs Task S (the sender). */
function withSender(seconds: number, wait: Record<string, unknown> = {}, parallel: Record<string, unknown> = {}): Record<string, unknown> {
  return machine('P', {
    P: {
      Type: 'Parallel',
      End: true,
      Branches: [
        { StartAt: 'W', States: { W: callbackTask(wait) } },
        {
          StartAt: 'Pause',
          States: {
            Pause: { Type: 'Wait', Seconds: seconds, Next: 'S' },
            S: { Type: 'Task', Resource: 'arn:aws:states:::lambda:invoke', Arguments: { FunctionName: 'g' }, Output: 'sent', End: true },
          },
        },
      ],
      ...parallel,
    },
  });
}

/** Handlers: W keeps each token it receives (from its Payload) and returns its invoke response; S runs `send`. */
function handlers(send: (tokens: readonly string[], callbacks: TaskCallbacks) => Promise<void>): { taskHandlers: Record<string, TaskHandler>; tokens: string[] } {
  const tokens: string[] = [];
  return {
    tokens,
    taskHandlers: {
      W: (args) => {
        tokens.push((args as { Payload: { token: string } }).Payload.token);
        return { StatusCode: 202 };
      },
      S: async (_args, ctx) => {
        await send(tokens, ctx.callbacks);
        return {};
      },
    },
  };
}

function eventsOf(history: Awaited<ReturnType<typeof runStateMachine>>['history'], types: readonly string[]) {
  return history.filter((event) => types.includes(event.type!));
}

describe('lambda:invoke.waitForTaskToken', () => {
  it('waits for SendTaskSuccess: TaskScheduled, TaskStarted, TaskSubmitted (the invoke response), TaskSucceeded (the callback output) at the callback time', async () => {
    const { taskHandlers, tokens } = handlers((t, callbacks) => callbacks.sendTaskSuccess({ taskToken: t[0]!, output: '{"value":42}' }));
    const result = await runStateMachine(withSender(30), { taskHandlers });
    expect(result.status).toBe('SUCCEEDED');
    expect(result.output).toStrictEqual([{ value: 42 }, 'sent']);
    const w = eventsOf(result.history, ['TaskScheduled', 'TaskStarted', 'TaskSubmitted', 'TaskSucceeded']).filter((e) => JSON.stringify(e).includes('waitForTaskToken'));
    expect(eventTypes(w)).toStrictEqual(['TaskScheduled', 'TaskStarted', 'TaskSubmitted', 'TaskSucceeded']);
    expect(w[0]!.taskScheduledEventDetails).toStrictEqual({
      resourceType: 'lambda',
      resource: 'invoke.waitForTaskToken',
      region: 'us-east-1',
      parameters: JSON.stringify({ FunctionName: 'f', Payload: { token: tokens[0] } }),
    });
    expect(w[2]!.taskSubmittedEventDetails).toStrictEqual({
      resourceType: 'lambda',
      resource: 'invoke.waitForTaskToken',
      output: '{"StatusCode":202}',
      outputDetails: { truncated: false },
    });
    expect(w[3]!.taskSucceededEventDetails).toStrictEqual({
      resourceType: 'lambda',
      resource: 'invoke.waitForTaskToken',
      output: '{"value":42}',
      outputDetails: { truncated: false },
    });
    expect(secondsSinceStart(result.history, w[2]!)).toBe(0);
    expect(secondsSinceStart(result.history, w[3]!)).toBe(30);
    expect(tokens).toHaveLength(1);
  });

  it('fails the attempt with the error and cause of SendTaskFailure (TaskFailed), which a Catch handles', async () => {
    const { taskHandlers } = handlers((t, callbacks) => callbacks.sendTaskFailure({ taskToken: t[0]!, error: 'Producer.Failed', cause: 'it broke' }));
    const def = withSender(5, { Catch: [{ ErrorEquals: ['Producer.Failed'], Output: '{% $states.errorOutput %}', Next: 'Caught' }], Next: 'Caught', Output: 'unused' });
    const branch = (def as { States: { P: { Branches: { States: Record<string, unknown> }[] } } }).States.P.Branches[0]!;
    branch.States.Caught = { Type: 'Pass', End: true };
    const result = await runStateMachine(def, { taskHandlers });
    expect(result.output).toStrictEqual([{ Error: 'Producer.Failed', Cause: 'it broke' }, 'sent']);
    const failed = result.history.find((e) => e.type === 'TaskFailed')!;
    expect(failed.taskFailedEventDetails).toStrictEqual({ resourceType: 'lambda', resource: 'invoke.waitForTaskToken', error: 'Producer.Failed', cause: 'it broke' });
    expect(secondsSinceStart(result.history, failed)).toBe(5);
  });

  it('times out after TimeoutSeconds without a callback (TaskTimedOut, States.Timeout, from TaskStarted)', async () => {
    const def = machine('W', {
      W: callbackTask({ TimeoutSeconds: 10, Catch: [{ ErrorEquals: ['States.ALL'], Output: '{% $states.errorOutput.Error %}', Next: 'Done' }], Next: 'Done' }),
      Done: { Type: 'Pass', End: true },
    });
    const result = await runStateMachine(def, { taskHandlers: { W: () => ({}) } });
    expect(result.output).toBe('States.Timeout');
    const timedOut = result.history.find((e) => e.type === 'TaskTimedOut')!;
    expect(timedOut.taskTimedOutEventDetails).toMatchObject({ resourceType: 'lambda', resource: 'invoke.waitForTaskToken', error: 'States.Timeout' });
    expect(secondsSinceStart(result.history, timedOut)).toBe(10);
    expect(eventTypes(result.history).slice(1, 6)).toStrictEqual(['TaskStateEntered', 'TaskScheduled', 'TaskStarted', 'TaskSubmitted', 'TaskTimedOut']);
  });

  it('a token whose Task timed out answers SendTaskSuccess with TaskTimedOut', async () => {
    const answers: string[] = [];
    const tokens: string[] = [];
    const def = machine('P', {
      P: {
        Type: 'Parallel',
        End: true,
        Branches: [
          {
            StartAt: 'W',
            States: {
              W: callbackTask({ TimeoutSeconds: 10, Catch: [{ ErrorEquals: ['States.Timeout'], Output: 'timed out', Next: 'Late' }], Next: 'Late' }),
              Late: { Type: 'Pass', End: true },
            },
          },
          {
            StartAt: 'Pause',
            States: { Pause: { Type: 'Wait', Seconds: 20, Next: 'S' }, S: { Type: 'Task', Resource: 'arn:aws:states:::lambda:invoke', Output: 'sent', End: true } },
          },
        ],
      },
    });
    const result = await runStateMachine(def, {
      taskHandlers: {
        W: (args) => void tokens.push((args as { Payload: { token: string } }).Payload.token),
        S: async (_args, ctx) => {
          for (const send of [
            () => ctx.callbacks.sendTaskSuccess({ taskToken: tokens[0]!, output: '1' }),
            () => ctx.callbacks.sendTaskFailure({ taskToken: tokens[0]!, error: 'E' }),
            () => ctx.callbacks.sendTaskHeartbeat({ taskToken: tokens[0]! }),
            () => ctx.callbacks.sendTaskSuccess({ taskToken: 'bm90LWEtdG9rZW4=', output: '1' }),
          ]) {
            await send().then(
              () => answers.push('ok'),
              (error: unknown) => answers.push((error as Error).name),
            );
          }
        },
      },
    });
    expect(result.output).toStrictEqual(['timed out', 'sent']);
    expect(answers).toStrictEqual(['TaskTimedOut', 'TaskTimedOut', 'TaskTimedOut', 'InvalidToken']);
  });

  it('HeartbeatSeconds: each SendTaskHeartbeat restarts the timer; silence longer than it fails with States.HeartbeatTimeout', async () => {
    const tokens: string[] = [];
    const def = machine('P', {
      P: {
        Type: 'Parallel',
        Next: 'Done',
        Catch: [{ ErrorEquals: ['States.HeartbeatTimeout'], Output: '{% $states.errorOutput.Error %}', Next: 'Done' }],
        Branches: [
          { StartAt: 'W', States: { W: callbackTask({ TimeoutSeconds: 100, HeartbeatSeconds: 5 }) } },
          {
            StartAt: 'Beat1',
            States: {
              Beat1: { Type: 'Wait', Seconds: 4, Next: 'H1' },
              H1: { Type: 'Task', Resource: 'arn:aws:states:::lambda:invoke', Next: 'Beat2' },
              Beat2: { Type: 'Wait', Seconds: 4, Next: 'H2' },
              H2: { Type: 'Task', Resource: 'arn:aws:states:::lambda:invoke', Next: 'Long' },
              Long: { Type: 'Wait', Seconds: 50, End: true },
            },
          },
        ],
      },
      Done: { Type: 'Pass', End: true },
    });
    const beat: TaskHandler = async (_args, ctx) => {
      await ctx.callbacks.sendTaskHeartbeat({ taskToken: tokens[0]! });
      return {};
    };
    const result = await runStateMachine(def, {
      taskHandlers: { W: (args) => void tokens.push((args as { Payload: { token: string } }).Payload.token), H1: beat, H2: beat },
    });
    expect(result.output).toBe('States.HeartbeatTimeout');
    const timedOut = result.history.find((e) => e.type === 'TaskTimedOut')!;
    expect(timedOut.taskTimedOutEventDetails).toMatchObject({ error: 'States.HeartbeatTimeout' });
    // Heartbeats at 4 s and 8 s; 5 s later without one.
    expect(secondsSinceStart(result.history, timedOut)).toBe(13);
    const scheduled = result.history.find((e) => e.type === 'TaskScheduled')!;
    expect(scheduled.taskScheduledEventDetails).toMatchObject({ timeoutInSeconds: 100, heartbeatInSeconds: 5 });
  });

  it('gives each attempt its own token: a retried attempt is settled only by its own token', async () => {
    const tokens: string[] = [];
    const answers: string[] = [];
    const def = machine('P', {
      P: {
        Type: 'Parallel',
        End: true,
        Branches: [
          { StartAt: 'W', States: { W: callbackTask({ TimeoutSeconds: 10, Retry: [{ ErrorEquals: ['States.Timeout'], IntervalSeconds: 1, MaxAttempts: 1 }] }) } },
          {
            StartAt: 'Pause',
            States: { Pause: { Type: 'Wait', Seconds: 15, Next: 'S' }, S: { Type: 'Task', Resource: 'arn:aws:states:::lambda:invoke', Output: 'sent', End: true } },
          },
        ],
      },
    });
    const result = await runStateMachine(def, {
      taskHandlers: {
        W: (args) => void tokens.push((args as { Payload: { token: string } }).Payload.token),
        S: async (_args, ctx) => {
          await ctx.callbacks.sendTaskSuccess({ taskToken: tokens[0]!, output: '"old"' }).catch((error: unknown) => answers.push((error as Error).name));
          await ctx.callbacks.sendTaskSuccess({ taskToken: tokens[1]!, output: '"new"' });
          return {};
        },
      },
    });
    expect(tokens).toHaveLength(2);
    expect(tokens[0]).not.toBe(tokens[1]);
    expect(answers).toStrictEqual(['TaskTimedOut']);
    expect(result.output).toStrictEqual(['new', 'sent']);
    // First attempt 0..10 s, retry after 1 s at 11 s, callback at 15 s.
    const succeeded = result.history.find((e) => e.type === 'TaskSucceeded' && e.taskSucceededEventDetails?.resource === 'invoke.waitForTaskToken')!;
    expect(secondsSinceStart(result.history, succeeded)).toBe(15);
  });

  it('fails with the invocation own error when the call fails (TaskFailed, no TaskSubmitted), and closes the token', async () => {
    const def = machine('W', { W: callbackTask() });
    const result = await runStateMachine(def, {
      taskHandlers: {
        W: () => {
          throw namedError('Lambda.ServiceException', 'down');
        },
      },
    });
    expect(result.status).toBe('FAILED');
    expect(result.error?.error).toBe('Lambda.ServiceException');
    expect(eventTypes(result.history)).toStrictEqual(['ExecutionStarted', 'TaskStateEntered', 'TaskScheduled', 'TaskStarted', 'TaskFailed', 'ExecutionFailed']);
  });

  it('refuses an output that is not JSON (InvalidOutput) and keeps the task waiting for a valid one', async () => {
    const answers: string[] = [];
    const { taskHandlers } = handlers(async (t, callbacks) => {
      await callbacks.sendTaskSuccess({ taskToken: t[0]!, output: '{not json' }).catch((error: unknown) => answers.push((error as Error).name));
      await callbacks.sendTaskSuccess({ taskToken: t[0]!, output: '[1]' });
    });
    const result = await runStateMachine(withSender(1), { taskHandlers });
    expect(answers).toStrictEqual(['InvalidOutput']);
    expect(result.output).toStrictEqual([[1], 'sent']);
  });

  it('stops waiting when the Parallel around it fails (TaskStateAborted)', async () => {
    const tokens: string[] = [];
    const def = machine('P', {
      P: {
        Type: 'Parallel',
        End: true,
        Branches: [
          { StartAt: 'W', States: { W: callbackTask() } },
          { StartAt: 'Pause', States: { Pause: { Type: 'Wait', Seconds: 3, Next: 'Boom' }, Boom: { Type: 'Fail', Error: 'Boom' } } },
        ],
      },
    });
    const result = await runStateMachine(def, { taskHandlers: { W: (args) => void tokens.push((args as { Payload: { token: string } }).Payload.token) } });
    expect(result.error?.error).toBe('Boom');
    expect(eventTypes(result.history)).toContain('TaskStateAborted');
    expect(result.elapsedSeconds).toBe(3);
    expect(tokens).toHaveLength(1);
  });

  it('has no $states.context.Task in a plain lambda:invoke Task', async () => {
    const def = machine('T', {
      T: {
        Type: 'Task',
        Resource: 'arn:aws:states:::lambda:invoke',
        Arguments: { FunctionName: 'f', Payload: { hasTask: '{% $exists($states.context.Task) %}' } },
        Output: '{% $states.result %}',
        End: true,
      },
    });
    const result = await runStateMachine(def, { taskHandlers: { T: (args) => args } });
    expect(result.output).toStrictEqual({ FunctionName: 'f', Payload: { hasTask: false } });
  });
});
