/** Shared set-up for synth tests: stacks, an inline function (no bundling), template lookups. */
import { App, Stack } from 'aws-cdk-lib';
import { Annotations, Template } from 'aws-cdk-lib/assertions';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { JobStateMachine, type JobStateMachineProps } from '../../lib/cdk/index.js';
import type { AslDefinition, AslState, AslTaskState } from '../../lib/asl/index.js';

/** An environment-agnostic stack in a fresh app. */
export function createStack(id = 'TestStack'): Stack {
  return new Stack(new App(), id);
}

/** A function from inline code: lets tests skip bundling. */
export function createInlineFunction(stack: Stack, id = 'OpsFunction'): lambda.Function {
  return new lambda.Function(stack, id, {
    runtime: lambda.Runtime.NODEJS_22_X,
    handler: 'index.handler',
    code: lambda.Code.fromInline('exports.handler = async () => null;'),
  });
}

export interface SynthesizedJob {
  readonly stack: Stack;
  readonly construct: JobStateMachine;
  readonly template: Template;
  readonly annotations: Annotations;
}

/** A JobStateMachine with an inline function as its handler, synthesized. */
export function synthesizeJob(props: Omit<JobStateMachineProps, 'handler'>, stack = createStack()): SynthesizedJob {
  const construct = new JobStateMachine(stack, 'Job', { ...props, handler: createInlineFunction(stack) });
  return { stack, construct, template: Template.fromStack(stack), annotations: Annotations.fromStack(stack) };
}

/** The only resource of `type` in the template: its logical id and properties. */
export function findOnly(template: Template, type: string): { id: string; properties: Record<string, unknown> } {
  const resources = Object.entries(template.findResources(type));
  if (resources.length !== 1) throw new Error(`expected one ${type}, found ${resources.length}`);
  const [id, resource] = resources[0]!;
  return { id, properties: (resource as { Properties: Record<string, unknown> }).Properties };
}

/** The state machine's definition as deployed: DefinitionString parsed. */
export function readDefinition(template: Template): AslDefinition {
  const { properties } = findOnly(template, 'AWS::StepFunctions::StateMachine');
  const definition = properties.DefinitionString;
  if (typeof definition !== 'string') throw new Error(`DefinitionString is not a plain string: ${JSON.stringify(definition)}`);
  return JSON.parse(definition) as AslDefinition;
}

/** A policy's statements, from the AWS::IAM::Policy attached to the role with this logical id. */
export function statementsOfRole(template: Template, roleLogicalId: string): Record<string, unknown>[] {
  const policies = Object.values(template.findResources('AWS::IAM::Policy')) as { Properties: { Roles: unknown[]; PolicyDocument: { Statement: Record<string, unknown>[] } } }[];
  return policies
    .filter((policy) => policy.Properties.Roles.some((role) => JSON.stringify(role) === JSON.stringify({ Ref: roleLogicalId })))
    .flatMap((policy) => policy.Properties.PolicyDocument.Statement);
}

/** The actions aws-cdk-lib grants a state machine role for log delivery. */
export const LOG_DELIVERY_ACTIONS = [
  'logs:CreateLogDelivery',
  'logs:DeleteLogDelivery',
  'logs:DescribeLogGroups',
  'logs:DescribeResourcePolicies',
  'logs:GetLogDelivery',
  'logs:ListLogDeliveries',
  'logs:PutResourcePolicy',
  'logs:UpdateLogDelivery',
];
/** The actions aws-cdk-lib grants a state machine role for X-Ray tracing. */
export const XRAY_ACTIONS = ['xray:GetSamplingRules', 'xray:GetSamplingTargets', 'xray:PutTelemetryRecords', 'xray:PutTraceSegments'];

/** Every Task state of a definition, by name, Parallel branches included. */
export function collectTaskStates(states: Readonly<Record<string, AslState>>): Map<string, AslTaskState> {
  const tasks = new Map<string, AslTaskState>();
  for (const [name, state] of Object.entries(states)) {
    if (state.Type === 'Task') tasks.set(name, state);
    if (state.Type === 'Parallel') {
      for (const branch of state.Branches) for (const [branchName, task] of collectTaskStates(branch.States)) tasks.set(branchName, task);
    }
  }
  return tasks;
}

/** Every action of some policy statements, sorted. */
export function actionsOf(statements: readonly Record<string, unknown>[]): string[] {
  return statements.flatMap((statement) => [statement.Action as string | string[]].flat()).sort();
}
