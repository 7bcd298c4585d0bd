/**
 * Step Functions' hard quota of 25,000 history events per (Standard) execution, as the developer
 * guide's "Avoid reaching the history quota" states it: when an execution has 24,999 events,
 * event 25,000 is ExecutionSucceeded if the execution succeeds then; otherwise ExecutionFailed
 * is logged and the execution fails, with the error and cause AWS reports (States.Runtime,
 * "The execution reached the maximum number of history events (25000)."). Nothing is recorded,
 * and nothing is called, after it.
 */
import type { HistoryEvent } from '@aws-sdk/client-sfn';
import { describe, expect, it } from 'vitest';
import { RetryPolicy, job, op } from '../../lib/index.js';
import { runStateMachine, type RunResult } from '../../lib/runner/index.js';
import { runJobLocally } from '../../lib/runner/local/run-job-locally.js';
import { machine } from './helpers.js';

const LIMIT = 25_000;
const FAILURE = { error: 'States.Runtime', cause: 'The execution reached the maximum number of history events (25000).' };
const RESOURCE = 'arn:aws:states:::lambda:invoke';

/** A loop of `rounds` Pass + Choice rounds (`Infinity`: for ever), then Succeed. */
function passLoop(rounds: number): Record<string, unknown> {
  return machine('Count', {
    Count: { Type: 'Pass', Assign: { n: '{% $n + 1 %}' }, Next: 'More' },
    More: { Type: 'Choice', Choices: [{ Condition: rounds === Infinity ? '{% true %}' : `{% $n < ${rounds} %}`, Next: 'Count' }], Default: 'Done' },
    Done: { Type: 'Succeed', Output: '{% {"rounds": $n} %}' },
  });
}

/** The same loop with `n` assigned 0 first (a Pass before it), after `padding` more Pass states (2 events each). */
function countingFromZero(rounds: number, padding = 0): Record<string, unknown> {
  const loop = passLoop(rounds) as { States: Record<string, unknown> };
  const pads = Object.fromEntries(Array.from({ length: padding }, (_, i) => [`Pad${i}`, { Type: 'Pass', Next: i + 1 < padding ? `Pad${i + 1}` : 'Start' }]));
  return machine(padding > 0 ? 'Pad0' : 'Start', { ...pads, Start: { Type: 'Pass', Assign: { n: 0 }, Next: 'Count' }, ...loop.States });
}

/** Checks what every run stopped at the quota has: ids 1..25,000, the last ExecutionFailed with AWS's error and cause. */
function expectFailedAtLimit(result: RunResult): HistoryEvent {
  expect(result.status).toBe('FAILED');
  expect(result.status === 'FAILED' && result.error).toStrictEqual(FAILURE);
  expect(result.history).toHaveLength(LIMIT);
  expect(result.history.every((event, index) => event.id === index + 1)).toBe(true);
  const last = result.history.at(-1)!;
  expect(last.type).toBe('ExecutionFailed');
  expect(last.executionFailedEventDetails).toStrictEqual(FAILURE);
  expect(result.history.filter((event) => event.type?.startsWith('Execution')).map((event) => event.type)).toStrictEqual(['ExecutionStarted', 'ExecutionFailed']);
  return last;
}

describe('the history quota (25,000 events per execution)', () => {
  it('an execution that would go on for ever fails at event 25,000 with States.Runtime, as AWS reports it', async () => {
    const result = await runStateMachine(countingFromZero(Infinity));
    const last = expectFailedAtLimit(result);
    // The event it replaced: the one after event 24,999, in the same chain.
    expect(last.previousEventId).toBe(LIMIT - 1);
  });

  it('event 25,000 may be ExecutionSucceeded: that execution succeeds; one round more fails it', async () => {
    // Events per round and around the loop, measured on two short runs; Pass states before the
    // loop (2 events each) make the total land on 25,000 exactly.
    const eventsOf = async (rounds: number, padding: number) => (await runStateMachine(countingFromZero(rounds, padding))).history.length;
    const perRound = (await eventsOf(2, 0)) - (await eventsOf(1, 0));
    let padding = 0;
    while ((LIMIT - ((await eventsOf(1, padding)) - perRound)) % perRound !== 0) padding += 1;
    const rounds = (LIMIT - ((await eventsOf(1, padding)) - perRound)) / perRound;
    const exact = await runStateMachine(countingFromZero(rounds, padding));
    expect(exact.status).toBe('SUCCEEDED');
    expect(exact.history).toHaveLength(LIMIT);
    expect(exact.history.at(-1)!.type).toBe('ExecutionSucceeded');
    expect(exact.status === 'SUCCEEDED' && exact.output).toStrictEqual({ rounds });
    expectFailedAtLimit(await runStateMachine(countingFromZero(rounds + 1, padding)));
  });

  it('a Task whose TaskScheduled would be event 25,000 is never called, and its branch records nothing more', async () => {
    let calls = 0;
    // One ExecutionStarted, then 7 events a round: TaskStateEntered, TaskScheduled, TaskStarted,
    // TaskSucceeded, TaskStateExited, ChoiceStateEntered, ChoiceStateExited; 25,000 = 3 + 7 * 3571.
    const result = await runStateMachine(
      machine('Work', {
        Work: { Type: 'Task', Resource: RESOURCE, Arguments: {}, Next: 'Again' },
        Again: { Type: 'Choice', Choices: [{ Condition: '{% true %}', Next: 'Work' }], Default: 'Work' },
      }),
      {
        taskHandlers: {
          Work: () => {
            calls += 1;
            return {};
          },
        },
      },
    );
    expectFailedAtLimit(result);
    expect(result.history.at(-2)!.type).toBe('TaskStateEntered');
    expect(calls).toBe(3571);
    expect(result.history.filter((event) => event.type === 'TaskStarted')).toHaveLength(calls);
  });

  it('Parallel branches running when the quota is reached stop there: no abort event follows the ExecutionFailed', async () => {
    const branch = (name: string) => ({
      StartAt: `${name}Count`,
      States: {
        [`${name}Count`]: { Type: 'Pass', Next: `${name}More` },
        [`${name}More`]: { Type: 'Choice', Choices: [{ Condition: '{% true %}', Next: `${name}Count` }], Default: `${name}Count` },
      },
    });
    const result = await runStateMachine(machine('Both', { Both: { Type: 'Parallel', Branches: [branch('a'), branch('b')], End: true } }));
    expectFailedAtLimit(result);
    expect(result.history.some((event) => event.type === 'PassStateEntered' && event.stateEnteredEventDetails?.name === 'bCount')).toBe(true);
  });

  it('a child execution has a quota of its own: it fails at its 25,000th event, and so does the parent Task that waits for it', async () => {
    const child = countingFromZero(Infinity);
    const parent = machine('RunChild', {
      RunChild: { Type: 'Task', Resource: 'arn:aws:states:::states:startExecution.sync:2', Arguments: { StateMachineArn: 'child', Input: {} }, End: true },
    });
    const result = await runStateMachine(parent, { stateMachines: { child } });
    expect(result.status).toBe('FAILED');
    expect(result.history.length).toBeLessThan(20);
    expect(result.childExecutions).toHaveLength(1);
    expectFailedAtLimit(result.childExecutions![0]!.result);
    expect(result.history.some((event) => event.type === 'TaskFailed')).toBe(true);
  });

  it('runJobLocally: an op retried more often than one execution can record fails the run at the quota, as it would on AWS, not after its last retry', async () => {
    let attempts = 0;
    const stubborn = op({ name: 'stubborn', retryPolicy: new RetryPolicy({ maxRetries: 20_000, delay: 1 }) }, () => {
      attempts += 1;
      throw new Error('never works');
    });
    const result = await runJobLocally(
      job({ name: 'stubborn_job' }, () => {
        stubborn();
      }),
      { writeLog: () => {} },
    );
    expectFailedAtLimit(result);
    // Each retry records TaskFailed, TaskScheduled and TaskStarted: about 8,300 attempts, far from 20,001.
    expect(attempts).toBeGreaterThan(8_000);
    expect(attempts).toBeLessThan(8_400);
  });
});
