import { COORDINATE_AWAIT, COORDINATE_RELEASE } from '../job/coordination-protocol.js';
import { LAMBDA_INVOKE_CALLBACK_RESOURCE, LAMBDA_INVOKE_RESOURCE } from './asl-constants.js';
import type { AslState, AslTaskState, JsonValue } from './asl-types.js';
import { buildPlatformRetrier } from './compile-retriers.js';
import { box, buildFailedMarker, expression, unbox, variable } from './jsonata-expressions.js';
import { buildHelperStateName, RUN_VARIABLES } from './state-names.js';

/**
 * The states of `concurrency: 'exact'` around the op Tasks (see decompose-exact.ts):
 * - `<consumer>-await-<producer index>`: a `lambda:invoke.waitForTaskToken` Task before the
 *   consumer's Task, in its branch. The wrapper registers the task token for the producer's
 *   outcome in the coordination store, or sends it at once when the producer is done. The
 *   result (the producer's envelope: value, stored reference or outcome marker) is assigned
 *   boxed to the await variable the consumer reads. TimeoutSeconds bounds the wait by the
 *   producer's worst case; a wait that ends without the envelope (timeout, or the wrapper
 *   failing for good) assigns a 'failed' marker for the producer, so the consumer is skipped
 *   as for a failed input.
 * - `<producer>-release`: a `lambda:invoke` Task after the producer's Task (on both its success
 *   and its failure path), whose wrapper records the producer's envelope and sends it to every
 *   registered token. Its own failure (after the platform retries) is caught and the branch
 *   goes on: the waits then end by their timeouts.
 */

/** The variable an await state assigns the producer's envelope (boxed) to, in a scope at `depth`. */
export function buildAwaitVariableName(producer: number, depth: number): string {
  return depth === 0 ? `w${producer}` : `w${producer}_${depth}`;
}

export function buildAwaitStateName(consumerName: string, consumerIndex: number, producer: number): string {
  return buildHelperStateName(consumerName, consumerIndex, `await-${producer}`);
}

export function buildReleaseStateName(producerName: string, producerIndex: number): string {
  return buildHelperStateName(producerName, producerIndex, 'release');
}

export function buildReleaseFailedStateName(producerName: string, producerIndex: number): string {
  return buildHelperStateName(producerName, producerIndex, 'release-failed');
}

/** The coordination fields every coordination Payload carries: protocol, job, run id and plan hash, from the run's payload template. */
function buildCoordinationPayload(fields: readonly string[]): string {
  const p = variable(RUN_VARIABLES.payload);
  return `{'protocol':${p}.protocol,'job':${p}.job,'runId':${p}.runId,'planHash':${p}.planHash,${fields.join(',')}}`;
}

export function buildAwaitState(spec: {
  readonly producerName: string;
  readonly consumerName: string;
  readonly variableName: string;
  readonly timeoutSeconds: number;
  readonly next: string;
}): AslTaskState {
  const payload = buildCoordinationPayload([
    `'coordinate':'${COORDINATE_AWAIT}'`,
    `'op':'${spec.producerName}'`,
    `'consumer':'${spec.consumerName}'`,
    `'token':$states.context.Task.Token`,
  ]);
  return {
    Type: 'Task',
    Resource: LAMBDA_INVOKE_CALLBACK_RESOURCE,
    Arguments: { FunctionName: expression(variable(RUN_VARIABLES.functionArn)), Payload: expression(payload) },
    TimeoutSeconds: spec.timeoutSeconds,
    Output: {},
    Assign: { [spec.variableName]: box('$states.result') },
    Retry: [buildPlatformRetrier()],
    Catch: [{ ErrorEquals: ['States.ALL'], Output: {}, Assign: { [spec.variableName]: box(buildFailedMarker(spec.producerName)) }, Next: spec.next }],
    Next: spec.next,
  };
}

/**
 * The release Task of a producer whose envelope is in `boxedVariable`. `exit` is either the
 * next state, or (the producer ends a Parallel branch) the branch's carry, which the release
 * outputs instead, ending the branch (its failure path through a Succeed state).
 */
export function buildReleaseStates(spec: {
  readonly producerName: string;
  readonly producerIndex: number;
  readonly boxedVariable: string;
  readonly exit: { readonly next: string } | { readonly carry: JsonValue };
}): [string, AslState][] {
  const name = buildReleaseStateName(spec.producerName, spec.producerIndex);
  const payload = buildCoordinationPayload([`'coordinate':'${COORDINATE_RELEASE}'`, `'op':'${spec.producerName}'`, `'envelope':${unbox(variable(spec.boxedVariable))}`]);
  const task: AslTaskState = {
    Type: 'Task',
    Resource: LAMBDA_INVOKE_RESOURCE,
    Arguments: { FunctionName: expression(variable(RUN_VARIABLES.functionArn)), Payload: expression(payload) },
    Output: 'carry' in spec.exit ? spec.exit.carry : {},
    Retry: [buildPlatformRetrier()],
    Catch: [],
  };
  if ('next' in spec.exit) {
    return [[name, { ...task, Catch: [{ ErrorEquals: ['States.ALL'], Output: {}, Next: spec.exit.next }], Next: spec.exit.next }]];
  }
  const failed = buildReleaseFailedStateName(spec.producerName, spec.producerIndex);
  return [
    [name, { ...task, Catch: [{ ErrorEquals: ['States.ALL'], Output: spec.exit.carry, Next: failed }], End: true }],
    [failed, { Type: 'Succeed' }],
  ];
}
