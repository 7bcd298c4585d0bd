import type { SFNClient } from '@aws-sdk/client-sfn';
import type { TaskTokenSender } from './coordination-store.js';
import { COORDINATION_TABLE_ENVIRONMENT } from '../job/coordination-protocol.js';
import { DynamoDbCoordinationStore } from './dynamodb-coordination-store.js';
import type { CoordinationOptions } from './serve-coordination.js';

/**
 * The coordination a deployed wrapper uses for `concurrency: 'exact'`: the DynamoDB table
 * JobStateMachine names in STEPOPS_COORDINATION_TABLE and Step Functions' SendTaskSuccess;
 * undefined when the variable is not set (a job without cross edges needs none).
 */
export function createCoordinationFromEnvironment(environment: Readonly<Record<string, string | undefined>> = process.env): CoordinationOptions | undefined {
  const tableName = environment[COORDINATION_TABLE_ENVIRONMENT];
  if (tableName === undefined || tableName === '') return undefined;
  return { store: new DynamoDbCoordinationStore({ tableName }), sender: new StepFunctionsTaskTokenSender() };
}

/** SendTaskSuccess through @aws-sdk/client-sfn, loaded on first use. */
export class StepFunctionsTaskTokenSender implements TaskTokenSender {
  private client: SFNClient | undefined;
  private sdk: Promise<typeof import('@aws-sdk/client-sfn')> | undefined;

  constructor(client?: SFNClient) {
    this.client = client;
  }

  async sendTaskSuccess(input: { readonly taskToken: string; readonly output: string }): Promise<unknown> {
    this.sdk ??= import('@aws-sdk/client-sfn');
    const sdk = await this.sdk;
    this.client ??= new sdk.SFNClient({});
    return this.client.send(new sdk.SendTaskSuccessCommand({ taskToken: input.taskToken, output: input.output }));
  }
}
