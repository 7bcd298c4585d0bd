import { CancelScope } from './cancel-scope.js';
import { createRunClock } from './clock.js';
import type { TaskNode } from './definition.js';
import { MissingTaskHandlerError, UnsupportedDefinitionError } from './errors.js';
import { HistoryRecorder } from './history.js';
import { createStepFunctionsJsonataFunctions } from './jsonata-functions.js';
import { LAMBDA_INVOKE_RESOURCE } from './lambda-invoke.js';
import { parseDefinition } from './parse-definition.js';
import { serializeWithinLimit, toJson } from './payload-limit.js';
import { createUuidV4, deriveRandomSource } from './random.js';
import { recordEvent, type RunContext, type Scope } from './run-context.js';
import { runGraph } from './run-graph.js';
import { AbortedError, StatesError, StatesErrorName } from './states-error.js';
import type { RunResult, RunStateMachineOptions } from './types.js';

export const DEFAULT_STATE_MACHINE_ARN = 'arn:aws:states:us-east-1:123456789012:stateMachine:stepops-local';
const ROLE_ARN = 'arn:aws:iam::123456789012:role/stepops-local-execution-role';

/**
 * Interprets a JSONata-mode Amazon States Language state machine as Step Functions would,
 * on a virtual clock by default. Resolves with the execution's status, output or error, and
 * its history; rejects (with a RunnerError) only for definitions or options it cannot run.
 */
export async function runStateMachine(definition: object | string, options: RunStateMachineOptions = {}): Promise<RunResult> {
  const machine = parseDefinition(definition);
  const taskHandlers = options.taskHandlers ?? {};
  for (const task of machine.tasks) checkTaskIsRunnable(task, taskHandlers, options);

  const seed = options.seed ?? 0;
  const clock = createRunClock(options.clock);
  const history = new HistoryRecorder(() => clock.now(), options.onEvent);
  const stateMachineArn = options.stateMachineArn ?? DEFAULT_STATE_MACHINE_ARN;
  const stateMachineName = stateMachineArn.slice(stateMachineArn.lastIndexOf(':') + 1);
  const executionName = options.executionName ?? createUuidV4(deriveRandomSource(seed, 'execution-name'));
  const input = JSON.parse(toJson(options.input ?? {})) as unknown;
  const startMs = clock.now();
  const run: RunContext = {
    clock,
    history,
    taskHandlers,
    lambda: options.lambda,
    functions: createStepFunctionsJsonataFunctions(deriveRandomSource(seed, '$random'), deriveRandomSource(seed, '$uuid')),
    jitterRandom: deriveRandomSource(seed, 'jitter'),
    execution: {
      Id: `${stateMachineArn.replace(':stateMachine:', ':execution:')}:${executionName}`,
      Input: input,
      Name: executionName,
      RoleArn: ROLE_ARN,
      StartTime: new Date(startMs).toISOString(),
      RedriveCount: 0,
    },
    stateMachine: { Id: stateMachineArn, Name: stateMachineName },
  };
  // No Object.prototype under the variables: `name in variables` must see workflow variables only.
  const scope: Scope = { run, variables: Object.create(null) as Record<string, unknown>, cancel: new CancelScope(), lastEventId: 0 };
  recordEvent(scope, 'ExecutionStarted', {
    executionStartedEventDetails: { input: toJson(input), inputDetails: { truncated: false }, roleArn: ROLE_ARN },
  });

  const timeoutTimer = new CancelScope();
  let timedOut = false;
  if (machine.timeoutSeconds !== undefined) {
    clock.sleepUnless(machine.timeoutSeconds, timeoutTimer).then(
      () => {
        timedOut = true;
        scope.cancel.cancel();
      },
      () => {},
    );
  }
  const finish = (result: Omit<RunResult, 'history' | 'elapsedSeconds'>): RunResult => ({
    ...result,
    history: history.events,
    elapsedSeconds: (clock.now() - startMs) / 1000,
  });
  try {
    const output = await runGraph(machine.graph, input, scope);
    const outputJson = serializeWithinLimit(output, 'execution', 'an output');
    recordEvent(scope, 'ExecutionSucceeded', {
      executionSucceededEventDetails: { output: outputJson, outputDetails: { truncated: false } },
    });
    return finish({ status: 'SUCCEEDED', output });
  } catch (error) {
    if (error instanceof AbortedError && timedOut) {
      const cause = `The execution exceeded its TimeoutSeconds (${machine.timeoutSeconds} s).`;
      recordEvent(scope, 'ExecutionTimedOut', { executionTimedOutEventDetails: { error: StatesErrorName.Timeout, cause } });
      return finish({ status: 'FAILED', error: { error: StatesErrorName.Timeout, cause } });
    }
    if (!(error instanceof StatesError)) throw error;
    recordEvent(scope, 'ExecutionFailed', { executionFailedEventDetails: { error: error.error, cause: error.cause } });
    return finish({ status: 'FAILED', error: { error: error.error, cause: error.cause } });
  } finally {
    timeoutTimer.cancel();
    clock.dispose();
  }
}

function checkTaskIsRunnable(task: TaskNode, handlers: Readonly<Record<string, unknown>>, options: RunStateMachineOptions): void {
  if (typeof handlers[task.name] === 'function') return;
  const where = `state "${task.name}"`;
  if (task.resource === `${LAMBDA_INVOKE_RESOURCE}.waitForTaskToken`) {
    throw new UnsupportedDefinitionError(
      `${where}: Resource ${task.resource} (callback with a task token) is not supported by the local runner; pass taskHandlers: { ${JSON.stringify(task.name)}: async (args) => result } to stand in for it`,
    );
  }
  if (task.resource === LAMBDA_INVOKE_RESOURCE) {
    if (options.lambda !== undefined) return;
    throw new MissingTaskHandlerError(
      `${where}: Resource ${task.resource} needs a handler or a Lambda client; pass taskHandlers: { ${JSON.stringify(task.name)}: async (args) => result } or lambda: new LambdaClient({...})`,
    );
  }
  throw new MissingTaskHandlerError(
    `${where}: Resource ${task.resource} cannot be called by the local runner; pass taskHandlers: { ${JSON.stringify(task.name)}: async (args) => result }`,
  );
}
