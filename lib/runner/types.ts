import type { InvokeCommand, InvokeCommandOutput } from '@aws-sdk/client-lambda';
import type { HistoryEvent } from '@aws-sdk/client-sfn';
import type { Clock } from './clock.js';

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
}

/**
 * Stands in for a Task's service call: gets the evaluated Arguments, returns the task result
 * (what `$states.result` sees), and signals a task failure by throwing (see `toTaskFailure`).
 */
export type TaskHandler = (args: unknown, ctx: TaskHandlerContext) => unknown | Promise<unknown>;

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
   * Seeds every random source: $random, $uuid, FULL jitter and the default execution name.
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
   * Called synchronously as each history event is recorded.
   * @default - no callback
   */
  readonly onEvent?: (event: HistoryEvent) => void;
}

/** Outcome of a run. */
export interface RunResult {
  readonly status: 'SUCCEEDED' | 'FAILED';
  /** Execution output, when SUCCEEDED. */
  readonly output?: unknown;
  /** Error and cause, when FAILED (an execution timeout reports States.Timeout). */
  readonly error?: { readonly error: string; readonly cause: string };
  /** Events in the shape of GetExecutionHistory, ids 1..n. */
  readonly history: HistoryEvent[];
  /** Seconds from ExecutionStarted to the last event, on the run's clock. */
  readonly elapsedSeconds: number;
}
