import type { HistoryEvent } from '@aws-sdk/client-sfn';
import { isOpOutcomeMarker } from '../../job/index.js';
import { VALUE_KEY, isOpValueEnvelope, listFailedUpstream } from '../../job/wire-protocol.js';
import { summarizeTaskAttempts, type TaskVisitSummary } from '../../runner/history/history-summary.js';
import { describeFailure, type DescribedFailure } from './describe-failure.js';
import { readScheduledOpAttempt, readScheduledRunId } from './read-task-payload.js';

/** Where an op (a Task state) stands. */
export type OpOutcome = 'succeeded' | 'failed' | 'skipped' | 'reused' | 'running' | 'not-run';

/** One op's run, read from the history: the rows of the timeline table. */
export interface OpRunSummary {
  /** The Task state's name: the op invocation's name. */
  readonly name: string;
  /** Attempts of the op's code: 0 for an op skipped (downstream of a failed op) or not run. */
  readonly attempts: number;
  /** Seconds between the end of each attempt and the start of the next, retrier and loop waits alike. */
  readonly waitsSeconds: readonly number[];
  /** Every failed attempt, in order. */
  readonly failures: readonly DescribedFailure[];
  readonly outcome: OpOutcome;
  /** For 'failed': the error the op failed with. */
  readonly finalError?: DescribedFailure;
  /** For 'skipped': the failed ops upstream (at most 20: the skip marker's list). */
  readonly failedUpstream?: readonly string[];
  /** For 'skipped': failed ops upstream the skip marker left out of failedUpstream (an upper bound). */
  readonly omittedFailedUpstream?: number;
  /** For 'reused': the parent run whose recorded output a re-execution reused. */
  readonly reusedFrom?: string;
  /** For 'succeeded': the op's output (the value in the wrapper's `{ v }` envelope). */
  readonly output?: unknown;
  /**
   * For 'succeeded': the task result's Payload verbatim, envelope (or reference) included:
   * what a re-execution reuses.
   */
  readonly recorded?: unknown;
}

/** The execution's status as DescribeExecution reports it. */
export type ExecutionStatus = 'RUNNING' | 'SUCCEEDED' | 'FAILED' | 'TIMED_OUT' | 'ABORTED';

export interface ExecutionSummary {
  readonly status: ExecutionStatus;
  /** In the order the ops started (the same for a local run and on AWS), then the ops that never ran. */
  readonly ops: readonly OpRunSummary[];
  /** From the first event to the last. */
  readonly elapsedSeconds: number;
  /** The execution output (JSON text), when SUCCEEDED. */
  readonly output?: string;
  /** Error and cause, when the execution failed, timed out or was aborted. */
  readonly error?: { readonly error: string; readonly cause: string };
  /** The run id the op Tasks sent (the execution name; a split job's parent's): where the IO manager keeps the run's stored outputs. */
  readonly runId?: string;
}

export interface SummarizeExecutionOptions {
  /** Every op of the job, so that ops that never started are listed as 'not-run'. @default - only ops in the history */
  readonly opNames?: readonly string[];
}

/**
 * Reads a GetExecutionHistory-shaped event list (a local run's or one from AWS) into one row
 * per Task state. Re-entries of a state (the Catch -> Wait -> Task retry loop) count as more
 * attempts of the same op, and the time between them as waits.
 */
export function summarizeExecution(history: readonly HistoryEvent[], options: SummarizeExecutionOptions = {}): ExecutionSummary {
  const visitsByName = new Map<string, TaskVisitSummary[]>();
  for (const visit of summarizeTaskAttempts(history)) {
    const visits = visitsByName.get(visit.stateName) ?? [];
    visits.push(visit);
    visitsByName.set(visit.stateName, visits);
  }
  for (const name of options.opNames ?? []) if (!visitsByName.has(name)) visitsByName.set(name, []);
  const ends = readTaskEnds(history);
  const end = readExecutionEnd(history);
  const ops = [...visitsByName.entries()].map(([name, visits]) => summarizeOp(name, visits, ends.get(name), end.status !== 'RUNNING'));
  const first = history[0]?.timestamp?.getTime();
  const last = history[history.length - 1]?.timestamp?.getTime();
  const runId = readRunId(history);
  return {
    ...end,
    ...(runId === undefined ? {} : { runId }),
    ops,
    elapsedSeconds: first === undefined || last === undefined ? 0 : (last - first) / 1000,
  };
}

function summarizeOp(name: string, visits: readonly TaskVisitSummary[], taskEnd: TaskEnd | undefined, executionEnded: boolean): OpRunSummary {
  const attempts = visits.flatMap((visit) => visit.attempts);
  const waitsSeconds: number[] = [];
  visits.forEach((visit, index) => {
    if (index > 0) {
      const previous = visits[index - 1]!.attempts.at(-1);
      const next = visit.attempts[0];
      if (previous !== undefined && next !== undefined) {
        waitsSeconds.push((next.scheduledAt.getTime() - (previous.endedAt ?? previous.scheduledAt).getTime()) / 1000);
      }
    }
    waitsSeconds.push(...visit.waitsSeconds);
  });
  const failures = attempts.filter((attempt) => attempt.outcome === 'failed' || attempt.outcome === 'timedOut').map((attempt) => describeFailure(attempt.error, attempt.cause));
  const base = { name, attempts: attempts.length, waitsSeconds, failures };
  if (attempts.length === 0) return { ...base, outcome: 'not-run' };
  const lastAttempt = attempts.at(-1)!;
  const exited = taskEnd?.exited === true;
  if (lastAttempt.outcome === 'succeeded') {
    const marker = readMarker(taskEnd?.lastResult);
    // The wrapper answered for a skipped op without running its code: no attempt of the op.
    if (marker?.kind === 'skipped') {
      return {
        ...base,
        attempts: 0,
        outcome: 'skipped',
        failedUpstream: marker.failedUpstream,
        ...(marker.omittedFailedUpstream === undefined ? {} : { omittedFailedUpstream: marker.omittedFailedUpstream }),
      };
    }
    if (marker?.kind === 'failed') return { ...base, outcome: 'failed', finalError: describeFailure(marker.error, marker.cause) };
    if (!exited && !executionEnded) return { ...base, outcome: 'running' };
    const recorded = readRecordedPayload(taskEnd?.lastResult);
    // A re-execution returned the parent's recorded output: no attempt of the op's code.
    if (taskEnd?.reusedFrom !== undefined) {
      return { ...base, attempts: 0, outcome: 'reused', reusedFrom: taskEnd.reusedFrom, output: isOpValueEnvelope(recorded) ? recorded[VALUE_KEY] : recorded, recorded };
    }
    return { ...base, outcome: 'succeeded', output: isOpValueEnvelope(recorded) ? recorded[VALUE_KEY] : recorded, recorded };
  }
  if (lastAttempt.outcome !== 'unfinished' && (exited || executionEnded)) return { ...base, outcome: 'failed', finalError: failures.at(-1)! };
  return { ...base, outcome: 'running' };
}

interface MarkerSummary {
  readonly kind: 'failed' | 'skipped';
  readonly failedUpstream: readonly string[];
  readonly omittedFailedUpstream?: number;
  readonly error?: string;
  readonly cause?: string;
}

/** A failure or skip marker in a task result (the Lambda result's Payload, or the value itself). */
function readMarker(output: string | undefined): MarkerSummary | undefined {
  if (output === undefined) return undefined;
  let value: unknown;
  try {
    value = JSON.parse(output) as unknown;
  } catch {
    return undefined;
  }
  const candidate = isOpOutcomeMarker(value) ? value : isOpOutcomeMarker((value as { Payload?: unknown } | null)?.Payload) ? (value as { Payload: unknown }).Payload : undefined;
  if (!isOpOutcomeMarker(candidate)) return undefined;
  return {
    kind: candidate.o,
    failedUpstream: listFailedUpstream(candidate),
    ...(typeof candidate.omittedFailedUpstream === 'number' && candidate.omittedFailedUpstream > 0 ? { omittedFailedUpstream: candidate.omittedFailedUpstream } : {}),
    ...(candidate.error === undefined ? {} : { error: candidate.error }),
    ...(candidate.cause === undefined ? {} : { cause: candidate.cause }),
  };
}

/** A task result's Payload (the Lambda integration's result), or the result itself. */
function readRecordedPayload(output: string | undefined): unknown {
  if (output === undefined) return null;
  try {
    const value = JSON.parse(output) as unknown;
    return typeof value === 'object' && value !== null && 'Payload' in value ? value.Payload : value;
  } catch {
    return output;
  }
}

interface TaskEnd {
  /** The result (TaskSucceeded output) of the state's last successful attempt. */
  readonly lastResult: string | undefined;
  /** Whether the state was left (TaskStateExited) at least once. */
  readonly exited: boolean;
  /** The parent run, when a re-execution reused the op's recorded output. */
  readonly reusedFrom?: string;
}

/** Per Task state name: its last task result and whether it exited, tied through previousEventId. */
function readTaskEnds(history: readonly HistoryEvent[]): Map<string, TaskEnd> {
  const stateOfEvent = new Map<number, string>();
  const ends = new Map<string, TaskEnd>();
  for (const event of history) {
    if (event.type === 'TaskStateEntered') {
      stateOfEvent.set(event.id ?? 0, event.stateEnteredEventDetails?.name ?? '');
      continue;
    }
    if (event.type === 'TaskStateExited') {
      const name = event.stateExitedEventDetails?.name ?? '';
      ends.set(name, { ...ends.get(name), lastResult: ends.get(name)?.lastResult, exited: true });
      continue;
    }
    const name = stateOfEvent.get(event.previousEventId ?? -1);
    if (name === undefined || !event.type?.startsWith('Task')) continue;
    stateOfEvent.set(event.id ?? 0, name);
    if (event.type === 'TaskScheduled') {
      const reusedFrom = readScheduledOpAttempt(event).reusedFrom;
      const { reusedFrom: _previous, ...rest } = ends.get(name) ?? { lastResult: undefined, exited: false };
      ends.set(name, reusedFrom === undefined ? rest : { ...rest, reusedFrom });
    }
    if (event.type === 'TaskSucceeded') {
      ends.set(name, { ...ends.get(name), lastResult: event.taskSucceededEventDetails?.output ?? 'null', exited: ends.get(name)?.exited ?? false });
    }
  }
  return ends;
}

/** The `runId` of the first op Task's payload (its TaskScheduled parameters). */
function readRunId(history: readonly HistoryEvent[]): string | undefined {
  for (const event of history) {
    if (event.type !== 'TaskScheduled') continue;
    const runId = readScheduledRunId(event);
    if (runId !== undefined) return runId;
  }
  return undefined;
}

function readExecutionEnd(history: readonly HistoryEvent[]): Pick<ExecutionSummary, 'status' | 'output' | 'error'> {
  for (let index = history.length - 1; index >= 0; index -= 1) {
    const event = history[index]!;
    switch (event.type) {
      case 'ExecutionSucceeded':
        return { status: 'SUCCEEDED', output: event.executionSucceededEventDetails?.output ?? 'null' };
      case 'ExecutionFailed':
        return { status: 'FAILED', error: { error: event.executionFailedEventDetails?.error ?? '', cause: event.executionFailedEventDetails?.cause ?? '' } };
      case 'ExecutionTimedOut':
        return { status: 'TIMED_OUT', error: { error: event.executionTimedOutEventDetails?.error ?? 'States.Timeout', cause: event.executionTimedOutEventDetails?.cause ?? '' } };
      case 'ExecutionAborted':
        return { status: 'ABORTED', error: { error: event.executionAbortedEventDetails?.error ?? 'Aborted', cause: event.executionAbortedEventDetails?.cause ?? '' } };
      default:
        break;
    }
  }
  return { status: 'RUNNING' };
}
