import { OUTCOME_MARKER_KEY, isOpOutcomeMarker, type OpOutcomeMarker } from '../job/wire-protocol.js';

/**
 * The 'skipped' marker an op returns instead of running when inputs are failure or skip
 * markers (wire-protocol.ts): failedUpstream is the union of the markers' failedUpstream, in
 * input order, each op once. Undefined when no input is a marker.
 */
export function buildSkippedMarker(opName: string, inputs: readonly unknown[]): OpOutcomeMarker | undefined {
  let failedUpstream: string[] | undefined;
  for (const input of inputs) {
    if (!isOpOutcomeMarker(input)) continue;
    failedUpstream ??= [];
    for (const name of readFailedUpstream(input)) {
      if (!failedUpstream.includes(name)) failedUpstream.push(name);
    }
  }
  if (failedUpstream === undefined) return undefined;
  return { [OUTCOME_MARKER_KEY]: 'skipped', op: opName, failedUpstream };
}

/** A marker's failedUpstream; for a malformed one, the marker's own op when it names one. */
function readFailedUpstream(marker: OpOutcomeMarker): readonly string[] {
  const listed: unknown = marker.failedUpstream;
  if (Array.isArray(listed)) return listed.filter((name): name is string => typeof name === 'string');
  return typeof marker.op === 'string' ? [marker.op] : [];
}
