export { runStateMachine, DEFAULT_STATE_MACHINE_ARN } from './run-state-machine.js';
export type {
  RunStateMachineOptions,
  RunResult,
  TaskHandler,
  TaskHandlerContext,
  StatesContextObject,
  LambdaClientLike,
  ExecutionSource,
  ChildExecution,
  ChildExecutionStatus,
} from './types.js';
export { VirtualClock, RealClock, VIRTUAL_EPOCH_MS, type Clock } from './clock.js';
export { RunnerError, UnsupportedDefinitionError, InvalidDefinitionError, MissingTaskHandlerError, UnknownStateMachineError } from './errors.js';
export { START_EXECUTION_RESOURCE, START_EXECUTION_SYNC_RESOURCE, START_EXECUTION_SYNC2_RESOURCE } from './start-execution.js';
export { toTaskFailure, MAX_ERROR_LENGTH, MAX_CAUSE_LENGTH, type TaskFailure } from './task-failure.js';
export { summarizeTaskAttempts, listTaskErrors, type TaskAttempt, type TaskVisitSummary } from './history-summary.js';
export { computeRetryDelaySeconds, matchesErrorEquals } from './retry.js';
export type { Retrier } from './definition.js';
export { MAX_PAYLOAD_BYTES } from './payload-limit.js';
export type { LambdaInvokeResult } from './lambda-invoke.js';
export { runJobLocally, type RunJobLocallyOptions, type ReexecuteOptions } from './run-job-locally.js';
export { readRecordedRun, readRecordedRunResult } from './read-recorded-run.js';
