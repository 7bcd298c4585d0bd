/**
 * stepops: Dagster's op retries (RetryPolicy, Backoff, Jitter, RetryRequested, Failure) for
 * TypeScript on AWS Step Functions and Lambda.
 */
export { Backoff, Jitter, RetryPolicy, decideRetry, createSeededRandom } from './policy/index.js';
export type { RetryPolicyOptions, DelayRange, RetryDecision, RetryReason, FailReason, DecideRetryInput } from './policy/index.js';
export { op, job, buildOpContext, resolveRetryPolicy, RunConfigError, validateRunConfig, ReexecutionError } from './job/index.js';
export type {
  OpConfig,
  OpDefinition,
  ConfiguredOp,
  OpInvocable,
  OpFunction,
  HandlesFor,
  AnyOpDefinition,
  JobConfig,
  JobDefinition,
  OpInvocation,
  OutputHandle,
  OpContext,
  BuildOpContextOptions,
  OpLogger,
  LogRecord,
  LogLevel,
  ResolvedRetryPolicy,
  RetryPolicySource,
  RunConfigIssue,
  ReexecutionStrategy,
  ErrorDetails,
  SerializedError,
  JobFailureCause,
  SucceededOpEntry,
} from './job/index.js';
export {
  StepopsError,
  DefinitionError,
  RetryRequested,
  Failure,
  isRetryRequested,
  isFailure,
  isDefinitionError,
  RETRY_ERROR,
  RETRY_AFTER_ERROR,
  PROTOCOL_ERROR,
  OUTPUT_TOO_LARGE_ERROR,
  OPS_FAILED_ERROR,
  RUN_CONFIG_ERROR,
  retryAttemptErrorName,
} from './errors.js';
export type { RetryRequestedOptions, FailureOptions } from './errors.js';
export { compileJob, compileRetryPolicy, checkDefinition, FUNCTION_ARN_PLACEHOLDER } from './asl/index.js';
export type {
  CompileJobOptions,
  CompiledJob,
  CompileDiagnostics,
  ChildDefinition,
  Concurrency,
  CoordinationDiagnostics,
  CoordinationCost,
  HeldBackOp,
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
export type { RunJobLocallyOptions, RunResult, SucceededRunResult, FailedRunResult, LocalRunResult } from './runner/index.js';
import type { runJobLocally as runJobLocallyNow } from './runner/index.js';

/**
 * stepops/runner's runJobLocally, loaded on the first call: a module that imports `stepops` to
 * define ops and jobs (every job module, a CDK app, a Lambda entry) does not load the local
 * interpreter and jsonata (~60% of what this entry cost to import). Same behaviour and errors.
 */
export const runJobLocally: typeof runJobLocallyNow = async (job, options) => {
  const runner = await import('./runner/index.js');
  return runner.runJobLocally(job, options);
};
