/**
 * stepops/handler: the Lambda wrapper. Import only this subpath in Lambda code; it pulls in
 * lib/policy, lib/job and lib/errors and nothing heavier (no aws-cdk-lib, jsonata or runner).
 *
 * What an invocation returns or throws (lib/job/wire-protocol.ts has the protocol):
 * - success: the op's output after the JSON round trip the Lambda runtime applies (`undefined`
 *   becomes `null`, a Date its ISO string, so in-process callers see what Step Functions sees),
 *   in the envelope `{ v: output }` for jobHandler/jobMiddleware (plain for opHandler); over
 *   262,144 bytes of JSON: OUTPUT_TOO_LARGE_ERROR; not JSON at all: the serializer's TypeError
 *   (reason 'output-not-serializable'). None is retried.
 * - a failure or skip marker among the input envelopes: the op does not run; a 'skipped' marker.
 * - retry (decideRetry): RETRY_ERROR ('plain'), retryAttemptErrorName(n) ('indexed'),
 *   RETRY_AFTER_ERROR ('loop', and any RetryRequested) with details.waitSeconds (whole
 *   seconds, rounded up) and details.nextRetryNumber.
 * - fail: the op's own name and message; a reserved name (States.*, Lambda.*, Sandbox.*, Runtime.*,
 *   stepops.*) gets the OP_ERROR_PREFIX; names are cut to 256 characters (the whole name stays
 *   in details.error.name); a thrown non-Error fails as its typeof with its value as the message.
 *   An exhausted RetryRequested fails as 'RetryRequested' (the op's own error, as in Dagster,
 *   so a Catch on the cause's name does not match it) with the message "Exceeded max_retries of
 *   N: <cause name>: <cause message>"; the cause chain is in the details.
 * - a payload from elsewhere: PROTOCOL_ERROR; the op never runs.
 * Every thrown error is an OpAttemptError: `stack` is one line of JSON (HandlerErrorDetails),
 * which the runtime puts in the Cause's trace[0]; the whole Cause fits 32,768 characters.
 */
export { jobHandler } from './job-handler.js';
export { opHandler } from './op-handler.js';
export type { OpEvent, OpHandlerOptions } from './op-handler.js';
export { jobMiddleware } from './middleware.js';
export type { MiddyMiddlewareLike, MiddyRequestLike } from './middleware.js';
export { runOpAttempt } from './run-op-attempt.js';
export type { OpAttempt } from './op-attempt.js';
export type { HandlerOptions, LambdaContextLike, LambdaHandler } from './handler-types.js';
export { OpAttemptError, isOpAttemptError } from './op-attempt-error.js';
export type { HandlerErrorDetails, SerializedOpError } from './op-attempt-error.js';
export { OP_ERROR_PREFIX } from './error-names.js';
export { InMemoryIoManager, DirectoryIoManager, S3IoManager, IoObjectExistsError, IoObjectMissingError, IO_OBJECT_EXISTS_ERROR, IO_OBJECT_MISSING_ERROR } from '../io/index.js';
export type { IoManager, OpOutputKey, S3IoManagerOptions } from '../io/index.js';
export { InMemoryCoordinationStore } from './coordination-store.js';
export type { CoordinationStore, CoordinationKey, RegisterResult, CompleteResult, TaskTokenSender } from './coordination-store.js';
export { DynamoDbCoordinationStore } from './dynamodb-coordination-store.js';
export type { DynamoDbCoordinationStoreOptions } from './dynamodb-coordination-store.js';
export { createCoordinationFromEnvironment, StepFunctionsTaskTokenSender } from './coordination-from-environment.js';
export type { CoordinationOptions } from './serve-coordination.js';
