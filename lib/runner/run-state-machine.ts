import { CancelScope } from './clock/cancel-scope.js';
import type { HistoryEvent } from '@aws-sdk/client-sfn';
import { createRunClock, type RunClock } from './clock/clock.js';
import type { TaskNode } from './parse/definition.js';
import { describeValue } from '../errors.js';
import { MissingTaskHandlerError, RunStalledError, UnknownStateMachineError, UnsupportedDefinitionError } from './errors.js';
import { watchForStall } from './clock/idle-watch.js';
import { readExecutionName } from './execution-name.js';
import { HISTORY_LIMIT_FAILURE, HistoryRecorder } from './history/history.js';
import { createStepFunctionsJsonataFunctions } from './evaluate/jsonata-functions.js';
import { isLambdaFunctionArn } from './integrations/task-invoke.js';
import { TaskTokenRegistry } from './integrations/task-tokens.js';
import { parseDefinition } from './parse/parse-definition.js';
import { readExecutionInput, serializeWithinLimit, toJson } from './evaluate/payload-limit.js';
import { ExecutionVariables } from './evaluate/variable-limit.js';
import { createUuidV4, deriveRandomSource } from './evaluate/random.js';
import { recordEvent, type BusyCall, type ChildExecutionStarter, type RunContext, type Scope } from './run-context.js';
import { runGraph } from './states/run-graph.js';
import { AbortedError, StatesError, StatesErrorName } from './states/states-error.js';
import { LAMBDA_INVOKE_CALLBACK_RESOURCE, LAMBDA_INVOKE_RESOURCE, START_EXECUTION_RESOURCE } from '../asl/index.js';
import { readExecutionStatus, readStartExecutionPattern } from './integrations/start-execution.js';
import type { ChildExecution, ExecutionSource, FailedRunResult, LambdaClientLike, RunResult, RunStateMachineOptions, SucceededRunResult, TaskHandler } from './types.js';

export const DEFAULT_STATE_MACHINE_ARN = 'arn:aws:states:us-east-1:123456789012:stateMachine:stepops-local';
const ROLE_ARN = 'arn:aws:iam::123456789012:role/stepops-local-execution-role';

/**
 * Interprets a JSONata-mode Amazon States Language state machine as Step Functions would,
 * on a virtual clock by default. Resolves with the execution's status, output or error, and
 * its history; rejects (with a RunnerError) only for definitions or options it cannot run.
 * startExecution Tasks run the `stateMachines` definitions in process (see runStateMachine's
 * `stateMachines` option); their results are on `childExecutions`. An aborted `signal` stops
 * every execution of the run at once and resolves with status FAILED, error States.Aborted and
 * the history so far, ending in ExecutionAborted (as StopExecution does on AWS).
 */
export async function runStateMachine(definition: object | string, options: RunStateMachineOptions = {}): Promise<RunResult> {
  const machine = parseDefinition(definition);
  const taskHandlers = options.taskHandlers ?? {};
  const machines = new Map<string, ParsedMachine>();
  for (const [arn, child] of Object.entries(options.stateMachines ?? {})) {
    try {
      machines.set(arn, parseDefinition(child));
    } catch (error) {
      if (error instanceof Error) error.message = `stateMachines[${JSON.stringify(arn)}]: ${error.message}`;
      throw error;
    }
  }
  for (const task of machine.tasks) checkTaskIsRunnable(task, taskHandlers, options, machines);
  for (const child of machines.values()) for (const task of child.tasks) checkTaskIsRunnable(task, taskHandlers, options, machines);

  const clock = createRunClock(options.clock);
  // The signal stops every execution of the run: the top level and the children it started.
  const stop = new CancelScope();
  const signal = options.signal;
  const onAbort = (): void => stop.cancel();
  if (signal?.aborted === true) stop.cancel();
  else signal?.addEventListener('abort', onAbort, { once: true });
  const stateMachineArn = options.stateMachineArn ?? DEFAULT_STATE_MACHINE_ARN;
  const seed = options.seed ?? 0;
  const busyCalls = new Set<BusyCall>();
  const taskTokens = new TaskTokenRegistry();
  // Should the process run out of things to do with the run unsettled, nothing can settle it any more.
  let stopStallWatch = (): void => {};
  const stalled = new Promise<never>((_resolve, reject) => {
    stopStallWatch = watchForStall(() => reject(new RunStalledError(describeStall(busyCalls, taskTokens.countOpen()))));
  });
  try {
    return await Promise.race([
      execute(
        machine,
        {
          input: options.input ?? {},
          seed,
          executionName: options.executionName === undefined ? createUuidV4(deriveRandomSource(seed, 'execution-name')) : readExecutionName(options.executionName),
          stateMachineArn,
          executionArn: undefined,
          cancel: new CancelScope(),
          parentExecutionArn: undefined,
          depth: 0,
        },
        {
          clock,
          taskHandlers,
          lambda: options.lambda,
          machines,
          onEvent: options.onEvent,
          stop,
          readAbortCause: () => describeAbortReason(signal?.reason),
          taskTokens,
          busyCalls,
        },
      ),
      stalled,
    ]);
  } finally {
    stopStallWatch();
    signal?.removeEventListener('abort', onAbort);
    stop.dispose();
    clock.dispose();
  }
}

/** What RunStalledError says: the calls in flight (the first few), or the callback Tasks waiting. */
function describeStall(busyCalls: ReadonlySet<BusyCall>, openTokens: number): string {
  const head = 'the run can make no more progress: the process has nothing left to do (its event loop is empty)';
  const calls = [...busyCalls];
  if (calls.length > 0) {
    const shown = calls.slice(0, 5).map((call) => `state "${call.stateName}" (execution ${call.executionName})`);
    const more = calls.length > shown.length ? ` and ${calls.length - shown.length} more` : '';
    return (
      `${head} while the handler call of ${shown.join(', ')}${more} has not settled, and nothing is left that could settle it. ` +
      'A handler must return or throw (or settle the promise it returns). On AWS a Task without TimeoutSeconds waits for an answer that never comes (the execution is stuck until its own TimeoutSeconds, if any): give the Task TimeoutSeconds and it fails here with States.Timeout at that time, as there'
    );
  }
  if (openTokens > 0) {
    return `${head} while ${openTokens} callback Task${openTokens === 1 ? '' : 's'} (.waitForTaskToken) wait${openTokens === 1 ? 's' : ''} for SendTaskSuccess or SendTaskFailure with ${openTokens === 1 ? 'its' : 'their'} token, and nothing is left that could send it. Send it from a handler or from code the run awaits (taskHandlers' context.callbacks), or give the Task TimeoutSeconds`;
  }
  return `${head} while it has not ended (an internal error of the local runner: please report it)`;
}

type ParsedMachine = ReturnType<typeof parseDefinition>;
/** A run's result before the history and timings are added. */
type RunOutcome = Pick<SucceededRunResult, 'status' | 'output'> | Pick<FailedRunResult, 'status' | 'error'>;

/** What every execution of one runStateMachine call shares. */
interface SharedRun {
  readonly clock: RunClock;
  readonly taskHandlers: Readonly<Record<string, TaskHandler>>;
  readonly lambda: LambdaClientLike | undefined;
  readonly machines: ReadonlyMap<string, ParsedMachine>;
  readonly onEvent: ((event: HistoryEvent, source: ExecutionSource) => void) | undefined;
  /** Cancelled when the run's AbortSignal aborts: stops every execution. */
  readonly stop: CancelScope;
  /** The Cause of the ExecutionAborted events an abort records. */
  readonly readAbortCause: () => string;
  /** The task tokens of callback Tasks, shared with child executions. */
  readonly taskTokens: TaskTokenRegistry;
  /** The handler and Lambda calls in flight, in every execution. */
  readonly busyCalls: Set<BusyCall>;
}

interface ExecutionParams {
  readonly input: unknown;
  readonly seed: number;
  readonly executionName: string;
  readonly stateMachineArn: string;
  /** @default - derived from stateMachineArn and executionName */
  readonly executionArn: string | undefined;
  /** Cancelling it aborts the execution (a child stopped with its parent Task). */
  readonly cancel: CancelScope;
  readonly parentExecutionArn: string | undefined;
  readonly depth: number;
}

/** Runs one execution (the top level, or a child) on the shared clock; never disposes the clock. */
async function execute(machine: ParsedMachine, params: ExecutionParams, shared: SharedRun): Promise<RunResult> {
  const { clock } = shared;
  const executionArn = params.executionArn ?? toExecutionArn(params.stateMachineArn, params.executionName);
  const source: ExecutionSource = {
    executionArn,
    name: params.executionName,
    stateMachineArn: params.stateMachineArn,
    ...(params.parentExecutionArn === undefined ? {} : { parentExecutionArn: params.parentExecutionArn }),
    depth: params.depth,
  };
  const onEvent = shared.onEvent;
  const history = new HistoryRecorder(() => clock.now(), onEvent === undefined ? undefined : (event) => onEvent(event, source));
  const input = readExecutionInput(params.input);
  const startMs = clock.now();
  const children = createChildExecutions(params, executionArn, shared);
  const run = createRunContext(params, shared, { executionArn, history, input, startMs, children: children.starter });
  // No Object.prototype under the variables: `name in variables` must see workflow variables only.
  const inputJson = toJson(input);
  const scope: Scope = {
    run,
    variables: Object.create(null) as Record<string, unknown>,
    cancel: new CancelScope(params.cancel),
    lastEventId: 0,
    variableBytes: new Map(),
    lastValue: input,
    lastJson: inputJson,
  };
  const detachStop = shared.stop.onCancel(() => scope.cancel.cancel());
  // At the history quota the execution has failed (its last event recorded): everything in it stops.
  history.onLimitReached = () => scope.cancel.cancel();
  recordEvent(scope, 'ExecutionStarted', {
    executionStartedEventDetails: { input: inputJson, inputDetails: { truncated: false }, roleArn: ROLE_ARN },
  });
  const timeout = startExecutionTimeout(machine, scope, clock);
  try {
    const outcome = await runToOutcome(machine, input, scope, params, shared, timeout);
    const elapsedSeconds = (clock.now() - startMs) / 1000;
    // Fire-and-forget children may outlive their parent; the run ends when they have.
    await Promise.allSettled(children.pending);
    const childExecutions = children.list();
    return {
      ...outcome,
      history: history.events,
      elapsedSeconds,
      ...(childExecutions.length === 0 ? {} : { childExecutions }),
    };
  } finally {
    timeout.timer.cancel();
    detachStop();
    scope.cancel.dispose();
  }
}

/** The child executions one execution starts (startExecution Tasks): the starter its states use, and what they became. */
function createChildExecutions(
  params: ExecutionParams,
  executionArn: string,
  shared: SharedRun,
): { readonly starter: ChildExecutionStarter; readonly pending: readonly Promise<RunResult>[]; readonly list: () => ChildExecution[] } {
  const started: { name: string; stateMachineArn: string; executionArn: string; result: RunResult | undefined }[] = [];
  const pending: Promise<RunResult>[] = [];
  const starter: ChildExecutionStarter = {
    start(request) {
      const child = shared.machines.get(request.stateMachineArn);
      if (child === undefined) throw unknownStateMachine(request.stateName, request.stateMachineArn, shared.machines);
      const index = started.length;
      const childSeed = Math.floor(deriveRandomSource(params.seed, `child-execution:${index}`)() * 4294967296);
      const name = request.name ?? createUuidV4(deriveRandomSource(params.seed, `child-execution-name:${index}`));
      const childArn = toExecutionArn(request.stateMachineArn, name);
      const entry = { name, stateMachineArn: request.stateMachineArn, executionArn: childArn, result: undefined as RunResult | undefined };
      started.push(entry);
      const startedMs = shared.clock.now();
      const done = execute(
        child,
        {
          input: request.input,
          seed: childSeed,
          executionName: name,
          stateMachineArn: request.stateMachineArn,
          executionArn: childArn,
          cancel: request.cancel,
          parentExecutionArn: executionArn,
          depth: params.depth + 1,
        },
        shared,
      ).then((result) => {
        entry.result = result;
        return result;
      });
      pending.push(done);
      return { name, executionArn: childArn, startMs: startedMs, done };
    },
  };
  // Called once every pending child has settled, so each has its result.
  const list = (): ChildExecution[] =>
    started.map(({ name, stateMachineArn, executionArn: childArn, result }) => ({
      name,
      stateMachineArn,
      executionArn: childArn,
      status: readExecutionStatus(result!),
      result: result!,
    }));
  return { starter, pending, list };
}

/** What the states of one execution share: clock, history, handlers, seeded random sources, the context object. */
function createRunContext(
  params: ExecutionParams,
  shared: SharedRun,
  execution: { readonly executionArn: string; readonly history: HistoryRecorder; readonly input: unknown; readonly startMs: number; readonly children: ChildExecutionStarter },
): RunContext {
  const { seed, executionName, stateMachineArn } = params;
  return {
    clock: shared.clock,
    history: execution.history,
    taskHandlers: shared.taskHandlers,
    lambda: shared.lambda,
    functions: createStepFunctionsJsonataFunctions(deriveRandomSource(seed, '$random'), deriveRandomSource(seed, '$uuid')),
    jitterRandom: deriveRandomSource(seed, 'jitter'),
    shuffleRandom: deriveRandomSource(seed, '$shuffle'),
    execution: {
      Id: execution.executionArn,
      Input: execution.input,
      Name: executionName,
      RoleArn: ROLE_ARN,
      StartTime: new Date(execution.startMs).toISOString(),
      RedriveCount: 0,
    },
    stateMachine: { Id: stateMachineArn, Name: stateMachineArn.slice(stateMachineArn.lastIndexOf(':') + 1) },
    children: execution.children,
    taskTokens: shared.taskTokens,
    variables: new ExecutionVariables(),
    busyCalls: shared.busyCalls,
  };
}

/** The machine's TimeoutSeconds on the run's clock: cancels the execution when it passes. */
function startExecutionTimeout(machine: ParsedMachine, scope: Scope, clock: RunClock): { readonly timer: CancelScope; readonly hasPassed: () => boolean } {
  const timer = new CancelScope();
  let passed = false;
  if (machine.timeoutSeconds !== undefined) {
    clock.sleepUnless(machine.timeoutSeconds, timer).then(
      () => {
        passed = true;
        scope.cancel.cancel();
      },
      () => {},
    );
  }
  return { timer, hasPassed: () => passed };
}

/** Runs the graph to its end and records how the execution ended; rethrows what is not a Step Functions outcome. */
async function runToOutcome(
  machine: ParsedMachine,
  input: unknown,
  scope: Scope,
  params: ExecutionParams,
  shared: SharedRun,
  timeout: { readonly hasPassed: () => boolean },
): Promise<RunOutcome> {
  const history = scope.run.history;
  try {
    const output = await runGraph(machine.graph, input, scope);
    // The quota was reached by the graph's last event: ExecutionFailed is recorded already.
    if (history.limitReached) return { status: 'FAILED', error: { ...HISTORY_LIMIT_FAILURE } };
    const outputJson = serializeWithinLimit(output, 'execution', 'an output');
    recordEvent(scope, 'ExecutionSucceeded', {
      executionSucceededEventDetails: { output: outputJson, outputDetails: { truncated: false } },
    });
    // The output as a caller of DescribeExecution gets it: parsed from its JSON, plain values only.
    return { status: 'SUCCEEDED', output: JSON.parse(outputJson) as unknown };
  } catch (error) {
    // However the graph ended after it (aborted, mostly), the execution failed at the history quota.
    if (history.limitReached) return { status: 'FAILED', error: { ...HISTORY_LIMIT_FAILURE } };
    if (error instanceof AbortedError && timeout.hasPassed()) {
      const cause = `The execution exceeded its TimeoutSeconds (${machine.timeoutSeconds} s).`;
      recordEvent(scope, 'ExecutionTimedOut', { executionTimedOutEventDetails: { error: StatesErrorName.Timeout, cause } });
      return { status: 'FAILED', error: { error: StatesErrorName.Timeout, cause } };
    }
    if (error instanceof AbortedError && (shared.stop.isCancelled || params.cancel.isCancelled)) {
      const cause = shared.stop.isCancelled ? shared.readAbortCause() : 'The execution was stopped with the Task of its parent execution that started it.';
      recordEvent(scope, 'ExecutionAborted', { executionAbortedEventDetails: { error: ABORTED_ERROR, cause } });
      return { status: 'FAILED', error: { error: ABORTED_ERROR, cause } };
    }
    if (error instanceof StatesError) {
      recordEvent(scope, 'ExecutionFailed', { executionFailedEventDetails: error.toDetails() });
      return { status: 'FAILED', error: error.toDetails() };
    }
    throw error;
  }
}

/** The Error of an aborted execution's ExecutionAborted event and RunResult. */
const ABORTED_ERROR = 'States.Aborted';

/** The Cause of a run stopped by its AbortSignal, with the signal's reason. */
function describeAbortReason(reason: unknown): string {
  let text: string;
  if (reason instanceof Error) text = reason.message === '' ? reason.name : `${reason.name}: ${reason.message}`;
  else if (typeof reason === 'string') text = reason;
  else if (reason === undefined) text = 'no reason given';
  else text = describeValue(reason);
  return `The run was aborted by its AbortSignal (${text}).`;
}

function toExecutionArn(stateMachineArn: string, executionName: string): string {
  if (stateMachineArn.includes(':stateMachine:')) return `${stateMachineArn.replace(':stateMachine:', ':execution:')}:${executionName}`;
  // A placeholder key (`${StepopsChildPart1Arn}`): an ARN-shaped stand-in from its letters.
  const name = stateMachineArn.replace(/[^\w-]/g, '') || 'child';
  return `arn:aws:states:us-east-1:123456789012:execution:${name}:${executionName}`;
}

function unknownStateMachine(stateName: string, arn: string, machines: ReadonlyMap<string, unknown>): UnknownStateMachineError {
  const known = [...machines.keys()];
  return new UnknownStateMachineError(
    `state "${stateName}": StateMachineArn ${JSON.stringify(arn)} is not in stateMachines (${known.length === 0 ? 'none given' : `known: ${known.map((k) => JSON.stringify(k)).join(', ')}`}); pass stateMachines: { ${JSON.stringify(arn)}: definition } or a taskHandler for the state`,
  );
}

function checkTaskIsRunnable(task: TaskNode, handlers: Readonly<Record<string, unknown>>, options: RunStateMachineOptions, machines: ReadonlyMap<string, unknown>): void {
  if (typeof handlers[task.name] === 'function') return;
  const where = `state "${task.name}"`;
  if (readStartExecutionPattern(task.resource) !== undefined) {
    // A constant StateMachineArn is checked now; an expression when the Task runs.
    const args = task.arguments?.kind === 'constant' ? (task.arguments.value as { StateMachineArn?: unknown } | null) : undefined;
    const arn = args?.StateMachineArn;
    if (typeof arn === 'string' && !arn.startsWith('{%') && !machines.has(arn)) throw unknownStateMachine(task.name, arn, machines);
    return;
  }
  if (task.resource.startsWith(START_EXECUTION_RESOURCE)) {
    throw new UnsupportedDefinitionError(
      `${where}: Resource ${task.resource} is not supported by the local runner (it runs startExecution, startExecution.sync and startExecution.sync:2); pass taskHandlers: { ${JSON.stringify(task.name)}: async (args) => result } to stand in for it`,
    );
  }
  if (task.resource === LAMBDA_INVOKE_RESOURCE || task.resource === LAMBDA_INVOKE_CALLBACK_RESOURCE || isLambdaFunctionArn(task.resource)) {
    if (options.lambda !== undefined) return;
    throw new MissingTaskHandlerError(
      `${where}: Resource ${task.resource} needs a handler or a Lambda client; pass taskHandlers: { ${JSON.stringify(task.name)}: async (args) => result } or lambda: new LambdaClient({...})`,
    );
  }
  throw new MissingTaskHandlerError(
    `${where}: Resource ${task.resource} cannot be called by the local runner; pass taskHandlers: { ${JSON.stringify(task.name)}: async (args) => result }`,
  );
}
