/**
 * stepops/runner: the local interpreter of JSONata state machines (runStateMachine) and
 * runJobLocally, with their clocks, errors and history helpers.
 */
export { runStateMachine, DEFAULT_STATE_MACHINE_ARN } from './run-state-machine.js';
export type {
  RunStateMachineOptions,
  RunResult,
  SucceededRunResult,
  FailedRunResult,
  TaskHandler,
  TaskHandlerContext,
  TaskCallbacks,
  StatesContextObject,
  LambdaClientLike,
  ExecutionSource,
  ChildExecution,
  ChildExecutionStatus,
} from './types.js';
export { VirtualClock, RealClock, VIRTUAL_EPOCH_MS, type Clock } from './clock/clock.js';
export { RunnerError, UnsupportedDefinitionError, InvalidDefinitionError, MissingTaskHandlerError, UnknownStateMachineError, RunStalledError } from './errors.js';
export { summarizeTaskAttempts, listTaskErrors, type TaskAttempt, type TaskVisitSummary } from './history/history-summary.js';
export type { Retrier } from './parse/definition.js';
export type { LambdaInvokeResult } from './integrations/lambda-invoke.js';
export { runJobLocally, type RunJobLocallyOptions, type ReexecuteOptions, type LocalRunResult } from './local/run-job-locally.js';
export { readRecordedRun, readRecordedRunResult } from './history/read-recorded-run.js';
export type { SimulatedOpSeconds } from './local/simulated-op-seconds.js';
