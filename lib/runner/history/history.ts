import type { HistoryEvent, HistoryEventType } from '@aws-sdk/client-sfn';
import { MAX_HISTORY_EVENTS } from '../../asl/index.js';

/** Event fields other than id, type, timestamp and previousEventId. */
export type HistoryEventDetails = Omit<HistoryEvent, 'id' | 'type' | 'timestamp' | 'previousEventId'>;

/**
 * The error and cause of an execution failed at Step Functions' hard quota on one Standard
 * execution's history (MAX_HISTORY_EVENTS; reference/step-functions.md, "Quotas"; the developer
 * guide's "Avoid reaching the history quota"): when an execution has 24,999 events, event 25,000
 * is ExecutionSucceeded, or else ExecutionFailed, and the execution fails because it reached the
 * history limit. The wording is AWS's, as executions record it.
 */
export const HISTORY_LIMIT_FAILURE = {
  error: 'States.Runtime',
  cause: `The execution reached the maximum number of history events (${MAX_HISTORY_EVENTS}).`,
} as const;

/**
 * Appends GetExecutionHistory-shaped events with ids 1..n and reports each as it is recorded.
 * At the history quota the last event is the ExecutionFailed of HISTORY_LIMIT_FAILURE (unless
 * it is ExecutionSucceeded); `onLimitReached` is called then (the execution stops), and nothing
 * is recorded after it.
 */
export class HistoryRecorder {
  readonly events: HistoryEvent[] = [];
  /** Called once, when the history reaches the quota with another event than ExecutionSucceeded. */
  onLimitReached: (() => void) | undefined;
  private closed = false;

  constructor(
    private readonly now: () => number,
    private readonly onEvent: ((event: HistoryEvent) => void) | undefined,
  ) {}

  /** True once the history has reached the quota and the execution failed for it. */
  get limitReached(): boolean {
    return this.closed;
  }

  /** Records one event and returns its id (once the quota is reached, records nothing and returns the last id). */
  record(type: HistoryEventType, previousEventId: number, details: HistoryEventDetails = {}): number {
    if (this.closed) return this.events.length;
    const id = this.events.length + 1;
    if (id === MAX_HISTORY_EVENTS && type !== 'ExecutionSucceeded') {
      this.closed = true;
      this.push({ timestamp: new Date(this.now()), type: 'ExecutionFailed', id, previousEventId, executionFailedEventDetails: { ...HISTORY_LIMIT_FAILURE } });
      this.onLimitReached?.();
      return id;
    }
    this.push({ timestamp: new Date(this.now()), type, id, previousEventId, ...details });
    return id;
  }

  private push(event: HistoryEvent): void {
    this.events.push(event);
    this.onEvent?.(event);
  }
}
