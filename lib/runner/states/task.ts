import type { TaskNode } from '../definition.js';
import { evaluateTemplate, type EvaluationEnvironment, type Template } from '../evaluate.js';
import { runAttemptedState } from '../attempted-state.js';
import { serializeWithinLimit, toJson } from '../payload-limit.js';
import { recordEvent, type Scope } from '../run-context.js';
import type { StateTransition } from '../state-completion.js';
import { StatesError, StatesErrorName } from '../states-error.js';
import { callTask, describeResource } from '../task-invoke.js';

/** Task: Arguments -> service call (handler or Lambda) under Retry/Catch/TimeoutSeconds -> Output/Assign. */
export async function runTaskState(node: TaskNode, input: unknown, scope: Scope): Promise<StateTransition> {
  const run = scope.run;
  const { resourceType, resource } = describeResource(node.resource);
  return runAttemptedState(node, input, scope, TASK_EVENTS, async (context, retryCount) => {
    const env: EvaluationEnvironment = { stateName: node.name, states: { input, context }, variables: scope.variables, functions: run.functions };
    const args = node.arguments === undefined ? input : await evaluateTemplate(node.arguments, env);
    const timeoutSeconds = await evaluateSeconds(node.timeoutSeconds, env, 'TimeoutSeconds', 1);
    recordEvent(scope, 'TaskScheduled', {
      taskScheduledEventDetails: {
        resourceType,
        resource,
        region: 'us-east-1',
        parameters: toJson(args),
        ...(timeoutSeconds === undefined ? {} : { timeoutInSeconds: timeoutSeconds }),
      },
    });
    recordEvent(scope, 'TaskStarted', { taskStartedEventDetails: { resourceType, resource } });
    try {
      const result = await callTask(scope, { stateName: node.name, resource: node.resource, args, retryCount, context, timeoutSeconds });
      const output = serializeWithinLimit(result, node.name, 'a result');
      recordEvent(scope, 'TaskSucceeded', {
        taskSucceededEventDetails: { resourceType, resource, output, outputDetails: { truncated: false } },
      });
      return result;
    } catch (error) {
      if (error instanceof StatesError) {
        const details = { resourceType, resource, error: error.error, cause: error.cause };
        if (error.error === StatesErrorName.Timeout) recordEvent(scope, 'TaskTimedOut', { taskTimedOutEventDetails: details });
        else recordEvent(scope, 'TaskFailed', { taskFailedEventDetails: details });
      }
      throw error;
    }
  });
}

const TASK_EVENTS = { entered: 'TaskStateEntered', exited: 'TaskStateExited', aborted: 'TaskStateAborted' } as const;

/** Evaluates a seconds field (a number or a {% %} expression) into an integer >= min. */
export async function evaluateSeconds(
  template: Template | undefined,
  env: EvaluationEnvironment,
  field: string,
  min: number,
): Promise<number | undefined> {
  if (template === undefined) return undefined;
  const value = await evaluateTemplate(template, env);
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > 99_999_999) {
    throw new StatesError(
      StatesErrorName.QueryEvaluationError,
      `An error occurred while executing the state '${env.stateName}'. The field '${field}' must be an integer from ${min} to 99999999, got ${toJson(value)}.`,
    );
  }
  return value;
}
