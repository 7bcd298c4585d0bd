import type { ChoiceNode } from '../definition.js';
import { evaluateTemplate, type EvaluationEnvironment } from '../evaluate.js';
import { toJson } from '../payload-limit.js';
import { buildStatesContext, type Scope } from '../run-context.js';
import { completeState, recordStateEntered, type StateTransition } from '../state-completion.js';
import { StatesError, StatesErrorName } from '../states-error.js';

/**
 * Choice: the first rule whose Condition is true wins, else Default, else States.NoChoiceMatched.
 * A matched rule's Output/Assign are used when it has them, otherwise the state's.
 */
export async function runChoiceState(node: ChoiceNode, input: unknown, scope: Scope): Promise<StateTransition> {
  recordStateEntered(scope, 'ChoiceStateEntered', node.name, input);
  const context = buildStatesContext(scope, node.name, scope.run.clock.now(), 0);
  const env: EvaluationEnvironment = { stateName: node.name, states: { input, context }, variables: scope.variables, functions: scope.run.functions };
  for (const rule of node.choices) {
    const value = await evaluateTemplate(rule.condition, env);
    if (typeof value !== 'boolean') {
      throw new StatesError(
        StatesErrorName.QueryEvaluationError,
        `An error occurred while executing the state '${node.name}'. A Condition must evaluate to a boolean, got ${toJson(value)}.`,
      );
    }
    if (value) {
      const output = await completeState(scope, {
        stateName: node.name,
        exitType: 'ChoiceStateExited',
        input,
        context,
        defaultOutput: input,
        output: rule.output ?? node.output,
        assign: rule.assign ?? node.assign,
      });
      return { output, next: rule.next };
    }
  }
  if (node.default === undefined) {
    throw new StatesError(StatesErrorName.NoChoiceMatched, `No Choice Rule matched and there is no Default in the Choice state '${node.name}'.`);
  }
  const output = await completeState(scope, {
    stateName: node.name,
    exitType: 'ChoiceStateExited',
    input,
    context,
    defaultOutput: input,
    output: node.output,
    assign: node.assign,
  });
  return { output, next: node.default };
}
