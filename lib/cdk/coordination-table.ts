import { Annotations, RemovalPolicy } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import type { Construct } from 'constructs';
import { COORDINATION_TABLE_ATTRIBUTES, COORDINATION_TABLE_ENVIRONMENT } from '../job/coordination-protocol.js';

/**
 * The coordination table of `concurrency: 'exact'` (DynamoDbCoordinationStore): one item per
 * (execution, producer op) holding the producer's envelope and the task tokens waiting for it.
 * On-demand capacity (a job's traffic comes in bursts), AWS-owned-key encryption, TTL on
 * `expiresAt` so that no item, waiting token included, outlives its execution by more than the
 * store's TTL, point-in-time recovery off unless asked for (the items matter only while their
 * execution runs), removed with the stack by default for the same reason.
 */
export function createCoordinationTable(scope: Construct, id: string, options: { readonly pointInTimeRecovery: boolean; readonly removalPolicy: RemovalPolicy }): dynamodb.Table {
  return new dynamodb.Table(scope, id, {
    partitionKey: { name: COORDINATION_TABLE_ATTRIBUTES.partitionKey, type: dynamodb.AttributeType.STRING },
    billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
    encryption: dynamodb.TableEncryption.AWS_MANAGED,
    timeToLiveAttribute: COORDINATION_TABLE_ATTRIBUTES.ttl,
    pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: options.pointInTimeRecovery },
    removalPolicy: options.removalPolicy,
  });
}

/**
 * What the wrapper needs for exact mode, nothing more:
 * - dynamodb:UpdateItem (register a token, record an envelope) and dynamodb:GetItem (read an
 *   envelope after a failed registration condition) on the table only;
 * - states:SendTaskSuccess on "*": the Service Authorization Reference lists no resource type
 *   for SendTaskSuccess (nor SendTaskFailure, SendTaskHeartbeat), so IAM cannot scope it to a
 *   state machine or execution; the task token itself names the task. SendTaskFailure and
 *   SendTaskHeartbeat are not granted: the wrapper sends failures as markers in a success.
 * and STEPOPS_COORDINATION_TABLE in its environment (a warning when the function is imported).
 */
export function connectCoordinationTable(scope: Construct, fn: lambda.IFunction, table: dynamodb.ITable): void {
  fn.grantPrincipal.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['dynamodb:GetItem', 'dynamodb:UpdateItem'], resources: [table.tableArn] }));
  fn.grantPrincipal.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['states:SendTaskSuccess'], resources: ['*'] }));
  const withEnvironment = fn as Partial<Pick<lambda.Function, 'addEnvironment'>>;
  if (typeof withEnvironment.addEnvironment === 'function') {
    withEnvironment.addEnvironment(COORDINATION_TABLE_ENVIRONMENT, table.tableName);
  } else {
    Annotations.of(scope).addWarningV2(
      'stepops:coordination-environment',
      `props.handler is an imported function, whose environment the construct cannot set: set ${COORDINATION_TABLE_ENVIRONMENT} to the coordination table's name on it, or its exact-mode waits time out`,
    );
  }
}
