import type { HistoryEventType } from '@aws-sdk/client-sfn';
import type { MapNode, ParallelNode, TaskNode } from './definition.js';
import { findCatcher, type AttemptOutcome } from './error-handling.js';
import type { Scope } from './run-context.js';
import { completeState, completeThroughCatcher, type StateTransition } from './state-completion.js';
import { StatesError } from './states-error.js';
import type { StatesContextObject } from './types.js';

/** What ends a Task, Parallel or Map visit: the exit event and what Output/Assign see. */
export interface AttemptedStateExit {
  readonly exitType: HistoryEventType;
  readonly input: unknown;
  /** The context of the last attempt. */
  readonly context: StatesContextObject;
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
  const { exitType, input, context } = exit;
  if (outcome.kind === 'caught') {
    return completeThroughCatcher(scope, outcome.catcher, { stateName: node.name, exitType, input, context, errorOutput: outcome.errorOutput });
  }
  try {
    const output = await completeState(scope, {
      stateName: node.name,
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
      exitType,
      input,
      context,
      errorOutput: { Error: error.error, Cause: error.cause },
    });
  }
}
