import type { HistoryEvent } from '@aws-sdk/client-sfn';

/** One attempt of a Task state visit, read from TaskScheduled..TaskSucceeded|TaskFailed|TaskTimedOut (or the LambdaFunction* events of a Task whose Resource is a function ARN). */
export interface TaskAttempt {
  readonly scheduledAt: Date;
  /** When the attempt ended (its TaskSucceeded/TaskFailed/TaskTimedOut event). */
  readonly endedAt: Date | undefined;
  readonly outcome: 'succeeded' | 'failed' | 'timedOut' | 'unfinished';
  /** Error name of a failed or timed-out attempt. */
  readonly error: string | undefined;
  readonly cause: string | undefined;
}

/** The attempts of one visit of a Task state (TaskStateEntered to its exit). */
export interface TaskVisitSummary {
  readonly stateName: string;
  readonly enteredAt: Date;
  readonly attempts: readonly TaskAttempt[];
  /** Seconds between the end of each attempt and the start of the next (length attempts - 1). */
  readonly waitsSeconds: readonly number[];
}

/**
 * Groups the Task events of a history into state visits, in the order the visits began.
 * Works with interleaved Parallel/Map branches: each Task event is tied to its
 * TaskStateEntered through the previousEventId chain.
 */
export function summarizeTaskAttempts(history: readonly HistoryEvent[]): TaskVisitSummary[] {
  const owner = new Map<number, number>();
  const visits = new Map<number, { stateName: string; enteredAt: Date; attempts: { -readonly [K in keyof TaskAttempt]: TaskAttempt[K] }[] }>();
  for (const event of history) {
    const id = event.id ?? 0;
    if (event.type === 'TaskStateEntered') {
      owner.set(id, id);
      visits.set(id, { stateName: event.stateEnteredEventDetails?.name ?? '', enteredAt: event.timestamp ?? new Date(0), attempts: [] });
      continue;
    }
    const visitId = owner.get(event.previousEventId ?? 0);
    if (visitId === undefined) continue;
    const visit = visits.get(visitId)!;
    if (event.type === 'TaskStateExited' || event.type === 'TaskStateAborted') continue;
    owner.set(id, visitId);
    const current = visit.attempts[visit.attempts.length - 1];
    switch (event.type) {
      case 'TaskScheduled':
      case 'LambdaFunctionScheduled':
        visit.attempts.push({ scheduledAt: event.timestamp ?? new Date(0), endedAt: undefined, outcome: 'unfinished', error: undefined, cause: undefined });
        break;
      case 'TaskSucceeded':
      case 'LambdaFunctionSucceeded':
        if (current) Object.assign(current, { endedAt: event.timestamp, outcome: 'succeeded' });
        break;
      case 'TaskFailed':
      case 'LambdaFunctionFailed': {
        const details = event.taskFailedEventDetails ?? event.lambdaFunctionFailedEventDetails;
        if (current) Object.assign(current, { endedAt: event.timestamp, outcome: 'failed', error: details?.error, cause: details?.cause });
        break;
      }
      case 'TaskTimedOut':
      case 'LambdaFunctionTimedOut': {
        const details = event.taskTimedOutEventDetails ?? event.lambdaFunctionTimedOutEventDetails;
        if (current) Object.assign(current, { endedAt: event.timestamp, outcome: 'timedOut', error: details?.error, cause: details?.cause });
        break;
      }
      default:
        break;
    }
  }
  return [...visits.values()].map((visit) => ({
    stateName: visit.stateName,
    enteredAt: visit.enteredAt,
    attempts: visit.attempts,
    waitsSeconds: visit.attempts.slice(1).map((attempt, i) => {
      const previousEnd = visit.attempts[i]!.endedAt ?? visit.attempts[i]!.scheduledAt;
      return (attempt.scheduledAt.getTime() - previousEnd.getTime()) / 1000;
    }),
  }));
}

/** Error names of every failed or timed-out Task attempt, in history order (handy in tests). */
export function listTaskErrors(history: readonly HistoryEvent[]): string[] {
  return history.flatMap((event) => {
    if (event.type === 'TaskFailed') return [event.taskFailedEventDetails?.error ?? ''];
    if (event.type === 'TaskTimedOut') return [event.taskTimedOutEventDetails?.error ?? ''];
    if (event.type === 'LambdaFunctionFailed') return [event.lambdaFunctionFailedEventDetails?.error ?? ''];
    if (event.type === 'LambdaFunctionTimedOut') return [event.lambdaFunctionTimedOutEventDetails?.error ?? ''];
    return [];
  });
}
