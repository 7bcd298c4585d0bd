import { MAX_FAILED_UPSTREAM, OUTCOME_MARKER_KEY, isOpOutcomeMarker, listFailedUpstream, type OpOutcomeMarker } from '../job/wire-protocol.js';

/**
 * The 'skipped' marker an op returns instead of running when input envelopes are failure or
 * skip markers (wire-protocol.ts): failedUpstream is the union of the markers' failed ops, in
 * input order, each op once, at most MAX_FAILED_UPSTREAM of them, so that a marker stays small
 * however many ops failed upstream (payload-budget.ts counts a marker as MARKER_FIXED_BYTES);
 * `omittedFailedUpstream` counts the rest (the names left out here plus those the inputs had
 * already left out: an op two inputs both left out counts twice, so it is an upper bound then).
 * Undefined when no input is a marker.
 */
export function buildSkippedMarker(opName: string, inputs: readonly unknown[]): OpOutcomeMarker | undefined {
  let failedUpstream: string[] | undefined;
  let omitted = 0;
  for (const input of inputs) {
    if (!isOpOutcomeMarker(input)) continue;
    failedUpstream ??= [];
    const inherited = input.omittedFailedUpstream;
    if (typeof inherited === 'number' && Number.isInteger(inherited) && inherited > 0) omitted += inherited;
    for (const name of listFailedUpstream(input)) {
      if (failedUpstream.includes(name)) continue;
      if (failedUpstream.length < MAX_FAILED_UPSTREAM) failedUpstream.push(name);
      else omitted += 1;
    }
  }
  if (failedUpstream === undefined) return undefined;
  return { [OUTCOME_MARKER_KEY]: 'skipped', op: opName, failedUpstream, ...(omitted > 0 ? { omittedFailedUpstream: omitted } : {}) };
}
