import type { HistoryEvent } from '@aws-sdk/client-sfn';
import { compileJob, LAMBDA_INVOKE_CALLBACK_RESOURCE, LAMBDA_INVOKE_RESOURCE, type CompiledJob, type CompileJobOptions, type Concurrency } from '../../asl/index.js';
import { InMemoryCoordinationStore } from '../../handler/coordination-store.js';
import { createJobEventServer } from '../../handler/job-handler.js';
import { buildReexecutionInput, validateRunConfig, type JobDefinition, type LogRecord, type RecordedRun, type ReexecutionStrategy } from '../../job/index.js';
import { STORED_KEY, STORED_RUN_KEY, VALUE_KEY, isOpStoredEnvelope, isOpValueEnvelope, readPayloadRetryNumber } from '../../job/wire-protocol.js';
import { IO_OBJECT_MISSING_ERROR } from '../../io/io-errors.js';
import { collectHistories, readRecordedRunResult, registerTaskOutputReader } from '../history/read-recorded-run.js';
import { readMadeLambdaResult, toLambdaResult, type MadeLambdaResults } from './lambda-result.js';
import { DirectoryIoManager } from '../../io/directory-io-manager.js';
import type { IoManager } from '../../io/io-manager.js';
import { InMemoryIoManager } from '../../io/memory-io-manager.js';
import { createSeededRandom } from '../../policy/index.js';
import type { Clock } from '../clock/clock.js';
import { DEFAULT_FUNCTION_TIMEOUT_SECONDS, MAX_FUNCTION_TIMEOUT_SECONDS } from '../../asl/index.js';
import { DefinitionError, describeValue } from '../../errors.js';
import type { LambdaRuntimeError } from '../integrations/lambda-runtime-errors.js';
import { LocalAttempt } from './local-attempt.js';
import { installRuntimeHooks } from './runtime-hooks.js';
import { runStateMachine } from '../run-state-machine.js';
import { readSimulatedOpSeconds, runForSimulatedSeconds, type SimulatedOpSeconds } from './simulated-op-seconds.js';
import type { ExecutionSource, RunResult, TaskCallbacks, TaskHandler } from '../types.js';

/** Options of `runJobLocally`. */
export interface RunJobLocallyOptions {
  /**
   * The run input, as Dagster's run config: `{ ops: { <op>: { config } } }`.
   * @default {}
   */
  readonly input?: unknown;
  /**
   * Seeds every random source: jitter (the state machine's and the wrapper's), $random, $uuid,
   * $shuffle and the execution name.
   * @default 0
   */
  readonly seed?: number;
  /**
   * 'virtual': waits take no wall time; 'real': waits for real; or a Clock of your own.
   * @default 'virtual'
   */
  readonly clock?: 'virtual' | 'real' | Clock;
  /**
   * Called synchronously as each history event is recorded, those of a split job's child
   * executions included (`source.depth` 1).
   * @default - no callback
   */
  readonly onEvent?: (event: HistoryEvent, source: ExecutionSource) => void;
  /**
   * Where the wrapper's decision lines and the ops' `ctx.log` lines go, timestamps on the run's clock.
   * @default - one JSON line per record on stdout, as in Lambda
   */
  readonly writeLog?: (record: LogRecord) => void;
  /**
   * compileJob options, e.g. `{ maxDefinitionCharacters: 20_000 }` to run a small job split
   * into a parent and child state machines as a large one would be.
   * @default {}
   */
  readonly compile?: CompileJobOptions;
  /**
   * Re-execute an earlier run (Dagster's re-execution): with 'from-failure', only the ops that
   * failed, were skipped or did not finish in `parent` run again, with their downstream; the
   * ops that succeeded are not run: the wrapper returns their recorded outputs. 'all-steps'
   * runs every op. The run input is `input` when given, else the parent's.
   * @default - a new run
   */
  readonly reexecute?: ReexecuteOptions;
  /**
   * The job already compiled (compileJob(job, compile)), so that a caller that compiled it
   * for its plans does not pay the compile twice.
   * @default - compileJob(job, compile)
   */
  readonly compiled?: CompiledJob;
  /**
   * The execution name: the ops' `ctx.runId`.
   * @default - a UUID derived from `seed`
   */
  readonly executionName?: string;
  /**
   * Where op outputs over the inline threshold go between ops (the same threshold and
   * references as on AWS, so a local run takes the same paths): your own IoManager, or
   * `{ directory }` to keep them as files (`<directory>/<run id>/<op>/<retry number>.json`).
   * @default - a new InMemoryIoManager for the run
   */
  readonly ioManager?: IoManager | { readonly directory: string };
  /**
   * Seconds each attempt of an op takes on the run's clock, by invocation name (the alias where
   * there is one): `{ extract: 30, load: 5 }`, so the timeline shows what a real run would take.
   * @default - ops take no time
   */
  readonly simulatedOpSeconds?: SimulatedOpSeconds;
  /**
   * The function timeout, in whole seconds (1 to 900, as Lambda allows): an op attempt whose time
   * reaches it fails as Lambda's would, with `Sandbox.Timedout` and "Task timed out after N.00
   * seconds", under the op's retry policy; an op that never resolves does not hang the run. An
   * attempt's time is the wall-clock time its code runs plus the seconds it spends on the run's
   * clock (simulatedOpSeconds); a timed-out attempt takes the whole timeout on the run's clock.
   * The op's `context.getRemainingTimeInMillis()` counts down the same time.
   * @default 60 - the timeout JobStateMachine gives the function it bundles (DEFAULT_JOB_FUNCTION_TIMEOUT)
   */
  readonly functionTimeoutSeconds?: number;
  /**
   * Stops the run (see runStateMachine's `signal`): no op starts once it aborts, pending waits
   * are cancelled, and the result is FAILED with error `States.Aborted` and the history so far.
   * An op already running is abandoned, not stopped: its code runs on, and its outcome is ignored.
   * @default - the run cannot be stopped
   */
  readonly signal?: AbortSignal;
  /**
   * compileJob's `concurrency` (overrides `compile.concurrency`): 'exact' starts every op once
   * its last producer is done on any graph, through task-token waits answered by an in-process
   * coordination store (one per run), with the same wrapper code as on AWS.
   * @default 'structured'
   */
  readonly concurrency?: Concurrency;
}

/**
 * What runJobLocally returns: the run (RunResult), and every op's output, so that nothing is
 * lost when the run fails: the execution's failure Cause names the failed, skipped and
 * succeeded ops (JobFailureCause), and `opOutputs` holds the value of each op that succeeded.
 */
export type LocalRunResult = RunResult & {
  /**
   * The output of every op that succeeded (or whose recorded output a re-execution reused), by
   * invocation name, in invocation order: inline values as they travelled, stored ones
   * read back from the run's IO manager. A stored output the IO manager no longer has (a
   * re-execution's parent run kept in another IO manager) is left out.
   */
  readonly opOutputs: Readonly<Record<string, unknown>>;
};

/** What to re-execute and how. */
export interface ReexecuteOptions {
  /** The earlier run: its RunResult, or what readRecordedRun / a `stepops run --json` document gives. */
  readonly parent: RunResult | RecordedRun;
  readonly strategy: ReexecutionStrategy;
}

/**
 * Compiles `job` (compileJob) and runs the state machine locally (runStateMachine). Each op's
 * Task calls, in process, the same wrapper code that runs in Lambda (jobHandler) with the
 * evaluated Payload, and returns the Lambda integration's result shape; what the wrapper
 * throws goes through the runner's Lambda error conversion, so error names and causes are
 * those a deployed state machine sees. The run config is checked first (validateRunConfig): a
 * RunConfigError, before any op runs, for a non-object input, an unknown op name under `ops` or
 * a config its op's configSchema rejects.
 */
export async function runJobLocally(job: JobDefinition, options: RunJobLocallyOptions = {}): Promise<LocalRunResult> {
  const input = options.reexecute === undefined ? (options.input ?? {}) : buildLocalReexecutionInput(options.reexecute, options.input);
  // Dagster checks the run config before the run starts: a RunConfigError here, before any op runs.
  await validateRunConfig(job, input);
  const compileOptions = options.concurrency === undefined ? (options.compile ?? {}) : { ...options.compile, concurrency: options.concurrency };
  const compiled = options.compiled ?? compileJob(job, compileOptions);
  const { definition } = compiled;
  // A job too big for one definition is a parent plus children it starts with startExecution.sync:2,
  // keyed by the placeholder its Tasks pass as StateMachineArn (deployments substitute real ARNs).
  const childDefinitions = compiled.childDefinitions;
  const stateMachines = Object.fromEntries(childDefinitions.map((child) => ['${' + child.placeholder + '}', child.definition]));
  const simulated = readSimulatedOpSeconds(job, options.simulatedOpSeconds);
  const functionTimeoutSeconds = readFunctionTimeoutSeconds(options.functionTimeoutSeconds);
  const virtualClock = options.clock === undefined || options.clock === 'virtual';
  const writeLog = options.writeLog;
  const seed = options.seed ?? 0;
  let clock: Clock | undefined;
  const ioManager = readIoManager(options.ioManager);
  // The run's SendTaskSuccess: the runner's own, reached through the Task that calls the wrapper.
  let callbacks: TaskCallbacks | undefined;
  // jobHandler's own code (createJobEventServer), without the async function Lambda calls.
  const handle = createJobEventServer(job, {
    coordination: {
      store: new InMemoryCoordinationStore(),
      sender: { sendTaskSuccess: (input) => callbacks!.sendTaskSuccess(input) },
    },
    ioManager,
    ...(options.writeLog === undefined ? {} : { writeLog: options.writeLog }),
    random: createSeededRandom(seed ^ 0x5eed_0b5),
    now: () => (clock === undefined ? Date.now() : clock.now()),
  });
  let requests = 0;
  const attempts = new Set<LocalAttempt>();
  // The results' JSON with their payloads' JSON: the ops' outputs are read back from these, not from the whole texts.
  const madeResults: MadeLambdaResults = new Map();
  const invokeOp: TaskHandler = async (args, context) => {
    clock = context.clock;
    callbacks = context.callbacks;
    const payload = readPayload(args);
    requests += 1;
    const requestId = `local-${String(requests).padStart(8, '0')}`;
    const attempt = new LocalAttempt({
      requestId,
      timeoutSeconds: functionTimeoutSeconds,
      clock: context.clock,
      virtualClock,
      onLateCrash: (error) => reportLateCrash(writeLog, context.stateName, requestId, error, context.clock.now()),
    });
    attempts.add(attempt);
    try {
      const lambdaContext = {
        awsRequestId: requestId,
        getRemainingTimeInMillis: attempt.getRemainingTimeInMillis,
        // On the virtual clock a hung op meets the wrapper's deadline at its virtual time, without the real wait (idle-watch.ts).
        ...(virtualClock ? { armDeadlineTimer: attempt.armDeadlineTimer } : {}),
      };
      // The invocation that decides on a caught timeout or crash runs no op code: it takes no simulated seconds.
      const timed = isDecidingFault(payload) ? NO_SIMULATED_SECONDS : simulated;
      const output = await attempt.run(() => runForSimulatedSeconds(timed, context.stateName, attempt.clock, () => handle(payload, lambdaContext)));
      return toLambdaResult(output, requestId, context.clock.now(), madeResults);
    } finally {
      attempts.delete(attempt);
    }
  };
  const taskHandlers: Record<string, TaskHandler> = {};
  for (const invocation of job.invocations) taskHandlers[invocation.name] = invokeOp;
  // Exact mode's wait and release Tasks call the wrapper too.
  for (const name of listWrapperTaskNames([definition, ...childDefinitions.map((child) => child.definition)])) taskHandlers[name] = invokeOp;
  // process.exit, unhandled rejections and uncaught exceptions in an op fail its attempt, as in
  // Lambda, instead of ending the runner; the hooks are removed when the run ends.
  const uninstallHooks = installRuntimeHooks();
  try {
    const result = await runStateMachine(definition, {
      input,
      taskHandlers,
      ...(childDefinitions.length === 0 ? {} : { stateMachines }),
      seed,
      ...(options.clock === undefined ? {} : { clock: options.clock }),
      ...(options.onEvent === undefined ? {} : { onEvent: options.onEvent }),
      ...(options.executionName === undefined ? {} : { executionName: options.executionName }),
      ...(options.signal === undefined ? {} : { signal: options.signal }),
    });
    // Whoever reads the run back (readRecordedRun: the op outputs here, the CLI, a re-execution) reads each result's payload alone.
    const readResult = readMadeLambdaResult(madeResults);
    for (const history of collectHistories(result)) registerTaskOutputReader(history, readResult);
    return {
      ...result,
      opOutputs: await readOpOutputs(
        readRecordedRunResult(result),
        ioManager,
        job.invocations.map((invocation) => invocation.name),
      ),
    };
  } finally {
    // Attempts abandoned by an abort: their timeout timers must not keep the process alive.
    for (const attempt of attempts) attempt.end();
    uninstallHooks();
  }
}

/** Checks functionTimeoutSeconds: whole seconds from 1 to 900, as a Lambda function's timeout. */
function readFunctionTimeoutSeconds(given: unknown): number {
  if (given === undefined) return DEFAULT_FUNCTION_TIMEOUT_SECONDS;
  if (typeof given !== 'number' || !Number.isInteger(given) || given < 1 || given > MAX_FUNCTION_TIMEOUT_SECONDS) {
    throw new DefinitionError(
      `runJobLocally options.functionTimeoutSeconds must be a whole number of seconds from 1 to ${MAX_FUNCTION_TIMEOUT_SECONDS} (a Lambda function's timeout), got ${describeValue(given)}; use e.g. ${DEFAULT_FUNCTION_TIMEOUT_SECONDS}`,
    );
  }
  return given;
}

/**
 * A crash an op attempt caused after it ended (a rejection it left behind that fired later):
 * on Lambda it would fail whichever invocation the sandbox runs next; locally it fails nothing
 * and is logged.
 */
function reportLateCrash(writeLog: ((record: LogRecord) => void) | undefined, op: string, requestId: string, error: LambdaRuntimeError, nowMs: number): void {
  const record: LogRecord = {
    level: 'WARN',
    message: `op ${op}: ${error.name} after its attempt (request ${requestId}) ended; on Lambda it would fail a later invocation of the same sandbox, locally it fails nothing`,
    timestamp: new Date(nowMs).toISOString(),
    service: 'stepops',
    op,
    requestId,
    cause: error.stepFunctionsCause,
  };
  if (writeLog !== undefined) writeLog(record);
  else process.stdout.write(`${JSON.stringify(record)}\n`);
}

/** Every succeeded op's output of a finished run (read back by readRecordedRunResult): its recorded envelope's value, or the stored value read back. */
async function readOpOutputs(recorded: RecordedRun, ioManager: IoManager, opNames: readonly string[]): Promise<Record<string, unknown>> {
  const outputs: Record<string, unknown> = {};
  // In invocation order: the histories of a split job's parent and children list ops by where they ran.
  const order = new Map(opNames.map((name, k) => [name, k]));
  const ops = [...recorded.ops].sort((a, b) => (order.get(a.name) ?? Infinity) - (order.get(b.name) ?? Infinity));
  for (const op of ops) {
    if (op.outcome !== 'succeeded') continue;
    const envelope = op.recorded;
    if (isOpValueEnvelope(envelope)) outputs[op.name] = envelope[VALUE_KEY];
    else if (isOpStoredEnvelope(envelope)) {
      const runId = envelope[STORED_RUN_KEY] ?? recorded.runId;
      try {
        outputs[op.name] = JSON.parse(await ioManager.readOutput({ runId, op: op.name, retryNumber: envelope[STORED_KEY] })) as unknown;
      } catch (error) {
        if ((error as { name?: unknown } | null)?.name !== IO_OBJECT_MISSING_ERROR) throw error;
      }
    }
  }
  return outputs;
}

/** The run input of a local re-execution: buildReexecutionInput over the parent as recorded. */
function buildLocalReexecutionInput(reexecute: ReexecuteOptions, input: unknown): unknown {
  const recorded = 'history' in reexecute.parent ? readRecordedRunResult(reexecute.parent) : reexecute.parent;
  return buildReexecutionInput(input === undefined ? recorded : { ...recorded, input }, reexecute.strategy).input;
}

/** Every Task state that invokes a Lambda function (the wrapper), in these definitions and their branches. */
function listWrapperTaskNames(definitions: readonly object[]): string[] {
  const names: string[] = [];
  // Keys, not entries: no [name, state] pair per state of a definition with thousands of them.
  const visit = (graph: { readonly States?: Readonly<Record<string, unknown>> }): void => {
    const states = graph.States ?? {};
    for (const name of Object.keys(states)) {
      const { Type, Resource, Branches } = states[name] as { Type?: string; Resource?: string; Branches?: readonly object[] };
      if (Type === 'Task' && (Resource === LAMBDA_INVOKE_RESOURCE || Resource === LAMBDA_INVOKE_CALLBACK_RESOURCE)) names.push(name);
      for (const branch of Branches ?? []) visit(branch);
    }
  };
  for (const definition of definitions) visit(definition);
  return names;
}

function readIoManager(given: RunJobLocallyOptions['ioManager']): IoManager {
  if (given === undefined) return new InMemoryIoManager();
  if (typeof given === 'object' && given !== null && 'directory' in given && typeof given.directory === 'string') return new DirectoryIoManager(given.directory);
  return given as IoManager;
}

/** The Payload of a lambda:invoke Task's Arguments (`{ FunctionName, Payload }`). */
function readPayload(args: unknown): unknown {
  if (typeof args === 'object' && args !== null && 'Payload' in args) return args.Payload;
  // Not the compiled shape: the wrapper gets the whole Arguments and rejects them with a named protocol error.
  return args;
}

const NO_SIMULATED_SECONDS: ReadonlyMap<string, number> = new Map();

/** A payload whose `fault` is its own attempt's (lib/asl/compile-faults.ts): the wrapper decides, the op does not run. */
function isDecidingFault(payload: unknown): boolean {
  const { fault, state, n } = payload as { fault?: { r?: unknown } | null; state?: { RetryCount?: unknown }; n?: unknown };
  if (typeof fault !== 'object' || fault === null || typeof state?.RetryCount !== 'number' || (n !== undefined && typeof n !== 'number')) return false;
  return fault.r === readPayloadRetryNumber({ state: { Name: '', RetryCount: state.RetryCount }, ...(n === undefined ? {} : { n }) });
}
