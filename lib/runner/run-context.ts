import type { HistoryEventType } from '@aws-sdk/client-sfn';
import type { CancelScope } from './clock/cancel-scope.js';
import type { RunClock } from './clock/clock.js';
import type { HistoryEventDetails, HistoryRecorder } from './history/history.js';
import type { StepFunctionsJsonataFunctions } from './evaluate/jsonata-functions.js';
import type { RandomSource } from './evaluate/random.js';
import type { ExecutionVariables } from './evaluate/variable-limit.js';
import type { TaskTokenRegistry } from './integrations/task-tokens.js';
import type { LambdaClientLike, RunResult, StatesContextObject, TaskHandler } from './types.js';
import { formatIsoTime } from '../job/logger.js';

/** Everything shared by all branches of one run. */
export interface RunContext {
  readonly clock: RunClock;
  readonly history: HistoryRecorder;
  readonly taskHandlers: Readonly<Record<string, TaskHandler>>;
  readonly lambda: LambdaClientLike | undefined;
  readonly functions: StepFunctionsJsonataFunctions;
  readonly jitterRandom: RandomSource;
  /** What `$shuffle` draws from (jsonata-shuffle.ts). */
  readonly shuffleRandom: RandomSource;
  readonly execution: StatesContextObject['Execution'];
  readonly stateMachine: StatesContextObject['StateMachine'];
  /** Starts child executions for startExecution Tasks. */
  readonly children: ChildExecutionStarter;
  /** The task tokens of callback Tasks, shared with child executions. */
  readonly taskTokens: TaskTokenRegistry;
  /** The UTF-8 bytes of every variable this execution's scopes hold now (variable-limit.ts). */
  readonly variables: ExecutionVariables;
  /** The handler and Lambda calls in flight in the whole run (every execution), for RunStalledError. */
  readonly busyCalls: Set<BusyCall>;
}

/** A handler or Lambda call in flight. */
export interface BusyCall {
  readonly stateName: string;
  readonly executionName: string;
}

/** A child execution as it starts: its identity, and its result to come. */
export interface StartedChildExecution {
  readonly name: string;
  readonly executionArn: string;
  readonly startMs: number;
  readonly done: Promise<RunResult>;
}

export interface ChildExecutionStarter {
  /** Starts the execution at once; throws UnknownStateMachineError when `stateMachineArn` is not known. */
  start(request: {
    readonly stateName: string;
    readonly stateMachineArn: string;
    readonly input: unknown;
    readonly name: string | undefined;
    /** Cancelling it stops (aborts) the child. */
    readonly cancel: CancelScope;
  }): StartedChildExecution;
}

/** One thread of execution: the top level, a Parallel branch or a Map iteration. */
export interface Scope {
  readonly run: RunContext;
  /** Workflow variables visible here; a branch or iteration reads its parent's through the prototype chain. */
  readonly variables: Record<string, unknown>;
  readonly cancel: CancelScope;
  /** Id of the last event recorded in this scope (the previousEventId of the next one). */
  lastEventId: number;
  /** The UTF-8 bytes of each variable assigned in this scope (not its parent's), as JSON. */
  readonly variableBytes: Map<string, number>;
  /**
   * The value this scope last recorded (a state's input or output) and its JSON: the next
   * state's input is mostly that value, recorded again (see recordStateEntered).
   */
  lastValue: unknown;
  lastJson: string | undefined;
}

/**
 * The JSON of `value` when it is the value the scope recorded last (Scope.lastValue: a state's
 * input or output), else undefined: the runner never changes a value it passes on, so that
 * value's JSON is still Scope.lastJson.
 */
export function readRecordedJson(scope: Scope, value: unknown): string | undefined {
  return value === scope.lastValue ? scope.lastJson : undefined;
}

/** Records an event in the scope's chain of events. */
export function recordEvent(scope: Scope, type: HistoryEventType, details?: HistoryEventDetails): number {
  const id = scope.run.history.record(type, scope.lastEventId, details);
  scope.lastEventId = id;
  return id;
}

/**
 * A scope for a Parallel branch or Map iteration. When the branch ends, releaseScopeVariables
 * gives its variables' bytes back to the execution.
 */
export function createChildScope(parent: Scope, cancel: CancelScope, lastEventId: number): Scope {
  // The parent's variables as the prototype: reads see them, assignments stay in the branch, and
  // nothing is copied (a copy per branch is quadratic in large jobs). The parent assigns nothing
  // while its branches run: a Parallel or Map assigns only after they end.
  return {
    run: parent.run,
    variables: Object.create(parent.variables) as Record<string, unknown>,
    cancel,
    lastEventId,
    variableBytes: new Map(),
    // A branch's input is mostly its Parallel's input, recorded last in the parent.
    lastValue: parent.lastValue,
    lastJson: parent.lastJson,
  };
}

/** The `$states.context` object for one attempt of a state. */
export function buildStatesContext(
  scope: Scope,
  stateName: string,
  enteredTimeMs: number,
  retryCount: number,
  mapItem?: { readonly Index: number; readonly Value: unknown },
): StatesContextObject {
  return {
    Execution: scope.run.execution,
    StateMachine: scope.run.stateMachine,
    State: { EnteredTime: formatIsoTime(enteredTimeMs), Name: stateName, RetryCount: retryCount },
    ...(mapItem === undefined ? {} : { Map: { Item: mapItem } }),
  };
}
