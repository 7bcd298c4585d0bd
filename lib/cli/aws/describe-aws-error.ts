import { CliError, FAILURE_EXIT_CODE } from '../cli-error.js';

/**
 * A failed AWS call as one CliError line: what was called, the service's error name and
 * message, and what to do about the usual causes (credentials, region, a wrong ARN).
 */
export function toAwsCliError(action: string, error: unknown): CliError {
  const name = typeof (error as { name?: unknown })?.name === 'string' ? (error as { name: string }).name : 'Error';
  const message = (typeof (error as { message?: unknown })?.message === 'string' ? (error as { message: string }).message : String(error)).split('\n')[0]!;
  return new CliError(`${action} failed: ${name}: ${message}`, suggestFix(name, message), FAILURE_EXIT_CODE);
}

function suggestFix(name: string, message: string): string {
  if (name === 'CredentialsProviderError' || /credential/i.test(message)) {
    return 'configure AWS credentials (aws configure, AWS_PROFILE or AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY)';
  }
  if (/region is missing/i.test(message)) return 'pass --region or set AWS_REGION';
  if (name === 'StateMachineDoesNotExist' || name === 'ExecutionDoesNotExist' || name === 'InvalidArn') {
    return 'check the ARN and that its region and account are the ones your credentials reach';
  }
  if (name === 'ExecutionAlreadyExists') return 'pass another --name, or omit it for a generated one';
  if (name === 'InvalidExecutionInput') return 'pass a JSON object with --input';
  if (name === 'AccessDeniedException') return 'grant states:StartExecution, states:DescribeExecution and states:GetExecutionHistory';
  return 'check the ARN, your credentials and the region';
}
