import type { HistoryEventType } from '@aws-sdk/client-sfn';
import type { MapNode, ParallelNode, TaskNode } from '../parse/definition.js';
import { findCatcher, runWithRetry, type AttemptOutcome } from './error-handling.js';
import { buildStatesContext, recordEvent, type Scope } from '../run-context.js';
import { completeState, completeThroughCatcher, recordStateEntered, type StateTransition } from './state-completion.js';
import { AbortedError, StatesError } from './states-error.js';
import type { StatesContextObject } from '../types.js';

/** What ends a Task, Parallel or Map visit: the exit event and what Output/Assign see. */
export interface AttemptedStateExit {
  readonly exitType: HistoryEventType;
  readonly input: unknown;
  /** The context of the last attempt. */
  readonly context: StatesContextObject;
  readonly enteredEventId: number;
}

/**
 * Ends a state that ran under Retry and Catch (Task, Parallel, Map): through the catcher that
 * caught its error, or through its own Output and Assign. An error while evaluating those (or
 * an output over the payload quota) is not retried but may still be caught.
 */
export async function finishAttemptedState(
  scope: Scope,
  node: TaskNode | ParallelNode | MapNode,
  outcome: AttemptOutcome<unknown>,
  exit: AttemptedStateExit,
): Promise<StateTransition> {
  const { exitType, input, context, enteredEventId } = exit;
  if (outcome.kind === 'caught') {
    return completeThroughCatcher(scope, outcome.catcher, { stateName: node.name, enteredEventId, exitType, input, context, errorOutput: outcome.errorOutput });
  }
  try {
    const output = await completeState(scope, {
      stateName: node.name,
      enteredEventId,
      exitType,
      input,
      context,
      defaultOutput: outcome.value,
      result: outcome.value,
      output: node.output,
      assign: node.assign,
    });
    return { output, next: node.next };
  } catch (error) {
    if (!(error instanceof StatesError)) throw error;
    const catcher = findCatcher(node.catch, error);
    if (catcher === undefined) throw error;
    return completeThroughCatcher(scope, catcher, {
      stateName: node.name,
      enteredEventId,
      exitType,
      input,
      context,
      errorOutput: error.toErrorOutput(),
    });
  }
}

/** The history events that open and close a Task, Parallel or Map visit. */
export interface AttemptedStateEvents {
  readonly entered: HistoryEventType;
  readonly exited: HistoryEventType;
  readonly aborted: HistoryEventType;
}

/** One attempt of a Task, Parallel or Map visit. */
export interface StateAttempt {
  /** The `$states.context` of this attempt. */
  readonly context: StatesContextObject;
  readonly retryCount: number;
  readonly enteredAtMs: number;
  /** Id of the state's *StateEntered event. */
  readonly enteredEventId: number;
}

/**
 * One visit of a Task, Parallel or Map state: records its entry, runs `attempt` under the
 * state's Retry and Catch (each attempt gets the context with its RetryCount, and the time the
 * state was entered), ends it through finishAttemptedState, and records the abort when the
 * branch or execution around it stops. `onUncaughtFailure` sees an attempt's error that no
 * retrier retried and no catcher caught, before it fails the state.
 */
export async function runAttemptedState(
  node: TaskNode | ParallelNode | MapNode,
  input: unknown,
  scope: Scope,
  events: AttemptedStateEvents,
  attempt: (attempt: StateAttempt) => Promise<unknown>,
  onUncaughtFailure?: (error: StatesError) => void,
): Promise<StateTransition> {
  const enteredEventId = recordStateEntered(scope, events.entered, node.name, input);
  const enteredAtMs = scope.run.clock.now();
  // The first attempt's context, built once: each retry builds its own.
  let lastContext = buildStatesContext(scope, node.name, enteredAtMs, 0);
  try {
    let outcome: AttemptOutcome<unknown>;
    try {
      outcome = await runWithRetry(scope, node, (retryCount) => {
        if (retryCount > 0) lastContext = buildStatesContext(scope, node.name, enteredAtMs, retryCount);
        return attempt({ context: lastContext, retryCount, enteredAtMs, enteredEventId });
      });
    } catch (error) {
      if (error instanceof StatesError) onUncaughtFailure?.(error);
      throw error;
    }
    return await finishAttemptedState(scope, node, outcome, { exitType: events.exited, input, context: lastContext, enteredEventId });
  } catch (error) {
    if (error instanceof AbortedError) recordEvent(scope, events.aborted);
    throw error;
  }
}
