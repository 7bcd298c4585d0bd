import { OUTCOME_MARKER_KEY, isOpOutcomeMarker, listFailedUpstream, type OpOutcomeMarker } from '../job/wire-protocol.js';

/**
 * The 'skipped' marker an op returns instead of running when input envelopes are failure or
 * skip markers (wire-protocol.ts): failedUpstream is the union of the markers' failed ops, in
 * input order, each op once. Undefined when no input is a marker.
 */
export function buildSkippedMarker(opName: string, inputs: readonly unknown[]): OpOutcomeMarker | undefined {
  let failedUpstream: string[] | undefined;
  for (const input of inputs) {
    if (!isOpOutcomeMarker(input)) continue;
    failedUpstream ??= [];
    for (const name of listFailedUpstream(input)) {
      if (!failedUpstream.includes(name)) failedUpstream.push(name);
    }
  }
  if (failedUpstream === undefined) return undefined;
  return { [OUTCOME_MARKER_KEY]: 'skipped', op: opName, failedUpstream };
}
