import type { FailNode, SucceedNode } from '../definition.js';
import { evaluateTemplate, type EvaluationEnvironment } from '../evaluate.js';
import { toJson } from '../payload-limit.js';
import { buildStatesContext, recordEvent, type Scope } from '../run-context.js';
import { completeState, recordStateEntered, type StateTransition } from '../state-completion.js';
import { StatesError } from '../states-error.js';
import { limitFailure } from '../task-failure.js';

/** Succeed: ends the graph with its input, or Output. */
export async function runSucceedState(node: SucceedNode, input: unknown, scope: Scope): Promise<StateTransition> {
  recordStateEntered(scope, 'SucceedStateEntered', node.name, input);
  const context = buildStatesContext(scope, node.name, scope.run.clock.now(), 0);
  const output = await completeState(scope, {
    stateName: node.name,
    exitType: 'SucceedStateExited',
    input,
    context,
    defaultOutput: input,
    output: node.output,
    assign: undefined,
  });
  return { output, next: undefined };
}

/** Fail: fails the graph with Error and Cause (either may be a {% %} expression). */
export async function runFailState(node: FailNode, input: unknown, scope: Scope): Promise<never> {
  recordEvent(scope, 'FailStateEntered', {
    stateEnteredEventDetails: { name: node.name, input: toJson(input), inputDetails: { truncated: false } },
  });
  const context = buildStatesContext(scope, node.name, scope.run.clock.now(), 0);
  const env: EvaluationEnvironment = { stateName: node.name, states: { input, context }, variables: scope.variables, functions: scope.run.functions };
  const error = node.error === undefined ? '' : await evaluateTemplate(node.error, env);
  const cause = node.cause === undefined ? '' : await evaluateTemplate(node.cause, env);
  const failure = limitFailure(typeof error === 'string' ? error : toJson(error), typeof cause === 'string' ? cause : toJson(cause));
  throw new StatesError(failure.error, failure.cause);
}
