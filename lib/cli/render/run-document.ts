import { readJobFailureCause } from './describe-failure.js';
import type { ExecutionStatus, ExecutionSummary, OpOutcome } from './summarize-execution.js';

/** The `format` of a RunDocument. */
export const RUN_DOCUMENT_FORMAT = 'stepops.run/1';

/** An error as the JSON documents give it: the op's own name and message where stepops sent them. */
export interface ErrorDocument {
  readonly name: string;
  readonly message: string;
}

/** One op of a RunDocument. */
export interface OpDocument {
  readonly name: string;
  readonly outcome: OpOutcome;
  /** Attempts of the op's code (0 when skipped or not run). */
  readonly attempts: number;
  /** Seconds between attempts, in order. */
  readonly waitsSeconds: readonly number[];
  /** Every failed attempt's error, in order. */
  readonly failures: readonly ErrorDocument[];
  /** For 'failed': the error it failed with. */
  readonly error?: ErrorDocument;
  /** For 'skipped': the failed ops upstream (at most 20). */
  readonly failedUpstream?: readonly string[];
  /** For 'skipped': failed ops upstream left out of failedUpstream (an upper bound). */
  readonly omittedFailedUpstream?: number;
  /** For 'reused': the parent run whose output a re-execution reused. */
  readonly reusedFrom?: string;
  /** For 'succeeded' and 'reused': the op's output. */
  readonly output?: unknown;
  /** For 'succeeded': the task result's Payload verbatim, the wrapper's envelope included: what `--from-failure` reuses. */
  readonly recorded?: unknown;
}

/**
 * What `stepops run --json` and `stepops watch --json` print: one JSON document on stdout.
 * `status` is the execution's (SUCCEEDED, FAILED, TIMED_OUT, ABORTED, RUNNING).
 */
export interface RunDocument {
  readonly format: typeof RUN_DOCUMENT_FORMAT;
  readonly status: ExecutionStatus;
  /** The job's name (local runs; on AWS, when the history says). */
  readonly job?: string;
  /** The execution's name: the ops' ctx.runId. */
  readonly executionName?: string;
  /** On AWS. */
  readonly executionArn?: string;
  readonly stateMachineArn?: string;
  /** Local runs: 'virtual' or 'real', and the seed. */
  readonly clock?: 'virtual' | 'real';
  readonly seed?: number;
  /** From the first history event to the last. */
  readonly elapsedSeconds: number;
  /** The run input (run config). */
  readonly input: unknown;
  /** For SUCCEEDED: the execution output. */
  readonly output?: unknown;
  /** For FAILED, TIMED_OUT, ABORTED: Step Functions' Error and Cause. */
  readonly error?: { readonly error: string; readonly cause: string };
  /** For a job failure: the failed ops and the skipped ones (as the failure Cause lists them). */
  readonly failedOps?: readonly string[];
  readonly skippedOps?: readonly string[];
  /** For a job failure: every op that succeeded (or was reused), from the history; `ops` has their outputs. */
  readonly succeededOps?: readonly string[];
  /** In the order the ops started, then the ops that never ran. */
  readonly ops: readonly OpDocument[];
}

/** What a RunDocument says about the run beyond its history: the run input and where the run ran. */
export type RunDocumentContext = Pick<RunDocument, 'input' | 'job' | 'executionName' | 'executionArn' | 'stateMachineArn' | 'clock' | 'seed'>;

/** The RunDocument of an execution summary. */
export function buildRunDocument(summary: ExecutionSummary, context: RunDocumentContext): RunDocument {
  const jobFailure = summary.error === undefined ? undefined : readJobFailureCause(summary.error.cause);
  return {
    format: RUN_DOCUMENT_FORMAT,
    status: summary.status,
    ...definedFields({
      job: context.job,
      executionName: context.executionName,
      executionArn: context.executionArn,
      stateMachineArn: context.stateMachineArn,
      clock: context.clock,
      seed: context.seed,
    }),
    elapsedSeconds: summary.elapsedSeconds,
    input: context.input,
    ...(summary.status === 'SUCCEEDED' ? { output: parseJsonText(summary.output ?? 'null') } : {}),
    ...(summary.error === undefined ? {} : { error: summary.error }),
    ...(jobFailure === undefined
      ? {}
      : {
          failedOps: jobFailure.failedOps.map((failed) => failed.op),
          skippedOps: [...jobFailure.skippedOps],
          succeededOps: summary.ops.filter((op) => op.outcome === 'succeeded' || op.outcome === 'reused').map((op) => op.name),
        }),
    ops: summary.ops.map((op) => ({
      name: op.name,
      outcome: op.outcome,
      attempts: op.attempts,
      waitsSeconds: op.waitsSeconds,
      failures: op.failures.map(toErrorDocument),
      ...(op.finalError === undefined ? {} : { error: toErrorDocument(op.finalError) }),
      ...(op.failedUpstream === undefined ? {} : { failedUpstream: op.failedUpstream }),
      ...(op.omittedFailedUpstream === undefined ? {} : { omittedFailedUpstream: op.omittedFailedUpstream }),
      ...(op.reusedFrom === undefined ? {} : { reusedFrom: op.reusedFrom }),
      ...(op.outcome === 'succeeded' || op.outcome === 'reused' ? { output: op.output ?? null, recorded: op.recorded ?? null } : {}),
    })),
  };
}

/** The document as printed: indented JSON and a newline. */
export function formatJsonDocument(document: unknown): string {
  return `${JSON.stringify(document, null, 2)}\n`;
}

function toErrorDocument(failure: { readonly name: string; readonly message: string }): ErrorDocument {
  return { name: failure.name, message: failure.message };
}

function parseJsonText(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

function definedFields<T extends Record<string, unknown>>(fields: T): Partial<T> {
  return Object.fromEntries(Object.entries(fields).filter(([, value]) => value !== undefined)) as Partial<T>;
}
