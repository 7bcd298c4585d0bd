import type { InvokeCommand, InvokeCommandOutput } from '@aws-sdk/client-lambda';
import type { HistoryEvent } from '@aws-sdk/client-sfn';
import type { Clock } from './clock/clock.js';

/** The `$states.context` object (the context object of the developer guide). */
export interface StatesContextObject {
  readonly Execution: {
    readonly Id: string;
    readonly Input: unknown;
    readonly Name: string;
    readonly RoleArn: string;
    /** ISO 8601 with milliseconds, on the run's clock. */
    readonly StartTime: string;
    readonly RedriveCount: number;
  };
  readonly StateMachine: {
    readonly Id: string;
    readonly Name: string;
  };
  readonly State: {
    /** ISO 8601 with milliseconds, on the run's clock. */
    readonly EnteredTime: string;
    readonly Name: string;
    /** Retries of the current visit of this state, across all its retriers; 0 on the first attempt. */
    readonly RetryCount: number;
  };
  /** Present in a `.waitForTaskToken` Task: the token its callback (SendTaskSuccess / SendTaskFailure) names. */
  readonly Task?: {
    readonly Token: string;
  };
  /** Present while a Map state evaluates its ItemSelector. */
  readonly Map?: {
    readonly Item: {
      readonly Index: number;
      readonly Value: unknown;
    };
  };
}

/** What a TaskHandler receives besides the evaluated Arguments. */
export interface TaskHandlerContext {
  /** Name of the Task state. */
  readonly stateName: string;
  /** The Task's Resource ARN. */
  readonly resource: string;
  /** Same as `context.State.RetryCount`. */
  readonly retryCount: number;
  /** The run's clock; `clock.sleep` is how a handler spends (virtual) time. */
  readonly clock: Clock;
  /** The `$states.context` object of this attempt. */
  readonly context: StatesContextObject;
  /** Resets the Task's HeartbeatSeconds timer (SendTaskHeartbeat); does nothing when the Task has none. */
  readonly sendHeartbeat: () => void;
  /**
   * The run's SendTaskSuccess / SendTaskFailure / SendTaskHeartbeat, for the tokens of
   * `.waitForTaskToken` Tasks (this Task's is `context.Task.Token`), as the Step Functions API
   * takes them.
   */
  readonly callbacks: TaskCallbacks;
}

/**
 * The callback calls of the Step Functions API, in the shape of SFNClient's
 * SendTaskSuccess / SendTaskFailure / SendTaskHeartbeat command inputs. They reject with an
 * error named as the API's exceptions (`InvalidToken`, `TaskTimedOut`, `InvalidOutput`,
 * `ValidationException`).
 */
export interface TaskCallbacks {
  /** `output`: the task result as a JSON text. */
  sendTaskSuccess(input: { readonly taskToken: string; readonly output: string }): Promise<void>;
  sendTaskFailure(input: { readonly taskToken: string; readonly error?: string; readonly cause?: string }): Promise<void>;
  sendTaskHeartbeat(input: { readonly taskToken: string }): Promise<void>;
}

/**
 * Stands in for a Task's service call: gets the evaluated Arguments, returns the task result
 * (what `$states.result` sees), and signals a task failure by throwing (see `toTaskFailure`).
 */
export type TaskHandler = (args: unknown, ctx: TaskHandlerContext) => unknown;

/** The part of `LambdaClient` from @aws-sdk/client-lambda that the runner uses. */
export interface LambdaClientLike {
  send(command: InvokeCommand): Promise<InvokeCommandOutput>;
}

/** Options of `runStateMachine`. */
export interface RunStateMachineOptions {
  /**
   * Execution input.
   * @default {}
   */
  readonly input?: unknown;
  /**
   * Handlers keyed by Task state name; a handler replaces the Task's service call.
   * @default - no handlers: every Task must be `arn:aws:states:::lambda:invoke` and `lambda` must be set
   */
  readonly taskHandlers?: Readonly<Record<string, TaskHandler>>;
  /**
   * Seeds every random source: $random, $uuid, $shuffle, FULL jitter and the default execution name.
   * @default 0
   */
  readonly seed?: number;
  /**
   * 'virtual': waits take no wall time, time starts at 2026-01-01T00:00:00Z; 'real': setTimeout;
   * or a Clock of your own.
   * @default 'virtual'
   */
  readonly clock?: 'virtual' | 'real' | Clock;
  /**
   * Lambda client used for `arn:aws:states:::lambda:invoke` Tasks that have no handler.
   * @default - none: such Tasks need a handler
   */
  readonly lambda?: LambdaClientLike;
  /**
   * Execution name, used in `$states.context.Execution`.
   * @default - a UUID derived from `seed`
   */
  readonly executionName?: string;
  /**
   * State machine ARN, used in `$states.context`.
   * @default 'arn:aws:states:us-east-1:123456789012:stateMachine:stepops-local'
   */
  readonly stateMachineArn?: string;
  /**
   * Called synchronously as each history event is recorded, the events of child executions
   * (started by startExecution Tasks) included: `source` tells which execution an event
   * belongs to (each execution numbers its own events from 1).
   * @default - no callback
   */
  readonly onEvent?: (event: HistoryEvent, source: ExecutionSource) => void;
  /**
   * State machines that `arn:aws:states:::states:startExecution[.sync[:2]]` Tasks without a
   * handler run in process, keyed by the Task's `Arguments.StateMachineArn` exactly as the
   * definition passes it (an ARN, or a placeholder such as `${StepopsChildPart1Arn}`). A child
   * runs on the same clock, with the same taskHandlers, lambda client and stateMachines, and a
   * seed derived from the parent's.
   * @default - none: such Tasks need a handler
   */
  readonly stateMachines?: Readonly<Record<string, object | string>>;
  /**
   * Stops the run: once it aborts, no state starts, pending waits (Wait states, retry waits,
   * simulated op seconds) are cancelled, a Task in flight is abandoned (its handler's promise is
   * not awaited; JavaScript cannot stop the code it runs), and the run resolves with status
   * FAILED, error `States.Aborted`, a cause naming the signal's reason, and the history so far
   * ending in ExecutionAborted, as StopExecution does on AWS. Aborted before the start: the history
   * is ExecutionStarted, ExecutionAborted, and no Task runs.
   * @default - the run cannot be stopped
   */
  readonly signal?: AbortSignal;
}

/** Which execution a history event belongs to. */
export interface ExecutionSource {
  readonly executionArn: string;
  readonly name: string;
  readonly stateMachineArn: string;
  /** The execution whose Task started this one; undefined for the top-level execution. */
  readonly parentExecutionArn?: string;
  /** 0 for the top-level execution, 1 for the executions it starts, and so on. */
  readonly depth: number;
}

export type ChildExecutionStatus = 'SUCCEEDED' | 'FAILED' | 'TIMED_OUT' | 'ABORTED';

/** An execution started by a startExecution Task, and how it ended. */
export interface ChildExecution {
  /** The execution name (Arguments.Name, or one derived from the parent's seed). */
  readonly name: string;
  /** Arguments.StateMachineArn as the Task passed it (the `stateMachines` key). */
  readonly stateMachineArn: string;
  readonly executionArn: string;
  /** As DescribeExecution reports it: an execution timeout is TIMED_OUT, a child stopped with its parent Task ABORTED. */
  readonly status: ChildExecutionStatus;
  /** Its own result: status, output or error, history, and its own children. */
  readonly result: RunResult;
}

/** What every run result holds, whatever its status. */
interface RunResultBase {
  /** Events in the shape of GetExecutionHistory, ids 1..n. */
  readonly history: HistoryEvent[];
  /** Seconds from ExecutionStarted to the last event, on the run's clock. */
  readonly elapsedSeconds: number;
  /**
   * The executions its startExecution Tasks ran in process, in the order they started
   * (their own children are on their results).
   * @default - absent when no Task started an execution
   */
  readonly childExecutions?: readonly ChildExecution[];
}

/** A run that succeeded: its output. */
export interface SucceededRunResult extends RunResultBase {
  readonly status: 'SUCCEEDED';
  /** Execution output, as a caller of DescribeExecution gets it (parsed from its JSON). */
  readonly output: unknown;
  readonly error?: undefined;
}

/** A run that failed, timed out or was stopped: why. */
export interface FailedRunResult extends RunResultBase {
  /**
   * A run stopped by its AbortSignal, and a child execution stopped with its parent's Task, are
   * FAILED with error States.Aborted and a history ending in ExecutionAborted (a child's
   * ChildExecution.status is ABORTED).
   */
  readonly status: 'FAILED';
  /**
   * Error and cause (an execution timeout reports States.Timeout). A Fail state without Error
   * or Cause leaves that field out, as AWS does.
   */
  readonly error: { readonly error?: string; readonly cause?: string };
  readonly output?: undefined;
}

/** Outcome of a run; `status` tells which: `output` when SUCCEEDED, `error` when FAILED, no `!` needed. */
export type RunResult = SucceededRunResult | FailedRunResult;
