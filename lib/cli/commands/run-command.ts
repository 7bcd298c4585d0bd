import type { Concurrency } from '../../asl/index.js';
import { ReexecutionError, buildReexecutionInput, validateRunConfig } from '../../job/index.js';
import { CliError } from '../cli-error.js';
import { readRunDocumentFile } from '../read-run-document.js';
import type { CliIo } from '../cli-io.js';
import { FAILURE_EXIT_CODE, INTERRUPTED_EXIT_CODE } from '../cli-error.js';
import { createProgressTracker } from '../render/describe-progress.js';
import { loadJob } from '../load-job-module.js';
import { createExecutionEventMerger } from '../aws/merge-execution-events.js';
import { readInputOption } from '../parse-options.js';
import { readSimulateOption } from '../read-simulate-option.js';
import { createProgressReporter, type LogMode } from '../render/progress-reporter.js';
import { findPlannedWait } from '../render/render-plan.js';
import { renderTimeline } from '../render/render-timeline.js';
import { createStyle, shouldUseColor } from '../render/style.js';
import { summarizeExecution } from '../render/summarize-execution.js';
import { buildRunDocument, formatJsonDocument } from '../render/run-document.js';

export interface RunCommandOptions {
  /** @default - the module's only job */
  readonly job?: string;
  /** Inline JSON or @file. @default {} */
  readonly input?: string;
  /** @default 0 */
  readonly seed?: number;
  /** Wait for real instead of on the virtual clock. @default false */
  readonly realTime?: boolean;
  /** Seconds per op attempt: `extract=30,load=5` or a JSON file path. @default - ops take no time */
  readonly simulate?: string;
  /** @default 'ops' */
  readonly logs?: LogMode;
  /** Split the job into a parent and child state machines above this size. @default - Step Functions' limit */
  readonly maxDefinitionCharacters?: number;
  /** compileJob's concurrency. @default 'structured' */
  readonly concurrency?: Concurrency;
  /** Print one RunDocument (JSON) on stdout instead of the timeline; progress goes to stderr. @default false */
  readonly json?: boolean;
  /**
   * A `--json` document of an earlier run of the job: re-execute it from failure (only the
   * failed, skipped and unfinished ops and their downstream run; the others' recorded outputs
   * are reused). Its run input is used unless --input is given.
   * @default - a new run
   */
  readonly fromFailure?: string;
  /** Also write the run's HTML report (graph, Gantt timeline, retry plans) to this file. @default - none */
  readonly report?: string;
  /** The Lambda function timeout of each op attempt, seconds. @default 60 - the construct's default */
  readonly functionTimeout?: number;
}

/**
 * Marks at the end of each phase of `stepops run` (performance.mark: a timestamp, no output),
 * from which bench/local-runner.ts reports where a cold process spends its time.
 */
export const RUN_PHASE_MARKS = {
  started: 'stepops:run-started',
  loaded: 'stepops:job-loaded',
  compiled: 'stepops:compiled',
  ran: 'stepops:ran',
  rendered: 'stepops:rendered',
} as const;

/**
 * `stepops run <module>`: runs a job locally with live progress, then prints the timeline.
 * Ctrl-C stops the run (its AbortSignal), prints the timeline so far and exits with 130.
 */
export async function runRunCommand(modulePath: string, options: RunCommandOptions, io: CliIo): Promise<number> {
  performance.mark(RUN_PHASE_MARKS.started);
  const simulatedOpSeconds = readSimulateOption(options.simulate, io.cwd);
  // The compiler and the runner are imported only here: loading a TypeScript job module loads
  // them meanwhile, while esbuild transforms the module in its own process (load-job-module.ts).
  const job = await loadJob(modulePath, options.job, io.cwd);
  const { compileJob } = await import('../../asl/index.js');
  const { runJobLocally, readRecordedRunResult } = await import('../../runner/index.js');
  performance.mark(RUN_PHASE_MARKS.loaded);
  const reexecution = options.fromFailure === undefined ? undefined : planFromFailure(options.fromFailure, options.input, io.cwd, job.name);
  const input = reexecution?.input ?? readInputOption(options.input, io.cwd);
  // A run config that does not fit the job fails here, before the header and before any op runs.
  await validateRunConfig(job, input);
  const compileOptions = {
    ...(options.maxDefinitionCharacters === undefined ? {} : { maxDefinitionCharacters: options.maxDefinitionCharacters }),
    ...(options.concurrency === undefined ? {} : { concurrency: options.concurrency }),
  };
  const compiled = compileJob(job, compileOptions);
  performance.mark(RUN_PHASE_MARKS.compiled);
  const { retryPlans, childDefinitions } = compiled;
  const plans = new Map(retryPlans.map((plan) => [plan.op, plan]));
  const json = options.json === true;
  // With --json, stdout holds the document alone; the live view goes to stderr.
  const progressOutput = json ? io.stderr : io.stdout;
  const style = createStyle(shouldUseColor(progressOutput, io.env));
  const opNames = job.invocations.map((invocation) => invocation.name);
  const realTime = options.realTime === true;
  const seed = options.seed ?? 0;
  const tracker = createProgressTracker({
    style,
    opNames,
    lookupRetryWait: (op, retryNumber) => findPlannedWait(plans.get(op), retryNumber),
  });
  const reporter = createProgressReporter(progressOutput, tracker, {
    style,
    countdown: realTime && progressOutput.isTTY === true,
    logs: options.logs ?? 'ops',
  });
  const clockLabel = realTime ? 'real time' : 'virtual time';
  progressOutput.write(
    `${style.bold(`stepops run ${job.name}`)} ${style.dim(`(${opNames.length} ${opNames.length === 1 ? 'op' : 'ops'} from ${modulePath}; ${realTime ? 'real clock' : 'virtual clock'}, seed ${seed}${describeSplit(childDefinitions.length)})`)}\n`,
  );
  if (reexecution !== undefined) {
    progressOutput.write(
      `${style.dim(`re-executing run ${reexecution.parent} from failure: reusing ${reexecution.reusedOps.join(', ') || 'nothing'}; running ${reexecution.rerunOps.join(', ') || 'the rest'}`)}\n`,
    );
  }
  // A split job's children report their ops' events too: one merged stream for progress and timeline.
  const merger = createExecutionEventMerger();
  // Ctrl-C stops the run at once; the timeline so far is printed below, and the exit code is 130.
  const interrupt = new AbortController();
  const stopListening = io.onInterrupt?.(() => interrupt.abort(new Error('interrupted with Ctrl-C')));
  let result;
  try {
    result = await runJobLocally(job, {
      input,
      seed,
      compile: compileOptions,
      compiled,
      ...(simulatedOpSeconds === undefined ? {} : { simulatedOpSeconds: simulatedOpSeconds as Record<string, number> }),
      clock: realTime ? 'real' : 'virtual',
      ...(options.functionTimeout === undefined ? {} : { functionTimeoutSeconds: options.functionTimeout }),
      signal: interrupt.signal,
      onEvent: (event, source) => {
        const merged = merger.add(event, source);
        if (merged !== undefined) reporter.onEvent(merged);
      },
      writeLog: (record) => reporter.writeLog(record),
    });
  } finally {
    stopListening?.();
    reporter.finish();
  }
  performance.mark(RUN_PHASE_MARKS.ran);
  const interrupted = interrupt.signal.aborted;
  const summary = summarizeExecution(result.childExecutions === undefined ? result.history : merger.history(), { opNames });
  if (options.report !== undefined) {
    const subtitle = `local run of ${modulePath}, ${realTime ? 'real clock' : 'virtual clock'}, seed ${seed}${reexecution === undefined ? '' : `; re-execution of run ${reexecution.parent} from failure`}`;
    // The HTML report's renderer is loaded only when a report is asked for.
    const { writeReportFile } = await import('../render/write-report.js');
    writeReportFile(
      options.report,
      io.cwd,
      { title: job.name, subtitle, summary, history: result.childExecutions === undefined ? result.history : merger.history(), graph: job.invocations, retryPlans },
      progressOutput,
    );
  }
  if (json) {
    const executionName = readRecordedRunResult(result).runId;
    io.stdout.write(formatJsonDocument(buildRunDocument(summary, { input, job: job.name, executionName, clock: realTime ? 'real' : 'virtual', seed })));
  } else {
    if (interrupted) progressOutput.write(`\n${style.bold('interrupted (Ctrl-C)')}: the run was stopped; the timeline so far:\n`);
    io.stdout.write(`\n${renderTimeline(summary, { style, clockLabel }).join('\n')}\n`);
  }
  performance.mark(RUN_PHASE_MARKS.rendered);
  if (interrupted) return INTERRUPTED_EXIT_CODE;
  return result.status === 'SUCCEEDED' ? 0 : FAILURE_EXIT_CODE;
}

/** The run input of `--from-failure <file>`, and what it reuses. */
function planFromFailure(
  file: string,
  inputOption: string | undefined,
  cwd: string,
  jobName: string,
): { input: unknown; parent: string; reusedOps: readonly string[]; rerunOps: readonly string[] } {
  const recorded = readRunDocumentFile(file, cwd, jobName);
  const parent = inputOption === undefined ? recorded : { ...recorded, input: readInputOption(inputOption, cwd) };
  try {
    return { ...buildReexecutionInput(parent, 'from-failure'), parent: recorded.runId };
  } catch (error) {
    if (error instanceof ReexecutionError) throw new CliError(error.message, `pick a failed run's --json document`);
    throw error;
  }
}

/** Said in the header of a split job only, so that other jobs' output is unchanged. */
function describeSplit(children: number): string {
  return children === 0 ? '' : `; split into a parent and ${children} child state machine${children === 1 ? '' : 's'}`;
}
