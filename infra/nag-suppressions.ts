/**
 * cdk-nag (AwsSolutions) findings on a JobStateMachine that are justified, each acknowledged
 * on the one role it concerns, with the reason. Everything else the pack reports is fixed in
 * the construct or the stack (own function role without managed policies, latest Node.js
 * runtime, ALL-level state machine logs in the examples).
 */
import { Stack, Validations, type CfnElement } from 'aws-cdk-lib';
import * as s3 from 'aws-cdk-lib/aws-s3';
import type { JobStateMachine } from '../lib/cdk/index.js';

export function acknowledgeJobStateMachineFindings(jobStateMachine: JobStateMachine): void {
  const { stateMachine, function: opsFunction } = jobStateMachine;
  const functionLogicalId = Stack.of(jobStateMachine).getLogicalId(opsFunction.node.defaultChild as CfnElement);
  // The role's default policy: exactly the function's version/alias wildcard. Any other wildcard grant on it is reported.
  Validations.of(stateMachine.role.node.tryFindChild('DefaultPolicy') ?? stateMachine.role).acknowledge({
    id: `AwsSolutions-IAM5[Resource::<${functionLogicalId}.Arn>:*]`,
    reason:
      "grantInvoke: lambda:InvokeFunction on the job's own function and its versions and aliases (ARN suffix ':*'), no other function; lets the definition invoke a published version or alias of it.",
  });
  // `Resource: *` is acknowledged on the roles' ServicePolicy only, which holds aws-cdk-lib's logging and X-Ray statements and nothing else.
  const stateMachineServicePolicy = stateMachine.role.node.tryFindChild('ServicePolicy');
  if (stateMachineServicePolicy !== undefined) {
    Validations.of(stateMachineServicePolicy).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason:
        'Added by aws-cdk-lib for state machine logging (logs:CreateLogDelivery, GetLogDelivery, UpdateLogDelivery, DeleteLogDelivery, ListLogDeliveries, PutResourcePolicy, DescribeResourcePolicies, DescribeLogGroups) and X-Ray tracing (xray:PutTraceSegments, PutTelemetryRecords, GetSamplingRules, GetSamplingTargets): these actions do not support resource-level permissions. This policy holds those statements only.',
    });
  }
  const functionServicePolicy = opsFunction.role?.node.tryFindChild('ServicePolicy');
  if (functionServicePolicy !== undefined) {
    Validations.of(functionServicePolicy).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason:
        'Added by aws-cdk-lib for active X-Ray tracing (xray:PutTraceSegments, xray:PutTelemetryRecords): X-Ray does not support resource-level permissions. ' +
        "With concurrency 'exact' also states:SendTaskSuccess, which the Service Authorization Reference lists with no resource type (IAM cannot scope it; the task token names the task). This policy holds those statements only.",
    });
  }
  const { coordinationTable } = jobStateMachine;
  if (coordinationTable !== undefined) {
    Validations.of(coordinationTable).acknowledge({
      id: 'AwsSolutions-DDB3',
      reason:
        "The coordination table of concurrency 'exact' holds, per running execution, a producer op's envelope and the task tokens waiting for it; its items matter only while their execution runs and expire by TTL, so point-in-time recovery is off by default (JobStateMachine prop coordinationPointInTimeRecovery turns it on).",
    });
  }
  const { ioBucket, ioPrefix } = jobStateMachine;
  // Only the bucket the construct created is in this scope (a user's ioBucket is acknowledged, or not, where it is defined).
  if (ioBucket instanceof s3.Bucket && ioBucket.node.scope === jobStateMachine) {
    const bucketLogicalId = Stack.of(jobStateMachine).getLogicalId(ioBucket.node.defaultChild as CfnElement);
    if (opsFunction.role !== undefined) {
      Validations.of(opsFunction.role).acknowledge({
        id: `AwsSolutions-IAM5[Resource::<${bucketLogicalId}.Arn>/${ioPrefix}*]`,
        reason:
          "The S3 IO manager: s3:GetObject and s3:PutObject on the job's own prefix of its IO bucket, where it writes one object per op attempt (<run id>/<op>/<retry number>.json) whose keys are known only at run time.",
      });
    }
    Validations.of(ioBucket).acknowledge({
      id: 'AwsSolutions-S1',
      reason:
        "The IO bucket holds intermediate op outputs that expire (lifecycle rule); only the job's function reads and writes them, and its executions are logged by Step Functions and Lambda. Server access logs would need a second bucket per job for little information.",
    });
  }
}
