/**
 * What a split job's parent needs to run its child state machines: the IAM statements of the
 * `states:startExecution.sync:2` integration it starts each child with, and the refusal of
 * Express, which does not support that integration.
 */
import { ArnFormat, type Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { START_EXECUTION_SYNC2_RESOURCE, type ChildDefinition } from '../asl/index.js';

/**
 * The EventBridge managed rule Step Functions uses to learn that a child execution it started
 * with `.sync` finished. The parent's role must be allowed to create and read it.
 */
export const SYNC_EXECUTION_EVENTS_RULE = 'StepFunctionsGetEventsForStepFunctionsExecutionRule';

/** `states:startExecution.sync:2` cannot run in Express workflows: Run a Job (.sync) is Standard-only. */
export function describeExpressRefusal(constructPath: string, jobName: string, children: readonly ChildDefinition[]): string {
  return (
    `JobStateMachine "${constructPath}": props.stateMachineType is EXPRESS, but job "${jobName}" is too big for one definition and compiles to a parent ` +
    `state machine starting ${children.length} child state machine${children.length > 1 ? 's' : ''} (${children.map((child) => `"${child.name}"`).join(', ')}) ` +
    `with ${START_EXECUTION_SYNC2_RESOURCE}, and Express workflows do not support the Run a Job (.sync) integration pattern; ` +
    `use sfn.StateMachineType.STANDARD, or split the job into smaller jobs that each fit in one definition`
  );
}

/**
 * What `arn:aws:states:::states:startExecution.sync:2` needs to start the children and wait
 * for them, as aws-cdk-lib's StepFunctionsStartExecution grants for RUN_JOB, one statement per
 * kind of permission for all the children together:
 * - `states:StartExecution` on each child state machine;
 * - `states:DescribeExecution` and `states:StopExecution` on each child's executions
 *   (`arn:...:execution:<child name>:*`, the form the Step Functions developer guide gives;
 *   aws-cdk-lib writes `<child name>*`, which would also match other state machines whose
 *   names start with the child's);
 * - `events:PutTargets`, `events:PutRule` and `events:DescribeRule` on the managed rule
 *   StepFunctionsGetEventsForStepFunctionsExecutionRule.
 */
export function createStartChildrenStatements(stack: Stack, children: readonly sfn.StateMachine[]): iam.PolicyStatement[] {
  return [
    new iam.PolicyStatement({
      actions: ['states:StartExecution'],
      resources: children.map((child) => child.stateMachineArn),
    }),
    new iam.PolicyStatement({
      actions: ['states:DescribeExecution', 'states:StopExecution'],
      resources: children.map((child) =>
        stack.formatArn({ service: 'states', resource: 'execution', arnFormat: ArnFormat.COLON_RESOURCE_NAME, resourceName: `${child.stateMachineName}:*` }),
      ),
    }),
    new iam.PolicyStatement({
      actions: ['events:PutTargets', 'events:PutRule', 'events:DescribeRule'],
      resources: [stack.formatArn({ service: 'events', resource: 'rule', resourceName: SYNC_EXECUTION_EVENTS_RULE })],
    }),
  ];
}
