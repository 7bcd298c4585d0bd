import type { CliIo } from '../cli-io.js';
import { checkStateMachineArn } from '../aws/check-arn.js';
import { toAwsCliError } from '../aws/describe-aws-error.js';
import { readInputOption } from '../parse-options.js';
import { readRegionFromArn, startExecution } from '../aws/sfn-client.js';
import { runWatchCommand } from './watch-command.js';

export interface StartCommandOptions {
  /** Inline JSON or @file. @default {} */
  readonly input?: string;
  /** The execution name. @default - one Step Functions generates */
  readonly name?: string;
  /** Follow the execution to its end, as `watch` does. @default true */
  readonly follow?: boolean;
  /** Seconds between polls when following. @default 2 */
  readonly interval?: number;
  /** @default - the region in the ARN */
  readonly region?: string;
}

/** `stepops start <state-machine-arn>`: StartExecution, then follow it like `watch`. */
export async function runStartCommand(stateMachineArn: string, options: StartCommandOptions, io: CliIo): Promise<number> {
  checkStateMachineArn(stateMachineArn);
  const input = readInputOption(options.input, io.cwd);
  const region = options.region ?? readRegionFromArn(stateMachineArn);
  const client = io.createSfnClient(region === undefined ? {} : { region });
  let executionArn: string;
  try {
    const started = await startExecution(client, { stateMachineArn, input, ...(options.name === undefined ? {} : { name: options.name }) });
    executionArn = started.executionArn ?? '';
  } catch (error) {
    throw toAwsCliError('StartExecution', error);
  }
  io.stdout.write(`started ${executionArn}\n`);
  if (options.follow === false) return 0;
  return runWatchCommand(executionArn, { ...(options.interval === undefined ? {} : { interval: options.interval }), ...(region === undefined ? {} : { region }) }, io, client);
}
