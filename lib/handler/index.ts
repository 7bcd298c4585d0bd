/**
 * stepops/handler: the Lambda wrapper. Import only this subpath in Lambda code; it pulls in
 * lib/policy, lib/job and lib/errors and nothing heavier (no aws-cdk-lib, jsonata or runner).
 */
export { jobHandler } from './job-handler.js';
export { opHandler } from './op-handler.js';
export type { OpEvent, OpHandlerOptions } from './op-handler.js';
export { jobMiddleware } from './middleware.js';
export type { MiddyMiddlewareLike, MiddyRequestLike } from './middleware.js';
export { runOpAttempt, serveOpEvent } from './run-op-attempt.js';
export type { OpAttempt } from './op-attempt.js';
export { resolveJobAttempt } from './resolve-job-attempt.js';
export type { HandlerOptions, LambdaContextLike, LambdaHandler } from './handler-types.js';
export { OpAttemptError, isOpAttemptError } from './op-attempt-error.js';
export type { HandlerErrorDetails, SerializedOpError } from './op-attempt-error.js';
export { toStepFunctionsError, formatRuntimeError } from './task-failure.js';
export type { StepFunctionsError, RuntimeErrorReport } from './task-failure.js';
export { serializeError } from './serialize-error.js';
export { fitCause } from './fit-cause.js';
export { OP_ERROR_PREFIX, toFailureErrorName } from './error-names.js';
export { chooseRetryMode } from './retry-mode.js';
export { MAX_CAUSE_LENGTH, MAX_ERROR_NAME_LENGTH, MAX_OUTPUT_BYTES } from './limits.js';
