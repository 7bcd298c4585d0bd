import type { HistoryEvent } from '@aws-sdk/client-sfn';
import { describe, expect, it } from 'vitest';
import { runStateMachine, UnknownStateMachineError, type ExecutionSource } from '../../lib/runner/index.js';
import { eventTypes, machine, namedError } from './helpers.js';

const SYNC2 = 'arn:aws:states:::states:startExecution.sync:2';
const CHILD_KEY = '${StepopsChildPart1Arn}';

/** Child: adds 1 to x in a Task, waits 90 s, then doubles it in another Task. */
const child = machine('AddOne', {
  AddOne: { Type: 'Task', Resource: 'arn:aws:states:::lambda:invoke', Arguments: '{% $states.input %}', Output: '{% {"x": $states.result.x + 1} %}', Next: 'Pause' },
  Pause: { Type: 'Wait', Seconds: 90, Next: 'Double' },
  Double: {
    Type: 'Task',
    Resource: 'arn:aws:states:::lambda:invoke',
    Arguments: '{% $states.input %}',
    Output: '{% {"x": $states.result.x * 2, "child": $states.context.Execution.Name} %}',
    End: true,
  },
});

function parent(resource = SYNC2, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return machine('Before', {
    Before: { Type: 'Wait', Seconds: 10, Next: 'RunPart1' },
    RunPart1: {
      Type: 'Task',
      Resource: resource,
      Arguments: { StateMachineArn: CHILD_KEY, Input: '{% {"x": $states.input.x} %}' },
      Output: '{% $states.result %}',
      ...extra,
      Next: 'After',
    },
    After: { Type: 'Wait', Seconds: 5, End: true },
  });
}

const echo = (args: unknown): unknown => args;
const handlers = { AddOne: echo, Double: echo };

describe('startExecution.sync:2 Tasks run child state machines in process', () => {
  it('passes Input in and the parsed Output back, in the integration result shape', async () => {
    const result = await runStateMachine(parent(), { input: { x: 4 }, taskHandlers: handlers, stateMachines: { [CHILD_KEY]: child } });
    expect(result.status).toBe('SUCCEEDED');
    const output = result.output as Record<string, unknown>;
    const childRun = result.childExecutions![0]!;
    expect(output).toEqual({
      ExecutionArn: childRun.executionArn,
      Input: { x: 4 },
      InputDetails: { Included: true },
      Name: childRun.name,
      Output: { x: 10, child: childRun.name },
      OutputDetails: { Included: true },
      StartDate: Date.UTC(2026, 0, 1, 0, 0, 10),
      StateMachineArn: CHILD_KEY,
      Status: 'SUCCEEDED',
      StopDate: Date.UTC(2026, 0, 1, 0, 1, 40),
    });
  });

  it("advances the shared virtual clock by the child's waits", async () => {
    const result = await runStateMachine(parent(), { input: { x: 1 }, taskHandlers: handlers, stateMachines: { [CHILD_KEY]: child } });
    expect(result.elapsedSeconds).toBe(10 + 90 + 5);
    expect(result.childExecutions![0]!.result.elapsedSeconds).toBe(90);
    const childStart = result.childExecutions![0]!.result.history[0]!.timestamp!;
    expect(childStart.toISOString()).toBe('2026-01-01T00:00:10.000Z');
  });

  it('records the parent Task events with resourceType states and resource startExecution.sync:2', async () => {
    const result = await runStateMachine(parent(), { input: { x: 1 }, taskHandlers: handlers, stateMachines: { [CHILD_KEY]: child } });
    expect(eventTypes(result.history)).toEqual([
      'ExecutionStarted',
      'WaitStateEntered',
      'WaitStateExited',
      'TaskStateEntered',
      'TaskScheduled',
      'TaskStarted',
      'TaskSucceeded',
      'TaskStateExited',
      'WaitStateEntered',
      'WaitStateExited',
      'ExecutionSucceeded',
    ]);
    const scheduled = result.history.find((e) => e.type === 'TaskScheduled')!;
    expect(scheduled.taskScheduledEventDetails).toMatchObject({ resourceType: 'states', resource: 'startExecution.sync:2' });
    expect(JSON.parse(scheduled.taskScheduledEventDetails!.parameters!)).toEqual({ StateMachineArn: CHILD_KEY, Input: { x: 1 } });
    expect(result.history.find((e) => e.type === 'TaskStarted')!.taskStartedEventDetails).toEqual({ resourceType: 'states', resource: 'startExecution.sync:2' });
    const succeeded = result.history.find((e) => e.type === 'TaskSucceeded')!;
    expect(succeeded.taskSucceededEventDetails).toMatchObject({ resourceType: 'states', resource: 'startExecution.sync:2' });
    expect(succeeded.timestamp!.toISOString()).toBe('2026-01-01T00:01:40.000Z');
  });

  it('exposes each child RunResult with its own history on childExecutions, in start order', async () => {
    const two = machine('First', {
      First: { Type: 'Task', Resource: SYNC2, Arguments: { StateMachineArn: CHILD_KEY, Input: { x: 1 }, Name: 'first' }, Next: 'Second' },
      Second: { Type: 'Task', Resource: SYNC2, Arguments: { StateMachineArn: CHILD_KEY, Input: { x: 2 }, Name: 'second' }, End: true },
    });
    const result = await runStateMachine(two, { taskHandlers: handlers, stateMachines: { [CHILD_KEY]: child } });
    expect(result.childExecutions!.map((c) => [c.name, c.stateMachineArn, c.status, c.result.status, c.result.output])).toEqual([
      ['first', CHILD_KEY, 'SUCCEEDED', 'SUCCEEDED', { x: 4, child: 'first' }],
      ['second', CHILD_KEY, 'SUCCEEDED', 'SUCCEEDED', { x: 6, child: 'second' }],
    ]);
    expect(eventTypes(result.childExecutions![0]!.result.history)[0]).toBe('ExecutionStarted');
    expect(result.childExecutions![0]!.result.history.at(-1)!.type).toBe('ExecutionSucceeded');
    expect(result.childExecutions![0]!.executionArn).toBe('arn:aws:states:us-east-1:123456789012:execution:StepopsChildPart1Arn:first');
  });

  it('forwards child events to onEvent with their source', async () => {
    const seen: [string, number, string][] = [];
    const result = await runStateMachine(parent(), {
      input: { x: 1 },
      taskHandlers: handlers,
      stateMachines: { [CHILD_KEY]: child },
      onEvent: (event: HistoryEvent, source: ExecutionSource) => seen.push([event.type!, source.depth, source.name]),
    });
    const childName = result.childExecutions![0]!.name;
    const childEvents = seen.filter(([, depth]) => depth === 1);
    expect(childEvents.map(([type]) => type)).toEqual(eventTypes(result.childExecutions![0]!.result.history));
    expect(childEvents.every(([, , name]) => name === childName)).toBe(true);
    // Child events arrive between the parent's TaskStarted and TaskSucceeded.
    const types = seen.map(([type, depth]) => `${depth}:${type}`);
    expect(types.indexOf('1:ExecutionStarted')).toBe(types.indexOf('0:TaskStarted') + 1);
    expect(types.indexOf('0:TaskSucceeded')).toBe(types.indexOf('1:ExecutionSucceeded') + 1);
  });

  it('fails the parent Task with States.TaskFailed and the DescribeExecution JSON as Cause; a Catch sees it', async () => {
    const failing = {
      AddOne: echo,
      Double: () => {
        throw namedError('BadThing', 'double broke');
      },
    };
    const caught = machine('RunPart1', {
      RunPart1: {
        Type: 'Task',
        Resource: SYNC2,
        Arguments: { StateMachineArn: CHILD_KEY, Input: { x: 1 }, Name: 'part1' },
        Catch: [{ ErrorEquals: ['States.TaskFailed'], Output: '{% $states.errorOutput %}', Next: 'Handled' }],
        End: true,
      },
      Handled: { Type: 'Pass', End: true },
    });
    const result = await runStateMachine(caught, { taskHandlers: failing, stateMachines: { [CHILD_KEY]: child } });
    expect(result.status).toBe('SUCCEEDED');
    const errorOutput = result.output as { Error: string; Cause: string };
    expect(errorOutput.Error).toBe('States.TaskFailed');
    const cause = JSON.parse(errorOutput.Cause) as Record<string, unknown>;
    expect(cause).toMatchObject({ Status: 'FAILED', Error: 'BadThing', Name: 'part1', StateMachineArn: CHILD_KEY, Input: { x: 1 } });
    expect(cause.Output).toBeUndefined();
    expect(JSON.parse(cause.Cause as string)).toMatchObject({ errorType: 'BadThing', errorMessage: 'double broke' });
    const failed = result.history.find((e) => e.type === 'TaskFailed')!;
    expect(failed.taskFailedEventDetails).toMatchObject({ resourceType: 'states', resource: 'startExecution.sync:2', error: 'States.TaskFailed' });
    expect(result.childExecutions![0]!.status).toBe('FAILED');

    const uncaught = await runStateMachine(parent(), { input: { x: 1 }, taskHandlers: failing, stateMachines: { [CHILD_KEY]: child } });
    expect(uncaught.status).toBe('FAILED');
    expect(uncaught.error!.error).toBe('States.TaskFailed');
  });

  it('.sync returns Input and Output as JSON strings; plain startExecution does not wait', async () => {
    const sync = await runStateMachine(parent('arn:aws:states:::states:startExecution.sync'), { input: { x: 1 }, taskHandlers: handlers, stateMachines: { [CHILD_KEY]: child } });
    const out = sync.output as Record<string, unknown>;
    expect(out.Input).toBe('{"x":1}');
    expect(JSON.parse(out.Output as string)).toMatchObject({ x: 4 });
    expect(sync.history.find((e) => e.type === 'TaskScheduled')!.taskScheduledEventDetails!.resource).toBe('startExecution.sync');

    const fire = await runStateMachine(parent('arn:aws:states:::states:startExecution'), { input: { x: 1 }, taskHandlers: handlers, stateMachines: { [CHILD_KEY]: child } });
    expect(fire.status).toBe('SUCCEEDED');
    expect(fire.elapsedSeconds).toBe(15);
    expect(fire.output).toMatchObject({ ExecutionArn: fire.childExecutions![0]!.executionArn, StartDate: Date.UTC(2026, 0, 1, 0, 0, 10) });
    // The child ran on after its parent ended.
    expect(fire.childExecutions![0]!.result.status).toBe('SUCCEEDED');
    expect(fire.childExecutions![0]!.result.elapsedSeconds).toBe(90);
  });

  it('a Task timeout stops (aborts) the child', async () => {
    const result = await runStateMachine(parent(SYNC2, { TimeoutSeconds: 30 }), { input: { x: 1 }, taskHandlers: handlers, stateMachines: { [CHILD_KEY]: child } });
    expect(result.status).toBe('FAILED');
    expect(result.error!.error).toBe('States.Timeout');
    expect(result.elapsedSeconds).toBe(40);
    expect(result.childExecutions![0]!.status).toBe('ABORTED');
    expect(result.childExecutions![0]!.result.history.at(-1)!.type).toBe('ExecutionAborted');
  });

  it('rejects an unknown StateMachineArn with a runner error that lists the known ones', async () => {
    const run = runStateMachine(parent(), { taskHandlers: handlers, stateMachines: { other: child } });
    await expect(run).rejects.toBeInstanceOf(UnknownStateMachineError);
    await expect(run).rejects.toThrow(/"\$\{StepopsChildPart1Arn\}" is not in stateMachines \(known: "other"\)/);
    // An ARN computed by an expression is checked when the Task runs.
    const dynamic = machine('Run', { Run: { Type: 'Task', Resource: SYNC2, Arguments: { StateMachineArn: '{% "arn:" & "nope" %}' }, End: true } });
    await expect(runStateMachine(dynamic, { stateMachines: { [CHILD_KEY]: child }, taskHandlers: handlers })).rejects.toThrow(
      /"arn:nope" is not in stateMachines \(known: "\$\{StepopsChildPart1Arn\}"\)/,
    );
  });

  it('is deterministic for a seed: child names, $random and jitter', async () => {
    const randomChild = machine('Pick', { Pick: { Type: 'Pass', Output: '{% {"r": $random(), "u": $uuid()} %}', End: true } });
    const run = (seed: number) =>
      runStateMachine(machine('Run', { Run: { Type: 'Task', Resource: SYNC2, Arguments: { StateMachineArn: CHILD_KEY }, End: true } }), {
        seed,
        stateMachines: { [CHILD_KEY]: randomChild },
      });
    const [a, b, c] = await Promise.all([run(7), run(7), run(8)]);
    expect(a.output).toEqual(b.output);
    expect(a.childExecutions![0]!.name).toBe(b.childExecutions![0]!.name);
    expect(a.childExecutions![0]!.result.history).toEqual(b.childExecutions![0]!.result.history);
    expect((a.output as { Output: unknown }).Output).not.toEqual((c.output as { Output: unknown }).Output);
    expect(a.childExecutions![0]!.name).not.toBe(c.childExecutions![0]!.name);
  });

  it('runs children of children, and children in Parallel branches share the clock', async () => {
    const grandchild = machine('Sleep', { Sleep: { Type: 'Wait', Seconds: 7, Next: 'Done' }, Done: { Type: 'Pass', Output: 'deep', End: true } });
    const middle = machine('Run', { Run: { Type: 'Task', Resource: SYNC2, Arguments: { StateMachineArn: 'grand' }, Output: '{% $states.result.Output %}', End: true } });
    const top = machine('Both', {
      Both: {
        Type: 'Parallel',
        Branches: [
          machine('A', { A: { Type: 'Task', Resource: SYNC2, Arguments: { StateMachineArn: 'middle' }, Output: '{% $states.result.Output %}', End: true } }),
          machine('B', { B: { Type: 'Wait', Seconds: 3, End: true } }),
        ].map(({ QueryLanguage: _, ...branch }) => branch),
        End: true,
      },
    });
    const result = await runStateMachine(top, { stateMachines: { grand: grandchild, middle } });
    expect(result.status).toBe('SUCCEEDED');
    expect(result.output).toEqual(['deep', {}]);
    expect(result.elapsedSeconds).toBe(7);
    expect(result.childExecutions![0]!.result.childExecutions![0]!.result.elapsedSeconds).toBe(7);
  });
});
