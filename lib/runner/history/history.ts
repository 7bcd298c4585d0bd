import type { HistoryEvent, HistoryEventType } from '@aws-sdk/client-sfn';

/** Event fields other than id, type, timestamp and previousEventId. */
export type HistoryEventDetails = Omit<HistoryEvent, 'id' | 'type' | 'timestamp' | 'previousEventId'>;

/** Appends GetExecutionHistory-shaped events with ids 1..n and reports each as it is recorded. */
export class HistoryRecorder {
  readonly events: HistoryEvent[] = [];

  constructor(
    private readonly now: () => number,
    private readonly onEvent: ((event: HistoryEvent) => void) | undefined,
  ) {}

  /** Records one event and returns its id. */
  record(type: HistoryEventType, previousEventId: number, details: HistoryEventDetails = {}): number {
    const id = this.events.length + 1;
    const event: HistoryEvent = { timestamp: new Date(this.now()), type, id, previousEventId, ...details };
    this.events.push(event);
    this.onEvent?.(event);
    return id;
  }
}
