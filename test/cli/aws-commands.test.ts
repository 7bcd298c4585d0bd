/**
 * `stepops start` and `stepops watch` against a mocked Step Functions API (aws-sdk-client-mock
 * on SFNClient): no AWS account, no network. The histories served are GetExecutionHistory-shaped
 * event lists recorded by local runs of the same jobs, and one written by hand.
 */
import { DescribeExecutionCommand, ExecutionDoesNotExist, GetExecutionHistoryCommand, SFNClient, StartExecutionCommand, type HistoryEvent } from '@aws-sdk/client-sfn';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { LogRecord } from '../../lib/index.js';
import { runJobLocally } from '../../lib/runner/local/run-job-locally.js';
import { reportPipeline } from '../../handlers/report-pipeline.js';
import { partialFailure } from './fixtures/partial-failure.js';
import { createOfflineSfnClient, linesOf, runCli } from './helpers.js';

const STATE_MACHINE_ARN = 'arn:aws:states:eu-west-1:123456789012:stateMachine:ReportPipeline';
const EXECUTION_ARN = 'arn:aws:states:eu-west-1:123456789012:execution:ReportPipeline:run-1';
const quiet = { writeLog: (_record: LogRecord) => {} };

const sfn = mockClient(SFNClient);
beforeEach(() => sfn.reset());
afterEach(() => sfn.reset());

/** The lines from "Timeline" to the end, the clock label dropped: the part local and AWS views share. */
function timelineOf(stdout: string): string[] {
  const lines = linesOf(stdout);
  return lines.slice(lines.indexOf('Timeline')).map((line) => line.replace(' (virtual time)', ''));
}

function describeAs(status: 'RUNNING' | 'SUCCEEDED' | 'FAILED', extra: Record<string, unknown> = {}) {
  return { executionArn: EXECUTION_ARN, stateMachineArn: STATE_MACHINE_ARN, name: 'run-1', status, startDate: new Date(0), ...extra };
}

describe('stepops watch', () => {
  it('follows a running execution through history pages and renders the same timeline as a local run', async () => {
    const local = await runJobLocally(reportPipeline, { ...quiet, seed: 5 });
    const history = local.history;
    const half = Math.floor(history.length / 2);
    sfn
      .on(GetExecutionHistoryCommand)
      // First poll: the first half of the events, in two pages.
      .resolvesOnce({ events: history.slice(0, 5), nextToken: 'page-2' })
      .resolvesOnce({ events: history.slice(5, half) })
      // Second poll: everything, in two pages.
      .resolvesOnce({ events: history.slice(0, half), nextToken: 'page-2b' })
      .resolvesOnce({ events: history.slice(half) });
    sfn
      .on(DescribeExecutionCommand)
      .resolvesOnce(describeAs('RUNNING'))
      .resolves(describeAs('SUCCEEDED', { output: JSON.stringify(local.output) }));

    const watched = await runCli(['watch', EXECUTION_ARN, '--interval', '3']);
    expect(watched.exitCode).toBe(0);
    expect(watched.stderr).toBe('');
    expect(watched.sleeps).toStrictEqual([3]);
    const historyCalls = sfn.commandCalls(GetExecutionHistoryCommand).map((call) => call.args[0].input);
    expect(historyCalls.map((input) => input.nextToken)).toStrictEqual([undefined, 'page-2', undefined, 'page-2b']);
    expect(historyCalls.every((input) => input.executionArn === EXECUTION_ARN)).toBe(true);

    const ranLocally = await runCli(['run', 'handlers/report-pipeline.ts', '--seed', '5']);
    expect(timelineOf(watched.stdout)).toStrictEqual(timelineOf(ranLocally.stdout));
    // Each event is reported once, though the second poll served the first half again.
    expect(watched.stdout.match(/extract +started/g)).toHaveLength(1);
    expect(linesOf(watched.stdout)[0]).toBe(`stepops watch run-1 (${STATE_MACHINE_ARN}; polling every 3s)`);
  });

  it('exits 1 on a FAILED execution and names the failed and skipped ops', async () => {
    const local = await runJobLocally(partialFailure, quiet);
    sfn.on(GetExecutionHistoryCommand).resolves({ events: local.history });
    sfn.on(DescribeExecutionCommand).resolves(describeAs('FAILED', { error: local.error!.error, cause: local.error!.cause }));
    const watched = await runCli(['watch', EXECUTION_ARN]);
    expect(watched.exitCode).toBe(1);
    expect(watched.sleeps).toStrictEqual([]);
    expect(timelineOf(watched.stdout)).toStrictEqual([
      'Timeline',
      'op       attempts  waits         outcome',
      'extract  1         -             succeeded',
      'audit    2         5s            succeeded',
      'load     3         2s + 4s = 6s  failed: WarehouseDownError: warehouse down (retry 2)',
      'notify   0         -             skipped (upstream failed: load)',
      '',
      'FAILED in 6s: WarehouseDownError',
      '  failed  load: WarehouseDownError: warehouse down (retry 2)',
      '  skipped notify (downstream of a failed op)',
      '  succeeded 2 ops; their values:',
      '    extract: {"rows":3}',
      '    audit: "audited"',
    ]);
  });

  it('renders a hand-written history of a state machine not built by stepops', async () => {
    const at = (seconds: number) => new Date(Date.UTC(2026, 0, 1) + seconds * 1000);
    const cause = JSON.stringify({ errorType: 'TimeoutError', errorMessage: 'upstream timed out', trace: ['TimeoutError: upstream timed out', '    at handler (index.js:1:1)'] });
    const events: HistoryEvent[] = [
      { id: 1, previousEventId: 0, type: 'ExecutionStarted', timestamp: at(0), executionStartedEventDetails: { input: '{}' } },
      { id: 2, previousEventId: 1, type: 'TaskStateEntered', timestamp: at(0), stateEnteredEventDetails: { name: 'Fetch', input: '{}' } },
      {
        id: 3,
        previousEventId: 2,
        type: 'TaskScheduled',
        timestamp: at(0),
        taskScheduledEventDetails: { resourceType: 'lambda', resource: 'invoke', region: 'eu-west-1', parameters: '{}' },
      },
      { id: 4, previousEventId: 3, type: 'TaskStarted', timestamp: at(0.1), taskStartedEventDetails: { resourceType: 'lambda', resource: 'invoke' } },
      { id: 5, previousEventId: 4, type: 'TaskFailed', timestamp: at(1), taskFailedEventDetails: { resourceType: 'lambda', resource: 'invoke', error: 'TimeoutError', cause } },
      {
        id: 6,
        previousEventId: 5,
        type: 'TaskScheduled',
        timestamp: at(4),
        taskScheduledEventDetails: { resourceType: 'lambda', resource: 'invoke', region: 'eu-west-1', parameters: '{}' },
      },
      { id: 7, previousEventId: 6, type: 'TaskStarted', timestamp: at(4.1), taskStartedEventDetails: { resourceType: 'lambda', resource: 'invoke' } },
      { id: 8, previousEventId: 7, type: 'TaskFailed', timestamp: at(5), taskFailedEventDetails: { resourceType: 'lambda', resource: 'invoke', error: 'TimeoutError', cause } },
      { id: 9, previousEventId: 8, type: 'ExecutionFailed', timestamp: at(5), executionFailedEventDetails: { error: 'TimeoutError', cause } },
    ];
    sfn.on(GetExecutionHistoryCommand).resolves({ events });
    sfn.on(DescribeExecutionCommand).resolves(describeAs('FAILED', { error: 'TimeoutError', cause }));
    const watched = await runCli(['watch', EXECUTION_ARN]);
    expect(watched.exitCode).toBe(1);
    expect(linesOf(watched.stdout)).toStrictEqual([
      `stepops watch run-1 (${STATE_MACHINE_ARN}; polling every 2s)`,
      '+0s         Fetch  started',
      '+1s         Fetch  attempt 1 failed: TimeoutError: upstream timed out',
      '+4s         Fetch  retry 1 started (attempt 2 after 3s)',
      '+5s         Fetch  attempt 2 failed: TimeoutError: upstream timed out',
      '',
      'Timeline',
      'op     attempts  waits  outcome',
      'Fetch  2         3s     failed: TimeoutError: upstream timed out',
      '',
      'FAILED in 5s: TimeoutError',
      '  TimeoutError: upstream timed out',
    ]);
  });

  it('uses the region in the ARN, and --region when given', async () => {
    sfn.on(GetExecutionHistoryCommand).resolves({ events: [] });
    sfn.on(DescribeExecutionCommand).resolves(describeAs('SUCCEEDED', { output: '{}' }));
    const regions: (string | undefined)[] = [];
    const createSfnClient = (options: { region?: string }) => {
      regions.push(options.region);
      return createOfflineSfnClient();
    };
    await runCli(['watch', EXECUTION_ARN], { createSfnClient });
    await runCli(['watch', EXECUTION_ARN, '--region', 'us-west-2'], { createSfnClient });
    expect(regions).toStrictEqual(['eu-west-1', 'us-west-2']);
  });

  it('fails with one line and exit 1 when the execution does not exist', async () => {
    sfn.on(DescribeExecutionCommand).rejects(new ExecutionDoesNotExist({ message: `Execution Does Not Exist: '${EXECUTION_ARN}'`, $metadata: {} }));
    const watched = await runCli(['watch', EXECUTION_ARN]);
    expect(watched.exitCode).toBe(1);
    expect(linesOf(watched.stderr)).toStrictEqual([
      `stepops: DescribeExecution failed: ExecutionDoesNotExist: Execution Does Not Exist: '${EXECUTION_ARN}'; check the ARN and that its region and account are the ones your credentials reach`,
    ]);
  });
});

describe('stepops start', () => {
  it('starts an execution with --input and --name, then follows it to the end', async () => {
    const local = await runJobLocally(reportPipeline, { ...quiet, seed: 5 });
    sfn.on(StartExecutionCommand).resolves({ executionArn: EXECUTION_ARN, startDate: new Date(0) });
    sfn.on(GetExecutionHistoryCommand).resolves({ events: local.history });
    sfn.on(DescribeExecutionCommand).resolves(describeAs('SUCCEEDED', { output: JSON.stringify(local.output) }));
    const started = await runCli(['start', STATE_MACHINE_ARN, '--input', '{"ops":{"extract":{"config":{"failuresBeforeSuccess":2}}}}', '--name', 'run-1']);
    expect(started.exitCode).toBe(0);
    expect(sfn.commandCalls(StartExecutionCommand).map((call) => call.args[0].input)).toStrictEqual([
      { stateMachineArn: STATE_MACHINE_ARN, input: '{"ops":{"extract":{"config":{"failuresBeforeSuccess":2}}}}', name: 'run-1' },
    ]);
    expect(linesOf(started.stdout)[0]).toBe(`started ${EXECUTION_ARN}`);
    expect(started.stdout).toMatch(/^SUCCEEDED in 3h \d+m \d+s$/m);
  });

  it('with --no-follow prints the execution ARN and exits 0 without polling', async () => {
    sfn.on(StartExecutionCommand).resolves({ executionArn: EXECUTION_ARN, startDate: new Date(0) });
    const started = await runCli(['start', STATE_MACHINE_ARN, '--no-follow']);
    expect(started.exitCode).toBe(0);
    expect(started.stdout).toBe(`started ${EXECUTION_ARN}\n`);
    expect(sfn.commandCalls(StartExecutionCommand)[0]!.args[0].input).toStrictEqual({ stateMachineArn: STATE_MACHINE_ARN, input: '{}' });
    expect(sfn.commandCalls(DescribeExecutionCommand)).toHaveLength(0);
  });

  it('fails with one line and exit 1 when StartExecution is refused', async () => {
    sfn.on(StartExecutionCommand).rejects(Object.assign(new Error('State Machine Does Not Exist'), { name: 'StateMachineDoesNotExist' }));
    const started = await runCli(['start', STATE_MACHINE_ARN]);
    expect(started.exitCode).toBe(1);
    expect(linesOf(started.stderr)).toStrictEqual([
      'stepops: StartExecution failed: StateMachineDoesNotExist: State Machine Does Not Exist; check the ARN and that its region and account are the ones your credentials reach',
    ]);
  });
});
