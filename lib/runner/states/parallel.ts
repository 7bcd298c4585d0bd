import type { ParallelNode } from '../parse/definition.js';
import { createEvaluationEnvironment, evaluateTemplate } from '../evaluate/evaluate.js';
import { runAttemptedState } from './attempted-state.js';
import { checkResultsWithinLimit, serializeArgumentsWithinLimit } from '../evaluate/payload-limit.js';
import { runBranches } from './run-branches.js';
import { createChildScope, recordEvent, type Scope } from '../run-context.js';
import { releaseScopeVariables } from '../evaluate/variable-limit.js';
import { runGraph } from './run-graph.js';
import type { StateTransition } from './state-completion.js';

/**
 * Parallel: every branch runs concurrently with the state input (or Arguments) as input, which
 * the branches share (the runner never mutates values). The result is the array of branch
 * outputs in branch order. The first failing branch stops the others (their running states
 * record *StateAborted) and fails the state with its own error; ParallelStateFailed is recorded
 * only when no retrier retries and no catcher catches that error, as on AWS.
 */
export async function runParallelState(node: ParallelNode, input: unknown, scope: Scope): Promise<StateTransition> {
  let branchesFailed = false;
  return runAttemptedState(
    node,
    input,
    scope,
    PARALLEL_EVENTS,
    async ({ context, enteredEventId }) => {
      branchesFailed = false;
      let branchInput = node.arguments === undefined ? input : evaluateTemplate(node.arguments, createEvaluationEnvironment(scope, node.name, enteredEventId, { input, context }));
      if (branchInput instanceof Promise) branchInput = await branchInput;
      if (node.arguments !== undefined) {
        // The branches' first states record this input: its JSON is the one they take (recordStateEntered).
        scope.lastJson = serializeArgumentsWithinLimit(branchInput, node.name);
        scope.lastValue = branchInput;
      }
      const startedId = recordEvent(scope, 'ParallelStateStarted');
      const branchScopes: Scope[] = [];
      let result: unknown[];
      try {
        result = await runBranches(scope, { succeeded: 'ParallelStateSucceeded', failed: undefined }, (cancel) =>
          node.branches.map((branch) => () => {
            const branchScope = createChildScope(scope, cancel, startedId);
            branchScopes.push(branchScope);
            return runGraph(branch, branchInput, branchScope);
          }),
        );
      } catch (error) {
        branchesFailed = true;
        throw error;
      } finally {
        // The branches' variables count until the Parallel ends.
        for (const branchScope of branchScopes) releaseScopeVariables(scope.run.variables, branchScope.variableBytes);
      }
      checkResultsWithinLimit(result, branchScopes, node.name);
      return result;
    },
    () => {
      if (branchesFailed) recordEvent(scope, 'ParallelStateFailed');
    },
  );
}

const PARALLEL_EVENTS = { entered: 'ParallelStateEntered', exited: 'ParallelStateExited', aborted: 'ParallelStateAborted' } as const;
