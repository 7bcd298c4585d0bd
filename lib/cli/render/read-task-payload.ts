import type { HistoryEvent } from '@aws-sdk/client-sfn';
import { isOpOutcomeMarker, readReusedOutput } from '../../job/index.js';

/** What a TaskScheduled event says about the op attempt it starts, read from its recorded Arguments. */
export interface ScheduledOpAttempt {
  /** An input holds a failure or skip marker: the wrapper skips the op without running its code. */
  readonly skipped: boolean;
  /** A re-execution reuses the op's output from this parent run: the op's code does not run. */
  readonly reusedFrom?: string;
  /** The payload's run id (the execution name the ops see as ctx.runId). */
  readonly runId?: string;
}

/**
 * Reads the OpPayload (`{ FunctionName, Payload }`) a compiled Task recorded in its
 * TaskScheduled `parameters`, the same locally and on AWS. Anything else (another Task, text
 * that is not JSON) reads as an ordinary attempt.
 */
export function readScheduledOpAttempt(event: HistoryEvent): ScheduledOpAttempt {
  const parameters = event.taskScheduledEventDetails?.parameters;
  if (parameters === undefined) return { skipped: false };
  let payload: unknown;
  try {
    payload = (JSON.parse(parameters) as { Payload?: unknown } | null)?.Payload;
  } catch {
    return { skipped: false };
  }
  const fields = payload as { inputs?: unknown; config?: unknown; runId?: unknown } | null | undefined;
  const run = typeof fields?.runId === 'string' ? { runId: fields.runId } : {};
  const reused = readReusedOutput(fields?.config);
  if (reused !== undefined) return { skipped: false, reusedFrom: reused.parent, ...run };
  const inputs = fields?.inputs;
  return { skipped: Array.isArray(inputs) && inputs.some(isOpOutcomeMarker), ...run };
}
