import { ArnFormat, Names, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type { Construct } from 'constructs';

/**
 * Actions granted on `Resource: *` because they have no resource-level permissions: aws-cdk-lib's
 * for state machine logging and X-Ray tracing, and the wrapper's states:SendTaskSuccess (exact mode). They go to a role's ServicePolicy, so that the
 * cdk-nag acknowledgment of `AwsSolutions-IAM5[Resource::*]` covers exactly them and a wildcard
 * grant anyone adds to the role is reported.
 */
const SERVICE_WILDCARD_ACTIONS: ReadonlySet<string> = new Set([
  'logs:CreateLogDelivery',
  'logs:GetLogDelivery',
  'logs:UpdateLogDelivery',
  'logs:DeleteLogDelivery',
  'logs:ListLogDeliveries',
  'logs:PutResourcePolicy',
  'logs:DescribeResourcePolicies',
  'logs:DescribeLogGroups',
  'xray:PutTraceSegments',
  'xray:PutTelemetryRecords',
  'xray:GetSamplingRules',
  'xray:GetSamplingTargets',
  // concurrency 'exact': the Service Authorization Reference lists no resource type for it.
  'states:SendTaskSuccess',
]);

/** The id of the policy that holds a JobRole's service wildcard statements (when it has any). */
export const SERVICE_POLICY_ID = 'ServicePolicy';

/**
 * A role whose `Resource: *` statements for logging and X-Ray (exactly those actions, no
 * conditions) live in a policy of their own, `<role>/ServicePolicy`; every other statement
 * goes to the role's default policy as usual.
 */
export class JobRole extends iam.Role {
  private servicePolicy: iam.Policy | undefined;

  override addToPrincipalPolicy(statement: iam.PolicyStatement): iam.AddToPrincipalPolicyResult {
    if (!isServiceWildcard(statement)) return super.addToPrincipalPolicy(statement);
    this.servicePolicy ??= new iam.Policy(this, SERVICE_POLICY_ID, { roles: [this] });
    this.servicePolicy.addStatements(statement);
    return { statementAdded: true, policyDependable: this.servicePolicy };
  }
}

function isServiceWildcard(statement: iam.PolicyStatement): boolean {
  const json = statement.toStatementJson() as { Condition?: unknown; NotAction?: unknown; NotResource?: unknown; NotPrincipal?: unknown; Principal?: unknown };
  return (
    statement.effect === iam.Effect.ALLOW &&
    statement.resources.length === 1 &&
    statement.resources[0] === '*' &&
    statement.actions.length > 0 &&
    statement.actions.every((action) => SERVICE_WILDCARD_ACTIONS.has(action)) &&
    json.Condition === undefined &&
    json.NotAction === undefined &&
    json.NotResource === undefined &&
    json.Principal === undefined &&
    json.NotPrincipal === undefined
  );
}

/**
 * The name of a JobStateMachine's state machine `id`: unique per stack and construct path
 * (`<stack>-<path>-<hash>`, at most 80 characters), known at synth time so that its role can
 * trust exactly it (a role that trusted the state machine's `Ref` would be a circular dependency).
 */
export function createStateMachineName(scope: Construct, id: string): string {
  const suffix = `-${id}`;
  return `${Names.uniqueResourceName(scope, { maxLength: 80 - suffix.length, separator: '-', allowedSpecialCharacters: '-_' })}${suffix}`;
}

/**
 * The role a state machine runs with, that only Step Functions may assume, and only for the
 * state machine named `stateMachineName` in this account and region (`aws:SourceArn` equal to
 * its ARN, `aws:SourceAccount` this account). aws-cdk-lib's default role trusts every state
 * machine of the account (`ArnLike stateMachine:*`).
 */
export function createStateMachineRole(scope: Construct, id: string, stateMachineName: string, description: string): JobRole {
  const stack = Stack.of(scope);
  const arn = stack.formatArn({ service: 'states', resource: 'stateMachine', resourceName: stateMachineName, arnFormat: ArnFormat.COLON_RESOURCE_NAME });
  return new JobRole(scope, id, {
    description,
    assumedBy: new iam.ServicePrincipal('states.amazonaws.com', {
      conditions: { StringEquals: { 'aws:SourceArn': arn, 'aws:SourceAccount': stack.account } },
    }),
  });
}
