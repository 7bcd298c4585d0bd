/** Names and numbers the compiled state machines share with Step Functions, Lambda and the CDK construct. */

/** The placeholder for the wrapper Lambda's ARN; the CDK construct fills it through definitionSubstitutions. */
export const FUNCTION_ARN_PLACEHOLDER = 'StepopsFunctionArn';

/** The Resource of every op Task: Step Functions' optimised Lambda integration. */
export const LAMBDA_INVOKE_RESOURCE = 'arn:aws:states:::lambda:invoke';

/**
 * The same integration with the callback pattern: Step Functions invokes the function with
 * the task token (`$states.context.Task.Token`) in the Payload, then waits for SendTaskSuccess
 * or SendTaskFailure naming it. The wait Tasks of `concurrency: 'exact'` use it.
 */
export const LAMBDA_INVOKE_CALLBACK_RESOURCE = `${LAMBDA_INVOKE_RESOURCE}.waitForTaskToken`;

/** The optimised Step Functions integration that starts another state machine's execution (request-response). */
export const START_EXECUTION_RESOURCE = 'arn:aws:states:::states:startExecution';
/** Run a Job (.sync): waits for the child; Input and Output in the result are JSON strings. */
export const START_EXECUTION_SYNC_RESOURCE = `${START_EXECUTION_RESOURCE}.sync`;
/**
 * Run a Job (.sync:2): waits for the child; Input and Output in the result are parsed JSON
 * (`$states.result.Output`). The Resource of a split job's parent Tasks that run its children.
 */
export const START_EXECUTION_SYNC2_RESOURCE = `${START_EXECUTION_RESOURCE}.sync:2`;

/**
 * Step Functions service errors a child's start Task retries (2 s, 6 attempts, rate 2, FULL
 * jitter): the execution quota (the name AWS's own startExecution example retries), and the
 * SDK client / service exceptions by analogy with Lambda's. A child that ran and failed
 * (States.TaskFailed) is never retried: its ops would run again.
 */
export const STEP_FUNCTIONS_SERVICE_ERRORS: readonly string[] = [
  'StepFunctions.ExecutionLimitExceeded',
  'StepFunctions.ExecutionLimitExceededException',
  'StepFunctions.SdkClientException',
  'StepFunctions.AWSStepFunctionsException',
];

/**
 * Lambda platform errors: the invocation never ran the op (reference/step-functions.md, "Lambda
 * errors as Step Functions errors"; docs/lambda-errors.md). Retried for every op whatever its
 * policy, without advancing its retry number (compile-faults.ts).
 */
export const LAMBDA_PLATFORM_ERRORS: readonly string[] = [
  'Lambda.ServiceException',
  'Lambda.AWSLambdaException',
  'Lambda.SdkClientException',
  'Lambda.ClientExecutionTimeoutException',
  'Lambda.TooManyRequestsException',
];

/**
 * CDK LambdaInvoke's default retrier (interval 2 s, 6 attempts, rate 2), plus FULL jitter: the
 * bounded backoff of platform retries (compile-faults.ts) and the standalone platform retrier.
 */
export const PLATFORM_RETRY = { intervalSeconds: 2, maxAttempts: 6, backoffRate: 2 } as const;

/**
 * Dead invocations: a Task timeout, a function timeout, a crashed or killed runtime
 * (docs/lambda-errors.md has each name's source). Op failures retried under the op's policy,
 * on its counter, with its schedule (compile-faults.ts); not retried without a policy. The
 * wrapper never throws these names (they are reserved: an op's own error of that name is renamed).
 */
export const INFRASTRUCTURE_ERRORS: readonly string[] = [
  'States.Timeout',
  'Sandbox.Timedout',
  'Lambda.Unknown',
  'Runtime.ExitError',
  'Runtime.OutOfMemory',
  'Runtime.UnhandledPromiseRejection',
  'Runtime.Unknown',
];

/** Step Functions limits used by the compiler and the checker. */
export const MAX_DEFINITION_CHARACTERS = 1_048_576;
export const MAX_STATE_NAME_LENGTH = 80;
export const MAX_ATTEMPTS = 99_999_999;
export const MAX_DELAY_SECONDS = 31_622_400;

/**
 * The timeout of the job function JobStateMachine bundles from `entry` (unless
 * functionProps.timeout says otherwise), and of each op attempt in runJobLocally (unless
 * functionTimeoutSeconds says otherwise): one minute.
 */
export const DEFAULT_FUNCTION_TIMEOUT_SECONDS = 60;

/** The longest timeout a Lambda function may have: 900 seconds (15 minutes). */
export const MAX_FUNCTION_TIMEOUT_SECONDS = 900;
