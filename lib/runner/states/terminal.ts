import type { FailNode, SucceedNode } from '../parse/definition.js';
import { createEvaluationEnvironment, describeTemplateSource, evaluateTemplate, type Template } from '../evaluate/evaluate.js';
import { describeUnexpectedType, failQueryEvaluation } from '../evaluate/query-evaluation.js';
import { buildStatesContext, type Scope } from '../run-context.js';
import { completeState, recordStateEntered, type StateTransition } from './state-completion.js';
import { StatesError } from './states-error.js';
import { MAX_CAUSE_LENGTH, MAX_ERROR_LENGTH } from '../integrations/task-failure.js';

/** Succeed: ends the graph with its input, or Output. */
export async function runSucceedState(node: SucceedNode, input: unknown, scope: Scope): Promise<StateTransition> {
  const enteredEventId = recordStateEntered(scope, 'SucceedStateEntered', node.name, input);
  const context = buildStatesContext(scope, node.name, scope.run.clock.now(), 0);
  const output = await completeState(scope, {
    stateName: node.name,
    enteredEventId,
    exitType: 'SucceedStateExited',
    input,
    context,
    defaultOutput: input,
    output: node.output,
    assign: undefined,
  });
  return { output, next: undefined };
}

/**
 * Fail: fails the graph with Error and Cause (either may be a {% %} expression giving a
 * string). Without them the failure has no error or cause at all (not "").
 */
export async function runFailState(node: FailNode, input: unknown, scope: Scope): Promise<never> {
  const enteredEventId = recordStateEntered(scope, 'FailStateEntered', node.name, input);
  const context = buildStatesContext(scope, node.name, scope.run.clock.now(), 0);
  const env = createEvaluationEnvironment(scope, node.name, enteredEventId, { input, context });
  const readString = async (template: Template | undefined, max: number): Promise<string | undefined> => {
    if (template === undefined) return undefined;
    const value = await evaluateTemplate(template, env);
    if (typeof value !== 'string') failQueryEvaluation(env, describeUnexpectedType(describeTemplateSource(template), template.path, 'string', value), template.path);
    return value.length > max ? value.slice(0, max) : value;
  };
  const error = await readString(node.error, MAX_ERROR_LENGTH);
  const cause = await readString(node.cause, MAX_CAUSE_LENGTH);
  throw new StatesError(error, cause);
}
