/**
 * Task handlers that answer as a recorded run's wrapper answered: for the interpreter-alone
 * row, runStateMachine on a compiled job's definitions without the wrapper and the ops (the
 * issue's "interpreter": runStateMachine on the compiled definition, its own parsing included),
 * as the baseline runs with stub handlers. The answers are read from the histories of a
 * runJobLocally run of the same job: each wrapper Task's attempts in order, its result (the
 * TaskSucceeded output, parsed) or its failure (TaskFailed error and cause, given back exactly
 * through `stepFunctionsCause`). Replayed, the run takes the same path: the same events.
 */
import type { HistoryEvent } from '@aws-sdk/client-sfn';
import type { TaskHandler } from './stepops.js';

/** One recorded answer of a wrapper Task attempt. */
type RecordedAnswer = { readonly result: unknown } | { readonly error: string; readonly cause: string };

/** Each wrapper Task's answers, attempt by attempt, by state name (state names are unique across a split job's definitions). */
export type RecordedAnswers = ReadonlyMap<string, readonly RecordedAnswer[]>;

/**
 * The answers of the Tasks that called the wrapper (`resourceType` lambda) in `histories` (a
 * run's and its child executions'), each Task event tied to its TaskStateEntered through the
 * previousEventId chain (Parallel branches interleave).
 */
export function recordWrapperAnswers(histories: readonly (readonly HistoryEvent[])[]): RecordedAnswers {
  const answers = new Map<string, RecordedAnswer[]>();
  for (const history of histories) {
    const stateOf = new Map<number, string>();
    for (const event of history) {
      const id = event.id ?? 0;
      if (event.type === 'TaskStateEntered') {
        stateOf.set(id, event.stateEnteredEventDetails?.name ?? '');
        continue;
      }
      const state = stateOf.get(event.previousEventId ?? 0);
      if (state === undefined || event.type === 'TaskStateExited' || event.type === 'TaskStateAborted') continue;
      stateOf.set(id, state);
      if (event.type === 'TaskScheduled' && event.taskScheduledEventDetails?.resourceType !== 'lambda') stateOf.delete(id);
      const list = answers.get(state) ?? [];
      if (event.type === 'TaskSucceeded') list.push({ result: JSON.parse(event.taskSucceededEventDetails?.output ?? 'null') as unknown });
      else if (event.type === 'TaskFailed') list.push({ error: event.taskFailedEventDetails?.error ?? '', cause: event.taskFailedEventDetails?.cause ?? '' });
      else continue;
      answers.set(state, list);
    }
  }
  return answers;
}

/** Handlers replaying `answers` from the first attempt of each Task; `calls` counts the attempts answered. */
export function createReplayHandlers(answers: RecordedAnswers, calls: { calls: number }): Record<string, TaskHandler> {
  const handlers: Record<string, TaskHandler> = {};
  for (const [state, list] of answers) {
    let next = 0;
    handlers[state] = () => {
      const answer = list[next++];
      calls.calls += 1;
      if (answer === undefined) throw new Error(`replay: state ${state} was attempted more often than recorded (${list.length})`);
      if ('result' in answer) return answer.result;
      // The runner takes the Cause as given (toTaskFailure) and the error name from `name`.
      throw Object.assign(new Error(answer.error), { name: answer.error, stepFunctionsCause: answer.cause });
    };
  }
  return handlers;
}

/**
 * Each history's events counted by type, as one text (histories in order, types sorted): two
 * runs that take the same path give the same text, however their Parallel branches interleave.
 */
export function countEventTypes(histories: readonly (readonly HistoryEvent[])[]): string {
  return histories
    .map((history) => {
      const counts = new Map<string, number>();
      for (const event of history) counts.set(event.type ?? '', (counts.get(event.type ?? '') ?? 0) + 1);
      return JSON.stringify([...counts].sort());
    })
    .join(';');
}

/** How many attempts `answers` holds. */
export function countRecordedAnswers(answers: RecordedAnswers): number {
  let count = 0;
  for (const list of answers.values()) count += list.length;
  return count;
}
