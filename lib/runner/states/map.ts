import type { MapNode } from '../parse/definition.js';
import { createEvaluationEnvironment, describeTemplateSource, evaluateTemplate, type EvaluationEnvironment, type Template } from '../evaluate/evaluate.js';
import { runAttemptedState } from './attempted-state.js';
import { describeUnexpectedType, failQueryEvaluation } from '../evaluate/query-evaluation.js';
import { checkResultsWithinLimit } from '../evaluate/payload-limit.js';
import { runBranches } from './run-branches.js';
import { buildStatesContext, createChildScope, recordEvent, type Scope } from '../run-context.js';
import { releaseScopeVariables } from '../evaluate/variable-limit.js';
import { runGraph } from './run-graph.js';
import type { StateTransition } from './state-completion.js';
import { AbortedError, StatesError, StatesErrorName } from './states-error.js';

/**
 * Inline Map: runs the ItemProcessor once per item of Items (default: the state input), at
 * most MaxConcurrency at a time (0: no limit). The result is the array of iteration outputs in
 * item order. Without ToleratedFailureCount/Percentage the first failing iteration stops the
 * others and fails the state with its own error. With them, failed iterations are tolerated
 * (their output is their error output `{ Error, Cause }`) until more than the count, or more
 * than the percentage of all items, have failed: then the others stop and the state fails
 * with States.ExceedToleratedFailureThreshold. A Retry on the Map reruns every iteration.
 */
export async function runMapState(node: MapNode, input: unknown, scope: Scope): Promise<StateTransition> {
  return runAttemptedState(node, input, scope, MAP_EVENTS, async ({ context, retryCount, enteredAtMs, enteredEventId }) => {
    const env = createEvaluationEnvironment(scope, node.name, enteredEventId, { input, context });
    const items = node.items === undefined ? input : await evaluateTemplate(node.items, env);
    if (!Array.isArray(items)) {
      if (node.items === undefined) failQueryEvaluation(env, `Map state input must be an array but was: ${JSON.stringify(items)}`);
      failQueryEvaluation(env, describeUnexpectedType(describeTemplateSource(node.items), node.items.path, 'array', items), node.items.path);
    }
    const maxConcurrency = node.maxConcurrency === undefined ? 0 : await evaluateCount(node.maxConcurrency, env);
    const tolerance = await readTolerance(node, env, items.length);
    const startedId = recordEvent(scope, 'MapStateStarted', { mapStateStartedEventDetails: { length: items.length } });
    let failures = 0;
    const iterationScopes: Scope[] = [];
    const release = (): void => {
      // The iterations' variables count until the Map ends.
      for (const iterationScope of iterationScopes) releaseScopeVariables(scope.run.variables, iterationScope.variableBytes);
    };
    const result = await runBranches(
      scope,
      { succeeded: 'MapStateSucceeded', failed: 'MapStateFailed' },
      (cancel) =>
        items.map((item: unknown, index) => async () => {
          const iterationScope = createChildScope(scope, cancel, startedId);
          iterationScopes.push(iterationScope);
          const details = { name: node.name, index };
          recordEvent(iterationScope, 'MapIterationStarted', { mapIterationStartedEventDetails: details });
          try {
            const iterationInput =
              node.itemSelector === undefined
                ? item
                : await evaluateTemplate(
                    node.itemSelector,
                    createEvaluationEnvironment(iterationScope, node.name, enteredEventId, {
                      input,
                      context: buildStatesContext(scope, node.name, enteredAtMs, retryCount, { Index: index, Value: item }),
                    }),
                  );
            const output = await runGraph(node.processor, iterationInput, iterationScope);
            recordEvent(iterationScope, 'MapIterationSucceeded', { mapIterationSucceededEventDetails: details });
            return output;
          } catch (error) {
            if (error instanceof AbortedError) {
              recordEvent(iterationScope, 'MapIterationAborted', { mapIterationAbortedEventDetails: details });
              throw error;
            }
            recordEvent(iterationScope, 'MapIterationFailed', { mapIterationFailedEventDetails: details });
            if (!(error instanceof StatesError) || tolerance === undefined) throw error;
            failures += 1;
            if (failures > tolerance.count || (failures * 100) / items.length > tolerance.percentage) {
              throw new StatesError(
                StatesErrorName.ExceedToleratedFailureThreshold,
                `The Map state '${node.name}' failed because ${failures} of its ${items.length} iterations failed, more than its tolerated failure threshold.`,
              );
            }
            return error.toErrorOutput();
          }
        }),
      maxConcurrency,
    ).finally(release);
    checkResultsWithinLimit(result, iterationScopes, node.name);
    return result;
  });
}

const MAP_EVENTS = { entered: 'MapStateEntered', exited: 'MapStateExited', aborted: 'MapStateAborted' } as const;

/** The tolerated failures, or undefined when the Map sets neither field (no failure tolerated, the iteration's own error fails the Map). */
async function readTolerance(node: MapNode, env: EvaluationEnvironment, itemCount: number): Promise<{ count: number; percentage: number } | undefined> {
  if (node.toleratedFailureCount === undefined && node.toleratedFailurePercentage === undefined) return undefined;
  const count = node.toleratedFailureCount === undefined ? itemCount : await evaluateCount(node.toleratedFailureCount, env);
  let percentage = 100;
  if (node.toleratedFailurePercentage !== undefined) {
    const value = await evaluateTemplate(node.toleratedFailurePercentage, env);
    if (typeof value !== 'number' || value < 0 || value > 100) {
      failQueryEvaluation(
        env,
        `The JSONata expression '${describeTemplateSource(node.toleratedFailurePercentage)}' specified for the field 'ToleratedFailurePercentage' returned ${JSON.stringify(value)}, which is not a number from 0 to 100.`,
        'ToleratedFailurePercentage',
      );
    }
    percentage = value;
  }
  // Only the fields that are set bound the failures: an unset one tolerates everything.
  return { count: node.toleratedFailureCount === undefined ? Number.POSITIVE_INFINITY : count, percentage };
}

async function evaluateCount(template: Template, env: EvaluationEnvironment): Promise<number> {
  const value = await evaluateTemplate(template, env);
  if (typeof value !== 'number') failQueryEvaluation(env, describeUnexpectedType(describeTemplateSource(template), template.path, 'number', value), template.path);
  if (!Number.isInteger(value) || value < 0) {
    failQueryEvaluation(
      env,
      `The JSONata expression '${describeTemplateSource(template)}' specified for the field '${template.path}' returned ${JSON.stringify(value)}, which is not an integer >= 0.`,
      template.path,
    );
  }
  return value;
}
