import { CliError } from '../cli-error.js';

/** `arn:<partition>:states:<region>:<account>:stateMachine:<name>[:<version or alias>]`. */
const STATE_MACHINE_ARN = /^arn:aws[a-z-]*:states:[a-z0-9-]+:\d{12}:stateMachine:[A-Za-z0-9_-]{1,80}(:[A-Za-z0-9_-]{1,80})?$/;
/** `arn:<partition>:states:<region>:<account>:execution|express:<state machine>[:<version or alias>]:<name>`. */
const EXECUTION_ARN = /^arn:aws[a-z-]*:states:[a-z0-9-]+:\d{12}:(execution|express):[A-Za-z0-9_-]{1,80}(:[A-Za-z0-9_-]{1,80})?:[^\s:]{1,80}$/;

/** The ARN `start` takes, checked before any AWS call. */
export function checkStateMachineArn(value: string): string {
  if (STATE_MACHINE_ARN.test(value)) return value;
  const hint = EXECUTION_ARN.test(value) ? ' (it is an execution ARN: follow it with stepops watch)' : '';
  throw new CliError(
    `${JSON.stringify(value)} is not a state machine ARN${hint}`,
    'pass arn:aws:states:<region>:<account>:stateMachine:<name>, e.g. from `aws stepfunctions list-state-machines`',
  );
}

/** The ARN `watch` and `reexecute` take, checked before any AWS call. */
export function checkExecutionArn(value: string): string {
  if (EXECUTION_ARN.test(value)) return value;
  const hint = STATE_MACHINE_ARN.test(value) ? ' (it is a state machine ARN: start an execution with stepops start)' : '';
  throw new CliError(
    `${JSON.stringify(value)} is not an execution ARN${hint}`,
    'pass arn:aws:states:<region>:<account>:execution:<state machine>:<name>, e.g. from `aws stepfunctions list-executions`',
  );
}
