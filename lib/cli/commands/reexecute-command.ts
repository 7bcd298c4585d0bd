import type { HistoryEvent } from '@aws-sdk/client-sfn';
import { ReexecutionError, buildReexecutionInput, type ReexecutionStrategy } from '../../job/index.js';
import { readRecordedRun } from '../../runner/index.js';
import { MAX_PAYLOAD_BYTES } from '../../runner/evaluate/payload-limit.js';
import { checkExecutionArn } from '../aws/check-arn.js';
import type { CliIo } from '../cli-io.js';
import { CliError } from '../cli-error.js';
import { toAwsCliError } from '../aws/describe-aws-error.js';
import { createExecutionTreeFollower } from '../aws/follow-execution-tree.js';
import { createExecutionEventMerger } from '../aws/merge-execution-events.js';
import { describeExecution, fetchExecutionHistory, readRegionFromArn, startExecution } from '../aws/sfn-client.js';
import { runWatchCommand } from './watch-command.js';

export interface ReexecuteCommandOptions {
  /** @default 'from-failure' */
  readonly strategy?: ReexecutionStrategy;
  /** The new execution's name. @default - one Step Functions generates */
  readonly name?: string;
  /** Follow the new execution to its end, as `watch` does. @default true */
  readonly follow?: boolean;
  /** Seconds between polls when following. @default 2 */
  readonly interval?: number;
  /** @default - the region in the ARN */
  readonly region?: string;
  /** Print the new execution's RunDocument (JSON) on stdout. @default false */
  readonly json?: boolean;
}

/**
 * `stepops reexecute <execution-arn>`: reads the execution (DescribeExecution) and its
 * history, its split children's included, and starts a new execution of the same state
 * machine whose input reuses the outputs of the ops that succeeded (buildReexecutionInput:
 * `ops.<op>.config.stepopsReused`, which the wrapper returns without running the op's code) and
 * records its parent's ARN under `stepops.parent`; then follows it like `start`.
 */
export async function runReexecuteCommand(executionArn: string, options: ReexecuteCommandOptions, io: CliIo): Promise<number> {
  checkExecutionArn(executionArn);
  const strategy = options.strategy ?? 'from-failure';
  const region = options.region ?? readRegionFromArn(executionArn);
  const client = io.createSfnClient(region === undefined ? {} : { region });
  let execution;
  try {
    execution = await describeExecution(client, executionArn);
  } catch (error) {
    throw toAwsCliError('DescribeExecution', error);
  }
  // A split job's ops run in child executions: read the whole tree, merged as `watch` merges it.
  const merger = createExecutionEventMerger();
  const follower = createExecutionTreeFollower({
    executionArn,
    fetchHistory: async (arn): Promise<HistoryEvent[]> => {
      try {
        return await fetchExecutionHistory(client, arn);
      } catch (error) {
        throw toAwsCliError('GetExecutionHistory', error);
      }
    },
    onEvent: (event, source) => void merger.add(event, source),
    onChild: () => {},
  });
  await follower.poll();
  const recorded = { ...readRecordedRun(merger.history(), executionArn), status: execution.status ?? 'RUNNING' };
  let plan;
  try {
    plan = buildReexecutionInput(recorded, strategy);
  } catch (error) {
    if (error instanceof ReexecutionError) throw new CliError(error.message, 'pass a failed, timed-out or aborted execution');
    throw error;
  }
  const inputBytes = Buffer.byteLength(JSON.stringify(plan.input), 'utf8');
  if (inputBytes > MAX_PAYLOAD_BYTES) {
    throw new CliError(
      `the re-execution's input, which carries the reused ops' recorded outputs (${plan.reusedOps.join(', ')}), is ${inputBytes} bytes, over Step Functions' ${MAX_PAYLOAD_BYTES}`,
      'keep large op outputs out of the state (an IO manager that passes references), or re-run every op with --strategy all-steps',
    );
  }
  const stateMachineArn = execution.stateMachineArn;
  if (stateMachineArn === undefined) throw new CliError(`DescribeExecution of ${executionArn} names no state machine`, 'check the ARN');
  let newArn: string;
  try {
    const started = await startExecution(client, { stateMachineArn, input: plan.input, ...(options.name === undefined ? {} : { name: options.name }) });
    newArn = started.executionArn ?? '';
  } catch (error) {
    throw toAwsCliError('StartExecution', error);
  }
  const progress = options.json === true ? io.stderr : io.stdout;
  progress.write(
    `re-executing ${executionArn} (${strategy}): reusing ${plan.reusedOps.join(', ') || 'nothing'}; running ${plan.rerunOps.join(', ') || 'every op'}\nstarted ${newArn}\n`,
  );
  if (options.follow === false) return 0;
  return runWatchCommand(
    newArn,
    { ...(options.interval === undefined ? {} : { interval: options.interval }), ...(region === undefined ? {} : { region }), ...(options.json === true ? { json: true } : {}) },
    io,
    client,
  );
}
