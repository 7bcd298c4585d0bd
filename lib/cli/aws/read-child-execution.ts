import type { HistoryEvent } from '@aws-sdk/client-sfn';

/**
 * The child execution a parent's `startExecution.sync` / `.sync:2` Task event names, as Step
 * Functions records them: TaskSubmitted's output is StartExecution's response (ExecutionArn,
 * StartDate) while the child runs; TaskSucceeded's output is the child's DescribeExecution
 * fields (ExecutionArn, Status, Output, ...); TaskFailed's cause is those same fields as JSON.
 * Undefined for every other event.
 */
export function readChildExecutionArn(event: HistoryEvent): string | undefined {
  const submitted = event.type === 'TaskSubmitted' ? event.taskSubmittedEventDetails : undefined;
  const succeeded = event.type === 'TaskSucceeded' ? event.taskSucceededEventDetails : undefined;
  const failed = event.type === 'TaskFailed' ? event.taskFailedEventDetails : undefined;
  const details = submitted ?? succeeded ?? failed;
  if (details?.resourceType !== 'states' || details.resource?.startsWith('startExecution.sync') !== true) return undefined;
  return readExecutionArnField(submitted?.output ?? succeeded?.output ?? failed?.cause);
}

/** Whether the event ends a Task attempt (the child it started has ended by then). */
export function isTaskAttemptEnd(event: HistoryEvent): boolean {
  return event.type === 'TaskSucceeded' || event.type === 'TaskFailed';
}

/** `arn:aws:states:<region>:<account>:stateMachine:<name>` of an execution ARN, or '' if it is not one. */
export function readStateMachineArn(executionArn: string): string {
  const parts = executionArn.split(':');
  if (parts[5] !== 'execution' || parts.length < 8) return '';
  return [...parts.slice(0, 5), 'stateMachine', parts[6]].join(':');
}

/** The execution name: the last part of its ARN. */
export function readExecutionName(executionArn: string): string {
  return executionArn.split(':').at(-1) ?? executionArn;
}

function readExecutionArnField(text: string | undefined): string | undefined {
  if (text === undefined) return undefined;
  let value: unknown;
  try {
    value = JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
  if (typeof value !== 'object' || value === null) return undefined;
  const arn = (value as { ExecutionArn?: unknown }).ExecutionArn;
  return typeof arn === 'string' && arn !== '' ? arn : undefined;
}
