import type { HistoryEventType } from '@aws-sdk/client-sfn';
import { CancelScope } from '../clock/cancel-scope.js';
import { runConcurrently } from '../clock/concurrency.js';
import { recordEvent, type Scope } from '../run-context.js';
import { StatesError } from './states-error.js';

/**
 * Runs a Parallel's branches or a Map's iterations concurrently (at most `maxConcurrency` at a
 * time; 0 or undefined: no limit) under one cancel scope: the first failure cancels the rest.
 * Records `succeeded` when all finish, `failed` (when given) when one fails with a States error.
 */
export async function runBranches<T>(
  scope: Scope,
  events: { readonly succeeded: HistoryEventType; readonly failed: HistoryEventType | undefined },
  buildJobs: (cancel: CancelScope) => readonly (() => Promise<T>)[],
  maxConcurrency?: number,
): Promise<T[]> {
  const cancel = new CancelScope(scope.cancel);
  try {
    const results = await runConcurrently([...buildJobs(cancel)], cancel, maxConcurrency);
    recordEvent(scope, events.succeeded);
    return results;
  } catch (error) {
    if (error instanceof StatesError && events.failed !== undefined) recordEvent(scope, events.failed);
    throw error;
  } finally {
    cancel.dispose();
  }
}
