/**
 * `stepops watch` on a split job's parent: the child executions its startExecution.sync:2
 * Tasks start are followed too (aws-sdk-client-mock, no AWS account). The histories served are
 * those of a local run of a parent and child definition, the parent's given the TaskSubmitted
 * event Step Functions records for a .sync Task (its output is StartExecution's response).
 */
import {
  DescribeExecutionCommand,
  GetExecutionHistoryCommand,
  SFNClient,
  StartExecutionCommand,
  type ExecutionStatus,
  type GetExecutionHistoryCommandInput,
  type HistoryEvent,
} from '@aws-sdk/client-sfn';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createProgressTracker } from '../../lib/cli/render/describe-progress.js';
import { createExecutionEventMerger } from '../../lib/cli/aws/merge-execution-events.js';
import { readChildExecutionArn } from '../../lib/cli/aws/read-child-execution.js';
import { renderTimeline } from '../../lib/cli/render/render-timeline.js';
import { createStyle } from '../../lib/cli/render/style.js';
import { summarizeExecution } from '../../lib/cli/render/summarize-execution.js';
import { runStateMachine, type TaskHandler } from '../../lib/runner/index.js';
import { namedError } from '../runner/helpers.js';
import { linesOf, runCli } from './helpers.js';

const SYNC2 = 'arn:aws:states:::states:startExecution.sync:2';
const jsonata = (startAt: string, states: Record<string, unknown>) => ({ QueryLanguage: 'JSONata', StartAt: startAt, States: states });
const child = jsonata('load', {
  load: { Type: 'Task', Resource: 'arn:aws:states:::lambda:invoke', Retry: [{ ErrorEquals: ['Flaky'], IntervalSeconds: 4, MaxAttempts: 2, BackoffRate: 1 }], Next: 'Pause' },
  Pause: { Type: 'Wait', Seconds: 60, Next: 'audit' },
  audit: { Type: 'Task', Resource: 'arn:aws:states:::lambda:invoke', End: true },
});
const parent = jsonata('extract', {
  extract: { Type: 'Task', Resource: 'arn:aws:states:::lambda:invoke', Next: 'start-part1' },
  'start-part1': { Type: 'Task', Resource: SYNC2, Arguments: { StateMachineArn: '${StepopsChildPart1Arn}', Input: {} }, Next: 'report' },
  report: { Type: 'Task', Resource: 'arn:aws:states:::lambda:invoke', End: true },
});

const sfn = mockClient(SFNClient);
beforeEach(() => sfn.reset());
afterEach(() => sfn.reset());

interface RecordedRun {
  readonly parentArn: string;
  readonly childArn: string;
  readonly histories: Map<string, HistoryEvent[]>;
  /** What `stepops run` shows for the same run: merged progress lines and timeline. */
  readonly progress: string[];
  readonly timeline: string[];
  readonly status: string;
}

/** Runs parent and child locally, keeping each execution's own history and the merged view. */
async function recordRun(load: TaskHandler): Promise<RecordedRun> {
  const style = createStyle(false);
  const tracker = createProgressTracker({ style });
  const merger = createExecutionEventMerger();
  const histories = new Map<string, HistoryEvent[]>();
  const arns: string[] = [];
  const progress: string[] = [];
  const result = await runStateMachine(parent, {
    taskHandlers: { extract: () => ({}), load, audit: () => ({}), report: () => ({}) },
    stateMachines: { '${StepopsChildPart1Arn}': child },
    onEvent: (event, source) => {
      if (!histories.has(source.executionArn)) arns.push(source.executionArn);
      histories.set(source.executionArn, [...(histories.get(source.executionArn) ?? []), event]);
      const merged = merger.add(event, source);
      if (merged !== undefined) progress.push(...tracker.describeEvent(merged).lines);
    },
  });
  const timeline = renderTimeline(summarizeExecution(merger.history()), { style });
  return { parentArn: arns[0]!, childArn: arns[1]!, histories, progress, timeline, status: result.status };
}

/** The parent's history with the TaskSubmitted event AWS records after the startExecution Task's TaskStarted. */
function insertTaskSubmitted(history: readonly HistoryEvent[], childArn: string): HistoryEvent[] {
  const at = history.findIndex((event) => event.type === 'TaskStarted' && event.taskStartedEventDetails?.resourceType === 'states');
  const started = history[at]!;
  const shift = (id: number | undefined) => ((id ?? 0) > (started.id ?? 0) ? (id ?? 0) + 1 : (id ?? 0));
  const submitted: HistoryEvent = {
    id: (started.id ?? 0) + 1,
    previousEventId: started.id,
    type: 'TaskSubmitted',
    timestamp: started.timestamp,
    taskSubmittedEventDetails: { resourceType: 'states', resource: 'startExecution.sync:2', output: JSON.stringify({ ExecutionArn: childArn, StartDate: 0 }) },
  };
  const renumbered = history.map((event) => ({ ...event, id: shift(event.id), previousEventId: shift(event.previousEventId) }));
  return [...renumbered.slice(0, at + 1), submitted, ...renumbered.slice(at + 1)];
}

/**
 * Serves GetExecutionHistory per execution: each call without nextToken is the next poll (the
 * last one repeats), a poll being its pages in order.
 */
function serveHistories(polls: ReadonlyMap<string, readonly (readonly HistoryEvent[][])[]>): void {
  const served = new Map<string, number>();
  sfn.on(GetExecutionHistoryCommand).callsFake((input: GetExecutionHistoryCommandInput) => {
    const arn = input.executionArn ?? '';
    const pollsOfArn = polls.get(arn) ?? [[[]]];
    const pageIndex = input.nextToken === undefined ? 0 : Number(input.nextToken.split('#')[1]);
    if (input.nextToken === undefined) served.set(arn, Math.min((served.get(arn) ?? -1) + 1, pollsOfArn.length - 1));
    const pages = pollsOfArn[served.get(arn)!]!;
    return { events: pages[pageIndex], ...(pageIndex + 1 < pages.length ? { nextToken: `${arn}#${pageIndex + 1}` } : {}) };
  });
}

function describeAs(executionArn: string, status: ExecutionStatus) {
  return { executionArn, stateMachineArn: 'arn:aws:states:us-east-1:123456789012:stateMachine:Parent', name: 'parent', status, startDate: new Date(0) };
}

function timelineOf(stdout: string): string[] {
  const lines = linesOf(stdout);
  return lines.slice(lines.indexOf('Timeline'));
}

/** The progress lines: between the header and the blank line before the timeline. */
function progressOf(stdout: string): string[] {
  const lines = linesOf(stdout);
  return lines.slice(1, lines.indexOf('Timeline') - 1);
}

describe('stepops watch on a split job', () => {
  it('follows a running child through its paged history and merges its ops into progress and timeline', async () => {
    let loadCalls = 0;
    const run = await recordRun(() => {
      if (loadCalls++ === 0) throw namedError('Flaky', 'first try');
      return {};
    });
    const parentHistory = insertTaskSubmitted(run.histories.get(run.parentArn)!, run.childArn);
    const childHistory = run.histories.get(run.childArn)!;
    const submittedAt = parentHistory.findIndex((event) => event.type === 'TaskSubmitted');
    serveHistories(
      new Map([
        // Poll 1: the parent waits on its child, which has run its first events.
        // Poll 2: both ended; each history in two pages.
        [run.parentArn, [[parentHistory.slice(0, submittedAt + 1)], [parentHistory.slice(0, 4), parentHistory.slice(4)]]],
        [run.childArn, [[childHistory.slice(0, 5)], [childHistory.slice(0, 6), childHistory.slice(6)]]],
      ]),
    );
    sfn.on(DescribeExecutionCommand).resolvesOnce(describeAs(run.parentArn, 'RUNNING')).resolves(describeAs(run.parentArn, 'SUCCEEDED'));

    const watched = await runCli(['watch', run.parentArn]);
    expect(watched.stderr).toBe('');
    expect(watched.exitCode).toBe(0);
    const followLine = `following child execution part1 (${run.childArn})`;
    const progress = progressOf(watched.stdout);
    expect(progress.filter((line) => line === followLine)).toHaveLength(1);
    expect(progress.filter((line) => line !== followLine)).toStrictEqual(run.progress);
    expect(progress).toContain('+4s         load     succeeded on attempt 2');
    expect(timelineOf(watched.stdout)).toStrictEqual(run.timeline);
    expect(timelineOf(watched.stdout)).toContain('load     2         4s     succeeded');
    expect(timelineOf(watched.stdout)).toContain('audit    1         -      succeeded');

    const calls = sfn.commandCalls(GetExecutionHistoryCommand).map((call) => call.args[0].input);
    const childTokens = calls.filter((input) => input.executionArn === run.childArn).map((input) => input.nextToken);
    expect(childTokens).toStrictEqual([undefined, undefined, `${run.childArn}#1`]);
    expect(calls.filter((input) => input.executionArn === run.parentArn).map((input) => input.nextToken)).toStrictEqual([undefined, undefined, `${run.parentArn}#1`]);
  });

  it('a failed child (named only in the TaskFailed cause) shows its failed op; exit 1', async () => {
    const run = await recordRun(() => {
      throw namedError('Broken', 'always');
    });
    expect(run.status).toBe('FAILED');
    serveHistories(
      new Map([
        [run.parentArn, [[run.histories.get(run.parentArn)!]]],
        [run.childArn, [[run.histories.get(run.childArn)!]]],
      ]),
    );
    sfn.on(DescribeExecutionCommand).resolves(describeAs(run.parentArn, 'FAILED'));
    const watched = await runCli(['watch', run.parentArn]);
    expect(watched.exitCode).toBe(1);
    expect(progressOf(watched.stdout)).toContain(`following child execution part1 (${run.childArn})`);
    expect(timelineOf(watched.stdout)).toStrictEqual(run.timeline);
    expect(timelineOf(watched.stdout).slice(0, 4)).toStrictEqual([
      'Timeline',
      'op       attempts  waits  outcome',
      'extract  1         -      succeeded',
      'load     1         -      failed: Broken: always',
    ]);
  });

  it('start follows the children of the execution it started', async () => {
    const run = await recordRun(() => ({}));
    serveHistories(
      new Map([
        [run.parentArn, [[run.histories.get(run.parentArn)!]]],
        [run.childArn, [[run.histories.get(run.childArn)!]]],
      ]),
    );
    sfn.on(StartExecutionCommand).resolves({ executionArn: run.parentArn, startDate: new Date(0) });
    sfn.on(DescribeExecutionCommand).resolves(describeAs(run.parentArn, 'SUCCEEDED'));
    const started = await runCli(['start', 'arn:aws:states:us-east-1:123456789012:stateMachine:Parent']);
    expect(started.exitCode).toBe(0);
    expect(timelineOf(started.stdout)).toStrictEqual(run.timeline);
    expect(timelineOf(started.stdout).filter((line) => /^(load|audit) /.test(line))).toHaveLength(2);
  });
});

describe('readChildExecutionArn', () => {
  const arn = 'arn:aws:states:eu-west-1:123456789012:execution:Child:part1-run';
  const details = { resourceType: 'states', resource: 'startExecution.sync:2' };
  const event = { id: 5, previousEventId: 4, timestamp: new Date(0) };
  it('reads TaskSubmitted and TaskSucceeded output and TaskFailed cause of a startExecution.sync Task', () => {
    expect(readChildExecutionArn({ ...event, type: 'TaskSubmitted', taskSubmittedEventDetails: { ...details, output: JSON.stringify({ ExecutionArn: arn, StartDate: 1 }) } })).toBe(
      arn,
    );
    expect(
      readChildExecutionArn({ ...event, type: 'TaskSucceeded', taskSucceededEventDetails: { ...details, output: JSON.stringify({ ExecutionArn: arn, Status: 'SUCCEEDED' }) } }),
    ).toBe(arn);
    expect(
      readChildExecutionArn({
        ...event,
        type: 'TaskFailed',
        taskFailedEventDetails: { ...details, error: 'States.TaskFailed', cause: JSON.stringify({ ExecutionArn: arn, Status: 'FAILED' }) },
      }),
    ).toBe(arn);
  });
  it('ignores other Tasks, request-response startExecution and unreadable output', () => {
    expect(
      readChildExecutionArn({
        ...event,
        type: 'TaskSucceeded',
        taskSucceededEventDetails: { resourceType: 'lambda', resource: 'invoke', output: JSON.stringify({ ExecutionArn: arn }) },
      }),
    ).toBeUndefined();
    expect(
      readChildExecutionArn({
        ...event,
        type: 'TaskSucceeded',
        taskSucceededEventDetails: { resourceType: 'states', resource: 'startExecution', output: JSON.stringify({ ExecutionArn: arn }) },
      }),
    ).toBeUndefined();
    expect(readChildExecutionArn({ ...event, type: 'TaskFailed', taskFailedEventDetails: { ...details, error: 'States.Timeout', cause: 'timed out' } })).toBeUndefined();
  });
});
