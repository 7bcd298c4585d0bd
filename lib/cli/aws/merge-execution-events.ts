import type { HistoryEvent } from '@aws-sdk/client-sfn';
import type { ExecutionSource } from '../../runner/index.js';

/**
 * Folds the event streams of an execution and of the child executions it starts (a split
 * job's parts) into one stream, as if one execution had run every op:
 * - ids are renumbered in arrival order into one space (each execution numbers its own from 1),
 *   previousEventId following;
 * - the children's Execution* events are left out (the parent's start and end stand);
 * - the parent's startExecution Tasks (resourceType 'states') are left out: they are not ops.
 * With no children and no startExecution Task, events keep their ids and nothing is left out.
 */
export interface ExecutionEventMerger {
  /** The event renumbered for the merged stream, or undefined when the merged stream leaves it out. */
  add(event: HistoryEvent, source?: ExecutionSource): HistoryEvent | undefined;
  /** The merged history so far (for summarizeExecution), without the startExecution Tasks' state events. */
  history(): HistoryEvent[];
}

export function createExecutionEventMerger(): ExecutionEventMerger {
  const ids = new Map<string, number>();
  /** Task state visit (key of its TaskStateEntered) of each Task* event, by event key. */
  const visitOf = new Map<string, string>();
  const startVisits = new Set<string>();
  const merged: { event: HistoryEvent; visit: string | undefined }[] = [];
  let nextId = 1;

  return {
    add(event, source) {
      const execution = source?.executionArn ?? '';
      const key = `${execution}#${event.id ?? 0}`;
      const previousKey = `${execution}#${event.previousEventId ?? 0}`;
      const id = nextId++;
      ids.set(key, id);
      const type = event.type ?? '';
      let visit: string | undefined;
      if (type === 'TaskStateEntered') {
        visit = key;
      } else if (type.startsWith('Task')) {
        visit = visitOf.get(previousKey);
        if (visit !== undefined && type === 'TaskScheduled' && event.taskScheduledEventDetails?.resourceType === 'states') startVisits.add(visit);
      }
      if (visit !== undefined) visitOf.set(key, visit);
      const isChild = source !== undefined && source.depth > 0;
      if (isChild && type.startsWith('Execution')) return undefined;
      const renumbered: HistoryEvent = { ...event, id, previousEventId: ids.get(previousKey) ?? 0 };
      merged.push({ event: renumbered, visit });
      if (visit !== undefined && startVisits.has(visit) && type !== 'TaskStateEntered') return undefined;
      return renumbered;
    },
    history() {
      return merged.filter(({ visit }) => visit === undefined || !startVisits.has(visit)).map(({ event }) => event);
    },
  };
}
