import type { HistoryEvent } from '@aws-sdk/client-sfn';
import { compileJob } from '../../asl/index.js';
import { loadJob } from '../load-job-module.js';
import { writeReportFile } from '../render/write-report.js';
import type { CliIo } from '../cli-io.js';
import { FAILURE_EXIT_CODE } from '../cli-error.js';
import { checkExecutionArn } from '../aws/check-arn.js';
import { toAwsCliError } from '../aws/describe-aws-error.js';
import { createProgressTracker } from '../render/describe-progress.js';
import { createExecutionTreeFollower, type FollowedChild } from '../aws/follow-execution-tree.js';
import { createExecutionEventMerger } from '../aws/merge-execution-events.js';
import { createProgressReporter } from '../render/progress-reporter.js';
import { renderTimeline } from '../render/render-timeline.js';
import { describeExecution, fetchExecutionHistory, readRegionFromArn, type SfnClientLike } from '../aws/sfn-client.js';
import { createStyle, shouldUseColor } from '../render/style.js';
import { summarizeExecution } from '../render/summarize-execution.js';
import { buildRunDocument, formatJsonDocument } from '../render/run-document.js';

export interface WatchCommandOptions {
  /** Seconds between polls. @default 2 */
  readonly interval?: number;
  /** @default - the region in the ARN */
  readonly region?: string;
  /** Print one RunDocument (JSON) on stdout instead of the timeline; progress goes to stderr. @default false */
  readonly json?: boolean;
  /** Also write the execution's HTML report to this file. @default - none */
  readonly report?: string;
  /**
   * The job's module, for the report's graph and retry plans (an execution's history has
   * neither). @default - the report lists the ops without edges or plans
   */
  readonly module?: string;
  /** The job in `module`, when it exports several. @default - its only job */
  readonly job?: string;
}

/**
 * `stepops watch <execution-arn>`: follows an execution on AWS (GetExecutionHistory, all
 * pages, and DescribeExecution every `interval` seconds), printing the same progress lines
 * and timeline as a local run. A split job's parent starts child executions
 * (startExecution.sync:2): their histories are polled too and merged into the progress and
 * the timeline as `stepops run` merges them. Exits 0 when it succeeded, 1 otherwise.
 */
export async function runWatchCommand(executionArn: string, options: WatchCommandOptions, io: CliIo, existingClient?: SfnClientLike): Promise<number> {
  checkExecutionArn(executionArn);
  const region = options.region ?? readRegionFromArn(executionArn);
  const client = existingClient ?? io.createSfnClient(region === undefined ? {} : { region });
  const interval = options.interval ?? 2;
  const json = options.json === true;
  // With --json, stdout holds the document alone; the live view goes to stderr.
  const progressOutput = json ? io.stderr : io.stdout;
  const style = createStyle(shouldUseColor(progressOutput, io.env));
  const tracker = createProgressTracker({ style });
  const reporter = createProgressReporter(progressOutput, tracker, { style, countdown: progressOutput.isTTY === true });

  const describe = async (): Promise<Awaited<ReturnType<typeof describeExecution>>> => {
    try {
      return await describeExecution(client, executionArn);
    } catch (error) {
      throw toAwsCliError('DescribeExecution', error);
    }
  };
  const fetchHistory = async (arn: string): Promise<HistoryEvent[]> => {
    try {
      return await fetchExecutionHistory(client, arn);
    } catch (error) {
      throw toAwsCliError('GetExecutionHistory', error);
    }
  };

  let execution = await describe();
  progressOutput.write(
    `${style.bold(`stepops watch ${execution.name ?? executionArn}`)} ${style.dim(`(${execution.stateMachineArn ?? 'state machine unknown'}; polling every ${interval}s)`)}\n`,
  );
  // Without children the merger passes every event through unchanged.
  const merger = createExecutionEventMerger();
  const follower = createExecutionTreeFollower({
    executionArn,
    fetchHistory,
    onEvent: (event, source) => {
      const merged = merger.add(event, source);
      if (merged !== undefined) reporter.onEvent(merged);
    },
    onChild: (child) => reporter.writeNote(describeChild(child)),
  });
  const readNewEvents = (): Promise<void> => follower.poll();
  try {
    for (;;) {
      await readNewEvents();
      if (execution.status !== 'RUNNING' && execution.status !== 'PENDING_REDRIVE') break;
      await io.sleep(interval);
      execution = await describe();
      if (execution.status !== 'RUNNING' && execution.status !== 'PENDING_REDRIVE') {
        await readNewEvents();
        break;
      }
    }
  } finally {
    reporter.finish();
  }
  const summary = summarizeExecution(merger.history());
  const withDescribed = summary.status !== 'RUNNING' ? summary : { ...summary, ...statusFromDescribe(execution) };
  if (options.report !== undefined) {
    const job = options.module === undefined ? undefined : await loadJob(options.module, options.job, io.cwd);
    writeReportFile(
      options.report,
      io.cwd,
      {
        title: execution.name ?? executionArn,
        subtitle: `execution on AWS: ${executionArn}`,
        summary: withDescribed,
        history: merger.history(),
        ...(job === undefined ? {} : { graph: job.invocations, retryPlans: compileJob(job).retryPlans }),
      },
      progressOutput,
    );
  }
  if (json) {
    io.stdout.write(
      formatJsonDocument(
        buildRunDocument(withDescribed, {
          input: parseInput(execution.input),
          executionArn,
          ...(execution.name === undefined ? {} : { executionName: execution.name }),
          ...(execution.stateMachineArn === undefined ? {} : { stateMachineArn: execution.stateMachineArn }),
        }),
      ),
    );
  } else {
    io.stdout.write(`\n${renderTimeline(withDescribed, { style }).join('\n')}\n`);
  }
  return withDescribed.status === 'SUCCEEDED' ? 0 : FAILURE_EXIT_CODE;
}

function parseInput(text: string | undefined): unknown {
  if (text === undefined) return {};
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

/** `following child execution part1 (<arn>)`: the part from the parent's `start-part1` Task. */
function describeChild(child: FollowedChild): string {
  const label = child.stateName === '' ? 'child' : child.stateName.replace(/^start-/, '');
  return `following child execution ${label} (${child.executionArn})`;
}

/** When the history has no Execution* end event (it should), DescribeExecution's status stands in. */
function statusFromDescribe(execution: Awaited<ReturnType<typeof describeExecution>>): Pick<ReturnType<typeof summarizeExecution>, 'status' | 'output' | 'error'> {
  switch (execution.status) {
    case 'SUCCEEDED':
      return { status: 'SUCCEEDED', output: execution.output ?? 'null' };
    case 'FAILED':
    case 'TIMED_OUT':
    case 'ABORTED':
      return { status: execution.status, error: { error: execution.error ?? execution.status, cause: execution.cause ?? '' } };
    default:
      return { status: 'RUNNING' };
  }
}
