export { op, isOpDefinition } from './op.js';
export type { OpConfig, OpDefinition, ConfiguredOp, OpInvocable, OpFunction, HandlesFor, AnyOpDefinition } from './op.js';
export { job, isJobDefinition } from './job.js';
export type { JobConfig, JobDefinition } from './job.js';
export type { OpInvocation, OutputHandle } from './job-builder.js';
export { buildOpContext, isOpContext } from './op-context.js';
export { RunConfigError, isRunConfigError, checkRunConfigShape, validateOpConfig, validateRunConfig, readOpConfig, formatRunConfigIssue } from './run-config.js';
export type { RunConfigIssue, PreparedOpConfig } from './run-config.js';
export {
  ReexecutionError,
  REEXECUTION_STRATEGIES,
  REUSED_CONFIG_KEY,
  REEXECUTION_INPUT_KEY,
  buildReexecutionInput,
  readReusedOutput,
  readReexecutionRecord,
} from './reexecution.js';
export type { ReexecutionStrategy, ReusedOutputConfig, ReexecutionRecord, RecordedOp, RecordedRun } from './reexecution.js';
export type { OpContext, BuildOpContextOptions } from './op-context.js';
export { createLogger, writeJsonLine } from './logger.js';
export type { OpLogger, LogRecord, LogLevel, CreateLoggerOptions } from './logger.js';
export { resolveRetryPolicy } from './resolve-retry-policy.js';
export type { ResolvedRetryPolicy, RetryPolicySource } from './resolve-retry-policy.js';
export { computeJobFingerprint } from './job-fingerprint.js';
export { PROTOCOL_VERSION } from './wire-protocol.js';
export { OUTCOME_MARKER_KEY, VALUE_KEY, STORED_KEY, STORED_BYTES_KEY, INLINE_THRESHOLD_BYTES, isOpOutcomeMarker, isOpValueEnvelope, isOpStoredEnvelope } from './wire-protocol.js';
export type {
  OpPayload,
  RetryMode,
  ErrorDetails,
  SerializedError,
  OpOutcomeMarker,
  OpValueEnvelope,
  OpStoredEnvelope,
  OpEnvelope,
  JobFailureCause,
  SucceededOpEntry,
} from './wire-protocol.js';
export { NAME_PATTERN, MAX_NAME_LENGTH } from './names.js';
