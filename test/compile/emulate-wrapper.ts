/** Test helper: Task handlers that stand in for the Lambda wrapper in compiled-job tests. */
import { OUTCOME_MARKER_KEY, isOpOutcomeMarker, type OpPayload } from '../../lib/job/index.js';
import { listFailedUpstream } from '../../lib/job/wire-protocol.js';
import type { TaskHandler } from '../../lib/runner/index.js';

/** The error ops named in `failing` throw. */
export class BoomError extends Error {
  constructor() {
    super('boom');
    this.name = 'BoomError';
  }
}

/**
 * Task handlers that emulate the wrapper for ops that return { op, from: [input ops] }, in
 * the wrapper's envelope `{ v }`: a marker among the input envelopes gives a 'skipped' marker;
 * ops in `failing` throw BoomError. Each payload is recorded in `calls` by op name, its inputs
 * unwrapped (the values, or the markers).
 */
export function emulateWrapper(names: readonly string[], failing: ReadonlySet<string>, calls: Map<string, OpPayload>): Record<string, TaskHandler> {
  return Object.fromEntries(
    names.map((name) => [
      name,
      (args: unknown) => {
        const payload = (args as { Payload: OpPayload }).Payload;
        const inputs = payload.inputs.map((input) => (isOpOutcomeMarker(input) ? input : (input as { v: unknown }).v));
        calls.set(payload.state.Name, { ...payload, inputs });
        const failed = payload.inputs.filter(isOpOutcomeMarker).flatMap((marker) => listFailedUpstream(marker));
        if (failed.length > 0) return { Payload: { [OUTCOME_MARKER_KEY]: 'skipped', op: payload.state.Name, failedUpstream: [...new Set(failed)] } };
        if (failing.has(payload.state.Name)) throw new BoomError();
        return { Payload: { v: { op: payload.state.Name, from: inputs.map((input) => (input as { op: string }).op) } } };
      },
    ]),
  );
}
