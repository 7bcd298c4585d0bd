import type { HistoryEvent } from '@aws-sdk/client-sfn';
import { isOpOutcomeMarker, type LogRecord } from '../../job/index.js';
import { listFailedUpstream } from '../../job/wire-protocol.js';
import { describeFailure, formatFailure } from './describe-failure.js';
import { formatSeconds, truncateText } from './format-text.js';
import { mayHoldOutcomeMarker, readScheduledOpAttempt } from './read-task-payload.js';
import type { Style } from './style.js';

/** What one history event means for the live view. */
export interface ProgressUpdate {
  /** Lines to print, already styled. */
  readonly lines: readonly string[];
  /** A retry wait that starts now and its length, when known (for a countdown). */
  readonly waitStarted?: { readonly op: string; readonly retryNumber: number; readonly seconds: number };
  /** The op whose wait (if any) is over. */
  readonly waitEnded?: string;
}

/** A wait from the retry plan: `1h`, or `0s–1m` when jittered (then no exact seconds). */
export interface PlannedWait {
  readonly text: string;
  readonly seconds?: number;
}

export interface ProgressTrackerOptions {
  readonly style: Style;
  /** Every op of the job, to align the op column. @default - aligned as ops appear */
  readonly opNames?: readonly string[];
  /**
   * The planned wait before retry `retryNumber` of `op`, for retries whose wait the error
   * does not carry (the native retriers): its text, and its seconds when it is exact.
   * @default - unknown: "retry n follows" without a wait
   */
  readonly lookupRetryWait?: (op: string, retryNumber: number) => PlannedWait | undefined;
  /** Longest error text on a line. @default 160 */
  readonly maxErrorWidth?: number;
}

/** Turns history events, one at a time, into progress lines. */
export interface ProgressTracker {
  describeEvent(event: HistoryEvent): ProgressUpdate;
  describeLog(record: LogRecord): string[];
}

const OFFSET_WIDTH = 11;
const STANDARD_LOG_KEYS = new Set(['level', 'message', 'timestamp', 'service', 'job', 'op', 'runId', 'retryNumber', 'requestId']);

/**
 * A pure, stateful reader of a history stream (local or from AWS): each op's start, each
 * failed attempt with its reason and the retry it leads to, each retry's start after its
 * wait, and each op's end (succeeded, failed, skipped).
 */
export function createProgressTracker(options: ProgressTrackerOptions): ProgressTracker {
  const { style } = options;
  const maxErrorWidth = options.maxErrorWidth ?? 160;
  let nameWidth = Math.max(0, ...(options.opNames ?? []).map((name) => name.length));
  let startMs: number | undefined;
  const stateOfEvent = new Map<number, string>();
  const attemptsByOp = new Map<string, number>();
  const lastFailureMs = new Map<string, number>();
  const reusedOps = new Set<string>();

  const prefix = (event: HistoryEvent, op: string): string => {
    const at = event.timestamp?.getTime() ?? startMs ?? 0;
    const offset = `+${formatSeconds((at - (startMs ?? at)) / 1000)}`;
    nameWidth = Math.max(nameWidth, op.length);
    return `${style.dim(offset.padEnd(OFFSET_WIDTH))} ${style.bold(op.padEnd(nameWidth))}  `;
  };

  const describeEvent = (event: HistoryEvent): ProgressUpdate => {
    const id = event.id ?? 0;
    if (event.type === 'ExecutionStarted') {
      startMs = event.timestamp?.getTime();
      return { lines: [] };
    }
    if (event.type === 'TaskStateEntered') {
      stateOfEvent.set(id, event.stateEnteredEventDetails?.name ?? '');
      return { lines: [] };
    }
    const op = stateOfEvent.get(event.previousEventId ?? -1);
    if (op === undefined || !event.type?.startsWith('Task')) return { lines: [] };
    stateOfEvent.set(id, op);
    const at = event.timestamp?.getTime() ?? 0;
    switch (event.type) {
      case 'TaskScheduled': {
        // A skipped op's code never runs: its line is the 'skipped' one its result brings.
        const scheduled = readScheduledOpAttempt(event);
        if (scheduled.skipped) return { lines: [] };
        if (scheduled.reusedFrom !== undefined) {
          reusedOps.add(op);
          return { lines: [`${prefix(event, op)}${style.dim(`reused (output of run ${scheduled.reusedFrom})`)}`] };
        }
        const attempt = (attemptsByOp.get(op) ?? 0) + 1;
        attemptsByOp.set(op, attempt);
        if (attempt === 1) return { lines: [`${prefix(event, op)}${style.cyan('started')}`] };
        const failedAt = lastFailureMs.get(op);
        const waited = failedAt === undefined ? '' : ` after ${formatSeconds((at - failedAt) / 1000)}`;
        return { lines: [`${prefix(event, op)}${style.cyan(`retry ${attempt - 1} started`)} (attempt ${attempt}${waited})`], waitEnded: op };
      }
      case 'TaskFailed':
      case 'TaskTimedOut': {
        lastFailureMs.set(op, at);
        const attempt = attemptsByOp.get(op) ?? 1;
        const eventDetails = event.type === 'TaskFailed' ? event.taskFailedEventDetails : event.taskTimedOutEventDetails;
        const failure = describeFailure(eventDetails?.error, eventDetails?.cause);
        const reason = truncateText(formatFailure(failure), maxErrorWidth);
        const verb = event.type === 'TaskTimedOut' ? 'timed out' : 'failed';
        const details = failure.details;
        if (details?.decision === 'fail') {
          return { lines: [`${prefix(event, op)}${style.red(`failed on attempt ${attempt}`)}: ${reason}${describeFailReason(details.reason)}`] };
        }
        if (details?.decision === 'retry') {
          const retryNumber = details.nextRetryNumber ?? attempt;
          const planned = details.waitSeconds === undefined ? options.lookupRetryWait?.(op, retryNumber) : undefined;
          const seconds = details.waitSeconds ?? planned?.seconds;
          const wait = details.waitSeconds !== undefined ? formatSeconds(details.waitSeconds) : planned?.text;
          const next = wait === undefined ? `retry ${retryNumber} follows` : `retry ${retryNumber} in ${wait}`;
          return {
            lines: [`${prefix(event, op)}${style.yellow(`attempt ${attempt} ${verb}`)}: ${reason}; ${next}`],
            ...(seconds === undefined ? {} : { waitStarted: { op, retryNumber, seconds } }),
          };
        }
        return { lines: [`${prefix(event, op)}${style.yellow(`attempt ${attempt} ${verb}`)}: ${reason}`] };
      }
      case 'TaskSucceeded': {
        if (reusedOps.has(op)) return { lines: [] };
        const output = event.taskSucceededEventDetails?.output;
        const result = output !== undefined && mayHoldOutcomeMarker(output) ? parseOutput(output) : undefined;
        const payload = isOpOutcomeMarker(result) ? result : (result as { Payload?: unknown } | null | undefined)?.Payload;
        if (isOpOutcomeMarker(payload) && payload.o === 'skipped') {
          return { lines: [`${prefix(event, op)}${style.yellow('skipped')} (upstream failed: ${listFailedUpstream(payload).join(', ')})`] };
        }
        const attempt = attemptsByOp.get(op) ?? 1;
        return { lines: [`${prefix(event, op)}${style.green('succeeded')}${attempt > 1 ? ` on attempt ${attempt}` : ''}`] };
      }
      default:
        return { lines: [] };
    }
  };

  const describeLog = (record: LogRecord): string[] => {
    const op = typeof record.op === 'string' ? record.op : '';
    nameWidth = Math.max(nameWidth, op.length);
    const extra = Object.entries(record).filter(([key]) => !STANDARD_LOG_KEYS.has(key));
    const fields = extra.length === 0 ? '' : ` ${JSON.stringify(Object.fromEntries(extra))}`;
    return [style.dim(`${''.padEnd(OFFSET_WIDTH)} ${op.padEnd(nameWidth)}  │ ${record.level} ${record.message}${fields}`)];
  };

  return { describeEvent, describeLog };
}

function describeFailReason(reason: string): string {
  switch (reason) {
    case 'no-policy':
      return ' (no retry policy)';
    case 'retries-exhausted':
      return ' (retries exhausted)';
    case 'not-retriable':
      return ' (Failure with allowRetries false)';
    case 'error-filtered':
      return ' (error not retried by the policy filter)';
    default:
      return reason === '' ? '' : ` (${reason})`;
  }
}

function parseOutput(output: string | undefined): unknown {
  if (output === undefined) return undefined;
  try {
    return JSON.parse(output) as unknown;
  } catch {
    return undefined;
  }
}
