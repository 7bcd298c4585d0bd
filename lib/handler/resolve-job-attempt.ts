import { DefinitionError, describeValue } from '../errors.js';
import { computeJobFingerprint } from '../job/job-fingerprint.js';
import { isJobDefinition, type JobDefinition } from '../job/job.js';
import { resolveRetryPolicy } from '../job/resolve-retry-policy.js';
import { PROTOCOL_VERSION, isOpOutcomeMarker, isOpValueEnvelope, isOpStoredEnvelope, INLINE_THRESHOLD_BYTES, readPayloadRetryNumber } from '../job/wire-protocol.js';
import type { LambdaContextLike } from './handler-types.js';
import type { OpAttempt, OpAttemptFault } from './op-attempt.js';
import { readFaultMessage } from './decide-fault.js';
import { createProtocolError, isJsonObject, isRetryNumber, previewValue } from './protocol-error.js';
import { RETRY_MODES, isRetryMode } from './retry-mode.js';

/** A job handler's payload resolver, with the job's fingerprint it checks payloads against. */
export interface JobAttemptResolver {
  /** computeJobFingerprint(job): the plan hash every payload must carry (coordination requests too). */
  readonly planHash: string;
  readonly resolve: (event: unknown, context?: LambdaContextLike) => OpAttempt;
}

/**
 * The payload resolver of a job handler: checks `job` once (a DefinitionError at module load
 * when it is not a job made by job()) and computes its fingerprint once, then resolves each
 * event with resolveJobAttempt.
 */
export function createJobAttemptResolver(job: JobDefinition): JobAttemptResolver {
  if (!isJobDefinition(job)) {
    throw new DefinitionError(`jobHandler needs a job made by job({ name }, body), got ${describeValue(job)}; pass the job your state machine was compiled from`);
  }
  let planHash = fingerprints.get(job);
  if (planHash === undefined) {
    planHash = computeJobFingerprint(job);
    fingerprints.set(job, planHash);
  }
  const hash = planHash;
  return { planHash: hash, resolve: (event, context) => resolveJobAttempt(job, hash, event, context) };
}

/** computeJobFingerprint of each job a resolver was made for: a job (frozen, as are its invocations and policies) has one, so each local run of it does not hash it again. */
const fingerprints = new WeakMap<JobDefinition, string>();

/**
 * Validates an event as an OpPayload (wire-protocol.ts) for `job`, whose fingerprint is
 * `planHash`, and resolves the attempt it asks for. Anything wrong (not an object, a missing or
 * ill-typed field, another protocol version, another job, a plan hash from another build, an
 * unknown op, the wrong number of inputs) throws a PROTOCOL_ERROR that says what is wrong and
 * what to do; the op never runs. Fields the protocol does not define are ignored.
 */
export function resolveJobAttempt(job: JobDefinition, planHash: string, event: unknown, context?: LambdaContextLike): OpAttempt {
  const advice =
    `this function serves job "${job.name}" (plan ${planHash}, protocol ${PROTOCOL_VERSION}): invoke it only from that job's state machine, ` +
    'and deploy the state machine and the function together (one cdk deploy) so both come from the same build';
  if (!isJsonObject(event)) {
    throw createProtocolError(
      `the event is not a stepops op payload: expected an object with protocol, job, runId, state, retryMode, inputs and planHash, got ${previewValue(event)}`,
      advice,
    );
  }
  const state = isJsonObject(event.state) ? event.state : undefined;
  const base = event.n ?? 0;
  const facts = { op: state?.Name, retryNumber: isRetryNumber(base) && isRetryNumber(state?.RetryCount) ? base + state.RetryCount : undefined };
  if (event.protocol !== PROTOCOL_VERSION) {
    rejectPayload(advice, facts, `payload.protocol is ${previewValue(event.protocol)} but this handler speaks stepops protocol ${PROTOCOL_VERSION}`);
  }
  if (event.job !== job.name) rejectPayload(advice, facts, `payload.job is ${previewValue(event.job)} but this handler serves job "${job.name}"`);
  if (event.planHash !== planHash) {
    rejectPayload(
      advice,
      facts,
      `payload.planHash is ${previewValue(event.planHash)} but this handler's job "${job.name}" has plan ${planHash}: the state machine and the function come from different builds`,
    );
  }
  if (state === undefined || typeof state.Name !== 'string') {
    rejectPayload(
      advice,
      facts,
      `payload.state must be the op Task's $states.context.State, whose Name is an op invocation of job "${job.name}", got ${previewValue(event.state)}`,
    );
  }
  const opName = state.Name;
  const invocation = job.getInvocation(opName);
  if (invocation === undefined) {
    return rejectPayload(
      advice,
      facts,
      `payload.state.Name ${previewValue(opName)} is not an op invocation of job "${job.name}" (its invocations: ${job.invocations.map((known) => known.name).join(', ')})`,
    );
  }
  if (typeof event.runId !== 'string' || event.runId.length === 0)
    rejectPayload(advice, facts, `payload.runId must be the execution name (a non-empty string), got ${previewValue(event.runId)}`);
  if (!isRetryNumber(state.RetryCount)) {
    rejectPayload(advice, facts, `payload.state.RetryCount must be an integer >= 0 (the retries of this Task visit), got ${previewValue(state.RetryCount)}`);
  }
  if (!isRetryNumber(base)) {
    rejectPayload(advice, facts, `payload.n must be an integer >= 0 (the retry number the Task was re-entered with; absent on a first entry), got ${previewValue(event.n)}`);
  }
  const retryNumber = readPayloadRetryNumber({ state: { Name: opName, RetryCount: state.RetryCount }, n: base });
  if (!isRetryMode(event.retryMode)) rejectPayload(advice, facts, `payload.retryMode must be one of ${RETRY_MODES.join(', ')}, got ${previewValue(event.retryMode)}`);
  const inputs = event.inputs;
  // The data inputs in parameter order, then one envelope per `.after` op (its marker, or { v: null }).
  const producers = invocation.after.length === 0 ? invocation.inputs : invocation.inputs.concat(invocation.after);
  if (!Array.isArray(inputs) || inputs.length !== producers.length) {
    const described =
      producers.length === 0
        ? 'none'
        : `the outputs of ${invocation.inputs.join(', ') || 'none'}${invocation.after.length === 0 ? '' : `, then the outcomes of ${invocation.after.join(', ')} (after)`}`;
    rejectPayload(advice, facts, `payload.inputs must be an array of ${producers.length} value(s) for op "${opName}" (${described}), got ${previewValue(inputs)}`);
  }
  const misshapen = inputs.findIndex((input) => !isOpValueEnvelope(input) && !isOpStoredEnvelope(input) && !isOpOutcomeMarker(input));
  if (misshapen >= 0) {
    rejectPayload(
      advice,
      facts,
      `payload.inputs[${misshapen}] must be an envelope ({ v: value }, a stored value { s, b } or an outcome marker { o, op }) from op "${producers[misshapen]}", got ${previewValue(inputs[misshapen])}`,
    );
  }
  const inlineBytes = event.inlineBytes ?? INLINE_THRESHOLD_BYTES;
  if (typeof inlineBytes !== 'number' || !Number.isInteger(inlineBytes) || inlineBytes < 0) {
    rejectPayload(advice, facts, `payload.inlineBytes must be an integer >= 0 (the largest output kept inline, in bytes), got ${previewValue(event.inlineBytes)}`);
  }
  const fault = readFault(event.fault, retryNumber, advice, facts);
  return {
    op: invocation.op,
    opName,
    jobName: job.name,
    runId: event.runId,
    retryNumber,
    retryMode: event.retryMode,
    policy: resolveRetryPolicy(job, invocation).policy,
    inputs,
    inputOps: invocation.inputs,
    envelopes: true,
    inlineBytes,
    config: event.config,
    ...(context?.awsRequestId === undefined ? {} : { requestId: context.awsRequestId }),
    ...(fault === undefined ? {} : { fault }),
    ...(context?.getRemainingTimeInMillis === undefined ? {} : { getRemainingTimeInMillis: () => context.getRemainingTimeInMillis!() }),
    ...(context?.armDeadlineTimer === undefined ? {} : { armDeadlineTimer: context.armDeadlineTimer }),
  };
}

/**
 * payload.fault (lib/asl/compile-faults.ts): `{ Error, Cause, r }`, the error output of a
 * timeout or crash of the attempt with retry number r. It concerns this invocation only when r
 * is its retry number; a later retry of the same Task visit carries it on and runs the op.
 */
function readFault(fault: unknown, retryNumber: number, advice: string, facts: ProtocolFacts): OpAttemptFault | undefined {
  if (fault === undefined || fault === null) return undefined;
  if (!isJsonObject(fault) || typeof fault.Error !== 'string' || !isRetryNumber(fault.r)) {
    rejectPayload(advice, facts, `payload.fault must be a caught timeout or crash { Error, Cause, r }, got ${previewValue(fault)}`);
  }
  if (fault.r !== retryNumber) return undefined;
  return { name: fault.Error, message: readFaultMessage(fault.Cause) };
}

type ProtocolFacts = Parameters<typeof createProtocolError>[2];

/** Rejects a payload: a PROTOCOL_ERROR saying what is wrong (`problem`) and what to do (`advice`). */
function rejectPayload(advice: string, facts: ProtocolFacts, problem: string): never {
  throw createProtocolError(problem, advice, facts);
}
