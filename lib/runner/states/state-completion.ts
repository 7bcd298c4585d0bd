import type { HistoryEventType } from '@aws-sdk/client-sfn';
import type { Catcher } from '../parse/definition.js';
import { createEvaluationEnvironment, describeTemplateSource, evaluateTemplate, type Template } from '../evaluate/evaluate.js';
import { checkJsonWithinLimit, serializeAssignedWithinLimit, serializeWithinLimit, toJson } from '../evaluate/payload-limit.js';
import { readRecordedJson, recordEvent, type Scope } from '../run-context.js';
import { countAssignedVariables } from '../evaluate/variable-limit.js';
import { describeUnexpectedType, failQueryEvaluation, type EvaluationSite } from '../evaluate/query-evaluation.js';
import type { StatesContextObject } from '../types.js';

/** The end of a state: its output and where to go next (undefined: the graph ends). */
export interface StateTransition {
  readonly output: unknown;
  readonly next: string | undefined;
}

export interface CompletionInput {
  readonly stateName: string;
  /** Id of the state's *StateEntered event (quoted in evaluation errors). */
  readonly enteredEventId: number;
  readonly exitType: HistoryEventType;
  readonly input: unknown;
  readonly context: StatesContextObject;
  /** The value Output defaults to (task result, branch results, input...). */
  readonly defaultOutput: unknown;
  readonly result?: unknown;
  readonly errorOutput?: unknown;
  readonly output: Template | undefined;
  readonly assign: Template | undefined;
}

/**
 * Evaluates Output and Assign (both against the variables as they were before the state),
 * checks the output size, then applies the assignments and records the *StateExited event.
 */
export async function completeState(scope: Scope, completion: CompletionInput): Promise<unknown> {
  // Written field by field, in the same order: the conditional spreads took V8's generic path.
  const states: { input: unknown; context: StatesContextObject; result?: unknown; errorOutput?: unknown } = { input: completion.input, context: completion.context };
  if (completion.result !== undefined) states.result = completion.result;
  if (completion.errorOutput !== undefined) states.errorOutput = completion.errorOutput;
  const env = createEvaluationEnvironment(scope, completion.stateName, completion.enteredEventId, states);
  let output = completion.output === undefined ? completion.defaultOutput : evaluateTemplate(completion.output, env);
  if (output instanceof Promise) output = await output;
  let assignedValue = completion.assign === undefined ? undefined : evaluateTemplate(completion.assign, env);
  if (assignedValue instanceof Promise) assignedValue = await assignedValue;
  const assigned = completion.assign === undefined ? undefined : readAssignedVariables(assignedValue, completion.assign, env);
  // An output that is the state's input (a Choice's, a Wait's, mostly) is the value the scope recorded last.
  const recordedJson = readRecordedJson(scope, output);
  const outputJson =
    recordedJson === undefined ? serializeWithinLimit(output, completion.stateName, 'an output') : checkJsonWithinLimit(recordedJson, completion.stateName, 'an output');
  scope.lastValue = output;
  scope.lastJson = outputJson;
  const assignedVariables = assigned === undefined ? undefined : serializeAssignedWithinLimit(assigned, completion.stateName);
  if (assigned !== undefined) {
    countAssignedVariables(scope.run.variables, scope.variableBytes, assignedVariables!, completion.stateName);
    for (const name of Object.keys(assigned)) scope.variables[name] = assigned[name];
  }
  recordEvent(scope, completion.exitType, {
    stateExitedEventDetails: {
      name: completion.stateName,
      output: outputJson,
      outputDetails: { truncated: false },
      ...(assignedVariables === undefined ? {} : { assignedVariables, assignedVariablesDetails: { truncated: false } }),
    },
  });
  return output;
}

const VARIABLE_NAME = /^[\p{L}_][\p{L}\p{N}_]*$/u;

/** Assign as one expression must give an object of variable names (an Assign object's keys are checked when parsed). */
function readAssignedVariables(value: unknown, template: Template, site: EvaluationSite): Record<string, unknown> {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    failQueryEvaluation(site, describeUnexpectedType(describeTemplateSource(template), template.path, 'object', value), template.path);
  }
  const invalid = Object.keys(value).find((name) => !VARIABLE_NAME.test(name) || name === 'states');
  if (invalid !== undefined) {
    failQueryEvaluation(
      site,
      `The JSONata expression '${describeTemplateSource(template)}' specified for the field '${template.path}' returned an object with the key ${JSON.stringify(invalid)}, which is not a valid variable name.`,
      template.path,
    );
  }
  return value as Record<string, unknown>;
}

/** Leaves a state through a catcher: its Output (default: the error output) and Assign. */
export async function completeThroughCatcher(
  scope: Scope,
  catcher: Catcher,
  completion: Omit<CompletionInput, 'defaultOutput' | 'output' | 'assign' | 'result'> & { readonly errorOutput: unknown },
): Promise<StateTransition> {
  const output = await completeState(scope, {
    ...completion,
    defaultOutput: completion.errorOutput,
    output: catcher.output,
    assign: catcher.assign,
  });
  return { output, next: catcher.next };
}

/**
 * Records the *StateEntered event of a state; returns its id. The input is mostly the value the
 * scope recorded last (the previous state's output, a branch's Parallel input): its JSON is
 * taken from there, not serialized again (the runner never changes a value it passes on).
 */
export function recordStateEntered(scope: Scope, type: HistoryEventType, stateName: string, input: unknown): number {
  const inputJson = readRecordedJson(scope, input) ?? toJson(input);
  scope.lastValue = input;
  scope.lastJson = inputJson;
  return recordEvent(scope, type, {
    stateEnteredEventDetails: { name: stateName, input: inputJson, inputDetails: { truncated: false } },
  });
}
