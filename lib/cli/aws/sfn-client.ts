import type { DescribeExecutionCommandOutput, GetExecutionHistoryCommandOutput, HistoryEvent, SFNClient, StartExecutionCommandOutput } from '@aws-sdk/client-sfn';
import type { SfnClientOptions } from '../cli-io.js';

/** The part of SFNClient the CLI uses (a real client, or one under aws-sdk-client-mock). */
export type SfnClientLike = Pick<SFNClient, 'send'>;

/**
 * The SDK's Step Functions module, loaded on first use: the commands that talk to AWS need it,
 * `stepops run` and the other local commands never pay for loading it.
 */
async function loadSfnModule(): Promise<typeof import('@aws-sdk/client-sfn')> {
  return import('@aws-sdk/client-sfn');
}

/** The default factory: an SFNClient with the SDK's usual region and credential resolution (created on the first request). */
export function createDefaultSfnClient(options: SfnClientOptions): SfnClientLike {
  let client: Promise<SFNClient> | undefined;
  const send = async (command: Parameters<SFNClient['send']>[0]): Promise<unknown> => {
    client ??= loadSfnModule().then(({ SFNClient: Client }) => new Client(options.region === undefined ? {} : { region: options.region }));
    return (await client).send(command);
  };
  return { send };
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
  const { StartExecutionCommand } = await loadSfnModule();
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
  const { DescribeExecutionCommand } = await loadSfnModule();
  return client.send(new DescribeExecutionCommand({ executionArn }));
}

/** Every history event of an execution, oldest first, reading all pages. */
export async function fetchExecutionHistory(client: SfnClientLike, executionArn: string): Promise<HistoryEvent[]> {
  const { GetExecutionHistoryCommand } = await loadSfnModule();
  const events: HistoryEvent[] = [];
  let nextToken: string | undefined;
  do {
    const page: GetExecutionHistoryCommandOutput = await client.send(
      new GetExecutionHistoryCommand({ executionArn, maxResults: 1000, reverseOrder: false, ...(nextToken === undefined ? {} : { nextToken }) }),
    );
    events.push(...(page.events ?? []));
    nextToken = page.nextToken;
  } while (nextToken !== undefined && nextToken !== '');
  return events;
}
