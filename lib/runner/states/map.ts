import type { MapNode } from '../definition.js';
import { evaluateTemplate, type EvaluationEnvironment } from '../evaluate.js';
import { runAttemptedState } from '../attempted-state.js';
import { toJson } from '../payload-limit.js';
import { runBranches } from '../run-branches.js';
import { buildStatesContext, createChildScope, recordEvent, type Scope } from '../run-context.js';
import { runGraph } from '../run-graph.js';
import type { StateTransition } from '../state-completion.js';
import { AbortedError, StatesError, StatesErrorName } from '../states-error.js';

/**
 * Inline Map: runs the ItemProcessor once per item of Items (default: the state input), at
 * most MaxConcurrency at a time (0: no limit), each on a copy of the variables. The result is
 * the array of iteration outputs in item order. The first failing iteration stops the others
 * and fails the state with its own error; a Retry on the Map reruns every iteration.
 */
export async function runMapState(node: MapNode, input: unknown, scope: Scope): Promise<StateTransition> {
  const run = scope.run;
  return runAttemptedState(node, input, scope, MAP_EVENTS, async (context, retryCount, enteredAt) => {
    const env: EvaluationEnvironment = { stateName: node.name, states: { input, context }, variables: scope.variables, functions: run.functions };
    const items = node.items === undefined ? input : await evaluateTemplate(node.items, env);
    if (!Array.isArray(items)) {
      throw new StatesError(
        StatesErrorName.QueryEvaluationError,
        `An error occurred while executing the state '${node.name}'. The Items of a Map state must be an array, got ${toJson(items)}.`,
      );
    }
    const maxConcurrency = node.maxConcurrency === undefined ? 0 : await evaluateTemplate(node.maxConcurrency, env);
    if (typeof maxConcurrency !== 'number' || !Number.isInteger(maxConcurrency) || maxConcurrency < 0) {
      throw new StatesError(
        StatesErrorName.QueryEvaluationError,
        `An error occurred while executing the state '${node.name}'. MaxConcurrency must be an integer >= 0, got ${toJson(maxConcurrency)}.`,
      );
    }
    const startedId = recordEvent(scope, 'MapStateStarted', { mapStateStartedEventDetails: { length: items.length } });
    return runBranches(
      scope,
      { succeeded: 'MapStateSucceeded', failed: 'MapStateFailed' },
      (cancel) =>
        items.map((item, index) => async () => {
          const iterationScope = createChildScope(scope, cancel, startedId);
          const details = { name: node.name, index };
          recordEvent(iterationScope, 'MapIterationStarted', { mapIterationStartedEventDetails: details });
          try {
            const iterationInput =
              node.itemSelector === undefined
                ? structuredClone(item)
                : await evaluateTemplate(node.itemSelector, {
                    ...env,
                    states: { input, context: buildStatesContext(scope, node.name, enteredAt, retryCount, { Index: index, Value: item }) },
                  });
            const output = await runGraph(node.processor, iterationInput, iterationScope);
            recordEvent(iterationScope, 'MapIterationSucceeded', { mapIterationSucceededEventDetails: details });
            return output;
          } catch (error) {
            if (error instanceof AbortedError) recordEvent(iterationScope, 'MapIterationAborted', { mapIterationAbortedEventDetails: details });
            else recordEvent(iterationScope, 'MapIterationFailed', { mapIterationFailedEventDetails: details });
            throw error;
          }
        }),
      maxConcurrency,
    );
  });
}

const MAP_EVENTS = { entered: 'MapStateEntered', exited: 'MapStateExited', aborted: 'MapStateAborted' } as const;
