import type { ParallelNode } from '../definition.js';
import { evaluateTemplate } from '../evaluate.js';
import { runAttemptedState } from '../attempted-state.js';
import { runBranches } from '../run-branches.js';
import { createChildScope, recordEvent, type Scope } from '../run-context.js';
import { runGraph } from '../run-graph.js';
import type { StateTransition } from '../state-completion.js';

/**
 * Parallel: every branch runs concurrently on a copy of the variables, with the state input
 * (or Arguments) as input. The result is the array of branch outputs in branch order. The
 * first failing branch stops the others and fails the state with its own error.
 */
export async function runParallelState(node: ParallelNode, input: unknown, scope: Scope): Promise<StateTransition> {
  const run = scope.run;
  return runAttemptedState(node, input, scope, PARALLEL_EVENTS, async (context) => {
    const branchInput =
      node.arguments === undefined
        ? input
        : await evaluateTemplate(node.arguments, { stateName: node.name, states: { input, context }, variables: scope.variables, functions: run.functions });
    const startedId = recordEvent(scope, 'ParallelStateStarted');
    return runBranches(scope, { succeeded: 'ParallelStateSucceeded', failed: 'ParallelStateFailed' }, (cancel) =>
      node.branches.map((branch) => () => runGraph(branch, structuredClone(branchInput), createChildScope(scope, cancel, startedId))),
    );
  });
}

const PARALLEL_EVENTS = { entered: 'ParallelStateEntered', exited: 'ParallelStateExited', aborted: 'ParallelStateAborted' } as const;
