/** Names and numbers the compiled state machines share with Step Functions, Lambda and the CDK construct. */

/** The placeholder for the wrapper Lambda's ARN; the CDK construct fills it through definitionSubstitutions. */
export const FUNCTION_ARN_PLACEHOLDER = 'StepopsFunctionArn';

/** The Resource of every op Task: Step Functions' optimised Lambda integration. */
export const LAMBDA_INVOKE_RESOURCE = 'arn:aws:states:::lambda:invoke';

/** Lambda platform errors, retried for every op whatever its policy. */
export const LAMBDA_PLATFORM_ERRORS: readonly string[] = [
  'Lambda.ServiceException',
  'Lambda.AWSLambdaException',
  'Lambda.SdkClientException',
  'Lambda.ClientExecutionTimeoutException',
  'Lambda.TooManyRequestsException',
];

/** CDK LambdaInvoke's default retrier (interval 2 s, 6 attempts, rate 2), plus FULL jitter. */
export const PLATFORM_RETRY = { intervalSeconds: 2, maxAttempts: 6, backoffRate: 2 } as const;

/** Infrastructure failures: Task timeout, function timeout or crash; retried under the op's policy. */
export const INFRASTRUCTURE_ERRORS: readonly string[] = ['States.Timeout', 'Lambda.Unknown', 'Sandbox.Timedout'];

/** Step Functions limits used by the compiler and the checker. */
export const MAX_DEFINITION_CHARACTERS = 1_048_576;
export const MAX_STATE_NAME_LENGTH = 80;
export const MAX_INTERVAL_SECONDS = 99_999_999;
export const MAX_ATTEMPTS = 99_999_999;
export const MAX_DELAY_SECONDS = 31_622_400;
export const MAX_WAIT_SECONDS = 99_999_999;
