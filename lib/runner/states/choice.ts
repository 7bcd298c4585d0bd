import type { ChoiceNode } from '../parse/definition.js';
import { createEvaluationEnvironment, describeTemplateSource, evaluateTemplate } from '../evaluate/evaluate.js';
import { describeUnexpectedType, failQueryEvaluation } from '../evaluate/query-evaluation.js';
import { buildStatesContext, type Scope } from '../run-context.js';
import { completeState, recordStateEntered, type StateTransition } from './state-completion.js';
import { StatesError, StatesErrorName } from './states-error.js';

/**
 * Choice: the first rule whose Condition is true wins, else Default, else States.NoChoiceMatched.
 * A matched rule's Output/Assign are used when it has them, otherwise the state's.
 */
export async function runChoiceState(node: ChoiceNode, input: unknown, scope: Scope): Promise<StateTransition> {
  const enteredEventId = recordStateEntered(scope, 'ChoiceStateEntered', node.name, input);
  const context = buildStatesContext(scope, node.name, scope.run.clock.now(), 0);
  const env = createEvaluationEnvironment(scope, node.name, enteredEventId, { input, context });
  const complete = (rule: { readonly output: ChoiceNode['output']; readonly assign: ChoiceNode['assign'] }, next: string): Promise<StateTransition> =>
    completeState(scope, {
      stateName: node.name,
      enteredEventId,
      exitType: 'ChoiceStateExited',
      input,
      context,
      defaultOutput: input,
      output: rule.output ?? node.output,
      assign: rule.assign ?? node.assign,
    }).then((output) => ({ output, next }));
  for (const rule of node.choices) {
    let value = evaluateTemplate(rule.condition, env);
    if (value instanceof Promise) value = await value;
    if (typeof value !== 'boolean') {
      failQueryEvaluation(env, describeUnexpectedType(describeTemplateSource(rule.condition), rule.condition.path, 'boolean', value), rule.condition.path);
    }
    if (value) return complete(rule, rule.next);
  }
  if (node.default === undefined) {
    throw new StatesError(StatesErrorName.NoChoiceMatched, `No Choice Rule matched and there is no Default in the Choice state '${node.name}'.`);
  }
  return complete({ output: undefined, assign: undefined }, node.default);
}
