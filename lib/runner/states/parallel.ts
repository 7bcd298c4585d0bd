import { runBranches } from '../run-branches.js';
import type { ParallelNode } from '../definition.js';
import { runWithRetry } from '../error-handling.js';
import { evaluateTemplate } from '../evaluate.js';
import { buildStatesContext, createChildScope, recordEvent, type Scope } from '../run-context.js';
import { runGraph } from '../run-graph.js';
import { recordStateEntered, type StateTransition } from '../state-completion.js';
import { finishAttemptedState } from '../finish-attempted-state.js';
import { AbortedError } from '../states-error.js';
import type { StatesContextObject } from '../types.js';

/**
 * Parallel: every branch runs concurrently on a copy of the variables, with the state input
 * (or Arguments) as input. The result is the array of branch outputs in branch order. The
 * first failing branch stops the others and fails the state with its own error.
 */
export async function runParallelState(node: ParallelNode, input: unknown, scope: Scope): Promise<StateTransition> {
  const run = scope.run;
  recordStateEntered(scope, 'ParallelStateEntered', node.name, input);
  const enteredAt = run.clock.now();
  let lastContext: StatesContextObject = buildStatesContext(scope, node.name, enteredAt, 0);
  try {
    const outcome = await runWithRetry(scope, node, async (retryCount) => {
      const context = buildStatesContext(scope, node.name, enteredAt, retryCount);
      lastContext = context;
      const branchInput =
        node.arguments === undefined
          ? input
          : await evaluateTemplate(node.arguments, { stateName: node.name, states: { input, context }, variables: scope.variables, functions: run.functions });
      const startedId = recordEvent(scope, 'ParallelStateStarted');
      return runBranches(scope, { succeeded: 'ParallelStateSucceeded', failed: 'ParallelStateFailed' }, (cancel) =>
        node.branches.map((branch) => () => runGraph(branch, structuredClone(branchInput), createChildScope(scope, cancel, startedId))),
      );
    });
    return await finishAttemptedState(scope, node, outcome, { exitType: 'ParallelStateExited', input, context: lastContext });
  } catch (error) {
    if (error instanceof AbortedError) recordEvent(scope, 'ParallelStateAborted');
    throw error;
  }
}
