import type { HistoryEvent } from '@aws-sdk/client-sfn';
import type { ExecutionSource } from '../../runner/index.js';
import { isTaskAttemptEnd, readChildExecutionArn, readExecutionName, readStateMachineArn } from './read-child-execution.js';

/** A child execution met in a parent's history (a split job's part). */
export interface FollowedChild {
  readonly executionArn: string;
  readonly parentExecutionArn: string;
  /** The parent's Task state that started it (`start-part1`, ...). */
  readonly stateName: string;
}

export interface ExecutionTreeOptions {
  readonly executionArn: string;
  /** Every history event of an execution so far, oldest first. */
  readonly fetchHistory: (executionArn: string) => Promise<readonly HistoryEvent[]>;
  /** Each new event once, in an order where a child's events sit between its parent Task's start and end. */
  readonly onEvent: (event: HistoryEvent, source: ExecutionSource) => void;
  /** Called once per child, when its parent's history first names it. */
  readonly onChild: (child: FollowedChild) => void;
}

/** Follows an execution and the executions its startExecution.sync Tasks start, poll by poll. */
export interface ExecutionTreeFollower {
  /** Reads the new events of the execution and of its running children. */
  poll(): Promise<void>;
}

interface Followed {
  readonly source: ExecutionSource;
  lastId: number;
  /** Task state name by event id (TaskStateEntered and the Task events chained to it). */
  readonly stateOfEvent: Map<number, string>;
  /** Children started and not yet ended, by execution ARN. */
  readonly running: Map<string, Followed>;
}

export function createExecutionTreeFollower(options: ExecutionTreeOptions): ExecutionTreeFollower {
  const known = new Set<string>([options.executionArn]);
  const root = createFollowed({
    executionArn: options.executionArn,
    name: readExecutionName(options.executionArn),
    stateMachineArn: readStateMachineArn(options.executionArn),
    depth: 0,
  });

  const readNewEvents = async (followed: Followed): Promise<void> => {
    for (const event of await options.fetchHistory(followed.source.executionArn)) {
      if ((event.id ?? 0) <= followed.lastId) continue;
      followed.lastId = event.id ?? followed.lastId;
      await handleEvent(followed, event);
    }
    for (const child of [...followed.running.values()]) await readNewEvents(child);
  };

  const handleEvent = async (followed: Followed, event: HistoryEvent): Promise<void> => {
    const stateName = trackStateName(followed, event);
    const childArn = readChildExecutionArn(event);
    if (childArn !== undefined && !known.has(childArn)) {
      known.add(childArn);
      const child = createFollowed({
        executionArn: childArn,
        name: readExecutionName(childArn),
        stateMachineArn: readStateMachineArn(childArn),
        parentExecutionArn: followed.source.executionArn,
        depth: followed.source.depth + 1,
      });
      followed.running.set(childArn, child);
      options.onChild({ executionArn: childArn, parentExecutionArn: followed.source.executionArn, stateName: stateName ?? '' });
    }
    // The Task ends after its child: the child's remaining events come first.
    const ended = childArn === undefined || !isTaskAttemptEnd(event) ? undefined : followed.running.get(childArn);
    if (ended !== undefined) {
      await readNewEvents(ended);
      followed.running.delete(childArn!);
    }
    options.onEvent(event, followed.source);
  };

  return { poll: () => readNewEvents(root) };
}

function createFollowed(source: ExecutionSource): Followed {
  return { source, lastId: 0, stateOfEvent: new Map(), running: new Map() };
}

/** The Task state an event belongs to, tied through previousEventId; remembered for later events. */
function trackStateName(followed: Followed, event: HistoryEvent): string | undefined {
  const id = event.id ?? 0;
  if (event.type === 'TaskStateEntered') {
    const name = event.stateEnteredEventDetails?.name ?? '';
    followed.stateOfEvent.set(id, name);
    return name;
  }
  if (event.type?.startsWith('Task') !== true) return undefined;
  const name = followed.stateOfEvent.get(event.previousEventId ?? -1);
  if (name !== undefined) followed.stateOfEvent.set(id, name);
  return name;
}
