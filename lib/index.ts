/**
 * stepops: Dagster's op retries (RetryPolicy, Backoff, Jitter, RetryRequested, Failure) for
 * TypeScript on AWS Step Functions and Lambda.
 */
export * from './policy/index.js';
export * from './job/index.js';
export {
  StepopsError,
  DefinitionError,
  RetryRequested,
  Failure,
  isRetryRequested,
  isFailure,
  isDefinitionError,
  reportedErrorName,
  RETRY_ERROR,
  RETRY_AFTER_ERROR,
  PROTOCOL_ERROR,
  OUTPUT_TOO_LARGE_ERROR,
  OPS_FAILED_ERROR,
  RUN_CONFIG_ERROR,
  retryAttemptErrorName,
  isReservedErrorName,
} from './errors.js';
export type { RetryRequestedOptions, FailureOptions } from './errors.js';
export { compileJob, compileRetryPolicy, checkDefinition, FUNCTION_ARN_PLACEHOLDER } from './asl/index.js';
export type {
  CompileJobOptions,
  CompiledJob,
  CompileDiagnostics,
  CompileRetryPolicyOptions,
  CompiledRetryPolicy,
  RetryFidelity,
  OpRetryPlan,
  PolicyRetryPlan,
  RetryWait,
  RetryDeviation,
  RetryDeviationKind,
  RetryMechanism,
  DefinitionProblem,
  AslDefinition,
} from './asl/index.js';
export { runJobLocally } from './runner/index.js';
export type { RunJobLocallyOptions, RunResult } from './runner/index.js';
