/** Test helper: Task handlers that stand in for the Lambda wrapper in compiled-job tests. */
import { OUTCOME_MARKER_KEY, isOpOutcomeMarker, type OpPayload } from '../../lib/index.js';
import type { TaskHandler } from '../../lib/runner/index.js';

/** The error ops named in `failing` throw. */
export class BoomError extends Error {
  constructor() {
    super('boom');
    this.name = 'BoomError';
  }
}

/**
 * Task handlers that emulate the wrapper for ops that return { op, from: [input ops] }: a
 * marker among the inputs gives a 'skipped' marker; ops in `failing` throw BoomError. Each
 * payload is recorded in `calls` by op name.
 */
export function emulateWrapper(names: readonly string[], failing: ReadonlySet<string>, calls: Map<string, OpPayload>): Record<string, TaskHandler> {
  return Object.fromEntries(
    names.map((name) => [
      name,
      (args: unknown) => {
        const payload = (args as { Payload: OpPayload }).Payload;
        calls.set(payload.op, payload);
        const failed = payload.inputs.filter(isOpOutcomeMarker).flatMap((marker) => marker.failedUpstream);
        if (failed.length > 0) return { Payload: { [OUTCOME_MARKER_KEY]: 'skipped', op: payload.op, failedUpstream: [...new Set(failed)] } };
        if (failing.has(payload.op)) throw new BoomError();
        return { Payload: { op: payload.op, from: payload.inputs.map((input) => (input as { op: string }).op) } };
      },
    ]),
  );
}
