import type { HistoryEvent } from '@aws-sdk/client-sfn';
import { OUTCOME_MARKER_KEY, REUSED_CONFIG_KEY, isOpOutcomeMarker, readReusedOutput } from '../../job/index.js';

/** What a TaskScheduled event says about the op attempt it starts, read from its recorded Arguments. */
export interface ScheduledOpAttempt {
  /** An input holds a failure or skip marker: the wrapper skips the op without running its code. */
  readonly skipped: boolean;
  /** A re-execution reuses the op's output from this parent run: the op's code does not run. */
  readonly reusedFrom?: string;
}

/** The keys a skipped or reused attempt's payload holds, as JSON writes them. */
const MARKER_KEY_TEXT = JSON.stringify(OUTCOME_MARKER_KEY);
const REUSED_KEY_TEXT = JSON.stringify(REUSED_CONFIG_KEY);

/**
 * Whether JSON text (an op's inputs or output, up to 256 KiB) may hold an outcome marker: only
 * text naming the marker's key can (JSON.stringify and AWS write keys unescaped), so other text
 * need not be parsed to look for one.
 */
export function mayHoldOutcomeMarker(json: string): boolean {
  return json.includes(MARKER_KEY_TEXT);
}

/**
 * Reads the OpPayload (`{ FunctionName, Payload }`) a compiled Task recorded in its
 * TaskScheduled `parameters`, the same locally and on AWS. Anything else (another Task, text
 * that is not JSON) reads as an ordinary attempt.
 */
export function readScheduledOpAttempt(event: HistoryEvent): ScheduledOpAttempt {
  const parameters = event.taskScheduledEventDetails?.parameters;
  // The parameters hold the op's inputs and are read for every attempt: most name neither key
  // and need no parsing.
  if (parameters === undefined || (!mayHoldOutcomeMarker(parameters) && !parameters.includes(REUSED_KEY_TEXT))) return { skipped: false };
  const fields = readPayload(parameters);
  const reused = readReusedOutput(fields?.config);
  if (reused !== undefined) return { skipped: false, reusedFrom: reused.parent };
  const inputs = fields?.inputs;
  return { skipped: Array.isArray(inputs) && inputs.some(isOpOutcomeMarker) };
}

/** The payload's run id (the execution name the ops see as ctx.runId), read from a TaskScheduled event as above. */
export function readScheduledRunId(event: HistoryEvent): string | undefined {
  const parameters = event.taskScheduledEventDetails?.parameters;
  if (parameters === undefined) return undefined;
  const runId = readPayload(parameters)?.runId;
  return typeof runId === 'string' ? runId : undefined;
}

function readPayload(parameters: string): { inputs?: unknown; config?: unknown; runId?: unknown } | null | undefined {
  try {
    return (JSON.parse(parameters) as { Payload?: { inputs?: unknown; config?: unknown; runId?: unknown } | null } | null)?.Payload;
  } catch {
    return undefined;
  }
}
