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
  /** Per execution (by ARN; '' for the only one): merged id and Task state visit of each of its event ids. */
  const executions = new Map<string, { readonly ids: number[]; readonly visits: (number | undefined)[] }>();
  /** Visits (merged ids of their TaskStateEntered) of the startExecution Tasks. */
  const startVisits = new Set<number>();
  const merged: { event: HistoryEvent; visit: number | undefined }[] = [];
  let nextId = 1;

  return {
    add(event, source) {
      const arn = source?.executionArn ?? '';
      let execution = executions.get(arn);
      if (execution === undefined) {
        execution = { ids: [], visits: [] };
        executions.set(arn, execution);
      }
      const ownId = event.id ?? 0;
      const previousId = event.previousEventId ?? 0;
      const id = nextId++;
      execution.ids[ownId] = id;
      const type = event.type ?? '';
      let visit: number | undefined;
      if (type === 'TaskStateEntered') {
        visit = id;
      } else if (type.startsWith('Task')) {
        visit = execution.visits[previousId];
        if (visit !== undefined && type === 'TaskScheduled' && event.taskScheduledEventDetails?.resourceType === 'states') startVisits.add(visit);
      }
      if (visit !== undefined) execution.visits[ownId] = visit;
      const isChild = source !== undefined && source.depth > 0;
      if (isChild && type.startsWith('Execution')) return undefined;
      const previousEventId = execution.ids[previousId] ?? 0;
      // While the numbering is the execution's own (no child has reported yet), the event stands as
      // it is; a copy is made only where an id changes (a split 1,000-op run: 5,255 copies of its
      // 6,097 events, 4.5-19 ms in all on Node 20).
      const renumbered: HistoryEvent = id === ownId && previousEventId === previousId && event.previousEventId !== undefined ? event : { ...event, id, previousEventId };
      merged.push({ event: renumbered, visit });
      if (visit !== undefined && startVisits.has(visit) && type !== 'TaskStateEntered') return undefined;
      return renumbered;
    },
    history() {
      return merged.filter(({ visit }) => visit === undefined || !startVisits.has(visit)).map(({ event }) => event);
    },
  };
}
