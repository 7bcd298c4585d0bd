import { MAX_STATES_SECONDS } from '../../errors.js';
import type { TaskNode } from '../parse/definition.js';
import { describeTemplateSource, evaluateTemplate, createEvaluationEnvironment, type EvaluationEnvironment, type Template } from '../evaluate/evaluate.js';
import { runAttemptedState } from './attempted-state.js';
import { checkArgumentsJsonWithinLimit, hasRegisteredJson, registerJson, serializeArgumentsWithinLimit, serializeWithinLimit } from '../evaluate/payload-limit.js';
import { describeUnexpectedType, failQueryEvaluation } from '../evaluate/query-evaluation.js';
import { readRecordedJson, recordEvent, type Scope } from '../run-context.js';
import type { StateTransition } from './state-completion.js';
import type { StatesContextObject } from '../types.js';
import { StatesError, StatesErrorName } from './states-error.js';
import { callTask, describeResource, isLambdaFunctionArn } from '../integrations/task-invoke.js';
import { LAMBDA_INVOKE_CALLBACK_RESOURCE } from '../../asl/index.js';
import type { IssuedToken } from '../integrations/task-tokens.js';
import { copyAsJson } from './json-copy.js';

/**
 * Task: Arguments -> service call (handler or Lambda) under Retry/Catch/TimeoutSeconds/
 * HeartbeatSeconds -> Output/Assign. A Resource that is a Lambda function ARN records
 * LambdaFunction* events, any other Task* events, as Step Functions does.
 *
 * `lambda:invoke.waitForTaskToken` (the callback pattern): each attempt gets a new task token
 * (`$states.context.Task.Token`, for its Arguments); the call is made, TaskSubmitted records
 * its response, and the task result is the output of the SendTaskSuccess naming the token
 * (TaskSucceeded), or the error and cause of its SendTaskFailure (TaskFailed). TimeoutSeconds
 * runs from TaskStarted to the callback (States.Timeout); HeartbeatSeconds between heartbeats
 * (SendTaskHeartbeat; States.HeartbeatTimeout); both record TaskTimedOut. A failed call fails
 * the attempt with its own error. Assumed where the docs are silent: the task waits for the
 * call's response even when the callback came first, and a token whose attempt ended answers
 * later callbacks with TaskTimedOut (task-tokens.ts).
 */
export async function runTaskState(node: TaskNode, input: unknown, scope: Scope): Promise<StateTransition> {
  const events = readCallEvents(node);
  const callback = node.resource === LAMBDA_INVOKE_CALLBACK_RESOURCE;
  return runAttemptedState(node, input, scope, TASK_EVENTS, ({ context, retryCount, enteredEventId }) =>
    callback
      ? attemptCallbackTask(node, input, scope, events, context, retryCount, enteredEventId)
      : attemptTask(node, input, scope, events, { context, retryCount, enteredEventId, token: undefined }),
  );
}

/** One attempt of a `.waitForTaskToken` Task: with a new task token in its context, closed when the attempt ends. */
async function attemptCallbackTask(
  node: TaskNode,
  input: unknown,
  scope: Scope,
  events: TaskCallEvents,
  stateContext: StatesContextObject,
  retryCount: number,
  enteredEventId: number,
): Promise<unknown> {
  const token: IssuedToken = scope.run.taskTokens.issue(scope.run.execution.Name);
  const context = { ...stateContext, Task: { Token: token.token } };
  try {
    return await attemptTask(node, input, scope, events, { context, retryCount, enteredEventId, token });
  } finally {
    scope.run.taskTokens.close(token.token);
  }
}

async function attemptTask(
  node: TaskNode,
  input: unknown,
  scope: Scope,
  events: TaskCallEvents,
  attempt: { readonly context: StatesContextObject; readonly retryCount: number; readonly enteredEventId: number; readonly token: IssuedToken | undefined },
): Promise<unknown> {
  const { context, retryCount, enteredEventId, token } = attempt;
  const env = createEvaluationEnvironment(scope, node.name, enteredEventId, { input, context });
  let args = node.arguments === undefined ? input : evaluateTemplate(node.arguments, env);
  if (args instanceof Promise) args = await args;
  let timeoutSeconds = evaluateSeconds(node.timeoutSeconds, env, 1);
  if (timeoutSeconds instanceof Promise) timeoutSeconds = await timeoutSeconds;
  let heartbeatSeconds = evaluateSeconds(node.heartbeatSeconds, env, 1);
  if (heartbeatSeconds instanceof Promise) heartbeatSeconds = await heartbeatSeconds;
  if (timeoutSeconds !== undefined && heartbeatSeconds !== undefined && heartbeatSeconds >= timeoutSeconds) {
    failQueryEvaluation(
      env,
      `The value of the field 'HeartbeatSeconds' (${heartbeatSeconds}) must be smaller than the value of the field 'TimeoutSeconds' (${timeoutSeconds}).`,
      'HeartbeatSeconds',
    );
  }
  // Without Arguments the parameters are the state's input, the value the scope recorded last
  // (its TaskStateEntered): its JSON is known, and checked against the quota all the same.
  const recordedJson = readRecordedJson(scope, args);
  const parameters = recordedJson === undefined ? serializeArgumentsWithinLimit(args, node.name) : checkArgumentsJsonWithinLimit(recordedJson, node.name);
  events.scheduled(scope, parameters, timeoutSeconds, heartbeatSeconds);
  events.started(scope);
  try {
    // Nothing is called once the execution stopped (at the history quota, as an event was recorded).
    scope.cancel.throwIfCancelled();
    // The handler gets the arguments as the service would: as parsed from their JSON, its own copy.
    const request = {
      stateName: node.name,
      resource: node.resource,
      args: copyAsJson(args, parameters),
      retryCount,
      context,
      timeoutSeconds,
      heartbeatSeconds,
      ...(token === undefined ? {} : { callback: { token, submitted: (response: unknown) => events.submitted(scope, serializeWithinLimit(response, node.name, 'a result')) } }),
    };
    const result = await callTask(scope, request);
    const output = serializeWithinLimit(result, node.name, 'a result');
    events.succeeded(scope, output);
    return copyResultAsJson(result, output);
  } catch (error) {
    if (error instanceof StatesError) events.failed(scope, error);
    throw error;
  }
}

/**
 * What the state sees of a task's result: the value its event's JSON gives, as the service's
 * response is JSON on AWS. A handler's result is copied, so that a handler changing the object
 * it returned (or returning a Date, undefined or a function) cannot change what later states
 * see; a result the runner built and registered (the local Lambda's) is never changed and is
 * used as it is.
 */
function copyResultAsJson(result: unknown, output: string): unknown {
  if (hasRegisteredJson(result)) return result;
  const copy = copyAsJson(result, output);
  // The copy is the runner's own and never changes: its JSON is `output` (JSON.stringify of a
  // value JSON.parse gives back is the text it was parsed from), which the state's output (mostly
  // the result) then reuses instead of serializing the copy again.
  if (copy !== null && typeof copy === 'object') registerJson(copy, output);
  return copy;
}

const TASK_EVENTS = { entered: 'TaskStateEntered', exited: 'TaskStateExited', aborted: 'TaskStateAborted' } as const;

/** The call events of a Task's Resource, built the first time a Task with that Resource runs (they depend only on it). */
const callEvents = new Map<string, TaskCallEvents>();

function readCallEvents(node: TaskNode): TaskCallEvents {
  let events = callEvents.get(node.resource);
  if (events === undefined) {
    const { resourceType, resource } = describeResource(node.resource);
    events = isLambdaFunctionArn(node.resource) ? lambdaFunctionEvents(node.resource) : taskEvents(resourceType, resource);
    callEvents.set(node.resource, events);
  }
  return events;
}

/** The events of one attempt's service call. */
interface TaskCallEvents {
  scheduled(scope: Scope, parameters: string, timeoutSeconds: number | undefined, heartbeatSeconds: number | undefined): void;
  started(scope: Scope): void;
  /** The call of a callback Task returned: TaskSubmitted with its response. */
  submitted(scope: Scope, output: string): void;
  succeeded(scope: Scope, output: string): void;
  failed(scope: Scope, error: StatesError): void;
}

function isTimeout(error: StatesError): boolean {
  return error.error === StatesErrorName.Timeout || error.error === StatesErrorName.HeartbeatTimeout;
}

/** TaskScheduled, TaskStarted, TaskSucceeded | TaskFailed | TaskTimedOut. */
function taskEvents(resourceType: string, resource: string): TaskCallEvents {
  return {
    scheduled: (scope, parameters, timeoutSeconds, heartbeatSeconds) =>
      recordEvent(scope, 'TaskScheduled', {
        taskScheduledEventDetails: {
          resourceType,
          resource,
          region: 'us-east-1',
          parameters,
          ...(timeoutSeconds === undefined ? {} : { timeoutInSeconds: timeoutSeconds }),
          ...(heartbeatSeconds === undefined ? {} : { heartbeatInSeconds: heartbeatSeconds }),
        },
      }),
    started: (scope) => recordEvent(scope, 'TaskStarted', { taskStartedEventDetails: { resourceType, resource } }),
    submitted: (scope, output) => recordEvent(scope, 'TaskSubmitted', { taskSubmittedEventDetails: { resourceType, resource, output, outputDetails: { truncated: false } } }),
    succeeded: (scope, output) => recordEvent(scope, 'TaskSucceeded', { taskSucceededEventDetails: { resourceType, resource, output, outputDetails: { truncated: false } } }),
    failed: (scope, error) => {
      const details = { resourceType, resource, ...error.toDetails() };
      if (isTimeout(error)) recordEvent(scope, 'TaskTimedOut', { taskTimedOutEventDetails: details });
      else recordEvent(scope, 'TaskFailed', { taskFailedEventDetails: details });
    },
  };
}

/** LambdaFunctionScheduled, LambdaFunctionStarted, LambdaFunctionSucceeded | LambdaFunctionFailed | LambdaFunctionTimedOut. */
function lambdaFunctionEvents(functionArn: string): TaskCallEvents {
  return {
    scheduled: (scope, input, timeoutSeconds) =>
      recordEvent(scope, 'LambdaFunctionScheduled', {
        lambdaFunctionScheduledEventDetails: {
          resource: functionArn,
          input,
          inputDetails: { truncated: false },
          ...(timeoutSeconds === undefined ? {} : { timeoutInSeconds: timeoutSeconds }),
        },
      }),
    started: (scope) => recordEvent(scope, 'LambdaFunctionStarted'),
    submitted: () => {},
    succeeded: (scope, output) => recordEvent(scope, 'LambdaFunctionSucceeded', { lambdaFunctionSucceededEventDetails: { output, outputDetails: { truncated: false } } }),
    failed: (scope, error) => {
      if (isTimeout(error)) recordEvent(scope, 'LambdaFunctionTimedOut', { lambdaFunctionTimedOutEventDetails: error.toDetails() });
      else recordEvent(scope, 'LambdaFunctionFailed', { lambdaFunctionFailedEventDetails: error.toDetails() });
    },
  };
}

/**
 * Evaluates a seconds field (a number or a {% %} expression) into an integer from `min` to
 * 99999999; a promise of it only when the jsonata engine evaluates the expression.
 */
export function evaluateSeconds(template: Template | undefined, env: EvaluationEnvironment, min: number): number | undefined | Promise<number> {
  if (template === undefined) return undefined;
  const value = evaluateTemplate(template, env);
  return value instanceof Promise ? value.then((resolved) => checkSeconds(template, env, min, resolved)) : checkSeconds(template, env, min, value);
}

function checkSeconds(template: Template, env: EvaluationEnvironment, min: number, value: unknown): number {
  if (typeof value !== 'number') {
    failQueryEvaluation(env, describeUnexpectedType(describeTemplateSource(template), template.path, 'number', value), template.path);
  }
  if (!Number.isInteger(value) || value < min || value > MAX_STATES_SECONDS) {
    failQueryEvaluation(
      env,
      `The JSONata expression '${describeTemplateSource(template)}' specified for the field '${template.path}' returned ${JSON.stringify(value)}, which is not an integer from ${min} to ${MAX_STATES_SECONDS}.`,
      template.path,
    );
  }
  return value;
}
