import type { HistoryEvent } from '@aws-sdk/client-sfn';
import { isOpOutcomeMarker, type RecordedRun } from '../../job/index.js';
import type { RunResult } from '../types.js';

/**
 * Reads a finished run's history (GetExecutionHistory's shape, a local run's or one from AWS,
 * a split job's merged) into what a re-execution needs: the run input, the status, and for each
 * op Task the outcome of its last visit with the task result's payload verbatim ('succeeded'
 * when it is a value, 'failed' or 'skipped' for an outcome marker or a failed last attempt).
 * `runId` names the parent in the new run's input.
 */
export function readRecordedRun(history: readonly HistoryEvent[], runId: string): RecordedRun {
  return readRecordedRunWith(history, runId, taskOutputReaders.get(history) ?? parseJson);
}

/** A reader of a TaskSucceeded event's output text: the task result, parsed. */
export type TaskOutputReader = (output: string) => unknown;

/** The readers of histories whose TaskSucceeded outputs their recorder can read back cheaper than JSON.parse. */
const taskOutputReaders = new WeakMap<readonly HistoryEvent[], TaskOutputReader>();

/**
 * Makes readRecordedRun parse `history`'s TaskSucceeded outputs with `reader` (a local run's,
 * which knows the texts it wrote); it must give what JSON.parse gives for every text.
 */
export function registerTaskOutputReader(history: readonly HistoryEvent[], reader: TaskOutputReader): void {
  taskOutputReaders.set(history, reader);
}

/** readRecordedRun, with task results parsed by `readTaskOutput`. */
function readRecordedRunWith(history: readonly HistoryEvent[], runId: string, readTaskOutput: TaskOutputReader): RecordedRun {
  const stateOfEvent = new Map<number, string>();
  const ops = new Map<string, { outcome: string; recorded?: unknown }>();
  let input: unknown = {};
  let status = 'RUNNING';
  const notOps = new Set<string>();
  for (const event of history) {
    const id = event.id ?? 0;
    switch (event.type) {
      case 'ExecutionStarted':
        input = parseJson(event.executionStartedEventDetails?.input ?? '{}');
        continue;
      case 'ExecutionSucceeded':
        status = 'SUCCEEDED';
        continue;
      case 'ExecutionFailed':
        status = 'FAILED';
        continue;
      case 'ExecutionTimedOut':
        status = 'TIMED_OUT';
        continue;
      case 'ExecutionAborted':
        status = 'ABORTED';
        continue;
      case 'TaskStateEntered': {
        const name = event.stateEnteredEventDetails?.name ?? '';
        stateOfEvent.set(id, name);
        if (!ops.has(name)) ops.set(name, { outcome: 'running' });
        continue;
      }
      default:
        break;
    }
    const name = stateOfEvent.get(event.previousEventId ?? -1);
    if (name === undefined || !event.type?.startsWith('Task')) continue;
    stateOfEvent.set(id, name);
    // A split job's parent starts its parts with startExecution Tasks: not ops.
    if (event.type === 'TaskScheduled' && event.taskScheduledEventDetails?.resourceType !== 'lambda') notOps.add(name);
    if (event.type === 'TaskSucceeded') {
      const result = readTaskOutput(event.taskSucceededEventDetails?.output ?? 'null');
      const payload = typeof result === 'object' && result !== null && 'Payload' in result ? result.Payload : result;
      const marker = isOpOutcomeMarker(payload) ? payload.o : undefined;
      ops.set(name, marker === undefined ? { outcome: 'succeeded', recorded: payload } : { outcome: marker });
    } else if (event.type === 'TaskFailed' || event.type === 'TaskTimedOut') {
      ops.set(name, { outcome: 'failed' });
    }
  }
  return { runId, status, input, ops: [...ops.entries()].filter(([name]) => !notOps.has(name)).map(([name, op]) => ({ name, ...op })) };
}

/** JSON.parse, or the text itself when it is not JSON. */
export function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

/**
 * readRecordedRun for a local run's result, a split job's children included (their ops join
 * the parent's); the run id is the execution name its Tasks sent (the ops' ctx.runId).
 */
export function readRecordedRunResult(result: RunResult): RecordedRun {
  const histories = collectHistories(result);
  const runId = histories.map(readPayloadRunId).find((id) => id !== undefined) ?? 'local-run';
  const root = readRecordedRun(result.history, runId);
  return { ...root, ops: histories.flatMap((history, index) => (index === 0 ? root.ops : readRecordedRun(history, runId).ops)) };
}

/** The histories of a run and of its child executions (a split job's parts), the run's first. */
export function collectHistories(result: RunResult): (readonly HistoryEvent[])[] {
  return [result.history, ...(result.childExecutions ?? []).flatMap((child) => collectHistories(child.result))];
}

/** The `runId` of the first op Task's payload in a history. */
function readPayloadRunId(history: readonly HistoryEvent[]): string | undefined {
  for (const event of history) {
    const parameters = event.type === 'TaskScheduled' ? event.taskScheduledEventDetails?.parameters : undefined;
    if (parameters === undefined) continue;
    const runId = (parseJson(parameters) as { Payload?: { runId?: unknown } } | null)?.Payload?.runId;
    if (typeof runId === 'string') return runId;
  }
  return undefined;
}
