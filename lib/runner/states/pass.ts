import type { PassNode } from '../parse/definition.js';
import { buildStatesContext, type Scope } from '../run-context.js';
import { completeState, recordStateEntered, type StateTransition } from './state-completion.js';

/** Pass: output is the input, or Output; Assign applies. */
export async function runPassState(node: PassNode, input: unknown, scope: Scope): Promise<StateTransition> {
  const enteredEventId = recordStateEntered(scope, 'PassStateEntered', node.name, input);
  const context = buildStatesContext(scope, node.name, scope.run.clock.now(), 0);
  const output = await completeState(scope, {
    stateName: node.name,
    enteredEventId,
    exitType: 'PassStateExited',
    input,
    context,
    defaultOutput: input,
    output: node.output,
    assign: node.assign,
  });
  return { output, next: node.next };
}
