import {
  DescribeExecutionCommand,
  GetExecutionHistoryCommand,
  SFNClient,
  StartExecutionCommand,
  type DescribeExecutionCommandOutput,
  type HistoryEvent,
  type StartExecutionCommandOutput,
} from '@aws-sdk/client-sfn';
import type { SfnClientOptions } from '../cli-io.js';

/** The part of SFNClient the CLI uses (a real client, or one under aws-sdk-client-mock). */
export type SfnClientLike = Pick<SFNClient, 'send'>;

/** The default factory: an SFNClient with the SDK's usual region and credential resolution. */
export function createDefaultSfnClient(options: SfnClientOptions): SfnClientLike {
  return new SFNClient(options.region === undefined ? {} : { region: options.region });
}

/** The region of an ARN (`arn:aws:states:<region>:...`), if it has one. */
export function readRegionFromArn(arn: string): string | undefined {
  const region = arn.split(':')[3];
  return region === undefined || region === '' ? undefined : region;
}

/** StartExecution. */
export async function startExecution(
  client: SfnClientLike,
  request: { readonly stateMachineArn: string; readonly input: unknown; readonly name?: string },
): Promise<StartExecutionCommandOutput> {
  return client.send(
    new StartExecutionCommand({
      stateMachineArn: request.stateMachineArn,
      input: JSON.stringify(request.input ?? {}),
      ...(request.name === undefined ? {} : { name: request.name }),
    }),
  );
}

/** DescribeExecution. */
export async function describeExecution(client: SfnClientLike, executionArn: string): Promise<DescribeExecutionCommandOutput> {
  return client.send(new DescribeExecutionCommand({ executionArn }));
}

/** Every history event of an execution, oldest first, reading all pages. */
export async function fetchExecutionHistory(client: SfnClientLike, executionArn: string): Promise<HistoryEvent[]> {
  const events: HistoryEvent[] = [];
  let nextToken: string | undefined;
  do {
    const page = await client.send(new GetExecutionHistoryCommand({ executionArn, maxResults: 1000, reverseOrder: false, ...(nextToken === undefined ? {} : { nextToken }) }));
    events.push(...(page.events ?? []));
    nextToken = page.nextToken;
  } while (nextToken !== undefined && nextToken !== '');
  return events;
}
